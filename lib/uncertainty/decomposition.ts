/**
 * Inter- versus intra-student uncertainty (Section 2 of the paper) and the
 * law of total variance that joins them.
 *
 * Each distilled student s has a predictive distribution at test input j with
 * mean mu_sj and variance v_sj (for an OLS student with Gaussian noise,
 * N(x_j . beta_s, sigma2_s); for a classifier, its class probabilities). The
 * paper separates
 * - inter-student uncertainty: how the students' means spread,
 *   Var_s(mu_sj) (population variance across the S students), and
 * - intra-student uncertainty: how wide one student's own predictive
 *   distribution is, E_s(v_sj).
 *
 * If a student is picked at random and then one output is sampled from it, the
 * output's variance is exactly the sum (law of total variance):
 * Var(y_j) = Var_s(mu_sj) + E_s(v_sj).
 *
 * @module
 */

import { studentsOf } from "./check.ts";

/**
 * Per-input and test-averaged variances of the decomposition.
 *
 * @category Section 2: problem definition
 */
export interface VarianceDecomposition {
  /** Var_s(mu_sj) per test input (population variance across students), length m. */
  readonly interPerInput: Float64Array;
  /** E_s(v_sj) per test input, length m. */
  readonly intraPerInput: Float64Array;
  /** inter + intra per test input: the variance of the mixture of the students. */
  readonly totalPerInput: Float64Array;
  /** Test average of `interPerInput`: inter-student uncertainty. */
  readonly inter: number;
  /** Test average of `intraPerInput`: intra-student uncertainty. */
  readonly intra: number;
  /** Test average of `totalPerInput` (= inter + intra). */
  readonly total: number;
  /** Share of the total that is inter-student, inter / total (NaN when total is 0). */
  readonly interShare: number;
}

/**
 * The average over students of each student's own predictive variance:
 * intra-student uncertainty (Section 2), per test input and averaged over the
 * test inputs. Not the spread across students: see `interStudentVariance`.
 *
 * @param variances student-major S x m predictive variances v_sj, all >= 0.
 * @param m number of test inputs.
 * @throws RangeError for an empty test set, a length that is not a multiple of
 *   m, or a variance that is negative or not finite.
 *
 * @example
 * ```ts
 * intraStudentVariance(new Float64Array([1, 3, 3, 5]), 2).mean; // 3
 * ```
 *
 * @category Section 2: problem definition
 */
export function intraStudentVariance(
  variances: ArrayLike<number>,
  m: number,
): { perInput: Float64Array; mean: number } {
  const s = studentsOf(variances, m, "m");
  const perInput = new Float64Array(m);
  for (let t = 0; t < s; t++) {
    for (let j = 0; j < m; j++) {
      const v = variances[t * m + j];
      if (v < 0) {
        throw new RangeError(
          `variances[${t * m + j}] is ${v}: predictive variances must be >= 0.`,
        );
      }
      perInput[j] += v;
    }
  }
  let mean = 0;
  for (let j = 0; j < m; j++) {
    perInput[j] /= s;
    mean += perInput[j];
  }
  return { perInput, mean: mean / m };
}

/**
 * Split the predictive variance of a cohort of students into its inter- and
 * intra-student parts (law of total variance; Section 2 of the paper).
 *
 * @param means student-major S x m predictive means mu_sj.
 * @param variances student-major S x m predictive variances v_sj (>= 0), or one
 *   number per student (length S) when a student's variance is the same at
 *   every input (a homoscedastic regression student).
 * @param m number of test inputs.
 * @throws RangeError when shapes disagree, a value is not finite, or a
 *   variance is negative.
 *
 * @example
 * ```ts
 * // Two students that disagree by 2 and each have variance 1:
 * const d = decomposePredictiveVariance(new Float64Array([0, 2]), new Float64Array([1, 1]), 1);
 * d.inter; // 1
 * d.intra; // 1
 * d.total; // 2
 * ```
 *
 * @category Section 2: problem definition
 */
export function decomposePredictiveVariance(
  means: ArrayLike<number>,
  variances: ArrayLike<number>,
  m: number,
): VarianceDecomposition {
  const s = studentsOf(means, m, "m");
  let full: ArrayLike<number> = variances;
  if (variances.length === s && s * m !== s) {
    const v = new Float64Array(s * m);
    for (let t = 0; t < s; t++) v.fill(variances[t], t * m, (t + 1) * m);
    full = v;
  } else if (variances.length !== s * m) {
    throw new RangeError(
      `variances.length (${variances.length}) must be S x m (${s * m}) or S (${s}), ` +
        `matching means (S = ${s} students, m = ${m} inputs).`,
    );
  }
  const mu = new Float64Array(m);
  for (let t = 0; t < s; t++) for (let j = 0; j < m; j++) mu[j] += means[t * m + j];
  for (let j = 0; j < m; j++) mu[j] /= s;
  const interPerInput = new Float64Array(m);
  for (let t = 0; t < s; t++) {
    for (let j = 0; j < m; j++) interPerInput[j] += (means[t * m + j] - mu[j]) ** 2;
  }
  for (let j = 0; j < m; j++) interPerInput[j] /= s;
  const intra = intraStudentVariance(full, m);
  const totalPerInput = new Float64Array(m);
  let inter = 0;
  for (let j = 0; j < m; j++) {
    totalPerInput[j] = interPerInput[j] + intra.perInput[j];
    inter += interPerInput[j];
  }
  inter /= m;
  const total = inter + intra.mean;
  return {
    interPerInput,
    intraPerInput: intra.perInput,
    totalPerInput,
    inter,
    intra: intra.mean,
    total,
    interShare: total > 0 ? inter / total : NaN,
  };
}
