/**
 * scikit-learn 1.2's `train_test_split`, index for index.
 *
 * The paper's reference code splits with
 * `train_test_split(X, y, test_size=0.2, random_state=r)` (regression) and the
 * same with `stratify=y` (classification; docs/protocols.md, "Common conventions").
 * These functions return exactly the row indices that call selects, in the
 * same order, so our training and test sets are the authors'. Tests compare
 * them to indices written by scikit-learn 1.2.1
 * (tests/data/fixtures/sklearn_splits.json).
 *
 * For splits that need not match scikit-learn, `trainTestSplit` and
 * `stratifiedSplit` (lib/data/split.ts) use the project's own generator.
 *
 * @module
 */

import { NumpyRandomState } from "./numpy_random.ts";
import { checkClassSizes, groupByClass, type Split, splitSizes } from "./split_sizes.ts";

/** Options of the scikit-learn compatible splits. */
export interface SklearnSplitOptions {
  /** Share of rows in the test set, in (0, 1); scikit-learn's `test_size` as a float. */
  testSize: number;
  /** scikit-learn's `random_state` as an integer in [0, 2^32 - 1]. */
  randomState: number;
}

function checkOptions(opts: SklearnSplitOptions): void {
  if (opts === undefined || typeof opts !== "object") {
    throw new TypeError(
      "options must be an object { testSize, randomState }, e.g. { testSize: 0.2, randomState: 42 }.",
    );
  }
  const r = opts.randomState;
  if (!Number.isInteger(r) || r < 0 || r > 0xffffffff) {
    throw new RangeError(`randomState must be an integer in [0, 2^32 - 1], got ${r}.`);
  }
}

/**
 * The rows of `train_test_split(X, test_size=testSize, random_state=randomState)`
 * for X with n rows (scikit-learn's ShuffleSplit): nTest = ceil(testSize * n),
 * perm = RandomState(randomState).permutation(n), test = perm[:nTest],
 * train = perm[nTest:].
 *
 * @throws RangeError when n < 2, testSize is not in (0, 1), the training part
 *   would be empty, or randomState is not an integer in [0, 2^32 - 1].
 * @example
 * ```ts
 * const { train, test } = sklearnTrainTestSplit(506, { testSize: 0.2, randomState: 42 });
 * train.length; // 404, and test.length is 102, the rows scikit-learn picks
 * ```
 */
export function sklearnTrainTestSplit(n: number, opts: SklearnSplitOptions): Split {
  checkOptions(opts);
  const { nTrain, nTest } = splitSizes(n, opts.testSize, "testSize");
  const perm = new NumpyRandomState(opts.randomState).permutation(n);
  return { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
}

/**
 * scikit-learn's `_approximate_mode`: split `nDraws` among classes in
 * proportion to `counts`, flooring, then giving the leftover draws to the
 * largest remainders; ties among equal remainders are broken with
 * `rs.choice(..., replace=False)`.
 */
function approximateMode(counts: number[], nDraws: number, rs: NumpyRandomState): number[] {
  let total = 0;
  for (const c of counts) total += c;
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let flooredSum = 0;
  for (const f of floored) flooredSum += f;
  let need = Math.trunc(nDraws - flooredSum);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds: number[] = [];
      remainder.forEach((r, i) => {
        if (r === value) inds.push(i);
      });
      const addNow = Math.min(inds.length, need);
      for (const k of rs.choice(inds.length, addNow, { replace: false })) floored[inds[k]] += 1;
      need -= addNow;
      if (need === 0) break;
    }
  }
  return floored;
}

/**
 * The rows of `train_test_split(X, test_size=testSize, random_state=randomState,
 * stratify=labels)` (scikit-learn's StratifiedShuffleSplit): per-class train and
 * test counts by `_approximate_mode`, a random order within each class, then a
 * random order of the whole train part and of the whole test part.
 *
 * @param labels class label of each row (any numbers; classes are sorted numerically).
 * @throws RangeError when testSize is not in (0, 1), randomState is not an
 *   integer in [0, 2^32 - 1], a class has fewer than 2 rows, or the train or
 *   test part would be smaller than the number of classes.
 * @example
 * ```ts
 * const { train, test } = sklearnStratifiedSplit(wine.y, { testSize: 0.2, randomState: 1 });
 * ```
 */
export function sklearnStratifiedSplit(
  labels: ArrayLike<number>,
  opts: SklearnSplitOptions,
): Split {
  checkOptions(opts);
  const { nTrain, nTest } = splitSizes(labels.length, opts.testSize, "testSize");
  const groups = groupByClass(labels);
  checkClassSizes(groups);
  const k = groups.classes.length;
  if (nTrain < k || nTest < k) {
    throw new RangeError(
      `testSize=${opts.testSize} gives ${nTrain} training and ${nTest} test rows, but each ` +
        `part needs at least one row per class (${k} classes). Choose testSize so both are >= ${k}.`,
    );
  }
  const counts = groups.rows.map((r) => r.length);
  const rs = new NumpyRandomState(opts.randomState);
  const nI = approximateMode(counts, nTrain, rs);
  const tI = approximateMode(counts.map((c, i) => c - nI[i]), nTest, rs);
  const train: number[] = [];
  const test: number[] = [];
  groups.rows.forEach((rows, c) => {
    const perm = rs.permutation(rows.length);
    for (let j = 0; j < nI[c]; j++) train.push(rows[perm[j]]);
    for (let j = nI[c]; j < nI[c] + tI[c]; j++) test.push(rows[perm[j]]);
  });
  const trainOut = rs.shuffle(Int32Array.from(train)); // scikit-learn shuffles train first,
  const testOut = rs.shuffle(Int32Array.from(test)); // then test, from the same stream
  return { train: trainOut, test: testOut };
}
