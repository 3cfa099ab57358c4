/**
 * `deno task slurm <experiment> --scale paper --shards N`: run an experiment
 * as a Slurm array job, one shard per array task (`sbatch --array`), and a
 * merge job that starts when every task succeeded (`--dependency=afterok`).
 * Writes the two batch scripts to `<out>/slurm/`, submits them and prints the
 * job ids. Shards already complete in `<out>` (same key, results intact) are
 * left out of the array, so rerunning the command after a preemption resumes.
 *
 * Options: `--out DIR` (default build/shards/<experiment>-<scale>-<N>),
 * `--cpus C` per shard (default 2), `--mem M` per shard (default 4G), `--time
 * HH:MM:SS` per shard (default by scale: smoke 00:15:00, default 02:00:00,
 * paper 12:00:00); an experiment may state its own defaults (its registry
 * entry's `resources`: the language-model ones do, tools/shard_llm.ts),
 * `--partition P`, `--account A`, `--deno PATH` (the nodes' deno, unless
 * `$KD_DENO` says otherwise; default: deno on their PATH), `--deno-dir DIR`
 * (the nodes' DENO_DIR, Deno's cache, unless `$KD_DENO_DIR` says otherwise), `--dry-run` (print the scripts and the sbatch
 * commands; submit and write nothing), `--wait` (block until the merge job
 * ends; exit status is the merge's).
 *
 * The scripts name no path of the submitting machine's checkout: each job
 * changes to `$KD_CHECKOUT` (the checkout's path on the nodes; sbatch passes
 * the submitting environment on, so `KD_CHECKOUT=/mnt/kd deno task slurm ...`
 * sets it, and it also becomes the jobs' `--chdir`), else to the folder sbatch
 * was run from (`$SLURM_SUBMIT_DIR`: this checkout, when the nodes mount it at
 * the same path). Deno is `$KD_DENO`, else `--deno`, else `deno` on the
 * node's PATH, else `~/.deno/bin/deno`; `DENO_DIR` is set from `$KD_DENO_DIR`
 * or `--deno-dir` when given. An output folder inside the checkout is written
 * relative to it; one outside must be on a file system the nodes share, at the
 * same path. The nodes must run the same commit: each shard records it and
 * the merge refuses a mix.
 *
 * @module
 */
import { parseCommand, runCommand } from "./shard_cli.ts";
import type { Scale } from "../lib/config.ts";
import { checkShardArgs, completeManifest, ShardArgumentError, shardIdentity } from "./sharding.ts";
import { resolveExperiment, shardableNames } from "./shard_registry.ts";

const USAGE =
  `usage: deno task slurm <experiment> --scale smoke|default|paper --shards N [--out DIR] [--cpus C] [--mem M] [--time HH:MM:SS] [--partition P] [--account A] [--deno PATH] [--deno-dir DIR] [--dry-run] [--wait]
experiments: ${shardableNames().join(", ")}
On the nodes: $KD_CHECKOUT (the checkout's path there; default the submit folder), $KD_DENO, $KD_DENO_DIR.`;

const REPO = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

const TIME_BY_SCALE: Record<Scale, string> = {
  smoke: "00:15:00",
  default: "02:00:00",
  paper: "12:00:00",
};

/**
 * What the two batch scripts need.
 *
 * @category Sharding
 */
export interface SlurmPlan {
  experiment: string;
  scale: Scale;
  shards: number;
  /**
   * The output folder: relative to the checkout when inside it (the jobs run
   * in the checkout, wherever the nodes mount it), else absolute.
   */
  out: string;
  /** Array indices to run (all, or those not yet complete). */
  indices: number[];
  cpus: number;
  mem: string;
  time: string;
  partition?: string;
  account?: string;
  /** The deno executable on the nodes unless `$KD_DENO` is set there (`--deno`; default: PATH). */
  deno?: string;
  /** DENO_DIR on the nodes when not `$KD_DENO_DIR` (`--deno-dir`). */
  denoDir?: string;
}

/** Shell-quote one word. */
function q(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Compress indices into Slurm's array syntax: 0-3,5,7-9. */
export function arraySpec(indices: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    out.push(i === j ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j;
  }
  return out.join(",");
}

function header(plan: SlurmPlan, name: string, log: string): string[] {
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${plan.out}/logs/${log}`,
    `#SBATCH --cpus-per-task=${plan.cpus}`,
    `#SBATCH --mem=${plan.mem}`,
    `#SBATCH --time=${plan.time}`,
    `#SBATCH --nodes=1`,
    `#SBATCH --ntasks=1`,
    ...(plan.partition ? [`#SBATCH --partition=${plan.partition}`] : []),
    ...(plan.account ? [`#SBATCH --account=${plan.account}`] : []),
  ];
}

