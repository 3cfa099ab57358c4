/**
 * Closed forms for linear students distilled from a noisy teacher: Theorems
 * 4.1, 4.2 and 4.3 of "How Is Uncertainty Propagated in Knowledge
 * Distillation?" (Section 4.1), and the variance across students of the
 * student's test MSE, which the paper's Figure 2 plots.
 *
 * Model. The teacher's outputs on the n training inputs are mu; each student
 * is `fitOls` (with the same intercept treatment) on its own labels
 * y~ = mu + e, e ~ N(0, sigma2 I_n); with k teacher responses averaged per
 * input the label noise is sigma2 / k (Theorem 7.1). Write X~ for the design
 * with a leading column of ones when an intercept is fitted (X itself
 * otherwise), G = X~^T X~, and x~ for a test input likewise augmented. A
 * student's predictions on the m test inputs are p = L y~ with the fixed
 * m x n matrix L = X~_test G^-1 X~^T, so p = L mu + L e is Gaussian with
 *   mean L mu  (the OLS fit to the teacher's outputs, evaluated at the test inputs)
 *   covariance sigma2 L L^T = sigma2 H, H = X~_test G^-1 X~_test^T (m x m),
 * since L L^T = X~_test G^-1 (X~^T X~) G^-1 X~_test^T = H. The diagonal of H
 * is the leverage h(x) = x~^T G^-1 x~ of each test input.
 *
 * - Theorem 4.1: Var across students of the prediction at x = sigma2 h(x); its
 *   test average sigma2 tr(H) / m is linear in sigma2.
 * - Theorem 4.2: for a teacher inside the student class (a linear teacher,
 *   mu = X~ beta_T), L mu is the teacher's test output, so
 *   E[test MSE vs teacher] = (sigma2 / m) tr(H).
 * - Theorem 4.3 and the general case: against any reference r on the test set
 *   (the teacher's test outputs, or the observed ground truth y_test), with
 *   a = L mu - r, the test MSE is q / m with q = |a + L e|^2, a quadratic form
 *   in a Gaussian:
 *     E[MSE]   = |a|^2 / m + sigma2 tr(H) / m,
 *     Var[MSE] = (2 sigma2^2 tr(H^2) + 4 sigma2 a^T H a) / m^2,
 *   because z = a + L e ~ N(a, C) with C = sigma2 H has E|z|^2 = |a|^2 + tr C
 *   and Var|z|^2 = 2 tr(C^2) + 4 a^T C a.
 *
 * What "irreducible noise" means here. The paper writes Theorem 4.3 as bias +
 * the Theorem 4.2 term + irreducible noise, where the noise is that of a fresh
 * test target. We compare with a simulation on ONE fixed test split, measured
 * against its observed targets y_test, so the expectation is over the
 * teacher noise only: the noise already realized in y_test is inside
 * |a|^2 / m = the mean squared difference between the students' mean
 * prediction L mu and y_test (for a linear teacher: exactly the teacher's own
 * test MSE against ground truth). Adding a separate noise variance would
 * count it twice, so `linearStudentMse` returns bias2 + noiseTerm and nothing
 * else.
 *
 * Computation. With an intercept, G^-1 is applied through the centered
 * design, as `fitOls` does: h(x) = 1/n + (x - xbar)^T (Xc^T Xc)^-1 (x - xbar).
 * A pivoted QR Xc P = Q R gives (Xc^T Xc)^-1 = P R^-1 R^-T P^T, so with
 * z(x) = [1/sqrt(n); R^-T P^T (x - xbar)] (the first entry only with an
 * intercept), H = Z^T Z for the (d+1) x m matrix Z of test columns; hence
 * tr(H^2) = |Z Z^T|_F^2 (a small (d+1) x (d+1) matrix) and a^T H a = |Z a|^2.
 * No normal equations are formed.
 *
 * @module
 */

import { centredDesignQr, whiten } from "./centred_qr.ts";
import { designRows, fitOls, predictOls } from "./ols.ts";

/**
 * The design shared by the closed forms: training and test inputs and the intercept choice.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearTheoryDesign {
  /** Training design, row-major n x d (the inputs the students are fitted on). */
  readonly x: Float64Array;
  /** Number of features d. */
  readonly d: number;
  /** Test inputs, row-major m x d (m >= 1). */
  readonly xTest: Float64Array;
  /** Fit an intercept, as `fitOls` (default true). */
  readonly intercept?: boolean;
}

