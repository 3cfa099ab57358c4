/**
 * Issue 26, "Bad input never crashes and never costs a file", for the
 * sharding commands: a garbage manifest or a missing `--compare` file is one
 * named line and an exit status (1 bad data, 2 usage), never an uncaught
 * exception; a shard never overwrites another run's shard silently, never
 * runs twice at once, and a failed merge says an earlier merged/ is stale.
 */
import type { Scale } from "../../lib/config.ts";
import {
  lockPath,
  mergeShards,
  runShard,
  ShardArgumentError,
  ShardConflictError,
  ShardLockedError,
} from "../../tools/sharding.ts";
import { main as mergeMain } from "../../tools/merge.ts";
import { exitStatusOf } from "../../tools/shard_cli.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { resolve, shardAll, toy } from "./toy_fixture.ts";

/** The toy experiment with another configuration (other levels), under the same name. */
const other = { ...toy, config: (s: Scale) => ({ ...toy.config(s), levels: [1, 2, 3] }) };

/** Every file in `dir` (recursively) with its bytes, to check nothing changed. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else out.set(p.slice(dir.length), new TextDecoder().decode(await Deno.readFile(p)));
    }
  };
  await walk(dir);
  return out;
}

/** A process id that no longer runs (a finished `true`). */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

/** Run `fn` with console output captured; returns its value and the lines printed to stderr. */
export async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; err: string[] }> {
  const { log, error, warn } = console;
  const err: string[] = [];
  console.log = () => {};
  console.error = console.warn = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { value: await fn(), err };
  } finally {
    Object.assign(console, { log, error, warn });
  }
}

