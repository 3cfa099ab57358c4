/**
 * Closed forms of Section 7.1 of "How Is Uncertainty Propagated in Knowledge
 * Distillation?": averaging k teacher responses (Theorem 7.1) and the
 * inverse-variance combination of a teacher and a student estimate
 * (Theorems 7.3 and 7.4).
 *
 * Theorem 7.1. Each teacher response is y~ = mu + e with e ~ (0, sigma2),
 * independent across responses. The mean of k responses has noise variance
 * sigma2 / k; a linear student fitted on the averaged labels has parameter
 * covariance (sigma2 / k) (X~^T X~)^-1 (X~ the design with a leading column of
 * ones when an intercept is fitted) and inter-student predictive variance
 * (sigma2 / k) x~^T (X~^T X~)^-1 x~ at x, i.e. each is divided by k. The
 * predictive form reuses `linearPredictiveVariance` of lib/linear/theory.ts,
 * which already takes k.
 *
 * Theorems 7.3-7.4. For two independent unbiased estimates of the same
 * quantity with variances s_T^2 (teacher) and s_S^2 (student), the
 * combination a_T T + a_S S with a_T + a_S = 1 has variance
 * a_T^2 s_T^2 + a_S^2 s_S^2, minimized by the inverse-variance weights
 * a_T = s_S^2 / (s_T^2 + s_S^2), a_S = s_T^2 / (s_T^2 + s_S^2), with minimum
 * s_T^2 s_S^2 / (s_T^2 + s_S^2).
 *
 * @module
 */

import { designRows } from "./ols.ts";
import { centredDesignQr } from "./centred_qr.ts";
import {
  linearPredictiveVariance,
  type LinearTheoryDesign,
  type PredictiveVarianceTheory,
} from "./theory.ts";

function fail(message: string): never {
  throw new RangeError(message);
}

function checkSigma2K(sigma2: number, k: number): void {
  if (!(Number.isFinite(sigma2) && sigma2 >= 0)) {
    fail(`sigma2 must be a finite variance >= 0, got ${sigma2}.`);
  }
  if (!Number.isInteger(k) || k < 1) fail(`k must be an integer >= 1, got ${k}.`);
}

