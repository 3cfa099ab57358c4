/**
 * Small synthetic experiments for the sharding tests: a sweep of a few
 * settings whose steps return awkward doubles (so the tests run in a fraction
 * of a second and depend on no experiment module's numbers), and helpers to
 * shard them into a temporary folder.
 */
import type { Scale } from "../../lib/config.ts";
import { sweep } from "../../tools/sweep.ts";
import { runShard, type ShardableExperiment, ShardArgumentError } from "../../tools/sharding.ts";
import type { ExperimentConfig } from "../../tools/sweep.ts";

export interface ToyConfig extends ExperimentConfig {
  levels: number[];
}

/** A toy experiment: two sweeps, the second's settings from the configuration only. */
export const toy: ShardableExperiment<ToyConfig, unknown> = {
  name: "toy",
  config: (scale: Scale) => ({ scale, seed: 7, levels: [0, 0.5, 1, 2, 4] }),
  run: async (c, o) => {
    const a = await sweep(c.levels, (x, i) => ({
      x,
      y: Math.sin(x * 1e3 + i) / 3,
      z: x === 0 ? -0 : 1 / x,
      v: new Float64Array([x, NaN]),
    }), { progress: o.progress, label: "a" });
    const b = await sweep(c.levels.map((x) => x + 10), (x) => Math.sqrt(x), {
      progress: o.progress,
      label: "b",
    });
    return { a, b, total: a.reduce((s, r) => s + r.y, 0) + b.reduce((s, r) => s + r, 0) };
  },
};

/** Its second sweep's settings come from the first's results: not shardable. */
export const dependent: ShardableExperiment<ToyConfig, unknown> = {
  ...toy,
  name: "dependent",
  run: async (c, o) => {
    const a = await sweep(c.levels, (x) => x * x, { progress: o.progress, label: "a" });
    return await sweep(a, (y) => y + 1, { progress: o.progress, label: "b" });
  },
};

/** A step that returns a class instance. */
export const unplain: ShardableExperiment<ToyConfig, unknown> = {
  ...toy,
  name: "unplain",
  run: (c, o) => sweep(c.levels, () => new (class Fit {})(), { progress: o.progress }),
};

export const EXPS = [toy, dependent, unplain];
/** Find a toy experiment by name, as resolveExperiment finds a module (unknown: ShardArgumentError). */
export const resolve = (name: string) => {
  const exp = EXPS.find((e) => e.name === name);
  return exp
    ? Promise.resolve(exp)
    : Promise.reject(new ShardArgumentError(`no toy experiment "${name}".`));
};

export async function shardAll(exp: ShardableExperiment<ToyConfig, unknown>, shards: number) {
  const out = await Deno.makeTempDir({ prefix: "shard_errors_" });
  for (let i = 0; i < shards; i++) {
    await runShard(exp, { scale: "smoke", shards, index: i, out, progress: false });
  }
  return out;
}
