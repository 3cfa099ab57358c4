/**
 * How sparse a cohort's shared inputs are, in the native kernel's sense
 * (lib/nn/native/cohort_kernel.c): each column k is shifted by its majority
 * value c_k (the value more than half of its rows hold, else 0), and a row
 * keeps only its entries that differ from their column's shift. Standardized
 * MNIST is the case in point: a pixel that is 0 in the raw image is the same
 * number −μ_k/σ_k in every such row, so about a quarter of the entries remain.
 *
 * @module
 */

/**
 * The share of entries of x (n x d, row-major) that differ from their column's
 * majority value, estimated on at most `sampleRows` evenly spaced rows (the
 * majority found on the same rows).
 *
 * @example
 * ```ts
 * sparseShare(Float32Array.from([5, 0, 5, 2, 5, 0]), 3, 2); // 1 of 6 entries: 0.1666...
 * ```
 *
 * @category Back ends
 */
export function sparseShare(x: Float32Array, n: number, d: number, sampleRows = 2000): number {
  const m = Math.min(n, sampleRows);
  if (m === 0 || d === 0) return 1;
  const rows = Array.from({ length: m }, (_, j) => Math.floor((j * n) / m));
  let kept = 0;
  for (let k = 0; k < d; k++) {
    let cand = 0, votes = 0;
    for (const i of rows) {
      const v = x[i * d + k];
      if (votes === 0) cand = v, votes = 1;
      else votes += v === cand ? 1 : -1;
    }
    let count = 0;
    for (const i of rows) if (x[i * d + k] === cand) count++;
    kept += 2 * count > m ? m - count : rows.reduce((s, i) => s + (x[i * d + k] !== 0 ? 1 : 0), 0);
  }
  return kept / (m * d);
}
