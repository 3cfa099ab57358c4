/**
 * Data: the bundled data sets and loaders for the external ones, the
 * `Dataset` shape, standardization, and train/test splits (our own, and
 * scikit-learn's exact ones via numpy's RandomState).
 *
 * Grouped by `@category`: Data set shape, Loaders (`loadBoston`, `loadWine`,
 * `loadDigits`, `loadBreastCancer`, `loadDiabetes`, MNIST, Covertype),
 * Standardization, Splits, Preparation (the paper's protocols:
 * `prepareRegression`, `prepareClassification`), Data folders.
 *
 * @module
 */

export {
  classCounts,
  type ClassificationDataset,
  type Dataset,
  type DatasetBase,
  type RegressionDataset,
  selectColumns,
  subsetRows,
  take,
  takeRows,
} from "./dataset.ts";
export {
  type BostonOptions,
  type BundledOptions,
  type DiabetesOptions,
  loadBoston,
  loadBreastCancer,
  loadDiabetes,
  loadDigits,
  loadWine,
} from "./bundled.ts";
export { loadMnist, loadMnistIdx, type MnistIdxOptions, type MnistOptions } from "./idx.ts";
export { COVERTYPE_FEATURES, type CovertypeOptions, loadCovertype } from "./covertype.ts";
export {
  applyStandardizer,
  fitStandardizer,
  invertStandardizer,
  standardize,
  type Standardizer,
} from "./standardize.ts";
export { binaryColumns } from "./binary_columns.ts";
export { type Split } from "./split_sizes.ts";
export { type SplitOptions, stratifiedSplit, trainTestSplit } from "./split.ts";
export {
  type SklearnSplitOptions,
  sklearnStratifiedSplit,
  sklearnTrainTestSplit,
} from "./sklearn_split.ts";
export {
  type ClassificationSplit,
  prepareClassification,
  type PrepareOptions,
  prepareRegression,
  type RegressionSplit,
} from "./prepare.ts";
