/**
 * `deno task slurm`: the batch scripts it writes, its argument checks, and,
 * when a Slurm cluster answers (`sinfo`; CI starts a one-node one with
 * .ci/slurm_up.sh), a real run: teacher_output at smoke scale as 4 array
 * tasks and a dependent merge job, merged rows bit-identical to a
 * single-process run. Without a cluster that test is ignored, not passed
 * (unless KD_REQUIRE_SLURM=1, as in CI, where it then fails).
 */
import { firstDifference, readResult } from "../../tools/sharding.ts";
import { resolveExperiment } from "../../tools/shard_registry.ts";
import {
  arraySpec,
  main as slurmMain,
  mergeScript,
  shardScript,
  type SlurmPlan,
} from "../../tools/slurm.ts";
import { assert, assertEquals } from "../assert.ts";

function clusterAnswers(): boolean {
  try {
    const o = new Deno.Command("sinfo", {
      args: ["-h", "-o", "%T"],
      stdout: "piped",
      stderr: "null",
    })
      .outputSync();
    const states = new TextDecoder().decode(o.stdout);
    return o.success && /idle|mixed|allocated/.test(states);
  } catch {
    return false;
  }
}

const plan: SlurmPlan = {
  experiment: "teacher_output",
  scale: "paper",
  shards: 8,
  out: "/shared/runs/t1",
  indices: [0, 1, 2, 3, 5, 7],
  cpus: 2,
  mem: "4G",
  time: "12:00:00",
  partition: "cpu",
};

Deno.test("array specs compress runs of indices", () => {
  assertEquals(arraySpec([0, 1, 2, 3]), "0-3");
  assertEquals(arraySpec([0, 1, 2, 3, 5, 7, 8, 9]), "0-3,5,7-9");
  assertEquals(arraySpec([4]), "4");
});

Deno.test("the array script runs one shard per task with its resources; the merge script merges", () => {
  const s = shardScript(plan);
  for (
    const line of [
      "#SBATCH --array=0-3,5,7",
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --mem=4G",
      "#SBATCH --time=12:00:00",
      "#SBATCH --partition=cpu",
      "#SBATCH --output=/shared/runs/t1/logs/shard-%a.out",
      'cd "${KD_CHECKOUT:-${SLURM_SUBMIT_DIR:-$PWD}}"',
      `--index "$SLURM_ARRAY_TASK_ID" --out /shared/runs/t1`,
    ]
  ) assert(s.includes(line), `missing ${line} in\n${s}`);
  assert(s.includes('exec "$DENO" task -q shard teacher_output --scale paper --shards 8'));
  const m = mergeScript(plan);
  assert(
    m.includes("#SBATCH --cpus-per-task=1") && m.includes('"$DENO" task -q merge /shared/runs/t1'),
  );
  assert(!m.includes("--array"));
});

