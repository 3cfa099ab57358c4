/**
 * A notebook's sweep, or a sharded run's merged result in its place.
 *
 * `deno task merge DIR` writes `DIR/merged/result.json` for an experiment whose
 * registry entry (tools/shard_registry.ts) names no claims, tables or charts: the
 * notebook then draws those from the merged result, as from its own run. The step
 * modules beside the notebooks re-export {@link mergedOrRun}; lib/ never imports it.
 *
 * @module
 */
import { readResult } from "./sharding.ts";

/**
 * The merged result of a sharded run of `experiment` (a registry name such as
 * "variance_aware" or "student_initialization") when `KD_MERGED_<EXPERIMENT>`
 * names its merge folder (`deno task merge DIR` writes `DIR/merged/result.json`:
 * set it to `DIR/merged`), else what `run` computes here. The notebook then
 * draws its figures, tables and claims from either the same way.
 *
 * @example
 * ```ts
 * // KD_MERGED_LLM_CORRECTIONS=runs/c16/merged deno task notebooks 07
 * const llm = await mergedOrRun("llm_corrections", () => runLlmCorrections(config, setup));
 * ```
 */
export async function mergedOrRun<R>(experiment: string, run: () => Promise<R>): Promise<R> {
  const dir = Deno.env.get(`KD_MERGED_${experiment.toUpperCase()}`);
  return dir ? await readResult(`${dir}/result.json`) as R : await run();
}
