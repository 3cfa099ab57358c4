/**
 * Closed forms for linear students trained on bootstrap resamples: Theorems
 * 5.1, 5.2 and 5.3 of "How Is Uncertainty Propagated in Knowledge
 * Distillation?" (Section 5.2, Figure 8).
 *
 * Setting. A training set of n pairs (x_i, y_i) with d features, and a
 * teacher fitted on it by OLS (`fitOls`, with or without an intercept). Each
 * student is `fitOls` on a bootstrap sample of size m: m rows drawn with
 * replacement, passed as bootstrap counts (example weights; see
 * `bootstrapCounts` in lib/random.ts).
 * - Variant A, teacher bootstrap: the student's targets are the teacher's
 *   outputs at the drawn inputs (Theorem 5.1).
 * - Variant B, ground-truth bootstrap: the targets are the observed y
 *   (Theorems 5.2 and 5.3).
 *
 * Notation, made precise for the intercept. With an intercept (the default,
 * as `fitOls` and scikit-learn), write xbar for the training mean of the
 * features and C = (1/n) sum_i (x_i - xbar)(x_i - xbar)^T for their
 * population covariance (divide by n). The paper's Sigma is then the
 * second-moment matrix of the augmented input x~ = (1, x),
 * Sigma = (1/n) X~^T X~, and
 *   x~^T Sigma^-1 x~ = 1 + (x - xbar)^T C^-1 (x - xbar) = n h(x),
 * with h(x) the leverage of `testLeverage` (the "1" is the intercept's share).
 * Without an intercept Sigma = (1/n) X^T X and x^T Sigma^-1 x = n h(x) too.
 * p counts the fitted parameters: d + 1 with an intercept, d without.
 *
 * When the approximations hold. Theorems 5.2 and 5.3 are first-order
 * asymptotics: they treat the m resampled rows as m fresh draws from a linear
 * model with homoscedastic noise. They are accurate only when
 * - m is large relative to p: for Gaussian features the exact inverse
 *   moment E[(X*^T X*)^-1] exceeds Sigma^-1 / m by a factor of about
 *   m / (m - p - 1), a relative error of about (p + 1) / m (36% at m = 40,
 *   p = 14; 3.5% at m = 404), and small m can make a resample rank-deficient;
 * - the noise is homoscedastic: the pairs bootstrap reproduces the
 *   heteroscedasticity-robust ("sandwich") covariance
 *   Sigma^-1 Omega Sigma^-1 / m, Omega = (1/n) sum_i e_i^2 x~_i x~_i^T, not
 *   sigma2 Sigma^-1 / m. On real data the two differ by an amount that does
 *   NOT shrink with m ({@link groundTruthBootstrapVarianceRobust} gives the
 *   sandwich form);
 * - for Theorem 5.3, the test points are fresh draws from the training
 *   distribution and the teacher's own full-data error (about sigma2 p / n)
 *   is negligible next to sigma2 p / m.
 *
 * @module
 */

import { designRows, fitOls, type LinearFit, predictOls } from "./ols.ts";
import { centredDesignQr, whiten } from "./centred_qr.ts";
import { residualVariance } from "./residual_variance.ts";
import { testLeverage } from "./theory.ts";

function fail(message: string): never {
  throw new RangeError(message);
}

// ---------------------------------------------------------------------------
// Theorem 5.1: the teacher bootstrap recovers an OLS teacher.

/**
 * Options of {@link teacherBootstrapCheck}.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface TeacherBootstrapCheckOptions {
  /** Inputs at which student and teacher are compared, row-major q x d (default: the training x). */
  readonly xEval?: Float64Array;
  /** Relative rank tolerance passed to `fitOls` (default: its own). */
  readonly rcond?: number;
}

/**
 * The result of {@link teacherBootstrapCheck}, one entry per bootstrap sample.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface TeacherBootstrapCheck {
  /** Number of bootstrap samples (students) S. */
  readonly students: number;
  /** max_j |student_s(x_j) - teacher(x_j)| over the evaluation inputs, per student. */
  readonly maxAbsPredictionDiff: Float64Array;
  /** max over slopes and intercept of |student_s - teacher|, per student. */
  readonly maxAbsCoefDiff: Float64Array;
  /** Numerical rank of each resampled (centred, with an intercept) design. */
  readonly rank: Int32Array;
  /** Whether each resampled design has full rank d (Theorem 5.1's condition). */
  readonly fullRank: boolean[];
  /** The largest prediction gap over the full-rank students (0 when there are none). */
  readonly maxFullRankDiff: number;
  /** How many resampled designs were rank-deficient. */
  readonly rankDeficientCount: number;
}

