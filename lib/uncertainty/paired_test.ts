/**
 * Paired comparisons of a teacher and a student on the same test inputs: a
 * proper test to set beside the paper's "Significant?" rule of Section 6.1
 * (Appendix E, Tables 3 and 4), which only asks whether the two mean ± std
 * intervals are disjoint (see {@link intervalsDisjoint}). Because both models
 * see the same test inputs, the per-example differences d_i = x_T,i - x_S,i
 * (e.g. of predictive entropy) remove the input-to-input spread that makes
 * the std intervals wide.
 *
 * Three views of the same differences:
 * - {@link pairedTTest}: mean difference, paired t statistic, two-sided p-value.
 * - {@link bootstrapMeanDifference}: a seeded percentile bootstrap interval.
 * - {@link wilcoxonSignedRank}: a rank test, robust to the heavy tails of
 *   entropy differences (normal approximation).
 *
 * @module
 */

import { mean, quantileSorted, sampleStandardDeviation } from "simple-statistics";
import { type Seed, toRng } from "../random.ts";
import { checkFinite } from "./check.ts";
import { normalTwoSided, studentTTwoSided } from "./distributions.ts";

/** Validate two paired samples (n >= 2, finite) and return d = teacher - student. */
function differences(teacher: ArrayLike<number>, student: ArrayLike<number>): Float64Array {
  if (teacher.length !== student.length) {
    throw new RangeError(
      `teacher.length (${teacher.length}) must equal student.length (${student.length}): ` +
        `pass one value per test input for each model, in the same order.`,
    );
  }
  if (teacher.length < 2) {
    throw new RangeError(
      `teacher and student hold ${teacher.length} value(s): a paired comparison needs at least 2.`,
    );
  }
  checkFinite(teacher, "teacher");
  checkFinite(student, "student");
  const d = new Float64Array(teacher.length);
  for (let i = 0; i < d.length; i++) {
    d[i] = teacher[i] - student[i];
    if (!Number.isFinite(d[i])) {
      throw new RangeError(
        `teacher[${i}] - student[${i}] overflows (${teacher[i]} - ${student[i]}): ` +
          "rescale both samples before comparing them.",
      );
    }
  }
  return d;
}

/**
 * Result of {@link pairedTTest}.
 *
 * @category Section 6: student output uncertainty
 */
export interface PairedTTest {
  /** Number of pairs n. */
  readonly count: number;
  /** Mean difference dbar = (1/n) sum (teacher_i - student_i). */
  readonly meanDifference: number;
  /** Sample standard deviation of the differences (divide by n - 1). */
  readonly stdDifference: number;
  /** Standard error of the mean difference, stdDifference / sqrt(n). */
  readonly standardError: number;
  /**
   * t = dbar / standardError; 0 when every difference is 0 (identical inputs: no
   * evidence of a difference), ±Infinity when all differences are equal and nonzero.
   */
  readonly statistic: number;
  /** Degrees of freedom n - 1. */
  readonly df: number;
  /** Two-sided p-value P(|T_{n-1}| >= |t|): 1 when every difference is 0, 0 for infinite t. */
  readonly pValue: number;
}

