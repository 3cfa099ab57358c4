/**
 * Soft-label distillation with a trainer that takes integer labels: the soft
 * cross-entropy -sum_c q_ic log p_c(x_i) equals a weighted hard-label
 * cross-entropy over C copies of each input, copy c labelled c with weight
 * q_ic. The usual alternative to the hard (argmax) labels of Section 6.1.
 *
 * @module
 */

import { checkProbabilities } from "../uncertainty/probabilities.ts";

/**
 * A classification problem for `fitCohort` (loss "cross-entropy") with weights.
 *
 * @category Section 6: student output uncertainty
 */
export interface SoftTargetProblem {
  /** Inputs, m x d row-major: the rows of x repeated, one copy per kept class. */
  readonly x: Float32Array;
  /** Number of rows m (at most n x C). */
  readonly n: number;
  /** The class of each row, m (shared by every student). */
  readonly targets: Int32Array;
  /** Row weights q_ic: m (one target set) or S x m (one per student). */
  readonly weights: Float32Array;
  /** For each row, the original input index i it copies. */
  readonly source: Int32Array;
}

/**
 * Options of {@link softTargetProblem}.
 *
 * @category Section 6: student output uncertainty
 */
export interface SoftTargetOptions {
  /**
   * Drop a copy (i, c) when q_ic <= minWeight for every target set (default 0:
   * only exact zeros, so the loss is unchanged). A positive value trades a
   * small change of the loss for fewer rows.
   */
  readonly minWeight?: number;
  /** Allowed |sum_c q_ic - 1| per row (default 1e-6). */
  readonly tolerance?: number;
}

/**
 * Rewrite soft targets q (n x C, or S x n x C: one set per student) as a
 * weighted hard-label problem: row (i, c) is x_i labelled c with weight q_ic.
 * Because each row of q sums to 1, fitCohort's weighted mean
 * sum_ic q_ic (-log p_c(x_i)) / sum_ic q_ic is exactly the mean soft
 * cross-entropy (1/n) sum_i H(q_i, p(x_i)), with the same gradients. One-hot
 * q gives back the hard-label problem (zero-weight copies are dropped).
 *
 * Cost: training time grows with the number of rows kept (up to C n).
 *
 * @param x inputs, n x d row-major.
 * @param n number of inputs.
 * @param d number of features.
 * @param soft targets, n x C or S x n x C, rows summing to 1 (e.g. `softLabels`).
 * @param classes the number of classes C (>= 2).
 * @throws RangeError naming the argument when n, d or classes is not a
 *   positive integer (classes >= 2), x does not hold n x d finite numbers,
 *   soft is not n x C or a multiple S x n x C of probabilities whose rows sum
 *   to 1, or minWeight is not a finite number in [0, 1).
 *
 * @example
 * ```ts
 * const q = softLabels(teacherLogits, 10, 4); // n x 10, temperature 4
 * const p = softTargetProblem(xTrain, n, d, q, 10);
 * await fitCohort({ ...p, d, hidden: 0, outputs: 10, loss: "cross-entropy",
 *   students: 1, epochs: 300, lr: 0.01, seed: 1 });
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function softTargetProblem(
  x: ArrayLike<number>,
  n: number,
  d: number,
  soft: ArrayLike<number>,
  classes: number,
  options: SoftTargetOptions = {},
): SoftTargetProblem {
  for (const [name, v] of [["n", n], ["d", d]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name} must be an integer >= 1, got ${v}.`);
    }
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(
      `classes must be an integer >= 2 (the number of classes C), got ${classes}.`,
    );
  }
  if (!x || x.length !== n * d) {
    throw new RangeError(`x must have n x d = ${n} x ${d} = ${n * d} entries, got ${x?.length}.`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`x[${i}] is ${x[i]}; x must be finite.`);
  }
  const minWeight = options.minWeight ?? 0;
  if (!(Number.isFinite(minWeight) && minWeight >= 0 && minWeight < 1)) {
    throw new RangeError(`options.minWeight must be a finite number in [0, 1), got ${minWeight}.`);
  }
  const rows = checkProbabilities(soft, classes, "soft", options.tolerance);
  if (rows % n !== 0) {
    throw new RangeError(
      `soft holds ${rows} rows of ${classes} classes: it must be n x C (n = ${n}) or ` +
        `S x n x C for S target sets.`,
    );
  }
  const S = rows / n;
  const keep: number[] = []; // flattened (c, i) pairs kept, class-major
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < n; i++) {
      let top = 0;
      for (let s = 0; s < S; s++) top = Math.max(top, soft[(s * n + i) * classes + c]);
      if (top > minWeight) keep.push(c * n + i);
    }
  }
  const m = keep.length;
  const xs = new Float32Array(m * d), targets = new Int32Array(m), source = new Int32Array(m);
  const weights = new Float32Array(S * m);
  keep.forEach((ci, r) => {
    const c = Math.floor(ci / n), i = ci % n;
    for (let j = 0; j < d; j++) xs[r * d + j] = x[i * d + j];
    targets[r] = c;
    source[r] = i;
    for (let s = 0; s < S; s++) weights[s * m + r] = soft[(s * n + i) * classes + c];
  });
  return { x: xs, n: m, targets, weights, source };
}