/**
 * Theorem 5.1 (teacher bootstrap): an OLS student fitted on resampled pairs
 * (x, teacher(x)) equals an OLS (or any linear) teacher exactly whenever the
 * resampled design has full rank, because the targets lie in the column space
 * of the design, so the residual is zero and the least-squares solution is
 * unique. This checker does not assume the theorem: it fits one student per
 * row of `counts` (with the teacher's intercept choice) and reports the
 * largest |student - teacher| and whether each resampled design had full rank.
 * A rank-deficient resample (e.g. m < d + 1, or a binary feature constant in
 * the sample) is reported, not an error: its minimum-norm student still
 * matches the teacher on the drawn rows but may differ elsewhere.
 *
 * @param x training design, row-major n x d, finite.
 * @param d number of features.
 * @param teacher a single linear model (`fitOls(x, d, y)` with one target).
 * @param counts bootstrap counts, length n (one student) or S x n (S
 *   students, student-major), e.g. from `bootstrapCounts(rng, n, m)`.
 * @throws RangeError when the teacher is not one model on d features, counts
 *   has the wrong length, an entry is negative or not finite, or a student's
 *   counts sum to zero.
 *
 * @example
 * ```ts
 * const teacher = fitOls(xTrain, d, yTrain);
 * const counts = bootstrapCounts(7, n, n); // one student, m = n
 * const c = teacherBootstrapCheck(xTrain, d, teacher, counts);
 * c.fullRank[0];            // true
 * c.maxAbsPredictionDiff[0]; // ~1e-15: the student is the teacher
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function teacherBootstrapCheck(
  x: Float64Array,
  d: number,
  teacher: LinearFit,
  counts: Float64Array,
  options: TeacherBootstrapCheckOptions = {},
): TeacherBootstrapCheck {
  const n = designRows(x, d, "x");
  if (teacher.nFeatures !== d || teacher.nTargets !== 1) {
    fail(
      `teacher must be one linear model on d = ${d} features, got ${teacher.nTargets} model(s) ` +
        `on ${teacher.nFeatures}: pass fitOls(x, d, y) with a single target vector.`,
    );
  }
  if (!(counts instanceof Float64Array) || counts.length === 0 || counts.length % n !== 0) {
    fail(
      `counts must be a Float64Array of length n (${n}) or S x n (student-major), ` +
        `got length ${counts?.length}.`,
    );
  }
  const s = counts.length / n;
  const xEval = options.xEval ?? x;
  const q = designRows(xEval, d, "options.xEval");
  const labels = new Float64Array(s * n);
  const mu = predictOls(x, teacher);
  for (let t = 0; t < s; t++) labels.set(mu, t * n);
  // fitOls validates the counts (finite, >= 0, positive sum per student).
  const fit = fitOls(x, d, labels, {
    intercept: teacher.fitIntercept,
    weights: counts,
    rcond: options.rcond,
  });
  const pStudents = predictOls(xEval, fit);
  const pTeacher = predictOls(xEval, teacher);
  const maxPred = new Float64Array(s), maxCoef = new Float64Array(s);
  const fullRank: boolean[] = [];
  let worst = 0, deficient = 0;
  for (let t = 0; t < s; t++) {
    let mp = 0;
    for (let j = 0; j < q; j++) mp = Math.max(mp, Math.abs(pStudents[t * q + j] - pTeacher[j]));
    let mc = Math.abs(fit.intercept[t] - teacher.intercept[0]);
    for (let j = 0; j < d; j++) mc = Math.max(mc, Math.abs(fit.coef[t * d + j] - teacher.coef[j]));
    maxPred[t] = mp;
    maxCoef[t] = mc;
    const full = fit.rank[t] === d;
    fullRank.push(full);
    if (full) worst = Math.max(worst, mp);
    else deficient++;
  }
  return {
    students: s,
    maxAbsPredictionDiff: maxPred,
    maxAbsCoefDiff: maxCoef,
    rank: fit.rank,
    fullRank,
    maxFullRankDiff: worst,
    rankDeficientCount: deficient,
  };
}

// ---------------------------------------------------------------------------
// The noise variance the theorems need.

/**
 * The noise variance Theorems 5.2 and 5.3 take as given, estimated from the
 * full training set: the residual variance of the OLS fit of y on x,
 * sigma2_hat = RSS / (n - p), p = rank + 1 with an intercept (rank without),
 * i.e. RSS / (n - d - 1) for a full-rank design with an intercept. It is
 * unbiased under the homoscedastic linear model. (The bootstrap world's own
 * residual variance is RSS / n, smaller by the factor (n - p) / n; that
 * difference, 3.5% on Boston's 404 training rows, is part of the O(p / n)
 * slack of the theorems.)
 *
 * @param x training design, row-major n x d.
 * @param d number of features.
 * @param y the n training targets (ground truth).
 * @param options intercept (default true, as `fitOls`).
 * @throws RangeError for misshapen or non-finite input, or n <= p (no
 *   residual degrees of freedom).
 *
 * @example
 * ```ts
 * const sigma2 = olsNoiseVariance(xTrain, 13, yTrain); // RSS / (404 - 14) on Boston
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function olsNoiseVariance(
  x: Float64Array,
  d: number,
  y: Float64Array,
  options: { readonly intercept?: boolean } = {},
): number {
  const n = designRows(x, d, "x");
  if (!(y instanceof Float64Array) || y.length !== n) {
    fail(`y must be a Float64Array with one target per row of x (${n}), got length ${y?.length}.`);
  }
  return residualVariance(x, y, fitOls(x, d, y, { intercept: options.intercept ?? true }))[0];
}

// ---------------------------------------------------------------------------
// Theorem 5.2: predictive variance of the ground-truth bootstrap.

/**
 * The design of the bootstrap theorems: training and test inputs, intercept choice.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface BootstrapTheoryDesign {
  /** Training design, row-major n x d (the rows the bootstrap draws from). */
  readonly x: Float64Array;
  /** Number of features d. */
  readonly d: number;
  /** Test inputs, row-major q x d. */
  readonly xTest: Float64Array;
  /** Fit an intercept, as `fitOls` (default true). */
  readonly intercept?: boolean;
}

