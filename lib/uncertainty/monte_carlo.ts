/**
 * Mean and variance of a Monte Carlo sample (for example the test MSEs of S
 * independently distilled students) with their standard errors, so that a
 * simulated curve can be drawn with an error band and compared with theory.
 *
 * @module
 */

import * as ss from "simple-statistics";
import { checkNonEmpty } from "./check.ts";

/**
 * Mean and (population) variance of S values, with Monte Carlo standard errors.
 *
 * @category Section 2: problem definition
 */
export interface MonteCarloSummary {
  /** Number of values S. */
  readonly count: number;
  /** Sample mean (1/S) sum x_s. */
  readonly mean: number;
  /** SE of the mean: sqrt(s^2 / S), s^2 the sample variance (NaN when S < 2). */
  readonly seMean: number;
  /** Population variance (1/S) sum (x_s - mean)^2, numpy's default and the paper code's. */
  readonly variance: number;
  /** Sample variance (1/(S-1)) sum (x_s - mean)^2, unbiased (NaN when S < 2). */
  readonly sampleVariance: number;
  /** SE of `variance` (see {@link monteCarloSummary}; NaN when S < 2). */
  readonly seVariance: number;
}

/**
 * Summarize S i.i.d. values: mean, variance and the standard errors of both.
 *
 * - SE of the mean: sqrt(s^2 / S).
 * - SE of the variance. For i.i.d. values with variance sigma^2 and fourth
 *   central moment mu4, the sample variance s^2 has the exact variance
 *   Var(s^2) = (mu4 - sigma^4 (S-3)/(S-1)) / S, and the population variance
 *   v = (S-1)/S s^2 has Var(v) = ((S-1)/S)^2 Var(s^2). We plug in
 *   m4 = (1/S) sum (x - mean)^4 and s^2. This needs no normality (test MSEs
 *   are skewed: a scaled chi-square for linear students), and for Gaussian
 *   values (mu4 = 3 sigma^4) it reduces to the familiar sigma^2 sqrt(2/(S-1)).
 *
 * @param values the S Monte Carlo values (S >= 1; SEs are NaN when S < 2).
 * @throws RangeError when `values` is empty or not finite.
 *
 * @example
 * ```ts
 * const mse = studentTestMse(predictions, yTest);
 * const { mean, seMean, variance, seVariance } = monteCarloSummary(mse);
 * ```
 *
 * @category Section 2: problem definition
 */
export function monteCarloSummary(values: ArrayLike<number>): MonteCarloSummary {
  const s = checkNonEmpty(values, "values", "pass at least one Monte Carlo value.");
  const x = Array.from(values);
  const mean = ss.mean(x);
  const variance = ss.variance(x); // population (divide by S)
  if (s < 2) {
    return { count: s, mean, seMean: NaN, variance, sampleVariance: NaN, seVariance: NaN };
  }
  const sample = ss.sampleVariance(x);
  const m4 = ss.mean(x.map((v) => (v - mean) ** 4)); // fourth central moment
  const varS2 = Math.max(0, (m4 - sample * sample * (s - 3) / (s - 1)) / s);
  const seVariance = ((s - 1) / s) * Math.sqrt(varS2);
  return {
    count: s,
    mean,
    seMean: Math.sqrt(sample / s),
    variance,
    sampleVariance: sample,
    seVariance,
  };
}
