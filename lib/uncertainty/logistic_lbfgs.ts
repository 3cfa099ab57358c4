/**
 * Multinomial logistic regression fitted to convergence by L-BFGS with an L2
 * penalty: the objective scikit-learn's `LogisticRegression(C, solver="lbfgs")`
 * minimises, (1/n) Σ_i CE_i + ‖W‖² / (2 C n) (the intercept is not
 * penalised), stopped when every gradient entry is at most `tol` in absolute
 * value or after `maxIter` iterations (scikit-learn's defaults: C = 1,
 * tol = 1e-4, max_iter = 100).
 *
 * Used by the Section 6.1 investigation (`student_output.ts`) as the
 * alternative "solver and regularisation" of the logistic teacher and
 * student; the reference protocol trains them with full-batch Adam
 * (docs/protocols.md, Section 6.1).
 *
 * @module
 */

/**
 * A fitted multinomial logistic regression: weights d x C (row-major) and intercepts C.
 *
 * @category Section 6: student output uncertainty
 */
export interface LogisticModel {
  /** Number of features. */
  d: number;
  /** Number of classes. */
  classes: number;
  /** Weights, d x C row-major. */
  w: Float64Array;
  /** Intercepts, one per class. */
  b: Float64Array;
  /** L-BFGS iterations used. */
  iterations: number;
  /** Whether the gradient tolerance was reached before maxIter. */
  converged: boolean;
}

/**
 * Options of {@link fitLogisticLbfgs}.
 *
 * @category Section 6: student output uncertainty
 */
export interface LogisticLbfgsOptions {
  /** Inverse regularisation strength C (scikit-learn's); default 1. Infinity for no penalty. */
  c?: number;
  /** Gradient tolerance (max absolute entry); default 1e-4. */
  tol?: number;
  /** Maximum iterations; default 100. */
  maxIter?: number;
  /** L-BFGS memory; default 10. */
  memory?: number;
}

/**
 * Class probabilities of `model` on the m x d inputs `x`: m x C row-major.
 *
 * @category Section 6: student output uncertainty
 */
export function predictLogistic(
  model: LogisticModel,
  x: ArrayLike<number>,
  m: number,
): Float64Array {
  const { d, classes: C, w, b } = model;
  if (!Number.isInteger(m) || m < 1 || x.length !== m * d) {
    throw new RangeError(
      `predictLogistic: x must hold m x d = ${m} x ${d} values, got ${x.length}.`,
    );
  }
  const p = new Float64Array(m * C);
  for (let i = 0; i < m; i++) {
    const row = p.subarray(i * C, (i + 1) * C);
    const s = expLogits(row, x, i, d, w, b);
    for (let c = 0; c < C; c++) row[c] /= s;
  }
  return p;
}

/**
 * row = b + x_i W (W d x C row-major, C = row.length), then exp(row - max row)
 * in place; returns the sum of the exponentials.
 */
function expLogits(
  row: Float64Array,
  x: ArrayLike<number>,
  i: number,
  d: number,
  w: Float64Array,
  b: Float64Array,
): number {
  const C = row.length;
  row.set(b);
  for (let j = 0; j < d; j++) {
    const v = x[i * d + j];
    if (v === 0) continue;
    for (let c = 0; c < C; c++) row[c] += v * w[j * C + c];
  }
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, row[c]);
  let s = 0;
  for (let c = 0; c < C; c++) s += row[c] = Math.exp(row[c] - max);
  return s;
}

