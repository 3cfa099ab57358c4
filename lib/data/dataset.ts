/**
 * The `Dataset` shape every loader returns, and helpers to take rows and columns.
 *
 * Features are one row-major `Float64Array` of n rows by d columns: feature j of
 * row i is `x[i * d + j]`. Regression targets are a `Float64Array`;
 * classification labels are an `Int32Array` of class indices 0..k-1, whose
 * names are in `classes`.
 *
 * @module
 */

/**
 * Fields shared by regression and classification data sets.
 *
 * @category Data set shape
 */
export interface DatasetBase {
  /** Short human name, e.g. "Boston house prices"; a subset says so ("MNIST subset ..."). */
  name: string;
  /** Features, row-major n x d. */
  x: Float64Array;
  /** Number of rows. */
  n: number;
  /** Number of features. */
  d: number;
  /** One name per feature column (length d). */
  featureNames: string[];
  /** Where the data come from (file and original source), for tables and notebooks. */
  source: string;
}

/**
 * A regression data set: `y[i]` is the real-valued target of row i.
 *
 * @category Data set shape
 */
export interface RegressionDataset extends DatasetBase {
  /** Always "regression". */
  task: "regression";
  /** Target of each row (length n). */
  y: Float64Array;
  /** Name of the target, e.g. "MEDV". */
  targetName: string;
}

/**
 * A classification data set: `y[i]` in 0..k-1 indexes `classes`.
 *
 * @category Data set shape
 */
export interface ClassificationDataset extends DatasetBase {
  /** Always "classification". */
  task: "classification";
  /** Class index of each row, in 0..classes.length-1 (length n). */
  y: Int32Array;
  /** Class names, `classes[y[i]]` is row i's class. */
  classes: string[];
}

/**
 * Either kind; narrow on `task`.
 *
 * @category Data set shape
 */
export type Dataset = RegressionDataset | ClassificationDataset;

function checkIndices(idx: ArrayLike<number>, n: number, name: string): void {
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(`${name}[${k}] must be a row index in [0, ${n - 1}], got ${i}.`);
    }
  }
}

function checkMatrix(x: ArrayLike<number>, d: number): number {
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`d must be a positive integer (the number of columns), got ${d}.`);
  }
  if (x.length % d !== 0) {
    throw new RangeError(`x has ${x.length} values, not a multiple of d=${d}; check d.`);
  }
  return x.length / d;
}

/**
 * The rows `idx` (in that order, repeats allowed) of the row-major n x d matrix `x`.
 *
 * @throws RangeError when d does not divide x.length or an index is out of range.
 * @example
 * ```ts
 * takeRows(new Float64Array([1, 2, 3, 4, 5, 6]), 2, [2, 0]); // [5, 6, 1, 2]
 * ```
 *
 * @category Data set shape
 */
export function takeRows(x: Float64Array, d: number, idx: ArrayLike<number>): Float64Array {
  const n = checkMatrix(x, d);
  checkIndices(idx, n, "idx");
  const out = new Float64Array(idx.length * d);
  for (let k = 0; k < idx.length; k++) out.set(x.subarray(idx[k] * d, idx[k] * d + d), k * d);
  return out;
}

/**
 * The entries `idx` of a vector, in a new array of the same type.
 *
 * @throws RangeError when an index is out of range.
 * @example
 * ```ts
 * take(new Int32Array([7, 8, 9]), [2, 2, 0]); // Int32Array [9, 9, 7]
 * ```
 *
 * @category Data set shape
 */
export function take<T extends Float64Array | Float32Array | Int32Array>(
  v: T,
  idx: ArrayLike<number>,
): T {
  checkIndices(idx, v.length, "idx");
  const out = new (v.constructor as new (n: number) => T)(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = v[idx[k]];
  return out;
}

/**
 * The columns `cols` (in that order) of the row-major matrix `x` with d columns.
 *
 * @throws RangeError when d does not divide x.length or a column is out of range.
 *
 * @category Data set shape
 */
export function selectColumns(x: Float64Array, d: number, cols: ArrayLike<number>): Float64Array {
  const n = checkMatrix(x, d);
  checkIndices(cols, d, "cols");
  const m = cols.length;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[i * m + j] = x[i * d + cols[j]];
  }
  return out;
}

/**
 * The same data set restricted to the rows `idx` (e.g. a split's `train`).
 *
 * @throws RangeError when an index is out of range.
 * @example
 * ```ts
 * const trainSet = subsetRows(boston, split.train);
 * ```
 *
 * @category Data set shape
 */
export function subsetRows<D extends Dataset>(ds: D, idx: ArrayLike<number>): D {
  return {
    ...ds,
    x: takeRows(ds.x, ds.d, idx),
    y: take(ds.y, idx),
    n: idx.length,
  };
}

/**
 * How many rows carry each label 0..k-1.
 *
 * @throws RangeError when a label is not an integer in [0, k).
 * @example
 * ```ts
 * classCounts(new Int32Array([0, 2, 2]), 3); // [1, 0, 2]
 * ```
 *
 * @category Data set shape
 */
export function classCounts(labels: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new RangeError(`labels[${i}] must be an integer in [0, ${k - 1}], got ${c}.`);
    }
    counts[c]++;
  }
  return counts;
}
