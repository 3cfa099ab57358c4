/**
 * `deno task merge DIR`: check the shards in DIR (all present and complete,
 * one per index, same experiment, scale, seed, configuration and commit) and
 * write what a single-process run would: DIR/merged/result.json, claims.json,
 * tables and chart specs. A missing, duplicated, mismatched or unreadable
 * shard (a garbage manifest included) is a named error on one line naming
 * the file, and nothing is written. An earlier merge in the target is
 * replaced whole (the new one is written beside it and swapped in) when the
 * merge succeeds, and left as it was, with a warning that it is not a merge
 * of the shards now there, when it fails.
 *
 * `deno task merge --status DIR`: shards done, running, interrupted, failed,
 * not started, and the time left, from the manifests (a "running" shard whose
 * process is gone from this host shows as interrupted).
 *
 * Options: `--out DIR2` (instead of DIR/merged), `--allow-other-commit`
 * (merge shards made at another commit than this checkout),
 * `--compare result.json` (after merging, check the merged result is bit for
 * bit the given one, e.g. from `deno task shard X --single`, measured fields
 * aside; exit 1 when it is not), `--render` (charts as SVG, PDF and PNG too,
 * as a notebook saves them; without it, their Vega-Lite specs).
 *
 * Exit status: 0 merged (or status shown), 1 a shard problem (bad data) or a
 * difference, 2 bad usage (a missing folder or `--compare` file).
 *
 * @module
 */
import { parseCommand, runCommand } from "./shard_cli.ts";
import { firstDifference, mergeShards, readResult, ShardError, shardStatus } from "./sharding.ts";
import { resolveExperiment } from "./shard_registry.ts";

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
        const tail = st.state === "done"
          ? ""
          : st.state === "interrupted" || st.state === "failed"
          ? ` (rerun it: it resumes from the steps done)`
          : `, ${fmtSeconds(st.leftSeconds)} left`;
        console.log(
          `  shard ${st.index}: ${st.state}, ${st.unitsDone}/${st.unitsOwned ?? "?"} steps, ${
            fmtSeconds(st.seconds)
          }${tail}${stale}${st.error ? `: ${st.error}` : ""}`,
        );
      }
      return 0;
    }
    // The file to compare with is read first: a wrong path fails before the merge's work.
    const single = v.compare === undefined ? undefined : await readResult(v.compare);
    const t0 = performance.now();
    const target = v.out ?? `${dir}/merged`;
    const earlier = await Deno.stat(`${target}/result.json`).catch(() => null);
    let merged;
    try {
      merged = await mergeShards(dir, resolveExperiment, {
        outDir: v.out,
        allowOtherCommit: v["allow-other-commit"],
        render: v.render,
      });
    } catch (e) {
      if (e instanceof ShardError && earlier) {
        console.warn(
          `warning: ${target} holds an earlier merge (${
            earlier.mtime?.toISOString() ?? "date unknown"
          }), left as it was: it is not a merge of the shards now in ${dir}.`,
        );
      }
      throw e;
    }
    const { result, files, checked } = merged;
    const exp = await resolveExperiment(checked.identity.experiment);
    const units = checked.sweeps.reduce((a, s) => a + s.items, 0);
    console.log(
      `merged ${checked.identity.shards} shards of ${exp.name} (${checked.identity.scale}; ${units} steps in ${checked.sweeps.length} sweeps) in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s: wrote ${files.length} files to ${target}${
        earlier ? " (replacing the earlier merge)" : ""
      }`,
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
    if (v.compare !== undefined) {
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