/**
 * Paired t-test of H0: E[teacher - student] = 0, on per-example values of the
 * same test inputs (the same as scipy's `ttest_rel`). The p-value uses
 * Student's t distribution with n - 1 degrees of freedom, computed from the
 * regularized incomplete beta function.
 *
 * Identical inputs (every difference exactly 0, where 0/0 leaves t undefined)
 * give statistic 0 and p-value 1: no evidence of a difference, never NaN.
 * (scipy returns NaN there.)
 *
 * @throws RangeError, before any work, when the lengths differ, n < 2, a value
 *   is not finite, or a difference overflows (values near ±1.8e308).
 *
 * @example
 * ```ts
 * pairedTTest([1, 2, 3], [0, 2, 2]); // dbar = 2/3, t = 2/3 / sqrt((1/3)/3) = 2, df 2, p ≈ 0.184
 * pairedTTest([1, 2], [1, 2]);       // statistic 0, pValue 1
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function pairedTTest(teacher: ArrayLike<number>, student: ArrayLike<number>): PairedTTest {
  const d = differences(teacher, student);
  const n = d.length;
  const x = Array.from(d);
  const std = sampleStandardDeviation(x);
  const se = std / Math.sqrt(n);
  // Not simple-statistics' tTest: it divides by the population standard deviation
  // (t = 2.449 instead of scipy's 2 on the example above).
  const dbar = mean(x);
  const t = x.every((v) => v === 0) ? 0 : dbar / se;
  if (Number.isNaN(t)) {
    throw new RangeError(
      `the differences teacher - student are too large to average (mean ${dbar}, sd ${std}): ` +
        "rescale both samples before comparing them.",
    );
  }
  return {
    count: n,
    meanDifference: dbar,
    stdDifference: std,
    standardError: se,
    statistic: t,
    df: n - 1,
    pValue: studentTTwoSided(t, n - 1),
  };
}

/**
 * Options of {@link bootstrapMeanDifference}.
 *
 * @category Section 6: student output uncertainty
 */
export interface BootstrapOptions {
  /** Seed or generator for the resampling. */
  readonly seed: Seed;
  /** Number of bootstrap resamples B (default 2000). */
  readonly resamples?: number;
  /** Confidence level in (0, 1) (default 0.95). */
  readonly level?: number;
}

/**
 * A bootstrap percentile interval for the mean difference.
 *
 * @category Section 6: student output uncertainty
 */
export interface BootstrapInterval {
  /** The mean difference of the data, (1/n) sum (teacher_i - student_i). */
  readonly estimate: number;
  /** Lower end: the (1 - level)/2 quantile of the B resampled means. */
  readonly low: number;
  /** Upper end: the (1 + level)/2 quantile of the B resampled means. */
  readonly high: number;
  /** The confidence level. */
  readonly level: number;
  /** The number of resamples B. */
  readonly resamples: number;
}

/**
 * Percentile bootstrap confidence interval of the mean paired difference:
 * draw B resamples of the n pairs with replacement (the pairs stay together),
 * take each resample's mean difference, and return the (1 - level)/2 and
 * (1 + level)/2 quantiles of those B means (numpy's default linear
 * interpolation between order statistics). Resample b draws n indices in
 * turn from `toRng(seed)`, so the same seed gives the same interval.
 *
 * @throws RangeError when the lengths differ, n < 2, a value is not finite,
 *   `resamples` is not an integer >= 2, or `level` is not in (0, 1).
 *
 * @example
 * ```ts
 * const ci = bootstrapMeanDifference(hTeacher, hStudent, { seed: 7, resamples: 2000 });
 * ci.low <= 0 && 0 <= ci.high; // no difference detected at 95%
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function bootstrapMeanDifference(
  teacher: ArrayLike<number>,
  student: ArrayLike<number>,
  options: BootstrapOptions,
): BootstrapInterval {
  const { resamples = 2000, level = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new RangeError(`options.resamples must be an integer >= 2, got ${resamples}.`);
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`options.level must be in (0, 1), e.g. 0.95, got ${level}.`);
  }
  const d = differences(teacher, student);
  const rng = toRng(options.seed);
  const n = d.length;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)];
    means[b] = s / n;
  }
  means.sort();
  return {
    estimate: mean(Array.from(d)),
    // simple-statistics' quantileSorted interpolates linearly as numpy's default does.
    low: quantileSorted(Array.from(means), (1 - level) / 2),
    high: quantileSorted(Array.from(means), (1 + level) / 2),
    level,
    resamples,
  };
}

/**
 * Result of {@link wilcoxonSignedRank}.
 *
 * @category Section 6: student output uncertainty
 */
