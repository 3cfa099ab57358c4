/**
 * The experiments of the paper, one module per section: configuration at
 * three scales, the Monte Carlo loop, theory values, rows for the figures
 * and tables, and the claims ledger. See `types.ts` for the conventions.
 *
 * @module
 */
export { type ExperimentConfig, type RunOptions } from "./types.ts";
export { progressLine, sweep, type SweepOptions, type SweepProgress } from "./sweep.ts";
export {
  type AblationRow,
  type BridgePoint,
  bridgeShares,
  CLASSIFICATION_METHODS,
  type ClassificationRow,
  type DesignPoints,
  type DlfSettings,
  type GaussianDistillationConfig,
  gaussianDistillationConfig,
  type GaussianDistillationResult,
  mixup,
  PAPER_BOSTON_RMSE,
  PAPER_DESIGN_ABLATION_RMSE,
  REGRESSION_METHODS,
  type RegressionRow,
  regressionScores,
  type RegressionSummary,
  rotateDigits,
  runGaussianDistillation,
  summarizeRegression,
} from "./gaussian_distillation.ts";
export {
  type AblationSummary,
  ablationSummary,
  ablationTable,
  bridgeFigure,
  classificationTable,
  digitsReliabilityFigure,
  gaussianDistillationClaims,
  regressionTable,
} from "./gaussian_distillation_figures.ts";
