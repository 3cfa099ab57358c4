/**
 * The noise variance an OLS model believes in: its residual variance, which
 * makes its Gaussian predictive distribution N(x . beta, sigma2_hat).
 *
 * @module
 */

import { type LinearFit, predictOls } from "./ols.ts";

/**
 * Residual variance of each of S OLS fits on its own training targets:
 * sigma2_hat_s = RSS_s / (n - p), with p = rank + 1 when an intercept was
 * fitted (else rank). This is the unbiased estimate of the noise variance
 * under the linear-Gaussian model (divide by the residual degrees of freedom,
 * not by n), and the variance of that student's predictive distribution
 * (intra-student uncertainty, Section 2 of the paper).
 *
 * @param x training design, row-major n x d (as passed to `fitOls`).
 * @param targets the S x n student-major targets the fits were made on.
 * @param fit the result of `fitOls(x, d, targets)` (without weights).
 * @returns length S: one residual variance per fit.
 * @throws RangeError when the shapes disagree with the fit, or when n <= p
 *   (no residual degrees of freedom).
 *
 * @example
 * ```ts
 * const x = new Float64Array([0, 1, 2, 3]);
 * const y = new Float64Array([0, 1.5, 1.5, 3]);
 * residualVariance(x, y, fitOls(x, 1, y)); // Float64Array [0.225]
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function residualVariance(
  x: Float64Array,
  targets: Float64Array,
  fit: LinearFit,
): Float64Array {
  const d = fit.nFeatures;
  const s = fit.nTargets;
  if (x.length % d !== 0 || x.length === 0) {
    throw new RangeError(`x.length (${x.length}) must be a positive multiple of d (${d}).`);
  }
  const n = x.length / d;
  if (targets.length !== s * n) {
    throw new RangeError(
      `targets.length (${targets.length}) must be S x n = ${s} x ${n} for this fit.`,
    );
  }
  const pred = predictOls(x, fit);
  const out = new Float64Array(s);
  for (let t = 0; t < s; t++) {
    const p = fit.rank[t] + (fit.fitIntercept ? 1 : 0);
    if (n <= p) {
      throw new RangeError(
        `residual variance needs more rows than parameters: n = ${n}, p = ${p}.`,
      );
    }
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (targets[t * n + i] - pred[t * n + i]) ** 2;
    out[t] = rss / (n - p);
  }
  return out;
}
