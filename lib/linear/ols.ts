/**
 * Ordinary least squares for many target vectors at once: the linear
 * students of Sections 4, 5 and 7 of the paper.
 *
 * Layout (used throughout lib/linear, lib/distill and lib/uncertainty):
 * - design `x`: row-major n x d `Float64Array` (row i is example i);
 * - targets: **student-major** S x n (`targets[s*n + i]` is target s at example i);
 * - weights: length n (one weight vector shared by all targets) or S x n
 *   (per-target weights, e.g. the bootstrap counts of S students);
 * - coefficients: S x d student-major, plus one intercept per target;
 * - predictions: S x m student-major.
 *
 * Method: pivoted Householder QR of the (centered, weighted) design, then a
 * minimum-norm solve (see `lib/linear/qr.ts`). One factorization serves all S
 * targets when they share the design and the weights; with per-target weights
 * each target gets its own factorization of only its rows with non-zero weight.
 *
 * @module
 */

import { applyQt, type PivotedQr, pivotedQr, solveFromQty } from "./qr.ts";

/**
 * Options of {@link fitOls}.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface OlsOptions {
  /**
   * Fit an intercept (default true), as scikit-learn's `LinearRegression`
   * does: the design and the targets are centered at their (weighted) means,
   * the slopes are the minimum-norm least-squares solution of the centered
   * problem, and `intercept = mean(y) - mean(x) . coef`. The intercept is
   * therefore never part of the norm that is minimized: a column that is
   * constant in the (weighted) sample gets slope 0, not a share of the intercept.
   * With `intercept: false` the design is used as given.
   */
  intercept?: boolean;
  /**
   * Non-negative example weights: length n (shared by every target) or S x n
   * (one weight vector per target, student-major). Weighted OLS minimizes
   * sum_i w_i (y_i - b - x_i . beta)^2, so an integer weight equals repeating
   * the row that many times (bootstrap counts). Rows of weight 0 are ignored.
   */
  weights?: Float64Array;
  /**
   * Relative rank tolerance: a pivoted-QR diagonal |R_kk| <= rcond * |R_00|
   * counts as zero. Default max(rows, d) * 2.2e-16, as LAPACK-based solvers do.
   */
  rcond?: number;
}

/**
 * Coefficients of S linear models on d features (the output of {@link fitOls}).
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearFit {
  /** Number of features d. */
  readonly nFeatures: number;
  /** Number of targets (students) S. */
  readonly nTargets: number;
  /** Slopes, S x d student-major. */
  readonly coef: Float64Array;
  /** One intercept per target (zeros when fitted without an intercept). */
  readonly intercept: Float64Array;
  /** Whether an intercept was fitted. */
  readonly fitIntercept: boolean;
  /**
   * Numerical rank of the d feature columns per target, after centering (with
   * an intercept) and weighting; d means full rank.
   */
  readonly rank: Int32Array;
  /**
   * Warning flag: true when any target's design was rank-deficient
   * (rank < d), so its coefficients are the minimum-norm solution, one of
   * infinitely many least-squares solutions. Predictions on inputs inside the
   * span of the training rows are unaffected by the choice.
   */
  readonly rankDeficient: boolean;
}

function fail(message: string): never {
  throw new RangeError(message);
}

function checkFinite(a: Float64Array, name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      fail(
        `${name}[${i}] is ${a[i]}: every entry must be finite. Remove or impute NaN/Inf values.`,
      );
    }
  }
}

/** Validate a row-major design and return its number of rows. */
export function designRows(x: Float64Array, d: number, name = "x"): number {
  if (!(x instanceof Float64Array)) fail(`${name} must be a Float64Array (row-major n x d).`);
  if (!Number.isInteger(d) || d < 1) fail(`d must be a positive integer, got ${d}.`);
  if (x.length === 0) fail(`${name} has zero rows: pass at least one example.`);
  if (x.length % d !== 0) {
    fail(
      `${name}.length (${x.length}) is not a multiple of d (${d}): ${name} must be row-major n x d.`,
    );
  }
  checkFinite(x, name);
  return x.length / d;
}

