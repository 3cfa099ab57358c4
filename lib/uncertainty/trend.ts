/**
 * The shape of a Monte Carlo curve: weighted least-squares trends through
 * points y_i measured with known standard errors se_i, to ask whether a
 * curve is linear in x or bends upward. Section 4.2 of the paper claims that
 * the inter-student variance of linear students grows linearly with the
 * teacher's noise variance sigma2 and that of neural students super-linearly
 * (Figure 2); {@link curvatureTest} turns that into a test.
 *
 * The points must be independent (e.g. each noise level simulated with its
 * own random streams); the fits weight point i by 1 / se_i^2.
 *
 * @module
 */

import { checkFinite } from "./check.ts";
import { inverse, Matrix } from "ml-matrix";
import { normalTwoSided } from "./distributions.ts";

/**
 * A weighted polynomial fit y ~ c_0 + c_1 x + ... + c_k x^k.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface PolynomialTrend {
  /** c_0 .. c_k. */
  readonly coefficients: number[];
  /**
   * Standard errors of the coefficients: sqrt of the diagonal of
   * (X^T W X)^-1, multiplied by `scale`.
   */
  readonly standardErrors: number[];
  /** sum_i ((y_i - fit_i) / se_i)^2. */
  readonly chi2: number;
  /** Degrees of freedom, points - (k + 1). */
  readonly dof: number;
  /**
   * sqrt(max(1, chi2 / dof)) (1 when dof = 0): the SEs are inflated by it when
   * the points scatter about the fit more than their SEs allow, so a
   * polynomial that does not describe the curve does not look precise.
   */
  readonly scale: number;
}

function checkPoints(
  fn: string,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  se: ArrayLike<number>,
) {
  if (x.length !== y.length || x.length !== se.length) {
    throw new RangeError(
      `${fn}: x, y and se must have the same length; got ${x.length}, ${y.length}, ${se.length}.`,
    );
  }
  checkFinite(x, "x");
  checkFinite(y, "y");
  checkFinite(se, "se");
  for (let i = 0; i < se.length; i++) {
    if (!(se[i] > 0)) {
      throw new RangeError(
        `${fn}: se[${i}] is ${se[i]}; every standard error must be > 0. Drop points known ` +
          `exactly (e.g. a noise-free level where all students agree).`,
      );
    }
  }
}

/**
 * Weighted least-squares polynomial of degree k through (x_i, y_i), weights
 * 1 / se_i^2: the coefficients minimize chi2 = sum ((y_i - p(x_i)) / se_i)^2;
 * their covariance is (X^T W X)^-1 (scaled, see {@link PolynomialTrend.scale}).
 *
 * @throws RangeError when the lengths differ, a value is not finite, an SE is
 *   not > 0, the degree is not an integer >= 0, or there are fewer distinct x
 *   than coefficients.
 *
 * @example
 * ```ts
 * const fit = fitWeightedPolynomial([0, 1, 2], [1, 3, 5], [0.1, 0.1, 0.1], 1);
 * fit.coefficients; // [1, 2]
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function fitWeightedPolynomial(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  se: ArrayLike<number>,
  degree: number,
): PolynomialTrend {
  const fn = "fitWeightedPolynomial";
  if (!Number.isInteger(degree) || degree < 0) {
    throw new RangeError(`${fn}: degree must be an integer >= 0, got ${degree}.`);
  }
  checkPoints(fn, x, y, se);
  const n = x.length, p = degree + 1;
  if (n < p) {
    throw new RangeError(`${fn}: need at least ${p} points for degree ${degree}, got ${n}.`);
  }
  const distinct = new Set(Array.from(x)).size;
  if (distinct < p) {
    throw new RangeError(
      `${fn}: x has ${distinct} distinct values, too few distinct values for degree ${degree} ` +
        `(needs ${p}).`,
    );
  }
  const g = Matrix.zeros(p, p), b = new Float64Array(p);
  const pow = (v: number, k: number) => (k === 0 ? 1 : v ** k);
  for (let i = 0; i < n; i++) {
    const w = 1 / (se[i] * se[i]);
    for (let r = 0; r < p; r++) {
      b[r] += w * pow(x[i], r) * y[i];
      for (let c = 0; c < p; c++) g.set(r, c, g.get(r, c) + w * pow(x[i], r + c));
    }
  }
  const cov = inverse(g); // (X^T W X)^-1, ml-matrix (LU with partial pivoting)
  const coefficients = cov.mmul(Matrix.columnVector(Array.from(b))).getColumn(0);
  let chi2 = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let r = 0; r < p; r++) f += coefficients[r] * pow(x[i], r);
    chi2 += ((y[i] - f) / se[i]) ** 2;
  }
  const dof = n - p;
  const scale = dof > 0 ? Math.sqrt(Math.max(1, chi2 / dof)) : 1;
  const standardErrors = coefficients.map((_, r) => Math.sqrt(cov.get(r, r)) * scale);
  return { coefficients, standardErrors, chi2, dof, scale };
}

/**
 * The upper tail of the standard normal, P(Z > z), accurate far into the tail
 * (from the two-sided tail of `distributions.ts`).
 *
 * @example
 * ```ts
 * normalUpperTail(1.6448536269514722); // ≈ 0.05
 * ```
 */
