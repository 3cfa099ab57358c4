/**
 * One-component principal component projection of response embeddings, for
 * drawing teacher and student predictive distributions on one axis (Figure 4c).
 *
 * @module
 */
import { type Embeddings, rowsOf } from "./matrix.ts";

/**
 * The first principal axis of a set of embeddings and the projections on it.
 *
 * @category Principal component (Figure 4c)
 */
export interface FirstComponent {
  /** Unit-length axis (d). Sign convention: its largest-magnitude entry is positive (first such entry on ties). */
  axis: Float64Array;
  /** The column means the data were centred with (d). */
  center: Float64Array;
  /** Scores (x_i - center) . axis of the fitted rows (n). */
  scores: Float64Array;
  /** Variance along the axis (population, divide by n): the top eigenvalue of the covariance. */
  variance: number;
  /** Share of the total variance along the axis, in [0, 1]. */
  explainedShare: number;
  /** Power iterations used. */
  iterations: number;
}

/**
 * Options of `firstPrincipalComponent`.
 *
 * @category Principal component (Figure 4c)
 */
export interface PcaOptions {
  /** Stop when the eigenvalue estimate changes by less than tol relative (default 1e-12). */
  tol?: number;
  /** Iteration cap (default 10,000); reaching it throws. */
  maxIterations?: number;
}

/**
 * The first principal component of n embeddings (n x d row-major) by power
 * iteration on the covariance, without forming it: v <- Xc^T (Xc v) / n, started
 * from the centred row of largest norm, so the result is deterministic. Fit it on
 * the pooled teacher and student responses and use `projectOnAxis` for each
 * model's share (Figure 4c).
 *
 * @throws RangeError on a bad shape or non-finite entries, fewer than 2 rows,
 *   all rows equal (no variance), or no convergence within `maxIterations`
 *   (the top two eigenvalues are too close; the axis is then not well defined).
 * @example
 * ```ts
 * // points on the line y = x: the axis is (1, 1)/sqrt(2)
 * const pc = firstPrincipalComponent(new Float64Array([0, 0, 1, 1, 2, 2]), 2);
 * ```
 *
 * @category Principal component (Figure 4c)
 */
export function firstPrincipalComponent(
  x: Embeddings,
  d: number,
  options: PcaOptions = {},
): FirstComponent {
  const n = rowsOf(x, d, "x", 2);
  const tol = options.tol ?? 1e-12;
  const maxIterations = options.maxIterations ?? 10_000;
  if (!(tol > 0)) throw new RangeError(`tol must be positive; got ${tol}.`);
  if (!(Number.isInteger(maxIterations) && maxIterations > 0)) {
    throw new RangeError(`maxIterations must be a positive integer; got ${maxIterations}.`);
  }
  const center = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) center[j] += x[i * d + j];
  for (let j = 0; j < d; j++) center[j] /= n;
  const xc = new Float64Array(n * d);
  let total = 0, best = -1, bestNorm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = x[i * d + j] - center[j];
      xc[i * d + j] = e;
      s += e * e;
    }
    total += s;
    if (s > bestNorm) {
      bestNorm = s;
      best = i;
    }
  }
  total /= n;
  if (best < 0) throw new RangeError(`all ${n} rows of x are equal: there is no principal axis.`);
  let v = xc.slice(best * d, best * d + d);
  normalize(v);
  const t = new Float64Array(n);
  let lambda = 0, iterations = 0;
  for (;;) {
    iterations++;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += xc[i * d + j] * v[j];
      t[i] = s;
    }
    const w = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const ti = t[i];
      for (let j = 0; j < d; j++) w[j] += xc[i * d + j] * ti;
    }
    for (let j = 0; j < d; j++) w[j] /= n;
    const next = normalize(w); // |C v| -> top eigenvalue
    v = w;
    if (Math.abs(next - lambda) <= tol * Math.max(next, 1e-300)) {
      lambda = next;
      break;
    }
    lambda = next;
    if (iterations >= maxIterations) {
      throw new RangeError(
        `power iteration did not converge in ${maxIterations} iterations: the top two ` +
          `eigenvalues are (nearly) equal, so one principal axis is not well defined.`,
      );
    }
  }
  let arg = 0;
  for (let j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[arg]) + 1e-12) arg = j;
  if (v[arg] < 0) { for (let j = 0; j < d; j++) v[j] = -v[j]; }
  const scores = projectOnAxis(x, d, v, center);
  let variance = 0;
  for (const s of scores) variance += s * s;
  variance /= n;
  return {
    axis: v,
    center,
    scores,
    variance,
    explainedShare: total > 0 ? variance / total : 0,
    iterations,
  };
}

function normalize(v: Float64Array): number {
  let s = 0;
  for (const e of v) s += e * e;
  const r = Math.sqrt(s);
  if (r > 0) { for (let j = 0; j < v.length; j++) v[j] /= r; }
  return r;
}

/**
 * Project embeddings on an axis after centring: score_i = (x_i - center) . axis.
 *
 * @throws RangeError when axis or center do not have d entries, or on a bad shape.
 * @example
 * ```ts
 * const pc = firstPrincipalComponent(pooled, 384);
 * const teacherScores = projectOnAxis(teacher, 384, pc.axis, pc.center);
 * ```
 *
 * @category Principal component (Figure 4c)
 */
export function projectOnAxis(
  x: Embeddings,
  d: number,
  axis: Float64Array,
  center: Float64Array,
): Float64Array {
  const n = rowsOf(x, d, "x");
  if (axis.length !== d || center.length !== d) {
    throw new RangeError(
      `axis (${axis.length}) and center (${center.length}) must have d = ${d} entries.`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[i * d + j] - center[j]) * axis[j];
    out[i] = s;
  }
  return out;
}