Deno.test("merge: a garbage manifest exits 1 with one line naming the file, and writes nothing", async () => {
  const out = await shardAll(toy, 3);
  try {
    const path = `${out}/shard-0-of-3.manifest.json`;
    await Deno.writeTextFile(path, "{garbage\n");
    for (const args of [[out], ["--status", out]]) {
      const { value, err } = await quietly(() => mergeMain(args));
      assertEquals(value, 1, `merge ${args.join(" ")}`);
      const line = err.find((l) => l.startsWith("ShardCorruptError"));
      assert(line && line.includes(path) && !line.includes("\n"), err.join("\n"));
    }
    assert(!Array.from(Deno.readDirSync(out)).some((e) => e.name.startsWith("merged")));
    // A manifest that is JSON but not a manifest (a field of the wrong type) is refused the same way.
    await Deno.writeTextFile(path, JSON.stringify({ format: 1, shards: "three" }));
    const { value, err } = await quietly(() => mergeMain([out]));
    assertEquals(value, 1);
    assert(err.some((l) => l.includes(path) && l.includes("not a shard manifest")), err.join("\n"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("merge --compare: a missing file exits 2 and a garbage one 1, each named, before merging", async () => {
  const out = await shardAll(toy, 3);
  try {
    const missing = `${out}/no-such-result.json`;
    let r = await quietly(() => mergeMain([out, "--compare", missing]));
    assertEquals(r.value, 2);
    assert(
      r.err.some((l) => l.startsWith("ShardArgumentError") && l.includes(missing)),
      r.err.join("\n"),
    );
    const garbage = `${out}/garbage.json`;
    await Deno.writeTextFile(garbage, '{"rows": [1, 2');
    r = await quietly(() => mergeMain([out, "--compare", garbage]));
    assertEquals(r.value, 1);
    assert(
      r.err.some((l) => l.startsWith("ShardCorruptError") && l.includes(garbage)),
      r.err.join("\n"),
    );
    assert(!Array.from(Deno.readDirSync(out)).some((e) => e.name.startsWith("merged")));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a shard of another configuration is refused where a good one is (ShardConflictError, exit 2), and --restart replaces it", async () => {
  const out = await shardAll(toy, 3);
  try {
    const before = await snapshot(out);
    const opts = { scale: "smoke" as const, shards: 3, index: 0, out, progress: false as const };
    const e = await assertRejects(() => runShard(other, opts), ShardConflictError, "configuration");
    assert(
      e.message.includes("--restart") && e.message.includes("another --out folder"),
      e.message,
    );
    assert(e instanceof ShardArgumentError && exitStatusOf(e) === 2);
    assertEquals(await snapshot(out), before, "the good shard is untouched");
    // The same when only the folder's other shards are of another run.
    await Deno.remove(`${out}/shard-1-of-3.manifest.json`);
    await assertRejects(
      () => runShard(other, { ...opts, index: 1 }),
      ShardConflictError,
      "holds shards of another run",
    );
    // --restart replaces this shard and says the others need it too.
    const notes: string[] = [];
    const r = await runShard(other, { ...opts, restart: true, notice: (l) => notes.push(l) });
    assert(!r.skipped && r.manifest.unitsDone > 0);
    assert(notes.some((n) => n.includes("--restart too")), notes.join("\n"));
    const m = JSON.parse(await Deno.readTextFile(`${out}/shard-0-of-3.manifest.json`));
    assertEquals(m.status, "complete");
    assert(m.configHash !== JSON.parse(before.get("/shard-2-of-3.manifest.json")!).configHash);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the same shard twice at once: the second refuses (ShardLockedError); a dead process's lock is taken over", async () => {
  const out = await Deno.makeTempDir({ prefix: "shard_lock_" });
  try {
    const opts = { scale: "smoke" as const, shards: 2, index: 0, out, progress: false as const };
    const lock = lockPath(out, 2, 0);
    // A live process (this one) holds the lock.
    const held = { pid: Deno.pid, host: Deno.hostname(), started: new Date().toISOString() };
    await Deno.writeTextFile(lock, JSON.stringify(held));
    const e = await assertRejects(() => runShard(toy, opts), ShardLockedError, "already running");
    assert(e.message.includes(String(Deno.pid)) && exitStatusOf(e) === 1, e.message);
    assertEquals(Array.from(Deno.readDirSync(out)).map((x) => x.name), ["shard-0-of-2.lock"]);
    // Two runs started together: exactly one does the work. The other either meets the
    // lock (ShardLockedError) or, when the scheduler let the first finish before it
    // looked, finds the shard complete and skips it; never do both run it.
    await Deno.remove(lock);
    const both = await Promise.allSettled([runShard(toy, opts), runShard(toy, opts)]);
    const failed = both.filter((b) => b.status === "rejected") as PromiseRejectedResult[];
    const ran = both.filter((b) => b.status === "fulfilled" && !b.value.skipped).length;
    assertEquals(ran, 1, "exactly one of two simultaneous runs does the work");
    for (const f of failed) assert(f.reason instanceof ShardLockedError, String(f.reason));
    // A lock left by a process that is gone is taken over, with a notice, and released after.
    const dead = await deadPid();
    await Deno.writeTextFile(lock, JSON.stringify({ ...held, pid: dead }));
    await Deno.writeTextFile(`${out}/shard-0-of-2.manifest.json.tmp-${dead}`, "{");
    const notes: string[] = [];
    const r = await runShard(toy, { ...opts, force: true, notice: (l) => notes.push(l) });
    assert(!r.skipped);
    assert(notes.some((n) => n.includes("stale lock") && n.includes(String(dead))), notes.join());
    const left = Array.from(Deno.readDirSync(out)).map((x) => x.name).sort();
    assertEquals(left, ["shard-0-of-2.manifest.json", "shard-0-of-2.results.json"]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("merge: a failed merge warns that an earlier merged/ is stale; a good one replaces it whole", async () => {
  const out = await shardAll(toy, 3);
  try {
    await mergeShards(out, resolve);
    await Deno.writeTextFile(`${out}/merged/extra-from-before.txt`, "old");
    const before = await Deno.readTextFile(`${out}/merged/result.json`);
    await Deno.remove(`${out}/shard-2-of-3.manifest.json`);
    const { value, err } = await quietly(() => mergeMain([out]));
    assertEquals(value, 1);
    assert(
      err.some((l) => l.includes(`${out}/merged`) && l.includes("earlier merge")),
      err.join("\n"),
    );
    assertEquals(await Deno.readTextFile(`${out}/merged/result.json`), before);
    await runShard(toy, { scale: "smoke", shards: 3, index: 2, out, progress: false });
    await mergeShards(out, resolve);
    const names = Array.from(Deno.readDirSync(`${out}/merged`)).map((e) => e.name);
    assert(!names.includes("extra-from-before.txt"), `replaced whole: ${names}`);
    const beside = Array.from(Deno.readDirSync(out)).map((e) => e.name);
    assert(!beside.some((n) => n.startsWith("merged.")), `no folder left beside: ${beside}`);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