function checkArgs(
  x: ArrayLike<number>,
  n: number,
  d: number,
  y: ArrayLike<number>,
  classes: number,
  opts: LogisticLbfgsOptions,
): { c: number; tol: number; maxIter: number; memory: number } {
  const fn = "fitLogisticLbfgs";
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1 || x.length !== n * d) {
    throw new RangeError(
      `${fn}: x must hold n x d values (n, d >= 1); got ${x.length} for ${n} x ${d}.`,
    );
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`${fn}: classes must be an integer >= 2, got ${classes}.`);
  }
  if (y.length !== n) throw new RangeError(`${fn}: y must hold n = ${n} labels, got ${y.length}.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= classes) {
      throw new RangeError(`${fn}: y[${i}] = ${y[i]} is not a label in 0..${classes - 1}.`);
    }
  }
  const c = opts.c ?? 1, tol = opts.tol ?? 1e-4, maxIter = opts.maxIter ?? 100;
  const memory = opts.memory ?? 10;
  for (const [name, v] of [["c", c], ["tol", tol], ["maxIter", maxIter], ["memory", memory]]) {
    if (typeof v !== "number" || !(v > 0)) {
      throw new RangeError(`${fn}: ${name} must be a positive number, got ${v}.`);
    }
  }
  return { c, tol, maxIter, memory };
}

/** The objective (1/n) sum CE_i + l2 ||W||^2 / 2 and its gradient at theta (weights then intercepts). */
function logisticObjective(
  x: ArrayLike<number>,
  n: number,
  d: number,
  y: ArrayLike<number>,
  C: number,
  l2: number,
): (theta: Float64Array, grad: Float64Array) => number {
  const nw = d * C;
  const logits = new Float64Array(C);
  return (theta, grad) => {
    grad.fill(0);
    let loss = 0;
    const b = theta.subarray(nw);
    for (let i = 0; i < n; i++) {
      const s = expLogits(logits, x, i, d, theta, b);
      const yi = y[i];
      loss -= Math.log(logits[yi] / s);
      for (let k = 0; k < C; k++) {
        const r = (logits[k] / s - (k === yi ? 1 : 0)) / n;
        logits[k] = r;
        grad[nw + k] += r;
      }
      for (let j = 0; j < d; j++) {
        const v = x[i * d + j];
        if (v === 0) continue;
        for (let k = 0; k < C; k++) grad[j * C + k] += v * logits[k];
      }
    }
    let pen = 0;
    for (let j = 0; j < nw; j++) {
      pen += theta[j] * theta[j];
      grad[j] += l2 * theta[j];
    }
    return loss / n + 0.5 * l2 * pen;
  };
}

const maxAbs = (v: Float64Array) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The L-BFGS direction dir = -H g, by the two-loop recursion over the stored pairs. */
function lbfgsDirection(
  g: Float64Array,
  sList: Float64Array[],
  yList: Float64Array[],
  rho: number[],
  alpha: Float64Array,
  dir: Float64Array,
): void {
  const dim = dir.length;
  dir.set(g);
  for (let k = sList.length - 1; k >= 0; k--) {
    alpha[k] = rho[k] * dot(sList[k], dir);
    for (let i = 0; i < dim; i++) dir[i] -= alpha[k] * yList[k][i];
  }
  const last = sList.length - 1;
  const gamma = last >= 0 ? dot(sList[last], yList[last]) / dot(yList[last], yList[last]) : 1 /
    Math.max(1, Math.sqrt(dot(g, g)));
  for (let i = 0; i < dim; i++) dir[i] *= gamma;
  for (let k = 0; k < sList.length; k++) {
    const beta = rho[k] * dot(yList[k], dir);
    for (let i = 0; i < dim; i++) dir[i] += sList[k][i] * (alpha[k] - beta);
  }
  for (let i = 0; i < dim; i++) dir[i] = -dir[i];
}

/**
 * Fit a multinomial logistic regression by L-BFGS (two-loop recursion,
 * backtracking Armijo line search) from zero weights. Deterministic: it
 * needs no seed.
 *
 * @param x inputs, n x d row-major.
 * @param y labels in 0..classes-1, length n.
 * @throws RangeError when the shapes disagree, a label is out of range, or an
 *   option is not a positive number.
 *
 * @category Section 6: student output uncertainty
 */
export function fitLogisticLbfgs(
  x: ArrayLike<number>,
  n: number,
  d: number,
  y: ArrayLike<number>,
  classes: number,
  opts: LogisticLbfgsOptions = {},
): LogisticModel {
  const { c, tol, maxIter, memory } = checkArgs(x, n, d, y, classes, opts);
  const C = classes, nw = d * C, dim = nw + C;
  const evaluate = logisticObjective(x, n, d, y, C, Number.isFinite(c) ? 1 / (c * n) : 0);
  let theta = new Float64Array(dim);
  let g = new Float64Array(dim);
  let f = evaluate(theta, g);
  const sList: Float64Array[] = [], yList: Float64Array[] = [], rho: number[] = [];
  const alpha = new Float64Array(memory);
  let iterations = 0, converged = maxAbs(g) <= tol;
  const next = new Float64Array(dim), gNext = new Float64Array(dim), dir = new Float64Array(dim);
  while (!converged && iterations < maxIter) {
    lbfgsDirection(g, sList, yList, rho, alpha, dir);
    let slope = dot(g, dir);
    if (!(slope < 0)) { // not a descent direction: restart from steepest descent
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < dim; i++) dir[i] = -g[i];
      slope = -dot(g, g);
    }
    let step = 1, fNext = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < dim; i++) next[i] = theta[i] + step * dir[i];
      fNext = evaluate(next, gNext);
      if (fNext <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNext < f)) break; // no progress possible at float64 precision
    const s = new Float64Array(dim), yv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      s[i] = next[i] - theta[i];
      yv[i] = gNext[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(yv);
      rho.push(1 / sy);
    }
    theta = Float64Array.from(next);
    g = Float64Array.from(gNext);
    f = fNext;
    iterations++;
    converged = maxAbs(g) <= tol;
  }
  return {
    d,
    classes: C,
    w: theta.slice(0, nw),
    b: theta.slice(nw),
    iterations,
    converged,
  };
}
