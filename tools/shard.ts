/**
 * `deno task shard <experiment> --scale S --shards N --index I --out DIR`:
 * run shard I of N of an experiment (tools/sharding.ts) and write its
 * manifest and results into DIR. Rerunning a complete shard does nothing
 * (same key, results intact) unless `--force`. A folder that holds another
 * run's shard (another experiment, scale, seed, configuration or commit) is
 * refused (ShardConflictError, exit 2) unless `--restart`, which replaces
 * this shard's files and runs it from the start.
 *
 * One process per shard: the shard's lock file `shard-<i>-of-<N>.lock`
 * (created exclusively, holding the process id) makes a second run of the
 * same shard refuse (ShardLockedError, exit 1); a lock whose process is gone
 * from this host is taken over, with a notice. On SIGINT or SIGTERM the
 * shard stops at once (tools/shard_guard.ts: its child processes too),
 * records `"status": "interrupted"` in its manifest, removes its temporary
 * files and its lock, and exits 130 or 143. Run the same command again: it
 * resumes, taking over the steps done from the shard's checkpoint
 * (`shard-<i>-of-<N>.steps.jsonl`, removed once the shard completes).
 *
 * `--index` may be left out under a scheduler: it is then read from
 * `SLURM_ARRAY_TASK_ID` (a Slurm array task) or `JOB_COMPLETION_INDEX` (a
 * Kubernetes indexed Job).
 *
 * `deno task shard <experiment> --scale S --single --out DIR` runs the whole
 * experiment in this process, no sharding, and writes DIR/result.json in the
 * same lossless encoding as a merge (to compare with `deno task merge
 * --compare`).
 *
 * Exit status: 0 done (or already complete), 1 the run failed (or the shard
 * is locked by another process), 2 bad usage, 130/143 interrupted.
 *
 * @module
 */
import { parseCommand, runCommand } from "./shard_cli.ts";
import type { Scale } from "../lib/config.ts";
import { encodeValue } from "./shard_codec.ts";
import {
  checkShardArgs,
  interruptionFlag,
  lockPath,
  runShard,
  ShardArgumentError,
  shardStem,
  stepsPath,
  tempPath,
} from "./sharding.ts";
import { resolveExperiment, shardableNames } from "./shard_registry.ts";

const USAGE =
  `usage: deno task shard <experiment> --scale smoke|default|paper --shards N --index I --out DIR [--force] [--restart] [--quiet]
       deno task shard <experiment> --scale S --single --out DIR
experiments: ${shardableNames().join(", ")} (or any notebooks/<name>.ts by convention)
--index defaults to $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX.
--force reruns a complete shard; --restart replaces another run's shard in DIR and starts over.`;

/** The shard index from the arguments or a scheduler's environment. */
export function indexFrom(given: string | undefined): number {
  const raw = given ?? Deno.env.get("SLURM_ARRAY_TASK_ID") ?? Deno.env.get("JOB_COMPLETION_INDEX");
  if (raw === undefined) {
    throw new ShardArgumentError(
      "--index is missing (and neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set); pass --index I.",
    );
  }
  if (!/^\d+$/.test(raw)) {
    throw new ShardArgumentError(`--index must be a whole number; got "${raw}".`);
  }
  return Number(raw);
}

/**
 * Start the signal guard (tools/shard_guard.ts): from then on SIGINT/SIGTERM
 * stop the process within a fraction of a second, whatever the main thread
 * is doing. Returns a function that tells it the shard's files, and one that
 * stops it.
 */
export async function startGuard(): Promise<{ files: (f: object) => void; stop: () => void }> {
  const w = new Worker(new URL("./shard_guard.ts", import.meta.url).href, { type: "module" });
  await new Promise<void>((resolve, reject) => {
    w.onmessage = () => resolve();
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`the signal guard did not start: ${e.message}`));
    };
  });
  w.postMessage({ flag: interruptionFlag });
  return { files: (f) => w.postMessage(f), stop: () => w.terminate() };
}

/** Run the command; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const guard = await startGuard();
  try {
    return await command(args, guard.files);
  } finally {
    guard.stop();
  }
}

function command(args: string[], guardFiles: (f: object) => void): Promise<number> {
  return runCommand(async () => {
    const cmd = parseCommand(
      args,
      {
        scale: { type: "string" },
        shards: { type: "string" },
        index: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean", default: false },
        restart: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        single: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      USAGE,
      "experiment",
    );
    if (!cmd) return 0;
    const { values: v, positional } = cmd;
    if (!v.out) throw new ShardArgumentError(`--out DIR is missing.\n${USAGE}`);
    const scale = (v.scale ?? "") as Scale;
    const progress = v.quiet ? false as const : "log" as const;
    if (v.single) {
      checkShardArgs(scale, 1);
      const exp = await resolveExperiment(positional);
      const t0 = performance.now();
      const file = `${v.out}/result.json`;
      guardFiles({ temps: [tempPath(file)] });
      const result = await exp.run(exp.config(scale), { progress });
      await Deno.mkdir(v.out, { recursive: true });
      await Deno.writeTextFile(tempPath(file), JSON.stringify(encodeValue(result)) + "\n");
      await Deno.rename(tempPath(file), file);
      console.log(
        `${exp.name} (${scale}) single run: ${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s; wrote ${v.out}/result.json`,
      );
      return 0;
    }
    const shards = Number(v.shards ?? NaN), index = indexFrom(v.index);
    checkShardArgs(scale, shards, index); // before loading the experiment
    const exp = await resolveExperiment(positional);
    const stem = `${v.out}/${shardStem(index, shards)}`;
    guardFiles({
      manifest: `${stem}.manifest.json`,
      lock: lockPath(v.out, shards, index),
      temps: [`${stem}.manifest.json`, `${stem}.results.json`, stepsPath(stem)].map((f) =>
        tempPath(f)
      ),
    });
    const r = await runShard(exp, {
      scale,
      shards,
      index,
      out: v.out,
      force: v.force,
      restart: v.restart,
      progress,
    });
    const m = r.manifest;
    console.log(
      r.skipped
        ? `shard ${index} of ${shards} (${exp.name}, ${scale}) already complete in ${v.out}: skipped`
        : `shard ${index} of ${shards} (${exp.name}, ${scale}): ${m.unitsDone} steps in ${
          m.seconds.toFixed(1)
        } s; wrote ${v.out}`,
    );
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