/**
 * The teacher's noise: variance sigma2 of one response, and k responses averaged per input.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearTheoryNoise {
  /** Noise variance of one teacher response (>= 0). */
  readonly sigma2: number;
  /** Responses averaged per input (default 1): the label noise is sigma2 / k. */
  readonly k?: number;
}

function labelNoise(noise: LinearTheoryNoise): number {
  const { sigma2 } = noise;
  const k = noise.k ?? 1;
  if (!(Number.isFinite(sigma2) && sigma2 >= 0)) {
    throw new RangeError(`sigma2 must be a finite variance >= 0, got ${sigma2}.`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}.`);
  return sigma2 / k;
}

/** Z (row-major rows x m, rows = d (+1 with intercept)) with H = Z^T Z, after validating the design. */
function leverageFactor(design: LinearTheoryDesign): { z: Float64Array; rows: number; m: number } {
  const { x, d, xTest } = design;
  const intercept = design.intercept ?? true;
  const n = designRows(x, d, "x");
  if (!(xTest instanceof Float64Array) || xTest.length === 0) {
    throw new RangeError(
      "xTest is empty: the test set needs at least one input (row-major m x d).",
    );
  }
  const m = designRows(xTest, d, "xTest");
  const f = centredDesignQr(x, n, d, intercept, "the closed forms need X^T X invertible");
  const off = intercept ? 1 : 0;
  const rows = d + off;
  const z = new Float64Array(rows * m);
  const w = whiten(f, xTest); // m x d
  for (let c = 0; c < m; c++) {
    if (intercept) z[c] = 1 / Math.sqrt(n);
    for (let i = 0; i < d; i++) z[(i + off) * m + c] = w[c * d + i];
  }
  return { z, rows, m };
}

/**
 * The leverage of each test input, h(x) = x~^T (X~^T X~)^-1 x~ (x~ with a
 * leading 1 when an intercept is fitted): the factor of sigma2 in Theorem 4.1.
 *
 * @throws RangeError naming the argument when a design is empty, misshapen
 *   or not finite, or `x` is rank-deficient.
 *
 * @example
 * ```ts
 * // Intercept only in effect: one feature, train inputs 0 and 2, test input 1 (the mean).
 * testLeverage({ x: new Float64Array([0, 2]), d: 1, xTest: new Float64Array([1]) }); // [0.5]
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function testLeverage(design: LinearTheoryDesign): Float64Array {
  const { z, rows, m } = leverageFactor(design);
  const h = new Float64Array(m);
  for (let r = 0; r < rows; r++) for (let c = 0; c < m; c++) h[c] += z[r * m + c] ** 2;
  return h;
}

/**
 * Inter-student predictive variance per test input and its test average (Theorem 4.1).
 *
 * @category Section 4: teacher output uncertainty
 */
export interface PredictiveVarianceTheory {
  /** sigma2_label * h(x_j) for each test input. */
  readonly perInput: Float64Array;
  /** The average over the test inputs: sigma2_label tr(H) / m. */
  readonly mean: number;
}

/**
 * Theorem 4.1: the variance across linear students of the prediction at a
 * test input x is sigma2 x~^T (X~^T X~)^-1 x~ (sigma2 / k when k responses are
 * averaged); averaged over the test set, sigma2 tr(H) / m, linear in sigma2.
 *
 * @throws RangeError for a negative or non-finite sigma2, k < 1, an empty test
 *   set, misshapen or non-finite designs, or a rank-deficient `x`.
 *
 * @example
 * ```ts
 * const v = linearPredictiveVariance({ x: xTrain, d: 13, xTest }, { sigma2: 0.5 });
 * v.mean; // compare with interStudentVariance(predictions, m).mean
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function linearPredictiveVariance(
  design: LinearTheoryDesign,
  noise: LinearTheoryNoise,
): PredictiveVarianceTheory {
  const s2 = labelNoise(noise);
  const h = testLeverage(design);
  let mean = 0;
  for (let j = 0; j < h.length; j++) {
    h[j] *= s2;
    mean += h[j];
  }
  return { perInput: h, mean: mean / h.length };
}

/**
 * Theorem 4.2: the expected test MSE of a linear student against the output
 * of a teacher inside the student class (a linear teacher with the same
 * intercept treatment), (sigma2 / m) tr(X~_test (X~^T X~)^-1 X~_test^T).
 * For a teacher outside the class (a neural net) use {@link linearStudentMse}
 * with the teacher's test outputs as the reference: it adds the projection bias.
 *
 * @throws RangeError as {@link linearPredictiveVariance}.
 *
 * @category Section 4: teacher output uncertainty
 */
export function linearMseVsTeacher(design: LinearTheoryDesign, noise: LinearTheoryNoise): number {
  return linearPredictiveVariance(design, noise).mean;
}

/**
 * Mean and variance across students of the test MSE of linear students.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearMseTheory {
  /** E[test MSE] = bias2 + noiseTerm. */
  readonly mean: number;
  /** Var[test MSE] across students (Gaussian noise; see the module doc). */
  readonly variance: number;
  /** |a|^2 / m: mean squared gap between the students' mean prediction L mu and the reference. */
  readonly bias2: number;
  /** sigma2_label tr(H) / m: the Theorem 4.2 term. */
  readonly noiseTerm: number;
}

/**
 * Inputs of {@link linearStudentMse}.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearStudentMseInput extends LinearTheoryDesign, LinearTheoryNoise {
  /** The teacher's (noise-free) outputs mu on the n training inputs. */
  readonly teacherTrain: Float64Array;
  /**
   * The m test values the MSE is measured against: the teacher's test outputs
   * (Theorem 4.2) or the observed ground truth y_test (Theorem 4.3).
   */
  readonly reference: Float64Array;
}