/**
 * The lines both scripts start their work with: go to the checkout, find
 * deno, set DENO_DIR. No path of the submitting checkout is written.
 */
function prelude(plan: SlurmPlan): string[] {
  const baked = (v: string | undefined) => v === undefined ? "" : q(v);
  return [
    "set -euo pipefail",
    "# The checkout on this node: $KD_CHECKOUT, else the folder sbatch was run from.",
    'cd "${KD_CHECKOUT:-${SLURM_SUBMIT_DIR:-$PWD}}"',
    "# Deno: $KD_DENO, else --deno, else deno on PATH, else ~/.deno/bin/deno.",
    `DENO="\${KD_DENO:-${baked(plan.deno)}}"`,
    'if [ -z "$DENO" ]; then DENO="$(command -v deno || true)"; fi',
    'if [ -z "$DENO" ] && [ -x "${HOME:-}/.deno/bin/deno" ]; then DENO="$HOME/.deno/bin/deno"; fi',
    'if [ -z "$DENO" ]; then',
    '  echo "deno not found on $(hostname): put it on PATH or set KD_DENO=/path/to/deno" >&2',
    "  exit 2",
    "fi",
    "# Deno's cache: $KD_DENO_DIR, else --deno-dir, else as the environment has it.",
    `if [ -n "\${KD_DENO_DIR:-${baked(plan.denoDir)}}" ]; then`,
    `  export DENO_DIR="\${KD_DENO_DIR:-${baked(plan.denoDir)}}"`,
    "fi",
  ];
}

/**
 * The array job's script: one shard per task, the index from
 * `SLURM_ARRAY_TASK_ID`.
 *
 * @category Sharding
 */
export function shardScript(plan: SlurmPlan): string {
  return [
    ...header(plan, `kd-${plan.experiment}-shards`, "shard-%a.out"),
    `#SBATCH --array=${arraySpec(plan.indices)}`,
    `# ${plan.experiment} at ${plan.scale} scale as ${plan.shards} shards, one per array task;`,
    `# each task runs one shard (resources above are per shard) and skips it when complete.`,
    ...prelude(plan),
    `exec "$DENO" task -q shard ${plan.experiment} --scale ${plan.scale} --shards ${plan.shards} \\`,
    `  --index "$SLURM_ARRAY_TASK_ID" --out ${q(plan.out)}`,
    "",
  ].join("\n");
}

/**
 * The merge job's script (submitted with `--dependency=afterok:<array job>`).
 *
 * @category Sharding
 */
export function mergeScript(plan: SlurmPlan): string {
  return [
    ...header({ ...plan, cpus: 1 }, `kd-${plan.experiment}-merge`, "merge.out"),
    `# Merge the ${plan.shards} shards of ${plan.experiment} (${plan.scale}) into ${plan.out}/merged.`,
    ...prelude(plan),
    `"$DENO" task -q merge --status ${q(plan.out)}`,
    `exec "$DENO" task -q merge ${q(plan.out)}`,
    "",
  ].join("\n");
}

