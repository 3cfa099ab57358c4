/**
 * Ready-to-use train/test splits at the authors' reference protocols
 * (docs/protocols.md, "Common conventions of the reference code"): z-scored
 * features (and targets, for regression), with the scaler fitted on the full
 * data or on the training rows only, and scikit-learn's exact 80/20 split for
 * a given `random_state`, so our teachers see exactly the rows theirs saw.
 *
 * @module
 */

import { take, takeRows } from "./dataset.ts";
import type { ClassificationDataset, RegressionDataset } from "./dataset.ts";
import { applyStandardizer, fitStandardizer, type Standardizer } from "./standardize.ts";
import {
  type SklearnSplitOptions,
  sklearnStratifiedSplit,
  sklearnTrainTestSplit,
} from "./sklearn_split.ts";
import type { Split } from "./split_sizes.ts";

/**
 * Options of {@link prepareRegression} and {@link prepareClassification}.
 *
 * @category Preparation (the paper's protocols)
 */
export interface PrepareOptions {
  /** `random_state` of scikit-learn's `train_test_split`. */
  splitSeed: number;
  /** Fraction of rows in the test split (default 0.2). */
  testSize?: number;
  /**
   * Rows the scaler is fitted on: `"full"` (all rows, before the split; e.g.
   * Sections 4.2, 6.1 and 7.2) or `"train"` (training rows only; Section 5.2).
   */
  scaler: "full" | "train";
}

/**
 * A standardized regression split.
 *
 * @category Preparation (the paper's protocols)
 */
export interface RegressionSplit {
  name: string;
  featureNames: string[];
  d: number;
  xTrain: Float64Array;
  yTrain: Float64Array;
  xTest: Float64Array;
  yTest: Float64Array;
  nTrain: number;
  nTest: number;
  /** Original row indices of the training and test rows. */
  train: Int32Array;
  test: Int32Array;
  /** The fitted scalers, to map predictions back to original units. */
  xScaler: Standardizer;
  yScaler: Standardizer;
  /** One line for a notebook or a table note: what was done. */
  protocol: string;
}

/**
 * A standardized, stratified classification split (labels unchanged).
 *
 * @category Preparation (the paper's protocols)
 */
export interface ClassificationSplit {
  name: string;
  featureNames: string[];
  classes: string[];
  d: number;
  xTrain: Float64Array;
  yTrain: Int32Array;
  xTest: Float64Array;
  yTest: Int32Array;
  nTrain: number;
  nTest: number;
  train: Int32Array;
  test: Int32Array;
  xScaler: Standardizer;
  protocol: string;
}

/** The options checked, the rows split by `splitter` (given the test fraction), x z-scored. */
function splitAndScale(
  ds: { x: Float64Array; d: number },
  opts: PrepareOptions,
  splitter: (o: SklearnSplitOptions) => Split,
) {
  if (opts.scaler !== "full" && opts.scaler !== "train") {
    throw new RangeError(`scaler must be "full" or "train", got ${String(opts.scaler)}.`);
  }
  const testSize = opts.testSize ?? 0.2;
  const split = splitter({ testSize, randomState: opts.splitSeed });
  // The rows the scalers are fitted on: all (before the split) or the training rows.
  const rows = opts.scaler === "full" ? undefined : split.train;
  const xScaler = fitStandardizer(ds.x, ds.d, rows);
  return { testSize, split, rows, xScaler, x: applyStandardizer(xScaler, ds.x, ds.d) };
}

/** One line saying what was done, for a notebook or a table note. */
function protocolLine(
  ds: { name: string; d: number },
  what: string,
  opts: PrepareOptions,
  { split, testSize }: { split: Split; testSize: number },
  call: string,
): string {
  const scaled = opts.scaler === "full" ? "full data before the split" : "training split";
  return `${ds.name}, ${ds.d} features; ${what} z-scored on the ${scaled}; scikit-learn ${call}(test_size=${testSize}, random_state=${opts.splitSeed}): ${split.train.length} train / ${split.test.length} test rows.`;
}

/**
 * Standardize features and target and split them as the reference code does.
 *
 * @example
 * ```ts
 * // Section 4.2: Boston, 13 features, scaler on the full data, split seed 42.
 * const s = prepareRegression(await loadBoston(), { splitSeed: 42, scaler: "full" });
 * s.nTrain; // 404
 * ```
 *
 * @category Preparation (the paper's protocols)
 */
export function prepareRegression(ds: RegressionDataset, opts: PrepareOptions): RegressionSplit {
  const s = splitAndScale(ds, opts, (o) => sklearnTrainTestSplit(ds.n, o));
  const { split, x } = s;
  const yScaler = fitStandardizer(ds.y, 1, s.rows);
  const y = applyStandardizer(yScaler, ds.y, 1);
  return {
    name: ds.name,
    featureNames: ds.featureNames,
    d: ds.d,
    xTrain: takeRows(x, ds.d, split.train),
    yTrain: take(y, split.train),
    xTest: takeRows(x, ds.d, split.test),
    yTest: take(y, split.test),
    nTrain: split.train.length,
    nTest: split.test.length,
    train: split.train,
    test: split.test,
    xScaler: s.xScaler,
    yScaler,
    protocol: protocolLine(ds, "features and target", opts, s, "train_test_split"),
  };
}

/**
 * Standardize features and make scikit-learn's stratified split
 * (`train_test_split(..., stratify=y, random_state=r)`), as Section 6.1's code.
 *
 * @category Preparation (the paper's protocols)
 */
export function prepareClassification(
  ds: ClassificationDataset,
  opts: PrepareOptions,
): ClassificationSplit {
  const s = splitAndScale(ds, opts, (o) => sklearnStratifiedSplit(ds.y, o));
  const { split, x } = s;
  return {
    name: ds.name,
    featureNames: ds.featureNames,
    classes: ds.classes,
    d: ds.d,
    xTrain: takeRows(x, ds.d, split.train),
    yTrain: take(ds.y, split.train),
    xTest: takeRows(x, ds.d, split.test),
    yTest: take(ds.y, split.test),
    nTrain: split.train.length,
    nTest: split.test.length,
    train: split.train,
    test: split.test,
    xScaler: s.xScaler,
    protocol: protocolLine(ds, "features", opts, s, "stratified train_test_split"),
  };
}
