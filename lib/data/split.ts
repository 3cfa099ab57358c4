/**
 * Train/test splits with the project's own seeded generator (lib/random.ts).
 *
 * Same sizes as scikit-learn (nTest = ceil(f n)), but not the same rows: for
 * the authors' exact rows use `sklearnTrainTestSplit` / `sklearnStratifiedSplit`.
 * Both parts are returned in ascending row order.
 *
 * @module
 */

import { permutation, type Seed, toRng } from "../random.ts";
import { checkClassSizes, groupByClass, type Split, splitSizes } from "./split_sizes.ts";

/**
 * Options of `trainTestSplit` and `stratifiedSplit`.
 *
 * @category Splits
 */
export interface SplitOptions {
  /** Share of rows in the test set, in (0, 1). */
  testFraction: number;
  /** A seed or a generator. */
  seed: Seed;
}

function ascending(rows: number[]): Int32Array {
  return Int32Array.from(rows).sort();
}

/**
 * A random split of the rows 0..n-1: ceil(testFraction n) test rows, the rest train.
 *
 * @throws RangeError when n < 2, testFraction is not in (0, 1), or the training part is empty.
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(506, { testFraction: 0.2, seed: 42 }); // 404 / 102
 * ```
 *
 * @category Splits
 */
export function trainTestSplit(n: number, opts: SplitOptions): Split {
  const { nTest } = splitSizes(n, opts?.testFraction);
  const perm = Array.from(permutation(toRng(opts.seed), n));
  return { test: ascending(perm.slice(0, nTest)), train: ascending(perm.slice(nTest)) };
}

/**
 * A random split that keeps each class's share: the ceil(testFraction n) test
 * rows are divided among classes in proportion to their sizes (largest
 * remainders get the leftover rows, ties broken at random), and each class's
 * test rows are drawn uniformly from its rows. As in scikit-learn, a small
 * class may get no test row.
 *
 * @param labels class label of each row (any finite numbers).
 * @throws RangeError when testFraction is not in (0, 1), a class has fewer than
 *   2 rows, or a label is not a finite number.
 * @example
 * ```ts
 * const { train, test } = stratifiedSplit(wine.y, { testFraction: 0.2, seed: 1 });
 * ```
 *
 * @category Splits
 */
export function stratifiedSplit(labels: ArrayLike<number>, opts: SplitOptions): Split {
  const { nTest } = splitSizes(labels.length, opts?.testFraction);
  const groups = groupByClass(labels);
  checkClassSizes(groups);
  const rng = toRng(opts.seed);
  const n = labels.length, k = groups.classes.length;
  const exact = groups.rows.map((r) => (r.length * nTest) / n);
  const take = exact.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  // Leftover rows go to the largest remainders; a random order first breaks ties.
  const order = Array.from(permutation(rng, k)).sort((a, b) =>
    (exact[b] - take[b]) - (exact[a] - take[a])
  );
  for (const c of order) {
    if (left === 0) break;
    take[c]++;
    left--;
  }
  const train: number[] = [], test: number[] = [];
  groups.rows.forEach((rows, c) => {
    const perm = permutation(rng, rows.length);
    perm.forEach((p, j) => (j < take[c] ? test : train).push(rows[p]));
  });
  return { train: ascending(train), test: ascending(test) };
}