/** Run sbatch from the checkout (relative paths in the scripts are the checkout's). */
async function sbatch(args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  let o;
  const node = Deno.env.get("KD_CHECKOUT");
  try {
    o = await new Deno.Command("sbatch", {
      args: [...(node ? [`--chdir=${node}`] : []), ...args],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ShardArgumentError(
        "sbatch not found: run on a Slurm login node (or use --dry-run to print the scripts).",
      );
    }
    throw e;
  }
  const td = new TextDecoder();
  return { ok: o.success, out: td.decode(o.stdout).trim(), err: td.decode(o.stderr).trim() };
}

/** Run the command; returns the exit status. */
export function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const cmd = parseCommand(
      args,
      {
        scale: { type: "string" },
        shards: { type: "string" },
        out: { type: "string" },
        cpus: { type: "string" },
        mem: { type: "string" },
        time: { type: "string" },
        partition: { type: "string" },
        account: { type: "string" },
        deno: { type: "string" },
        "deno-dir": { type: "string" },
        "dry-run": { type: "boolean", default: false },
        wait: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      USAGE,
      "experiment",
    );
    if (!cmd) return 0;
    const { values: v, positional } = cmd;
    const scale = (v.scale ?? "") as Scale;
    const shards = Number(v.shards ?? NaN);
    checkShardArgs(scale, shards);
    const given = v.cpus ?? "2";
    if (!/^\d+$/.test(given) || Number(given) < 1) {
      throw new ShardArgumentError(`--cpus must be a whole number >= 1; got ${v.cpus}.`);
    }
    if (v.mem !== undefined && !/^\d+[KMGT]?$/.test(v.mem)) {
      throw new ShardArgumentError(`--mem must look like 4G or 800M; got "${v.mem}".`);
    }
    if (v.time !== undefined && !/^(\d+-)?\d{1,2}(:\d{2}){0,2}$/.test(v.time)) {
      throw new ShardArgumentError(
        `--time must look like HH:MM:SS or D-HH:MM:SS; got "${v.time}".`,
      );
    }
    const exp = await resolveExperiment(positional);
    // What the experiment states it needs, unless the command line says otherwise.
    const res = exp.resources ?? {};
    const cpus = v.cpus !== undefined ? Number(v.cpus) : res.cpus ?? 2;
    const mem = v.mem ?? res.mem ?? "4G";
    const time = v.time ?? res.time?.[scale] ?? TIME_BY_SCALE[scale];
    const outRel = v.out ?? `build/shards/${exp.name}-${scale}-${shards}`;
    const out = outRel.startsWith("/") ? outRel : `${Deno.cwd()}/${outRel}`;
    // Inside the checkout, the scripts name it relative to the checkout (the jobs run there).
    const outInScript = out.startsWith(`${REPO}/`) ? out.slice(REPO.length + 1) : out;
    if (!/^[\w@%+=:,./-]+$/.test(out)) {
      throw new ShardArgumentError(
        `--out must be a path without spaces or quotes (it goes into #SBATCH lines); got "${out}".`,
      );
    }
    const indices: number[] = [];
    for (let i = 0; i < shards; i++) {
      const { key } = await shardIdentity(exp, scale, shards, i);
      if (!(await completeManifest(out, shards, i, key))) indices.push(i);
    }
    const plan: SlurmPlan = {
      experiment: exp.name,
      scale,
      shards,
      out,
      indices,
      cpus,
      mem,
      time,
      partition: v.partition,
      account: v.account,
      deno: v.deno,
      denoDir: v["deno-dir"],
    };
    plan.out = outInScript;
    const dir = `${out}/slurm`;
    const shardsFile = `${dir}/shards.sbatch`, mergeFile = `${dir}/merge.sbatch`;
    const shown = (f: string) => f.startsWith(`${REPO}/`) ? f.slice(REPO.length + 1) : f;
    const skipped = shards - indices.length;
    if (v["dry-run"]) {
      console.log(
        `# ${shown(shardsFile)}\n${indices.length > 0 ? shardScript(plan) : "(all complete)\n"}`,
      );
      console.log(`# ${shown(mergeFile)}\n${mergeScript(plan)}`);
      console.log(
        `# submit from the checkout (${indices.length} of ${shards} shards to run${
          skipped ? `, ${skipped} complete` : ""
        }):\n` +
          (indices.length > 0
            ? `jobid=$(sbatch --parsable ${shown(shardsFile)})\n` +
              `sbatch --dependency=afterok:$jobid --kill-on-invalid-dep=yes ${shown(mergeFile)}`
            : `sbatch ${shown(mergeFile)}`),
      );
      return 0;
    }
    await Deno.mkdir(`${out}/logs`, { recursive: true });
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(shardsFile, shardScript(plan));
    await Deno.writeTextFile(mergeFile, mergeScript(plan));
    let dep: string[] = [];
    if (indices.length > 0) {
      const r = await sbatch(["--parsable", shardsFile]);
      if (!r.ok) {
        console.error(`sbatch ${shardsFile} failed: ${r.err || r.out}`);
        return 1;
      }
      const jobId = r.out.split(";")[0];
      console.log(
        `submitted array job ${jobId}: ${indices.length} of ${shards} shards (--array=${
          arraySpec(indices)
        })${skipped ? `; ${skipped} already complete` : ""}`,
      );
      dep = [`--dependency=afterok:${jobId}`, "--kill-on-invalid-dep=yes"];
    } else {
      console.log(`all ${shards} shards already complete in ${out}: merge only`);
    }
    const m = await sbatch([
      "--parsable",
      ...dep,
      ...(v.wait ? ["--wait"] : []),
      mergeFile,
    ]);
    if (!v.wait) {
      if (!m.ok) {
        console.error(`sbatch ${mergeFile} failed: ${m.err || m.out}`);
        return 1;
      }
      const id = m.out.split(";")[0];
      console.log(
        `submitted merge job ${id} (after the array); progress: deno task merge --status ${out}`,
      );
      return 0;
    }
    console.log(
      m.ok
        ? `merge job done: ${out}/merged`
        : `merge job failed (${
          m.err || "see logs"
        }); logs in ${out}/logs; deno task merge --status ${out}`,
    );
    return m.ok ? 0 : 1;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