/**
 * Fit S ordinary-least-squares models that share the design `x`, one per
 * target vector, with one factorization of the design (or one per weight
 * vector when weights are per target).
 *
 * Each fit is the minimum-norm minimizer of sum_i w_i (y_si - b_s - x_i . beta_s)^2.
 * When a design is rank-deficient (for example a small bootstrap sample in
 * which a binary feature is constant) the flag `rankDeficient` is set and
 * `rank` tells the numerical rank.
 *
 * @param x design, row-major n x d, finite.
 * @param d number of features (columns of `x`).
 * @param targets S x n student-major, finite (S = targets.length / n).
 * @param options intercept (default true), weights, rcond.
 * @throws RangeError naming the argument when shapes do not match, a value is
 *   not finite, a weight is negative, or a weight vector sums to zero.
 *
 * @example
 * ```ts
 * // y = 1 + 2 x for two targets at once (the second is doubled).
 * const x = new Float64Array([0, 1, 2, 3]);
 * const y = new Float64Array([1, 3, 5, 7, 2, 6, 10, 14]);
 * const fit = fitOls(x, 1, y);
 * fit.coef;      // Float64Array [2, 4]
 * fit.intercept; // Float64Array [1, 2]
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function fitOls(
  x: Float64Array,
  d: number,
  targets: Float64Array,
  options: OlsOptions = {},
): LinearFit {
  const n = designRows(x, d);
  if (!(targets instanceof Float64Array)) {
    fail("targets must be a Float64Array (student-major S x n).");
  }
  if (targets.length === 0 || targets.length % n !== 0) {
    fail(
      `targets.length (${targets.length}) must be a positive multiple of the ${n} rows of x: ` +
        `targets is student-major S x n.`,
    );
  }
  const s = targets.length / n;
  checkFinite(targets, "targets");
  const intercept = options.intercept ?? true;
  const w = options.weights;
  if (w !== undefined) {
    if (!(w instanceof Float64Array)) fail("weights must be a Float64Array of length n or S x n.");
    if (w.length !== n && w.length !== s * n) {
      fail(
        `weights.length (${w.length}) must be n (${n}, shared) or S x n (${s * n}, per target).`,
      );
    }
    for (let i = 0; i < w.length; i++) {
      if (!(Number.isFinite(w[i]) && w[i] >= 0)) {
        fail(`weights[${i}] is ${w[i]}: weights must be finite and non-negative.`);
      }
    }
    for (let t = 0; t < w.length / n; t++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += w[t * n + i];
      if (!(sum > 0)) {
        fail(`weight vector ${t} sums to zero: every target needs a positive total weight.`);
      }
    }
  }
  if (options.rcond !== undefined && !(Number.isFinite(options.rcond) && options.rcond >= 0)) {
    fail(`rcond must be a finite number >= 0, got ${options.rcond}.`);
  }

  const coef = new Float64Array(s * d);
  const b = new Float64Array(s);
  const rank = new Int32Array(s);
  const perTarget = w !== undefined && w.length === s * n && s > 1;
  fitTargets(x, n, d, targets, s, w, perTarget, intercept, options.rcond, coef, b, rank);
  let deficient = false;
  for (let t = 0; t < s; t++) if (rank[t] < d) deficient = true;
  return {
    nFeatures: d,
    nTargets: s,
    coef,
    intercept: b,
    fitIntercept: intercept,
    rank,
    rankDeficient: deficient,
  };
}

/**
 * Build the column-major, centered, sqrt(weight)-scaled design of the rows
 * with non-zero weight; returns the number of rows kept and writes the
 * weighted column means to `xMean` (zeros without an intercept).
 */
