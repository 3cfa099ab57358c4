/**
 * Issue 26, the kill requirement for shards: a real `deno run tools/shard.ts`
 * process sent SIGTERM exits within 5 s with 143, its manifest says
 * "interrupted", it leaves no temporary file and no lock, `merge --status`
 * says so, and a rerun completes and merges to the single-process result bit
 * for bit. A "running" manifest whose process is gone reads as interrupted.
 */
import {
  firstDifference,
  mergeShards,
  runShard,
  ShardMissingError,
  shardStatus,
} from "../../tools/sharding.ts";
import { sweep } from "../../tools/sweep.ts";
import type { RunOptions } from "../../tools/sweep.ts";
import { resolveExperiment } from "../../tools/shard_registry.ts";
import { main as mergeMain } from "../../tools/merge.ts";
import { descendants } from "../../tools/processes.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { shardAll, toy, type ToyConfig } from "./toy_fixture.ts";

const SHARD = new URL("../../tools/shard.ts", import.meta.url).pathname;
const FLAGS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-run",
  "--allow-sys",
];

function shardProcess(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...FLAGS, SHARD, ...args],
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

async function readManifest(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return null;
  }
}

Deno.test("SIGTERM to a running shard: exit 143 within 5 s, manifest interrupted, no temp file or lock; a rerun completes and merges bit for bit", async () => {
  const out = await Deno.makeTempDir({ prefix: "shard_kill_" });
  try {
    // The whole of teacher_output at smoke scale in one shard: 30 steps, a few seconds.
    const args = ["teacher_output", "--scale", "smoke", "--shards", "1", "--index", "0"];
    const manifest = `${out}/shard-0-of-1.manifest.json`;
    const child = shardProcess([...args, "--out", out, "--quiet"]);
    let started = false;
    for (let i = 0; i < 600 && !started; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const m = await readManifest(manifest);
      started = m?.status === "running" && (m.unitsDone as number) >= 1;
    }
    assert(started, "the shard started a step");
    const t0 = performance.now();
    Deno.kill(child.pid, "SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const status = await child.status;
    const seconds = (performance.now() - t0) / 1000;
    clearTimeout(timer);
    const stderr = new TextDecoder().decode((await child.output().catch(() => null))?.stderr);
    console.log(`SIGTERM to exit: ${(seconds * 1000).toFixed(0)} ms`);
    assertEquals(status.code, 143, stderr);
    assert(seconds < 5, `exited after ${seconds.toFixed(2)} s`);
    const m = (await readManifest(manifest))!;
    assertEquals(m.status, "interrupted");
    assert((m.unitsDone as number) < 30, "it was stopped before the end");
    const names = Array.from(Deno.readDirSync(out)).map((e) => e.name).sort();
    assertEquals(
      names,
      ["shard-0-of-1.manifest.json", "shard-0-of-1.steps.jsonl"],
      "no temp file, no lock, no results: the manifest and the checkpoint",
    );
    // merge --status says so, and the merge refuses it by name.
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => lines.push(a.join(" "));
    try {
      assertEquals(await mergeMain(["--status", out]), 0);
    } finally {
      console.log = log;
    }
    assert(lines[0].includes("1 interrupted") && !lines[0].includes("s left"), lines.join("\n"));
    assert(lines[1].includes("shard 0: interrupted"), lines.join("\n"));
    await assertRejects(
      () => mergeShards(out, resolveExperiment),
      ShardMissingError,
      "interrupted",
    );
    // A rerun resumes (the steps done are taken over) and the merge is the single run's, bit for bit.
    const rerun = shardProcess([...args, "--out", out, "--quiet"]);
    const done = await rerun.output();
    assertEquals(done.code, 0, new TextDecoder().decode(done.stderr));
    const after = (await readManifest(manifest))!;
    assertEquals(after.status, "complete");
    assert((after.unitsResumed as number) >= (m.unitsDone as number), JSON.stringify(after));
    assertEquals(after.unitsDone, 30);
    assertEquals(
      Array.from(Deno.readDirSync(out)).map((e) => e.name).sort(),
      ["shard-0-of-1.manifest.json", "shard-0-of-1.results.json"],
      "the checkpoint is gone once the shard is complete",
    );
    const { result } = await mergeShards(out, resolveExperiment);
    const exp = await resolveExperiment("teacher_output");
    const single = await exp.run(exp.config("smoke"), { progress: false });
    assertEquals(firstDifference(single, result, exp.measured ?? []), null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a failed shard rerun resumes: the steps done are not run again, and the merge is exact", async () => {
  let calls = 0, failAt: number | null = 3;
  const flaky = {
    ...toy,
    name: "toy",
    run: async (c: ToyConfig, o: RunOptions) => {
      const a = await sweep(c.levels, (x: number, i: number) => {
        calls++;
        if (i === failAt) throw new Error("node lost");
        return { x, y: Math.sin(x * 1e3 + i) / 3 };
      }, { progress: o.progress, label: "a" });
      return { a };
    },
  };
  const out = await Deno.makeTempDir({ prefix: "shard_resume_" });
  try {
    const opts = { scale: "smoke" as const, shards: 1, index: 0, out, progress: false as const };
    await assertRejects(() => runShard(flaky, opts), Error, "node lost");
    assertEquals(calls, 4);
    failAt = null;
    calls = 0;
    const r = await runShard(flaky, opts);
    assertEquals(calls, 2, "only the steps not done ran");
    assertEquals([r.manifest.unitsResumed, r.manifest.unitsDone], [3, 5]);
    const { result } = await mergeShards(out, () => Promise.resolve(flaky));
    calls = 0;
    const single = await flaky.run(flaky.config("smoke"), { progress: false });
    assertEquals(firstDifference(single, result), null);
    // --force starts over.
    calls = 0;
    await runShard(flaky, { ...opts, force: true });
    assertEquals(calls, 5);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a 'running' manifest whose process is gone reads as interrupted (status and merge)", async () => {
  const out = await shardAll(toy, 2);
  try {
    const child = new Deno.Command("true").spawn();
    await child.status;
    const path = `${out}/shard-1-of-2.manifest.json`;
    const m = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(path, JSON.stringify({ ...m, status: "running", pid: child.pid }));
    const s = await shardStatus(out);
    assertEquals(s.states.map((x) => x.state), ["done", "interrupted"]);
    assert(s.summary.includes("1 interrupted") && s.summary.includes("rerun"), s.summary);
    await assertRejects(
      () => mergeShards(out, () => Promise.resolve(toy)),
      ShardMissingError,
      `1 (interrupted: its process ${child.pid} is gone)`,
    );
    // This process is alive: its "running" manifest stays running.
    await Deno.writeTextFile(path, JSON.stringify({ ...m, status: "running", pid: Deno.pid }));
    assertEquals((await shardStatus(out)).states[1].state, "running");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("SIGTERM while the main thread is blocked in a long step: the guard still exits 143 within 5 s, marks the manifest, removes the temp file and lock, and stops the child process", async () => {
  const out = await Deno.makeTempDir({ prefix: "shard_guard_" });
  try {
    const manifest = `${out}/shard-0-of-1.manifest.json`, lock = `${out}/shard-0-of-1.lock`;
    const running = { format: 1, status: "running", unitsDone: 2, seconds: 1 };
    await Deno.writeTextFile(
      manifest,
      JSON.stringify({ ...running, started: new Date().toISOString() }),
    );
    const proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...FLAGS,
        new URL("./guard_fixture.ts", import.meta.url).pathname,
        manifest,
        lock,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // The first line is the child's PID, printed just before the main thread blocks.
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const childPid = Number(text.trim().split("\n")[0]);
    assert(childPid > 0 && descendants(proc.pid).includes(childPid), `child ${text}`);
    await new Promise((r) => setTimeout(r, 300)); // well inside the busy loop
    const t0 = performance.now();
    Deno.kill(proc.pid, "SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    const status = await proc.status;
    clearTimeout(timer);
    const seconds = (performance.now() - t0) / 1000;
    let gone = false;
    for (let i = 0; i < 40 && !gone; i++) {
      try {
        gone = !/^\d+ \(sleep\) [^Z]/.test(Deno.readTextFileSync(`/proc/${childPid}/stat`));
      } catch {
        gone = true; // reaped
      }
      if (!gone) await new Promise((r) => setTimeout(r, 50));
    }
    assert(gone, `the child process ${childPid} still runs`);
    reader.releaseLock();
    await proc.stdout.cancel().catch(() => {});
    const stderr = new TextDecoder().decode(
      await new Response(proc.stderr).arrayBuffer().catch(() => new ArrayBuffer(0)),
    );
    console.log(`SIGTERM to exit, main thread blocked: ${(seconds * 1000).toFixed(0)} ms`);
    assertEquals(status.code, 143, stderr);
    assert(seconds < 5, `exited after ${seconds.toFixed(2)} s`);
    assertEquals(JSON.parse(await Deno.readTextFile(manifest)).status, "interrupted");
    assertEquals(Array.from(Deno.readDirSync(out)).map((e) => e.name), [
      "shard-0-of-1.manifest.json",
    ]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the guard finds the child processes a process started (what it stops on a signal)", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    assert(descendants(Deno.pid).includes(child.pid));
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  assert(!descendants(Deno.pid).includes(child.pid));
});