/**
 * Theorem 7.1, label noise: the variance of the mean of k i.i.d. teacher
 * responses with noise variance sigma2 is sigma2 / k.
 *
 * @throws RangeError for a negative or non-finite sigma2, or k not an integer >= 1.
 *
 * @example
 * ```ts
 * averagedLabelNoise(0.8, 4); // 0.2
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function averagedLabelNoise(sigma2: number, k: number): number {
  checkSigma2K(sigma2, k);
  return sigma2 / k;
}

/**
 * Theorem 7.1, parameters: the covariance of an OLS student's parameters
 * when its labels are means of k teacher responses, (sigma2 / k) (X~^T X~)^-1,
 * a (d+1) x (d+1) row-major matrix ordered [intercept, coef_1, ..., coef_d]
 * with an intercept (d x d, the slopes only, without). With an intercept it is
 * computed in the centred form `fitOls` uses (slopes from the centred design,
 * intercept = ybar - xbar . beta):
 *   Cov(beta) = s (Xc^T Xc)^-1, Cov(b, beta) = -xbar^T Cov(beta),
 *   Var(b) = s / n + xbar^T Cov(beta) xbar,   s = sigma2 / k.
 *
 * @param design training design x (n x d) and the intercept choice; xTest is
 *   not used and may be omitted.
 * @param noise sigma2 of one response and k (default 1).
 * @throws RangeError for a negative or non-finite sigma2, k < 1, a misshapen
 *   or non-finite x, or a rank-deficient x.
 *
 * @example
 * ```ts
 * // One feature at 0 and 2, intercept: Var(slope) = s / 2, Var(b) = s/2 + s/2.
 * averagedParameterCovariance({ x: new Float64Array([0, 2]), d: 1 }, { sigma2: 1, k: 1 });
 * // Float64Array [1, -0.5, -0.5, 0.5]
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function averagedParameterCovariance(
  design: Pick<LinearTheoryDesign, "x" | "d" | "intercept">,
  noise: { readonly sigma2: number; readonly k?: number },
): Float64Array {
  const k = noise.k ?? 1;
  checkSigma2K(noise.sigma2, k);
  const { x, d } = design;
  const intercept = design.intercept ?? true;
  const n = designRows(x, d, "x");
  const s = noise.sigma2 / k;
  const { qr, mean } = centredDesignQr(
    x,
    n,
    d,
    intercept,
    "the parameter covariance needs X^T X invertible",
  );
  // (Xc^T Xc)^-1 = P R^-1 R^-T P^T: invert the upper-triangular R (R[i, j] = qr.a[j*n + i]).
  const rInv = new Float64Array(d * d); // row-major
  for (let c = 0; c < d; c++) {
    for (let i = c; i >= 0; i--) {
      let v = i === c ? 1 : 0;
      for (let j = i + 1; j <= c; j++) v -= qr.a[j * n + i] * rInv[j * d + c];
      rInv[i * d + c] = v / qr.a[i * n + i];
    }
  }
  const cov = new Float64Array(d * d); // in the original column order
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let t = Math.max(i, j); t < d; t++) v += rInv[i * d + t] * rInv[j * d + t];
      cov[qr.perm[i] * d + qr.perm[j]] = s * v;
    }
  }
  if (!intercept) return cov;
  const p = d + 1;
  const out = new Float64Array(p * p);
  const cx = new Float64Array(d); // Cov(beta) xbar
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cx[i] += cov[i * d + j] * mean[j];
  let vb = s / n;
  for (let i = 0; i < d; i++) vb += mean[i] * cx[i];
  out[0] = vb;
  for (let i = 0; i < d; i++) {
    out[i + 1] = -cx[i];
    out[(i + 1) * p] = -cx[i];
    for (let j = 0; j < d; j++) out[(i + 1) * p + j + 1] = cov[i * d + j];
  }
  return out;
}

/**
 * Theorem 7.1, predictions: the inter-student predictive variance of OLS
 * students on the mean of k teacher responses, (sigma2 / k) x~^T (X~^T X~)^-1 x~
 * per test input, and its test average. The same as
 * `linearPredictiveVariance(design, { sigma2, k })` (Theorem 4.1 with the
 * label noise sigma2 / k), named here for Section 7.
 *
 * @throws RangeError as `linearPredictiveVariance`.
 *
 * @example
 * ```ts
 * const v1 = averagedPredictiveVariance({ x: xTrain, d: 13, xTest }, { sigma2: 0.5, k: 1 });
 * const v4 = averagedPredictiveVariance({ x: xTrain, d: 13, xTest }, { sigma2: 0.5, k: 4 });
 * v4.mean / v1.mean; // 0.25
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function averagedPredictiveVariance(
  design: LinearTheoryDesign,
  noise: { readonly sigma2: number; readonly k: number },
): PredictiveVarianceTheory {
  checkSigma2K(noise.sigma2, noise.k);
  return linearPredictiveVariance(design, noise);
}

/**
 * The optimal combination of Theorems 7.3-7.4.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface OptimalCombination {
  /** a_T = s_S^2 / (s_T^2 + s_S^2): the weight of the teacher estimate. */
  readonly weightTeacher: number;
  /** a_S = 1 - a_T: the weight of the student estimate. */
  readonly weightStudent: number;
  /** The minimum variance s_T^2 s_S^2 / (s_T^2 + s_S^2) (Theorem 7.4). */
  readonly variance: number;
}