/**
 * Theorems 4.2/4.3 with the variance: the mean and the variance across
 * students of the test MSE of a linear student fitted on noisy teacher labels,
 * measured against `reference`:
 *   E[MSE] = |a|^2/m + sigma2 tr(H)/m,
 *   Var[MSE] = (2 sigma2^2 tr(H^2) + 4 sigma2 a^T H a) / m^2,
 * with a = L mu - reference and sigma2 the label noise (sigma2 / k). No extra
 * irreducible-noise term is added: see the module doc for why.
 *
 * @throws RangeError for a negative or non-finite sigma2, k < 1, an empty test
 *   set, mismatched lengths (teacherTrain must have n entries, reference m),
 *   non-finite values, or a rank-deficient `x`.
 *
 * @example
 * ```ts
 * const teacher = fitOls(xTrain, d, yTrain);
 * const th = linearStudentMse({
 *   x: xTrain, d, xTest, sigma2: 0.3,
 *   teacherTrain: predictOls(xTrain, teacher),
 *   reference: yTest, // ground truth: Theorem 4.3
 * });
 * th.mean; th.variance;
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function linearStudentMse(input: LinearStudentMseInput): LinearMseTheory {
  const s2 = labelNoise(input);
  const { z, rows, m } = leverageFactor(input);
  const { x, d, teacherTrain, reference } = input;
  const n = x.length / d;
  if (!(teacherTrain instanceof Float64Array) || teacherTrain.length !== n) {
    throw new RangeError(
      `teacherTrain must be a Float64Array of the teacher's outputs on the ${n} training inputs, ` +
        `got length ${teacherTrain?.length}.`,
    );
  }
  if (!(reference instanceof Float64Array) || reference.length !== m) {
    throw new RangeError(
      `reference must be a Float64Array with one value per test input (${m}), ` +
        `got length ${reference?.length}.`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(teacherTrain[i])) {
      throw new RangeError(`teacherTrain[${i}] is ${teacherTrain[i]}: values must be finite.`);
    }
  }
  for (let j = 0; j < m; j++) {
    if (!Number.isFinite(reference[j])) {
      throw new RangeError(`reference[${j}] is ${reference[j]}: values must be finite.`);
    }
  }
  // a = L mu - r: the OLS fit to the teacher's outputs, at the test inputs, minus the reference.
  const meanFit = fitOls(x, d, teacherTrain, { intercept: input.intercept ?? true });
  const a = predictOls(input.xTest, meanFit);
  let bias = 0;
  for (let j = 0; j < m; j++) {
    a[j] -= reference[j];
    bias += a[j] * a[j];
  }
  // tr(H), tr(H^2) = |Z Z^T|_F^2 and a^T H a = |Z a|^2.
  let trH = 0, trH2 = 0, aHa = 0;
  for (let r = 0; r < rows; r++) {
    let za = 0;
    for (let c = 0; c < m; c++) {
      trH += z[r * m + c] ** 2;
      za += z[r * m + c] * a[c];
    }
    aHa += za * za;
    for (let q = 0; q < rows; q++) {
      let g = 0;
      for (let c = 0; c < m; c++) g += z[r * m + c] * z[q * m + c];
      trH2 += g * g;
    }
  }
  const noiseTerm = (s2 * trH) / m;
  return {
    mean: bias / m + noiseTerm,
    variance: (2 * s2 * s2 * trH2 + 4 * s2 * aHa) / (m * m),
    bias2: bias / m,
    noiseTerm,
  };
}
