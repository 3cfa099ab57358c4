/**
 * The first principal component of a set of answer embeddings (Figure 4c: teacher and student
 * samples projected on one axis).
 *
 * @module
 */
import type { Embedding } from "./text_average.ts";

/**
 * Each row's score on the first principal component of the rows (centred on their mean): the
 * axis by power iteration from a fixed start, 100 steps (stopping early if the products vanish),
 * so the scores are the same on every machine; their sign is the axis's, which is arbitrary.
 * Where the top eigenvalue stands apart this agrees with an exact eigen-decomposition to
 * round-off.
 *
 * @param rows at least one embedding, all of one dimension.
 * @throws RangeError for no row or rows of different dimensions.
 *
 * @example
 * ```ts
 * firstComponentScores([[-6, -8], [0, 0], [6, 8]]); // about [-10, 0, 10] (or its negative)
 * ```
 *
 * @category Text uncertainty
 */
export function firstComponentScores(rows: readonly Embedding[]): number[] {
  const n = rows.length;
  if (n === 0) throw new RangeError("firstComponentScores: rows is empty.");
  const d = rows[0].length;
  if (rows.some((r) => r.length !== d)) {
    throw new RangeError(`firstComponentScores: every row must have ${d} dimensions, as rows[0].`);
  }
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  const c = rows.map((r) => Float64Array.from({ length: d }, (_, j) => r[j] - mean[j]));
  let v = Float64Array.from({ length: d }, (_, j) => 1 + ((j * 7919) % 13) / 13);
  for (let it = 0; it < 100; it++) {
    const w = new Float64Array(d);
    for (const r of c) {
      let p = 0;
      for (let j = 0; j < d; j++) p += r[j] * v[j];
      for (let j = 0; j < d; j++) w[j] += p * r[j];
    }
    const norm = Math.hypot(...w);
    if (norm === 0) break;
    v = w.map((x) => x / norm);
  }
  return c.map((r) => r.reduce((a, x, j) => a + x * v[j], 0));
}