Deno.test("slurm: bad arguments exit 2 and --dry-run submits and writes nothing", async () => {
  const out = await Deno.makeTempDir({ prefix: "slurm_dry_" });
  try {
    const log = console.log, err = console.error;
    const printed: string[] = [];
    console.log = (...a: unknown[]) => printed.push(a.join(" "));
    console.error = (...a: unknown[]) => printed.push(a.join(" "));
    try {
      assertEquals(await slurmMain(["teacher_output", "--scale", "paper", "--shards", "0"]), 2);
      assertEquals(await slurmMain(["teacher_output", "--scale", "big", "--shards", "4"]), 2);
      assertEquals(await slurmMain(["nope", "--scale", "paper", "--shards", "4"]), 2);
      assertEquals(
        await slurmMain(["teacher_output", "--scale", "paper", "--shards", "4", "--out", "a b"]),
        2,
      );
      assertEquals(
        await slurmMain(["teacher_output", "--scale", "paper", "--shards", "4", "--time", "soon"]),
        2,
      );
      assertEquals(
        await slurmMain([
          "teacher_output",
          "--scale",
          "paper",
          "--shards",
          "4",
          "--out",
          `${out}/run`,
          "--dry-run",
        ]),
        0,
      );
    } finally {
      console.log = log;
      console.error = err;
    }
    const text = printed.join("\n");
    assert(text.includes("#SBATCH --array=0-3"), text);
    assert(text.includes("--dependency=afterok:$jobid"), text);
    assert(printed.some((l) => l.includes("ShardArgumentError: --shards")), text);
    assertEquals(Array.from(Deno.readDirSync(out)).length, 0);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** A fake `deno` that records its working folder, DENO_DIR and arguments in `log`. */
async function fakeDeno(path: string, log: string, tag: string): Promise<void> {
  await Deno.writeTextFile(
    path,
    `#!/bin/bash\necho "${tag} cwd=$PWD denodir=\${DENO_DIR:-unset} args=$*" >> ${log}\n`,
  );
  await Deno.chmod(path, 0o755);
}

Deno.test("slurm --dry-run scripts name no path of this checkout and run from a checkout anywhere, with deno found on PATH or via KD_DENO", async () => {
  // The dry run with the default --out (inside the checkout) prints nothing of this checkout's path.
  const printed: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => printed.push(a.join(" "));
  try {
    assertEquals(
      await slurmMain(["teacher_output", "--scale", "smoke", "--shards", "3", "--dry-run"]),
      0,
    );
  } finally {
    console.log = log;
  }
  const text = printed.join("\n");
  assert(!text.includes(REPO), `the checkout's path ${REPO} appears in\n${text}`);
  assert(!text.includes(Deno.execPath()), `this deno's path appears in\n${text}`);
  assert(text.includes("--out build/shards/teacher_output-smoke-3"), text);

  // The scripts run with bash from another folder against a checkout elsewhere.
  const tmp = await Deno.makeTempDir({ prefix: "slurm_scripts_" });
  try {
    const checkout = `${tmp}/mounted/elsewhere/kd`, bin = `${tmp}/bin`, cwd = `${tmp}/cwd`;
    for (const d of [checkout, bin, cwd]) await Deno.mkdir(d, { recursive: true });
    const calls = `${tmp}/calls.log`;
    await fakeDeno(`${bin}/deno`, calls, "path");
    await fakeDeno(`${tmp}/kd-deno`, calls, "kd_deno");
    const p: SlurmPlan = { ...plan, scale: "smoke", out: "build/shards/t", indices: [0, 1, 2] };
    await Deno.writeTextFile(`${tmp}/shards.sbatch`, shardScript(p));
    await Deno.writeTextFile(`${tmp}/merge.sbatch`, mergeScript(p));
    const run = async (script: string, env: Record<string, string>) => {
      const o = await new Deno.Command("bash", {
        args: [`${tmp}/${script}`],
        cwd,
        clearEnv: true,
        env: { HOME: tmp, ...env },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: o.code, err: new TextDecoder().decode(o.stderr) };
    };
    const PATH = `${bin}:/usr/bin:/bin`;
    // KD_CHECKOUT names the checkout on the node; deno is found on PATH; no DENO_DIR is invented.
    let r = await run("shards.sbatch", { PATH, KD_CHECKOUT: checkout, SLURM_ARRAY_TASK_ID: "2" });
    assertEquals(r.code, 0, r.err);
    // Without it, the submit folder; KD_DENO and KD_DENO_DIR win.
    r = await run("merge.sbatch", {
      PATH,
      SLURM_SUBMIT_DIR: checkout,
      KD_DENO: `${tmp}/kd-deno`,
      KD_DENO_DIR: `${tmp}/cache`,
    });
    assertEquals(r.code, 0, r.err);
    const lines = (await Deno.readTextFile(calls)).trim().split("\n");
    assertEquals(lines, [
      `path cwd=${checkout} denodir=unset args=task -q shard teacher_output --scale smoke --shards 8 --index 2 --out build/shards/t`,
      `kd_deno cwd=${checkout} denodir=${tmp}/cache args=task -q merge --status build/shards/t`,
      `kd_deno cwd=${checkout} denodir=${tmp}/cache args=task -q merge build/shards/t`,
    ]);
    // No deno anywhere: a clear message and exit 2, not "command not found".
    r = await run("shards.sbatch", {
      PATH: "/usr/bin:/bin",
      KD_CHECKOUT: checkout,
      SLURM_ARRAY_TASK_ID: "0",
    });
    assertEquals(r.code, 2, r.err);
    assert(r.err.includes("KD_DENO"), r.err);
    // --deno and --deno-dir given at submission are the defaults the scripts fall back on.
    const baked = shardScript({ ...p, deno: `${tmp}/kd-deno`, denoDir: `${tmp}/cache2` });
    await Deno.writeTextFile(`${tmp}/baked.sbatch`, baked);
    r = await run("baked.sbatch", { PATH, KD_CHECKOUT: checkout, SLURM_ARRAY_TASK_ID: "1" });
    assertEquals(r.code, 0, r.err);
    const last = (await Deno.readTextFile(calls)).trim().split("\n").at(-1);
    assert(last?.startsWith(`kd_deno cwd=${checkout} denodir=${tmp}/cache2 `), last);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

// CI sets KD_REQUIRE_SLURM=1 after starting its cluster: there a silent cluster fails the test.
const required = Deno.env.get("KD_REQUIRE_SLURM") === "1";

Deno.test({
  name: "through Slurm: 4 array tasks and a merge job give the single-process rows bit for bit",
  ignore: !required && !clusterAnswers(),
  async fn() {
    assert(
      clusterAnswers(),
      "KD_REQUIRE_SLURM=1 but sinfo shows no usable node (is SLURM_CONF set?)",
    );
    const out = await Deno.makeTempDir({ prefix: "slurm_run_" });
    try {
      const args = ["teacher_output", "--scale", "smoke", "--shards", "4", "--cpus", "1"];
      const t0 = performance.now();
      const status = await slurmMain([...args, "--mem", "1G", "--out", out, "--wait"]);
      const seconds = (performance.now() - t0) / 1000;
      assertEquals(status, 0, `slurm run failed; logs in ${out}/logs`);
      console.log(`4 shards + merge through Slurm: ${seconds.toFixed(1)} s`);
      const manifests = Array.from(Deno.readDirSync(out)).filter((e) =>
        e.name.endsWith(".manifest.json")
      );
      assertEquals(manifests.length, 4);
      for (const f of manifests) {
        const m = JSON.parse(await Deno.readTextFile(`${out}/${f.name}`));
        assertEquals(m.status, "complete");
      }
      const exp = await resolveExperiment("teacher_output");
      const single = await exp.run(exp.config("smoke"), { progress: false });
      const merged = await readResult(`${out}/merged/result.json`);
      assertEquals(firstDifference(single, merged, exp.measured ?? []), null);
      // Resubmitting finds every shard complete and only merges again.
      assertEquals(await slurmMain([...args, "--mem", "1G", "--out", out, "--wait"]), 0);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
