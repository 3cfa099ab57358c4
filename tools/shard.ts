/**
 * `deno task shard <experiment> --scale S --shards N --index I --out DIR`:
 * run shard I of N of an experiment (lib/experiments/shard.ts) and write its
 * manifest and results into DIR. Rerunning a complete shard does nothing
 * (same key, results intact) unless `--force`.
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
 * Exit status: 0 done (or already complete), 1 the run failed, 2 bad usage.
 *
 * @module
 */
import { parseCommand, runCommand } from "./shard_cli.ts";
import type { Scale } from "../lib/config.ts";
import { encodeValue } from "../lib/experiments/shard_codec.ts";
import { checkShardArgs, runShard, ShardArgumentError } from "../lib/experiments/shard.ts";
import { resolveExperiment, shardableNames } from "../lib/experiments/shard_registry.ts";

const USAGE =
  `usage: deno task shard <experiment> --scale smoke|default|paper --shards N --index I --out DIR [--force] [--quiet]
       deno task shard <experiment> --scale S --single --out DIR
experiments: ${shardableNames().join(", ")} (or any lib/experiments/<name>.ts by convention)
--index defaults to $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX.`;

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

/** Run the command; returns the exit status. */
export function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const cmd = parseCommand(
      args,
      {
        scale: { type: "string" },
        shards: { type: "string" },
        index: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean", default: false },
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
      const result = await exp.run(exp.config(scale), { progress });
      await Deno.mkdir(v.out, { recursive: true });
      await Deno.writeTextFile(`${v.out}/result.json`, JSON.stringify(encodeValue(result)) + "\n");
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
    const r = await runShard(exp, { scale, shards, index, out: v.out, force: v.force, progress });
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
