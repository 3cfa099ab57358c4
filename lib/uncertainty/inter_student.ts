/**
 * Inter-student predictive variance: how much independently distilled
 * students disagree on the same test input (Section 4 of the paper; Theorem
 * 4.1 gives its closed form for linear students, see `lib/linear/theory.ts`).
 *
 * @module
 */

import { studentsOf } from "./check.ts";

/**
 * Inter-student variance per test input, its test average and that average's Monte Carlo SE.
 *
 * @category Section 2: problem definition
 */
export interface InterStudentVariance {
  /** Population variance across the S students of each test prediction (length m). */
  readonly perInput: Float64Array;
  /** The average of `perInput` over the m test inputs. */
  readonly mean: number;
  /**
   * Monte Carlo standard error of `mean` as an estimate over the students
   * (S >= 2 always: one student is rejected, since neither the variance nor
   * its SE is defined for it). `mean` = (1/S) sum_s d_s with
   * d_s = (1/m) sum_j (p_sj - pbar_j)^2, a mean of S terms that are i.i.d. up
   * to the O(1/S) coupling through pbar; so SE = sd(d_s) / sqrt(S), with the
   * sample standard deviation (divide by S - 1).
   */
  readonly se: number;
}

/**
 * The variance across students of each test prediction, as the paper's text
 * defines inter-student variance: for test input j,
 * Var_j = (1/S) sum_s (p_sj - pbar_j)^2, with pbar_j the students' mean
 * prediction; then averaged over the test inputs. Population variance (divide
 * by S), numpy's default, so its expectation is (S-1)/S times the true variance.
 *
 * @param predictions student-major S x m: `predictions[s*m + j]`, S >= 2.
 * @param m number of test inputs, a positive integer (so S = predictions.length / m).
 * @throws RangeError, before any work, when m is not a positive integer (0: an
 *   empty test set), the length is not a multiple of m holding at least 2
 *   students (one student has no inter-student variance and no SE), or a
 *   prediction is not finite; after the work, when the predictions are so large
 *   that their squared spread overflows.
 *
 * @example
 * ```ts
 * // Two students, two test inputs.
 * const v = interStudentVariance(new Float64Array([0, 1, 2, 1]), 2);
 * v.perInput; // Float64Array [1, 0]
 * v.mean;     // 0.5
 * ```
 *
 * @category Section 2: problem definition
 */
export function interStudentVariance(
  predictions: ArrayLike<number>,
  m: number,
): InterStudentVariance {
  const s = studentsOf(predictions, m, "m");
  if (s < 2) {
    throw new RangeError(
      `predictions hold one student (predictions.length = m = ${m}): inter-student variance ` +
        `and its SE need at least 2 students; pass S >= 2 students' predictions, student-major.`,
    );
  }
  const mean = new Float64Array(m);
  for (let t = 0; t < s; t++) for (let j = 0; j < m; j++) mean[j] += predictions[t * m + j];
  for (let j = 0; j < m; j++) mean[j] /= s;
  const perInput = new Float64Array(m);
  const dev = new Float64Array(s); // d_s
  for (let t = 0; t < s; t++) {
    let ds = 0;
    for (let j = 0; j < m; j++) {
      const e = (predictions[t * m + j] - mean[j]) ** 2;
      perInput[j] += e;
      ds += e;
    }
    dev[t] = ds / m;
  }
  let avg = 0;
  for (let j = 0; j < m; j++) {
    perInput[j] /= s;
    avg += perInput[j];
  }
  avg /= m;
  let ss = 0;
  for (let t = 0; t < s; t++) ss += (dev[t] - avg) ** 2; // avg is the mean of the d_s
  const se = Math.sqrt(ss / (s - 1) / s);
  if (!Number.isFinite(avg) || !Number.isFinite(se)) {
    throw new RangeError(
      `the squared spread of the predictions overflows (mean ${avg}, se ${se}): ` +
        "rescale the predictions (e.g. to standardized units) before measuring their variance.",
    );
  }
  return { perInput, mean: avg, se };
}
