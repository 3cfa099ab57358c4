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
 * entry's `resources`: the language-model ones do, lib/experiments/llm_shard.ts),
 * `--partition P`, `--account A`, `--deno PATH` (default:
 * this Deno), `--dry-run` (print the scripts and the sbatch commands; submit
 * and write nothing), `--wait` (block until the merge job ends; exit status
 * is the merge's).
 *
 * The cluster's nodes must see the repository and `<out>` at the same paths
 * (a shared file system) and run the same commit: each shard records it and
 * the merge refuses a mix.
 *
 * @module
 */
import { parseCommand, runCommand } from "./shard_cli.ts";
import type { Scale } from "../lib/config.ts";
import {
  checkShardArgs,
  completeManifest,
  ShardArgumentError,
  shardIdentity,
} from "../lib/experiments/shard.ts";
import { resolveExperiment, shardableNames } from "../lib/experiments/shard_registry.ts";

const USAGE =
  `usage: deno task slurm <experiment> --scale smoke|default|paper --shards N [--out DIR] [--cpus C] [--mem M] [--time HH:MM:SS] [--partition P] [--account A] [--deno PATH] [--dry-run] [--wait]
experiments: ${shardableNames().join(", ")}`;

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
  /** Absolute output folder. */
  out: string;
  /** Array indices to run (all, or those not yet complete). */
  indices: number[];
  cpus: number;
  mem: string;
  time: string;
  partition?: string;
  account?: string;
  /** Absolute path of the deno executable on the nodes. */
  deno: string;
  /** Absolute path of the repository on the nodes. */
  repo: string;
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
    "set -euo pipefail",
    `cd ${q(plan.repo)}`,
    `exec ${
      q(plan.deno)
    } task -q shard ${plan.experiment} --scale ${plan.scale} --shards ${plan.shards} \\`,
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
    "set -euo pipefail",
    `cd ${q(plan.repo)}`,
    `${q(plan.deno)} task -q merge --status ${q(plan.out)}`,
    `exec ${q(plan.deno)} task -q merge ${q(plan.out)}`,
    "",
  ].join("\n");
}

async function sbatch(args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  let o;
  try {
    o = await new Deno.Command("sbatch", { args, stdout: "piped", stderr: "piped" }).output();
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
      deno: v.deno ?? Deno.execPath(),
      repo: REPO,
    };
    const dir = `${out}/slurm`;
    const shardsFile = `${dir}/shards.sbatch`, mergeFile = `${dir}/merge.sbatch`;
    const skipped = shards - indices.length;
    if (v["dry-run"]) {
      console.log(
        `# ${shardsFile}\n${indices.length > 0 ? shardScript(plan) : "(all complete)\n"}`,
      );
      console.log(`# ${mergeFile}\n${mergeScript(plan)}`);
      console.log(
        `# submit (${indices.length} of ${shards} shards to run${
          skipped ? `, ${skipped} complete` : ""
        }):\n` +
          (indices.length > 0
            ? `jobid=$(sbatch --parsable ${shardsFile})\n` +
              `sbatch --dependency=afterok:$jobid --kill-on-invalid-dep=yes ${mergeFile}`
            : `sbatch ${mergeFile}`),
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
