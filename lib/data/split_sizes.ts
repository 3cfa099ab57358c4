/**
 * What every train/test split shares: the result type, the test-set size rule
 * and the grouping of rows by class.
 *
 * @module
 */

/**
 * Row indices of a train/test split. Every index in 0..n-1 appears at most once.
 *
 * @category Splits
 */
export interface Split {
  /** Training rows. */
  train: Int32Array;
  /** Test rows. */
  test: Int32Array;
}

/**
 * Sizes of a split of `n` rows with a test fraction f, scikit-learn's rule:
 * nTest = ceil(f * n), nTrain = n - nTest.
 *
 * @throws RangeError when n is not an integer >= 2, f is not in (0, 1), or
 *   either part would be empty.
 *
 * @category Splits
 */
export function splitSizes(
  n: number,
  testFraction: number,
  name = "testFraction",
): { nTrain: number; nTest: number } {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`n must be an integer >= 2 to split into train and test, got ${n}.`);
  }
  if (typeof testFraction !== "number" || !(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(
      `${name} must be a number in (0, 1), the share of rows in the test set, ` +
        `got ${testFraction}. Use e.g. 0.2 for an 80/20 split.`,
    );
  }
  const nTest = Math.ceil(testFraction * n);
  const nTrain = n - nTest;
  if (nTrain < 1) {
    throw new RangeError(
      `${name}=${testFraction} leaves no training rows out of n=${n}; use a smaller ${name}.`,
    );
  }
  return { nTrain, nTest };
}

/** Rows grouped by class: sorted distinct labels and, per label, its rows in increasing order. */
export interface ClassGroups {
  /** Distinct label values, ascending. */
  classes: number[];
  /** rows[c] = the indices i with labels[i] === classes[c], ascending. */
  rows: Int32Array[];
}

/**
 * Group the row indices 0..n-1 by label (as numpy's `unique` plus a stable argsort).
 *
 * @throws RangeError when a label is not a finite number, or `labels` is empty.
 */
export function groupByClass(labels: ArrayLike<number>, name = "labels"): ClassGroups {
  if (labels.length === 0) throw new RangeError(`${name} must not be empty.`);
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`${name}[${i}] must be a finite number (a class label), got ${v}.`);
    }
    const list = byLabel.get(v);
    if (list) list.push(i);
    else byLabel.set(v, [i]);
  }
  const classes = [...byLabel.keys()].sort((a, b) => a - b);
  return { classes, rows: classes.map((c) => Int32Array.from(byLabel.get(c)!)) };
}

/**
 * Throw unless every class has at least two rows (scikit-learn's rule for
 * stratified splits: a class of one cannot be in both parts).
 */
export function checkClassSizes(groups: ClassGroups, name = "labels"): void {
  groups.rows.forEach((r, c) => {
    if (r.length < 2) {
      throw new RangeError(
        `${name}: class ${groups.classes[c]} has only ${r.length} member; a stratified split ` +
          `needs at least 2 rows per class. Drop or merge that class, or split without stratifying.`,
      );
    }
  });
}