/**
 * Theorems 7.3-7.4: the variance-minimizing weights for combining two
 * independent unbiased estimates with variances `varTeacher` (s_T^2) and
 * `varStudent` (s_S^2), and the minimum variance:
 *   a_T = s_S^2 / (s_T^2 + s_S^2), a_S = 1 - a_T,
 *   Var = s_T^2 s_S^2 / (s_T^2 + s_S^2) (computed as a_T s_T^2, which never overflows).
 * Properties (Theorem 7.4): Var <= min(s_T^2, s_S^2); Var = s^2 / 2 when both
 * equal s^2; Var -> s_S^2 as s_T^2 -> infinity; symmetric in the two.
 *
 * Edge cases: one variance zero puts all weight on that (exact) estimate and
 * the variance is 0. Both zero: every weighting has variance 0, so the
 * minimizer is not unique; we return equal weights 1/2, 1/2 and variance 0
 * (the two estimates are then both exact, so they agree and any weighting
 * gives the same value).
 *
 * @throws RangeError when a variance is negative, NaN or infinite.
 *
 * @example
 * ```ts
 * optimalCombination(1, 3); // { weightTeacher: 0.75, weightStudent: 0.25, variance: 0.75 }
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function optimalCombination(varTeacher: number, varStudent: number): OptimalCombination {
  if (!(Number.isFinite(varTeacher) && varTeacher >= 0)) {
    fail(`varTeacher must be a finite variance >= 0, got ${varTeacher}.`);
  }
  if (!(Number.isFinite(varStudent) && varStudent >= 0)) {
    fail(`varStudent must be a finite variance >= 0, got ${varStudent}.`);
  }
  const total = varTeacher + varStudent;
  if (total === 0) return { weightTeacher: 0.5, weightStudent: 0.5, variance: 0 };
  // Scale before adding when the sum would overflow.
  const aT = Number.isFinite(total)
    ? varStudent / total
    : (varStudent / 2) / (varTeacher / 2 + varStudent / 2);
  return { weightTeacher: aT, weightStudent: 1 - aT, variance: aT * varTeacher };
}

/**
 * The objective of Theorem 7.3: the variance a_T^2 s_T^2 + (1 - a_T)^2 s_S^2
 * of the combination a_T T + (1 - a_T) S of two independent estimates, for
 * any weight a_T (not only the optimal one), e.g. to draw the variance curve
 * against the weight.
 *
 * @throws RangeError when a variance is negative or not finite, or the weight is not finite.
 *
 * @example
 * ```ts
 * combinationVariance(0.5, 1, 1); // 0.5
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function combinationVariance(
  weightTeacher: number,
  varTeacher: number,
  varStudent: number,
): number {
  if (!Number.isFinite(weightTeacher)) fail(`weightTeacher must be finite, got ${weightTeacher}.`);
  if (!(Number.isFinite(varTeacher) && varTeacher >= 0)) {
    fail(`varTeacher must be a finite variance >= 0, got ${varTeacher}.`);
  }
  if (!(Number.isFinite(varStudent) && varStudent >= 0)) {
    fail(`varStudent must be a finite variance >= 0, got ${varStudent}.`);
  }
  const aS = 1 - weightTeacher;
  return weightTeacher * weightTeacher * varTeacher + aS * aS * varStudent;
}

/**
 * The weight a minimizing the sample variance of a·T + (1 − a)·S over the
 * paired draws `t[i]`, `s[i]` for i in [from, to), from the sample moments:
 * (v_S − c)/(v_T + v_S − 2c) with v the sums of squared deviations and c the
 * sum of cross products. The simulated counterpart of Theorem 7.3's weight
 * s²(S)/(s²(T) + s²(S)) (which assumes T and S independent with known variances).
 *
 * @example
 * ```ts
 * sampleOptimalWeight(new Float64Array([1, -1, 1, -1]), new Float64Array([2, 2, -2, -2])); // 0.8
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function sampleOptimalWeight(
  t: ArrayLike<number>,
  s: ArrayLike<number>,
  from = 0,
  to: number = t.length,
): number {
  if (s.length !== t.length) fail(`t and s must be paired draws: ${t.length} vs ${s.length}.`);
  if (
    !(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from + 1 < to &&
      to <= t.length)
  ) {
    fail(`need 0 <= from < to - 1 <= ${t.length - 1}, got from ${from}, to ${to}.`);
  }
  let mt = 0, ms = 0;
  for (let i = from; i < to; i++) mt += t[i], ms += s[i];
  const n = to - from;
  mt /= n, ms /= n;
  let vt = 0, vs = 0, c = 0;
  for (let i = from; i < to; i++) {
    const a = t[i] - mt, b = s[i] - ms;
    vt += a * a, vs += b * b, c += a * b;
  }
  return (vs - c) / (vt + vs - 2 * c);
}
