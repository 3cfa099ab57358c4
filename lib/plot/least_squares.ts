/**
 * Simple least-squares line y = intercept + slope x, with its R².
 *
 * @module
 */
import { linearRegression, linearRegressionLine, rSquared, variance } from "simple-statistics";

/**
 * The fitted line and how well it fits.
 *
 * @category Chart builders
 */
export interface LineFit {
  /** Change in y per unit of x. */
  slope: number;
  /** Value of the line at x = 0. */
  intercept: number;
  /** Coefficient of determination, 1 - SS_res / SS_tot (the squared correlation). */
  r2: number;
  /** Number of points fitted. */
  n: number;
}

/**
 * Ordinary least-squares fit of y on x: slope = Sxy / Sxx,
 * intercept = mean(y) - slope mean(x), R² = 1 - SS_res / SS_tot
 * (simple-statistics' centred `linearRegression` and `rSquared`; R² is 1 when
 * y is constant and fitted exactly).
 *
 * @throws Error when x and y differ in length, hold fewer than 2 points or a
 *   non-finite value, or x is constant (the slope is then undefined).
 *
 * @example
 * ```ts
 * fitLine([0, 1, 2], [1, 3, 5]); // { slope: 2, intercept: 1, r2: 1, n: 3 }
 * ```
 *
 * @category Chart builders
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  if (y.length !== n) {
    throw new Error(`fitLine: x and y must have the same length; got ${n} and ${y.length}.`);
  }
  if (n < 2) throw new Error(`fitLine: need at least 2 points; got ${n}.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new Error(`fitLine: x[${i}] and y[${i}] must be finite; got ${x[i]}, ${y[i]}.`);
    }
  }
  const xs = Array.from(x), ys = Array.from(y);
  if (!(variance(xs) > 0)) throw new Error("fitLine: x is constant, so the slope is undefined.");
  const points = xs.map((xi, i) => [xi, ys[i]]);
  const { m: slope, b: intercept } = linearRegression(points);
  const r2 = variance(ys) > 0
    ? rSquared(points, linearRegressionLine({ m: slope, b: intercept }))
    : 1;
  return { slope, intercept, r2, n };
}