function buildDesign(
  x: Float64Array,
  n: number,
  d: number,
  w: Float64Array | undefined,
  wOff: number,
  intercept: boolean,
  rows: Int32Array,
  sqrtW: Float64Array,
  xMean: Float64Array,
  out: Float64Array,
): number {
  let m = 0;
  let total = 0;
  xMean.fill(0);
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[wOff + i];
    if (wi === 0) continue;
    rows[m] = i;
    sqrtW[m] = Math.sqrt(wi);
    m++;
    total += wi;
    if (intercept) { for (let j = 0; j < d; j++) xMean[j] += wi * x[i * d + j]; }
  }
  if (intercept) { for (let j = 0; j < d; j++) xMean[j] /= total; }
  for (let j = 0; j < d; j++) {
    const mu = xMean[j];
    const off = j * m;
    for (let r = 0; r < m; r++) out[off + r] = sqrtW[r] * (x[rows[r] * d + j] - mu);
  }
  return m;
}

/**
 * Solve the S weighted least-squares problems. With `perTarget` each target t
 * has its own weights w[t*n .. (t+1)*n) and so its own design and QR; otherwise
 * the design (weights w, or none) and its QR are built once and shared.
 */
function fitTargets(
  x: Float64Array,
  n: number,
  d: number,
  y: Float64Array,
  s: number,
  w: Float64Array | undefined,
  perTarget: boolean,
  intercept: boolean,
  rcond: number | undefined,
  coef: Float64Array,
  b: Float64Array,
  rank: Int32Array,
): void {
  const rows = new Int32Array(n);
  const sqrtW = new Float64Array(n);
  const xMean = new Float64Array(d);
  const a = new Float64Array(n * d);
  const ty = new Float64Array(n);
  const work = new Float64Array(d);
  let m = 0;
  let qr: PivotedQr | undefined;
  let wTotal = 0;
  for (let t = 0; t < s; t++) {
    if (qr === undefined || perTarget) {
      m = buildDesign(x, n, d, w, perTarget ? t * n : 0, intercept, rows, sqrtW, xMean, a);
      qr = pivotedQr(a.subarray(0, m * d), m, d, rcond);
      wTotal = 0;
      for (let r = 0; r < m; r++) wTotal += sqrtW[r] * sqrtW[r];
    }
    const yo = t * n;
    let yMean = 0;
    if (intercept) {
      for (let r = 0; r < m; r++) yMean += sqrtW[r] * sqrtW[r] * y[yo + rows[r]];
      yMean /= wTotal;
    }
    for (let r = 0; r < m; r++) ty[r] = sqrtW[r] * (y[yo + rows[r]] - yMean);
    applyQt(qr, ty);
    solveFromQty(qr, ty, 0, coef, t * d, work);
    let bt = yMean;
    if (intercept) { for (let j = 0; j < d; j++) bt -= xMean[j] * coef[t * d + j]; }
    b[t] = bt;
    rank[t] = qr.rank;
  }
}

/**
 * Predictions of S linear models on m inputs: `out[s*m + i] = intercept[s] +
 * xNew_i . coef_s`, student-major S x m.
 *
 * @param xNew row-major m x d with the fit's d features, finite.
 * @throws RangeError when `xNew` is empty, not a multiple of d, or not finite.
 *
 * @example
 * ```ts
 * const fit = fitOls(new Float64Array([0, 1, 2]), 1, new Float64Array([1, 3, 5]));
 * predictOls(new Float64Array([10]), fit); // Float64Array [21]
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function predictOls(xNew: Float64Array, fit: LinearFit): Float64Array {
  const d = fit.nFeatures;
  const m = designRows(xNew, d, "xNew");
  const s = fit.nTargets;
  const out = new Float64Array(s * m);
  const { coef, intercept } = fit;
  for (let t = 0; t < s; t++) {
    const co = t * d;
    const bt = intercept[t];
    for (let i = 0; i < m; i++) {
      let v = bt;
      const xo = i * d;
      for (let j = 0; j < d; j++) v += xNew[xo + j] * coef[co + j];
      out[t * m + i] = v;
    }
  }
  return out;
}
