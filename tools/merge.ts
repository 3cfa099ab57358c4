/**
 * `deno task merge DIR`: check the shards in DIR (all present and complete,
 * one per index, same experiment, scale, seed, configuration and commit) and
 * write what a single-process run would: DIR/merged/result.json, claims.json,
 * tables and chart specs. A missing, duplicated or mismatched shard is a
 * named error, and nothing is written.
 *
 * `deno task merge --status DIR`: shards done, running, failed, not started,
 * and the time left, from the manifests.
 *
 * Options: `--out DIR2` (instead of DIR/merged), `--allow-other-commit`
 * (merge shards made at another commit than this checkout),
 * `--compare result.json` (after merging, check the merged result is bit for
 * bit the given one, e.g. from `deno task shard X --single`, measured fields
 * aside; exit 1 when it is not), `--render` (charts as SVG, PDF and PNG too,
 * as a notebook saves them; without it, their Vega-Lite specs).
 *
 * Exit status: 0 merged (or status shown), 1 a shard problem or a
 * difference, 2 bad usage.
 *
 * @module
 */
import { parseCommand, runCommand } from "./shard_cli.ts";
import { firstDifference, mergeShards, readResult, shardStatus } from "../lib/experiments/shard.ts";
import { resolveExperiment } from "../lib/experiments/shard_registry.ts";

const USAGE =
  `usage: deno task merge DIR [--out DIR2] [--allow-other-commit] [--compare result.json]
       deno task merge --status DIR`;

function fmtSeconds(s: number | null): string {
  if (s === null) return "?";
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Run the command; returns the exit status. */
export function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const cmd = parseCommand(
      args,
      {
        status: { type: "boolean", default: false },
        out: { type: "string" },
        "allow-other-commit": { type: "boolean", default: false },
        compare: { type: "string" },
        render: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      USAGE,
      "folder",
    );
    if (!cmd) return 0;
    const { values: v, positional } = cmd;
    const dir = positional;
    if (v.status) {
      const s = await shardStatus(dir);
      console.log(s.summary);
      for (const st of s.states) {
        const stale = st.state === "running" && st.sinceUpdate !== null && st.sinceUpdate > 600
          ? ` (no update for ${fmtSeconds(st.sinceUpdate)}: preempted? rerun it, it resumes)`
          : "";
        console.log(
          `  shard ${st.index}: ${st.state}, ${st.unitsDone}/${st.unitsOwned ?? "?"} steps, ${
            fmtSeconds(st.seconds)
          }${st.state === "done" ? "" : `, ${fmtSeconds(st.leftSeconds)} left`}${stale}${
            st.error ? `: ${st.error}` : ""
          }`,
        );
      }
      return 0;
    }
    const t0 = performance.now();
    const { result, files, checked } = await mergeShards(dir, resolveExperiment, {
      outDir: v.out,
      allowOtherCommit: v["allow-other-commit"],
      render: v.render,
    });
    const exp = await resolveExperiment(checked.identity.experiment);
    const units = checked.sweeps.reduce((a, s) => a + s.items, 0);
    console.log(
      `merged ${checked.identity.shards} shards of ${exp.name} (${checked.identity.scale}; ${units} steps in ${checked.sweeps.length} sweeps) in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s: wrote ${files.length} files to ${v.out ?? `${dir}/merged`}`,
    );
    const dirty = checked.manifests.filter((m) => m.dirty).map((m) => m.index);
    if (dirty.length > 0) {
      console.warn(
        `warning: shard(s) ${
          dirty.join(", ")
        } ran in a checkout with uncommitted changes: commit ${checked.identity.commit} does not name their code exactly.`,
      );
    }
    for (const [path, why] of Object.entries(exp.gaps ?? {})) {
      console.warn(`warning: merged ${path} is not the single run's: ${why}.`);
    }
    if (v.compare) {
      const single = await readResult(v.compare);
      const skip = [...(exp.measured ?? []), ...Object.keys(exp.gaps ?? {})];
      const diff = firstDifference(single, result, skip);
      if (diff !== null) {
        console.error(`DIFFERENT: the merged result differs from ${v.compare} at ${diff}.`);
        return 1;
      }
      console.log(
        `bit-identical to ${v.compare} (measured fields aside: ${skip.join(", ") || "none"}).`,
      );
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
