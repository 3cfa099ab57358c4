/**
 * Predictive entropy of a classifier's output: the output-uncertainty measure
 * of Section 6.1 (Figure 9, Appendix E Tables 3 and 4).
 *
 * @module
 */

import { checkProbabilities } from "./probabilities.ts";

/**
 * The guard added inside the logarithm, `log(p + 1e-12)`, as in the paper's
 * code; also used by {@link negativeLogLikelihood}.
 */
export const LOG_EPSILON = 1e-12;

/**
 * Options of {@link predictiveEntropy}.
 *
 * @category Section 6: student output uncertainty
 */
export interface EntropyOptions {
  /** Allowed |sum_c p_c - 1| per row (default 1e-6, for float32 softmax outputs). */
  readonly tolerance?: number;
}

/**
 * Predictive entropy in nats of each row of class probabilities,
 * H_i = -sum_c p_ic log(p_ic + 1e-12), exactly the formula of the paper's code
 * (Section 6.1). The 1e-12 keeps log(0) finite; a class with p = 0 contributes
 * 0 * log(1e-12) = 0, so a one-hot row gives -log(1 + 1e-12) ≈ -1e-12 (that
 * is, 0 up to rounding; the guard makes it a hair below zero, not above), and
 * the uniform row over C classes gives log(C) up to ~C * 1e-12.
 *
 * Not the entropy of the mean over several models (the "total" uncertainty
 * of an ensemble): pass the averaged probabilities for that.
 *
 * @param probabilities row-major n x C (or S x n x C: one entropy per row).
 * @param classes the number of classes C.
 * @returns n (or S*n) entropies in nats, in [≈0, log C].
 * @throws RangeError when `classes` is not an integer >= 1, the length is not a
 *   positive multiple of it, an entry is not finite or lies outside [0, 1], or
 *   a row does not sum to 1 within the tolerance (all checked before any work).
 *
 * @example
 * ```ts
 * predictiveEntropy([0.5, 0.5, 1, 0], 2); // [log 2 ≈ 0.693, ≈ 0]
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function predictiveEntropy(
  probabilities: ArrayLike<number>,
  classes: number,
  options: EntropyOptions = {},
): Float64Array {
  const rows = checkProbabilities(probabilities, classes, "probabilities", options.tolerance);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let c = 0; c < classes; c++) {
      const p = probabilities[r * classes + c];
      h -= p * Math.log(p + LOG_EPSILON);
    }
    out[r] = h;
  }
  return out;
}
