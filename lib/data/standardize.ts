/**
 * Standardization (z-scores) as scikit-learn's `StandardScaler`: fit the mean
 * and the population standard deviation (divide by n, not n - 1) of each
 * column on chosen rows, then apply (x - mean) / scale to all rows.
 *
 * The paper's scripts fit the scaler either on the whole data set or on the
 * training rows only (docs/protocols.md); `rows` chooses which.
 *
 * A constant column (variance zero up to rounding, by scikit-learn's test
 * var <= n eps var + (n |mean| eps)^2) gets scale 1, so it becomes all zeros
 * instead of NaN, as in scikit-learn.
 *
 * @module
 */

/** Fitted per-column mean and scale. */
export interface Standardizer {
  /** Column means over the fitting rows (length d). */
  mean: Float64Array;
  /** Column population standard deviations, 1 for constant columns (length d). */
  scale: Float64Array;
}

const EPS = 2 ** -52;

function checkShape(x: ArrayLike<number>, d: number): number {
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`d must be a positive integer (the number of columns), got ${d}.`);
  }
  if (x.length % d !== 0 || x.length === 0) {
    throw new RangeError(
      `x must hold n x d values with n >= 1; got ${x.length} values for d=${d}.`,
    );
  }
  return x.length / d;
}

function checkRows(rows: ArrayLike<number>, n: number): void {
  if (rows.length === 0) {
    throw new RangeError("rows must name at least one row to fit on; got an empty list.");
  }
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(`rows[${k}] must be a row index in [0, ${n - 1}], got ${i}.`);
    }
  }
}

/**
 * Fit the column means and population standard deviations of the row-major
 * n x d matrix `x` on the rows `rows` (default: all rows).
 *
 * @throws RangeError on a bad shape, an out-of-range or empty `rows`, or a non-finite value.
 * @example
 * ```ts
 * const s = fitStandardizer(x, d, split.train); // fit on the training rows only
 * const z = applyStandardizer(s, x, d);         // apply to every row
 * ```
 */
export function fitStandardizer(
  x: ArrayLike<number>,
  d: number,
  rows?: ArrayLike<number>,
): Standardizer {
  const n = checkShape(x, d);
  if (rows !== undefined) checkRows(rows, n);
  const m = rows ? rows.length : n;
  const row = (k: number) => (rows ? rows[k] : k);
  const mean = new Float64Array(d), scale = new Float64Array(d);
  for (let k = 0; k < m; k++) {
    const i = row(k);
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `x has a non-finite value ${v} at row ${i}, column ${j}; clean it first.`,
        );
      }
      mean[j] += v;
    }
  }
  for (let j = 0; j < d; j++) mean[j] /= m;
  for (let k = 0; k < m; k++) {
    const i = row(k);
    for (let j = 0; j < d; j++) scale[j] += (x[i * d + j] - mean[j]) ** 2;
  }
  for (let j = 0; j < d; j++) {
    const variance = scale[j] / m;
    const bound = m * EPS * variance + (m * mean[j] * EPS) ** 2;
    scale[j] = variance <= bound ? 1 : Math.sqrt(variance);
  }
  return { mean, scale };
}

/**
 * (x - mean) / scale for every row of the row-major matrix `x` (a new array).
 *
 * @throws RangeError when the standardizer's width differs from d or x is not n x d.
 */
export function applyStandardizer(s: Standardizer, x: ArrayLike<number>, d: number): Float64Array {
  const n = checkShape(x, d);
  if (s.mean.length !== d || s.scale.length !== d) {
    throw new RangeError(`the standardizer was fitted on ${s.mean.length} columns; x has d=${d}.`);
  }
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = (x[i * d + j] - s.mean[j]) / s.scale[j];
  }
  return out;
}

/** The inverse map: z * scale + mean for every row (a new array). */
export function invertStandardizer(s: Standardizer, z: ArrayLike<number>, d: number): Float64Array {
  const n = checkShape(z, d);
  if (s.mean.length !== d) {
    throw new RangeError(`the standardizer was fitted on ${s.mean.length} columns; z has d=${d}.`);
  }
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = z[i * d + j] * s.scale[j] + s.mean[j];
  }
  return out;
}

/**
 * Fit on `rows` (default all) and apply to all rows in one call.
 *
 * @example
 * ```ts
 * const { z, mean, scale } = standardize(boston.x, boston.d);          // fit on all rows
 * const t = standardize(boston.y, 1, split.train);                      // a target vector
 * ```
 */
export function standardize(
  x: ArrayLike<number>,
  d: number,
  rows?: ArrayLike<number>,
): Standardizer & { z: Float64Array } {
  const s = fitStandardizer(x, d, rows);
  return { ...s, z: applyStandardizer(s, x, d) };
}
