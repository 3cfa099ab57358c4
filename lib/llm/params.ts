/**
 * A language model's parameters as one flat vector: the order of `gptValues`
 * (the model's parameter map), and where a named parameter starts in it.
 *
 * @module
 */
import type { GptModel } from "./model.ts";

/**
 * The values of a parameter map (`gptValues(model)`) concatenated in its order.
 *
 * @example
 * ```ts
 * flatParameters(new Map([["a", Float32Array.of(1, 2)], ["b", Float32Array.of(3)]])); // [1, 2, 3]
 * ```
 */
export function flatParameters(values: ReadonlyMap<string, Float32Array>): Float32Array {
  let n = 0;
  for (const v of values.values()) n += v.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const v of values.values()) {
    out.set(v, o);
    o += v.length;
  }
  return out;
}

/**
 * Where parameter `name` starts in {@link flatParameters} of the model's values.
 *
 * @throws RangeError naming the parameter when the model has none of that name.
 */
export function parameterOffset(model: Pick<GptModel, "params">, name: string): number {
  let o = 0;
  for (const [n, v] of model.params) {
    if (n === name) return o;
    o += v.size;
  }
  throw new RangeError(`parameterOffset: the model has no parameter ${name}.`);
}