/**
 * Predictive variance across bootstrap students, per test input and averaged.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface BootstrapVarianceTheory {
  /** The variance at each test input. */
  readonly perInput: Float64Array;
  /** Its average over the test inputs. */
  readonly mean: number;
}

function checkM(m: number): void {
  if (!Number.isInteger(m) || m < 1) {
    fail(`m (the bootstrap sample size) must be an integer >= 1, got ${m}.`);
  }
}

function checkVariance(v: number, name: string): void {
  if (!(Number.isFinite(v) && v >= 0)) fail(`${name} must be a finite variance >= 0, got ${v}.`);
}

/**
 * Theorem 5.2 (ground-truth bootstrap, variant B): the variance across
 * bootstrap students of the prediction at x is approximately
 *   (sigma2 / m) x~^T Sigma^-1 x~ = (sigma2 / m) (1 + (x - xbar)^T C^-1 (x - xbar))
 * with an intercept (see the module doc for Sigma, C and the intercept's
 * "1"), and (sigma2 / m) x^T (X^T X / n)^-1 x without. Equal to
 * (sigma2 n / m) h(x), h the leverage of `testLeverage`.
 *
 * Accuracy: first order in p / m, and exact only under homoscedastic noise
 * (see the module doc). On Boston (Section 5.2 setting) the pairs bootstrap's
 * variance is about 1.4 times this at m = n, because the residuals are
 * heteroscedastic; {@link groundTruthBootstrapVarianceRobust} accounts for it.
 *
 * @param design training inputs x (the rows resampled), test inputs, intercept.
 * @param noise.noiseVariance sigma2, e.g. {@link olsNoiseVariance}.
 * @param noise.m the bootstrap sample size.
 * @throws RangeError for a negative or non-finite noise variance, m not an
 *   integer >= 1, misshapen or non-finite designs, or a rank-deficient x.
 *
 * @example
 * ```ts
 * const sigma2 = olsNoiseVariance(xTrain, d, yTrain);
 * const v = groundTruthBootstrapVariance({ x: xTrain, d, xTest }, { noiseVariance: sigma2, m: 202 });
 * v.mean; // compare with interStudentVariance(bootstrapPredictions, q).mean
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function groundTruthBootstrapVariance(
  design: BootstrapTheoryDesign,
  noise: { readonly noiseVariance: number; readonly m: number },
): BootstrapVarianceTheory {
  checkVariance(noise.noiseVariance, "noiseVariance");
  checkM(noise.m);
  const h = testLeverage(design);
  const n = design.x.length / design.d;
  const f = (noise.noiseVariance * n) / noise.m;
  let mean = 0;
  for (let j = 0; j < h.length; j++) {
    h[j] *= f;
    mean += h[j];
  }
  return { perInput: h, mean: mean / h.length };
}

/**
 * The heteroscedasticity-robust ("sandwich") form of Theorem 5.2: the
 * first-order variance of the pairs bootstrap, which resamples the residuals
 * together with their inputs:
 *   Var(x) ~ (1/m) x~^T Sigma^-1 Omega Sigma^-1 x~,
 *   Omega = (1/n) sum_i e_i^2 x~_i x~_i^T,
 * e_i the residuals of the full-data OLS fit of y on x. With an intercept
 * this is (1/(m n)) sum_i e_i^2 (1 + n w(x_i) . w(x))^2 in the whitened
 * coordinates w of the module doc, i.e.
 * (1/(m n)) sum_i e_i^2 (1 + (x_i - xbar)^T C^-1 (x - xbar))^2. When every
 * e_i^2 equals sigma2 it reduces to {@link groundTruthBootstrapVariance} with
 * noise variance sigma2. This is not a formula of the paper; it is the
 * standard first-order bootstrap asymptotics, given so that a notebook can
 * show which part of the gap between Theorem 5.2 and simulation is
 * heteroscedasticity and which part is finite m. Its own error is O(p / m).
 *
 * @param design training inputs x (the rows resampled), test inputs, intercept.
 * @param data.y the n ground-truth training targets; data.m the bootstrap size.
 * @throws RangeError as {@link groundTruthBootstrapVariance}, and when y does
 *   not have one finite value per training row.
 *
 * @example
 * ```ts
 * const v = groundTruthBootstrapVarianceRobust({ x: xTrain, d, xTest }, { y: yTrain, m: 404 });
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function groundTruthBootstrapVarianceRobust(
  design: BootstrapTheoryDesign,
  data: { readonly y: Float64Array; readonly m: number },
): BootstrapVarianceTheory {
  const { x, d, xTest } = design;
  const intercept = design.intercept ?? true;
  const n = designRows(x, d, "x");
  if (!(xTest instanceof Float64Array) || xTest.length === 0) {
    fail("xTest is empty: the test set needs at least one input (row-major q x d).");
  }
  const q = designRows(xTest, d, "xTest");
  const { y, m } = data;
  if (!(y instanceof Float64Array) || y.length !== n) {
    fail(`y must be a Float64Array with one target per row of x (${n}), got length ${y?.length}.`);
  }
  checkM(m);
  const fit = fitOls(x, d, y, { intercept });
  const pred = predictOls(x, fit);
  const f = centredDesignQr(x, n, d, intercept, "Sigma must be invertible");
  const wTrain = whiten(f, x);
  const wTest = whiten(f, xTest);
  const off = intercept ? 1 : 0;
  const perInput = new Float64Array(q);
  let mean = 0;
  for (let j = 0; j < q; j++) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += wTrain[i * d + k] * wTest[j * d + k];
      const e = y[i] - pred[i];
      const u = off + n * dot;
      acc += e * e * u * u;
    }
    perInput[j] = acc / (m * n);
    mean += perInput[j];
  }
  return { perInput, mean: mean / q };
}

// ---------------------------------------------------------------------------
// Theorem 5.3: expected test MSE of the ground-truth bootstrap.

/**
 * Theorem 5.3 (ground-truth bootstrap, variant B): the expected test MSE
 * against ground truth of a student fitted on m resampled pairs is about
 *   sigma2 (1 + p / m),
 * noise plus the average of Theorem 5.2 over test inputs drawn from the
 * training distribution (E[x~^T Sigma^-1 x~] = tr(Sigma^-1 Sigma) = p). Here p
 * counts the fitted parameters, d + 1 with an intercept (the paper writes p
 * for the features; the intercept adds sigma2 / m).
 *
 * Accuracy: O(p / m) relative error in the excess term, plus what the formula
 * leaves out: the full-data teacher's own estimation error (about
 * sigma2 p / n, as large as the excess term at m = n), heteroscedasticity,
 * and, on a fixed test split, the split's own noise (its teacher test MSE is
 * not sigma2). So on a real split it is a rough guide; on Boston (Section 5.2
 * setting) the simulated mean test MSE is 10% above it at m = n.
 *
 * @param input.noiseVariance sigma2, e.g. {@link olsNoiseVariance}.
 * @param input.d number of features; input.intercept (default true) adds one parameter.
 * @param input.m the bootstrap sample size.
 * @throws RangeError for a negative or non-finite noise variance, or d or m
 *   not an integer >= 1.
 *
 * @example
 * ```ts
 * groundTruthBootstrapMse({ noiseVariance: 0.25, d: 13, m: 140 }); // 0.25 * (1 + 14/140) = 0.275
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function groundTruthBootstrapMse(input: {
  readonly noiseVariance: number;
  readonly d: number;
  readonly m: number;
  readonly intercept?: boolean;
}): number {
  checkVariance(input.noiseVariance, "noiseVariance");
  checkM(input.m);
  if (!Number.isInteger(input.d) || input.d < 1) {
    fail(`d must be a positive integer (the number of features), got ${input.d}.`);
  }
  const p = input.d + ((input.intercept ?? true) ? 1 : 0);
  return input.noiseVariance * (1 + p / input.m);
}
