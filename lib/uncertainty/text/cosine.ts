/**
 * Cosine similarity between response embeddings: the alignment measures of
 * Sections 4.3 and 6.2 (Figures 4a, 10) and Table 1's "mean cosine similarity".
 *
 * @module
 */
import { type Embeddings, rowsOf } from "./matrix.ts";

function cosineAt(a: Embeddings, ia: number, b: Embeddings, ib: number, d: number): number {
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < d; j++) {
    const x = a[ia + j], y = b[ib + j];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa === 0 || bb === 0) {
    throw new RangeError(
      `an embedding of norm zero has no direction: cosine similarity is undefined. ` +
        `Check the embedder's output (row offset ${aa === 0 ? ia / d : ib / d}).`,
    );
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * Cosine similarity a.b / (|a| |b|) of two vectors, in [-1, 1].
 *
 * @throws RangeError when the lengths differ, are zero, an entry is not finite,
 *   or a vector is all zeros.
 * @example
 * ```ts
 * cosineSimilarity(new Float64Array([1, 0]), new Float64Array([1, 1])); // 0.7071...
 * ```
 *
 * @category Cosine similarity
 */
export function cosineSimilarity(a: Embeddings, b: Embeddings): number {
  if (a.length !== b.length) {
    throw new RangeError(`a (${a.length}) and b (${b.length}) must have the same length.`);
  }
  rowsOf(a, a.length || 1, "a");
  rowsOf(b, b.length || 1, "b");
  return cosineAt(a, 0, b, 0, a.length);
}

/**
 * Row-by-row cosine similarities of two n x d matrices: entry i is the cosine
 * between row i of `a` and row i of `b` (e.g. the teacher's and a student's
 * greedy answers to question i).
 *
 * @throws RangeError on shape mismatch, non-finite entries or an all-zero row.
 *
 * @category Cosine similarity
 */
export function pairedCosines(a: Embeddings, b: Embeddings, d: number): Float64Array {
  const n = rowsOf(a, d, "a");
  const m = rowsOf(b, d, "b");
  if (n !== m) throw new RangeError(`a has ${n} rows and b ${m}: pass one row per prompt in both.`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = cosineAt(a, i * d, b, i * d, d);
  return out;
}

/**
 * Alignment of Section 4.3 (Figure 4a) and Table 1: the mean over prompts of
 * the cosine similarity between paired responses (row i of `a` with row i of
 * `b`), e.g. teacher vs student greedy answers, or student answers vs ground
 * truth.
 *
 * @throws RangeError as `pairedCosines`.
 * @example
 * ```ts
 * // two prompts, d = 2: cosines 1 and 0, alignment 0.5
 * meanPairedCosine(new Float64Array([1, 0, 0, 1]), new Float64Array([2, 0, 1, 0]), 2); // 0.5
 * ```
 *
 * @category Cosine similarity
 */
export function meanPairedCosine(a: Embeddings, b: Embeddings, d: number): number {
  const c = pairedCosines(a, b, d);
  let s = 0;
  for (const v of c) s += v;
  return s / c.length;
}