export interface WilcoxonSignedRank {
  /** Number of nonzero differences used (zeros are dropped). */
  readonly count: number;
  /** Number of zero differences dropped. */
  readonly zeros: number;
  /** Sum of the ranks of |d_i| over positive d_i (teacher larger). */
  readonly wPlus: number;
  /** Sum of the ranks over negative d_i; wPlus + wMinus = count (count + 1) / 2. */
  readonly wMinus: number;
  /** z = (wPlus - count(count+1)/4) / sd, with the tie-corrected sd; 0 mean, sign of the median shift. */
  readonly z: number;
  /** Two-sided p-value 2 (1 - Φ(|z|)) (NaN when no difference is nonzero). */
  readonly pValue: number;
}

/**
 * Wilcoxon signed-rank test of H0: the differences teacher - student are
 * symmetric about 0, with the normal approximation (no continuity
 * correction), which is accurate for the test-set sizes here (n >= 30 or so;
 * for small n prefer an exact table). Zero differences are dropped (Wilcoxon's
 * convention), tied |d_i| get their average rank, and the variance
 * n(n+1)(2n+1)/24 is reduced by sum_t (t^3 - t)/48 over tie groups of size t.
 * Matches scipy's `wilcoxon(x, y, method="approx")` in p-value (scipy reports
 * min(W+, W-) and a non-positive z; here z is signed by W+).
 *
 * @throws RangeError when the lengths differ, n < 2, or a value is not finite.
 *
 * @example
 * ```ts
 * const w = wilcoxonSignedRank(hTeacher, hStudent);
 * w.pValue; // two-sided, normal approximation
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function wilcoxonSignedRank(
  teacher: ArrayLike<number>,
  student: ArrayLike<number>,
): WilcoxonSignedRank {
  const all = differences(teacher, student);
  const d = all.filter((v) => v !== 0);
  const n = d.length;
  const zeros = all.length - n;
  if (n === 0) return { count: 0, zeros, wPlus: 0, wMinus: 0, z: NaN, pValue: NaN };
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
    Math.abs(d[i]) - Math.abs(d[j])
  );
  let wPlus = 0, ties = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && Math.abs(d[order[end]]) === Math.abs(d[order[start]])) end++;
    const t = end - start;
    const rank = (start + 1 + end) / 2; // average of ranks start+1 .. end
    for (let k = start; k < end; k++) if (d[order[k]] > 0) wPlus += rank;
    ties += t * t * t - t;
    start = end;
  }
  const total = (n * (n + 1)) / 2;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - ties / 48);
  const z = sd > 0 ? (wPlus - total / 2) / sd : NaN;
  return { count: n, zeros, wPlus, wMinus: total - wPlus, z, pValue: normalTwoSided(z) };
}

/**
 * Options of {@link pairedComparison}: those of {@link bootstrapMeanDifference}.
 *
 * @category Section 6: student output uncertainty
 */
export type PairedComparisonOptions = BootstrapOptions;

/**
 * All three paired views of teacher - student.
 *
 * @category Section 6: student output uncertainty
 */
export interface PairedComparison {
  /** {@link pairedTTest}. */
  readonly tTest: PairedTTest;
  /** {@link bootstrapMeanDifference}. */
  readonly bootstrap: BootstrapInterval;
  /** {@link wilcoxonSignedRank}. */
  readonly wilcoxon: WilcoxonSignedRank;
}

/**
 * The paired t-test, the bootstrap interval of the mean difference and the
 * Wilcoxon signed-rank test of teacher - student in one call, e.g. on the
 * per-example predictive entropies of a teacher and its student (Section 6.1).
 *
 * @throws RangeError as the three functions do.
 *
 * @example
 * ```ts
 * const c = pairedComparison(predictiveEntropy(pT, C), predictiveEntropy(pS, C), { seed: 1 });
 * [c.tTest.meanDifference, c.tTest.pValue, c.bootstrap.low, c.bootstrap.high];
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function pairedComparison(
  teacher: ArrayLike<number>,
  student: ArrayLike<number>,
  options: PairedComparisonOptions,
): PairedComparison {
  const bootstrap = bootstrapMeanDifference(teacher, student, options);
  return {
    tTest: pairedTTest(teacher, student),
    bootstrap,
    wilcoxon: wilcoxonSignedRank(teacher, student),
  };
}