export function normalUpperTail(z: number): number {
  const two = normalTwoSided(z);
  return z >= 0 ? two / 2 : 1 - two / 2;
}

/**
 * The quadratic trend y ~ a + b x + c x^2 and the test of c = 0.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface CurvatureTest extends PolynomialTrend {
  /** a, the fitted value at x = 0. */
  readonly intercept: number;
  /** b, the linear coefficient. */
  readonly slope: number;
  /** c, the quadratic coefficient: > 0 is super-linear growth. */
  readonly curvature: number;
  /** Standard error of b (scaled as in `fitWeightedPolynomial`). */
  readonly seSlope: number;
  /** Standard error of c (scaled as in `fitWeightedPolynomial`). */
  readonly seCurvature: number;
  /** z = c / se(c). */
  readonly z: number;
  /** P(Z > z): small when the curve bends upward (super-linear). */
  readonly pUpper: number;
  /** P(|Z| > |z|). */
  readonly pTwoSided: number;
}

/**
 * Does the curve bend? Fit y = a + b x + c x^2 by weighted least squares
 * (weights 1 / se^2) and test c = 0 with z = c / se(c), normal reference
 * (the SEs are taken as known; see {@link PolynomialTrend.scale} for the
 * inflation when the quadratic misfits). c > 0 significantly: super-linear.
 *
 * @throws RangeError as {@link fitWeightedPolynomial}, with fewer than 3 points.
 *
 * @example
 * ```ts
 * const t = curvatureTest(sigma2, variance, se);
 * console.log(`c = ${t.curvature} ± ${t.seCurvature}, z = ${t.z}, p = ${t.pUpper}`);
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function curvatureTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  se: ArrayLike<number>,
): CurvatureTest {
  const fit = fitWeightedPolynomial(x, y, se, 2);
  const [a, b, c] = fit.coefficients;
  const z = c / fit.standardErrors[2];
  return {
    ...fit,
    intercept: a,
    slope: b,
    curvature: c,
    seSlope: fit.standardErrors[1],
    seCurvature: fit.standardErrors[2],
    z,
    pUpper: normalUpperTail(z),
    pTwoSided: 2 * normalUpperTail(Math.abs(z)),
  };
}

/**
 * The elasticity d log y / d log x of a curve, as the slope of a weighted
 * straight line through (log x_i, log y_i) with se(log y_i) = se_i / y_i
 * (the delta method). 1 for y proportional to x; above 1 only where y / x
 * grows with x, i.e. super-linear growth.
 *
 * @throws RangeError as {@link fitWeightedPolynomial}, or when an x or y is <= 0.
 *
 * @example
 * ```ts
 * logLogSlope([1, 2, 4], [3, 6, 12], [0.1, 0.2, 0.4]).slope; // 1
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function logLogSlope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  se: ArrayLike<number>,
): { slope: number; se: number; chi2: number; dof: number } {
  checkPoints("logLogSlope", x, y, se);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) {
      throw new RangeError(
        `logLogSlope: x[${i}] = ${x[i]} and y[${i}] = ${y[i]} must both be > 0 on log axes.`,
      );
    }
  }
  const lx = Array.from(x, Math.log), ly = Array.from(y, Math.log);
  const lse = Array.from(se, (s, i) => s / y[i]);
  const fit = fitWeightedPolynomial(lx, ly, lse, 1);
  return { slope: fit.coefficients[1], se: fit.standardErrors[1], chi2: fit.chi2, dof: fit.dof };
}

/**
 * R² of the simple least-squares fit of y on x, as the squared sample
 * correlation sxy² / (sxx · syy); NaN when x or y does not vary (no fit to
 * speak of). Appendix F's R² of a student's per-prompt noise on the teacher's.
 *
 * @example
 * ```ts
 * squaredCorrelation([1, 2, 3], [1, 3, 2]); // 0.25
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function squaredCorrelation(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length === 0) {
    throw new RangeError(
      `squaredCorrelation: x and y must be paired and non-empty; got ${x.length} and ${y.length}.`,
    );
  }
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
}
