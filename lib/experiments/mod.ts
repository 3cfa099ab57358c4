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
  type LinearLevel,
  type LinearTheory,
  type Monotone,
  type NoiseLevel,
  QUANTITIES,
  runTeacherOutput,
  type Summary,
  type TeacherOutputConfig,
  teacherOutputConfig,
  type TeacherOutputResult,
  type TeacherOutputRunOptions,
  type TheoryCheck,
  THM41,
  THM42,
  THM43,
  type Trend,
} from "./teacher_output.ts";
export {
  curvatureTable,
  interStudentFigure,
  meanMseFigure,
  neuralFits,
  NOISE_LEVEL_TITLE,
  varianceOfMseFigure,
} from "./teacher_output_figures.ts";
export { bonferroniZ } from "./bonferroni.ts";
export {
  type CheckSummary,
  checkSummary,
  LINEAR_MARGIN,
  PAPER_TABLE2_SHARE,
  teacherOutputClaims,
  THEOREM_MARGIN,
  theoremRatio,
  worstCheck,
} from "./teacher_output_claims.ts";
// Sections 2, 5 and 7 (notebooks 02, 05 and 07): their settings and steps are in the notebooks'
// step modules (notebooks/02_problem_definition.ts, notebooks/05_student_initialization_uncertainty.ts,
// notebooks/07_variance_aware_distillation.ts), their figures, tables and claims in the cells.
export {
  fitLogisticLbfgs,
  type LogisticLbfgsOptions,
  type LogisticModel,
  predictLogistic,
} from "./logistic_lbfgs.ts";
export {
  type AblationRow,
  type BridgePoint,
  bridgeShares,
  CLASSIFICATION_METHODS,
  type DesignPoints,
  type GaussianDistillationConfig,
  gaussianDistillationConfig,
  type GaussianDistillationResult,
  mixup,
  PAPER_BOSTON_NLL,
  PAPER_BOSTON_RMSE,
  PAPER_CLASSIFICATION_FINDINGS,
  PAPER_DESIGN_ABLATION_RMSE,
  REGRESSION_METHODS,
  type RegressionRow,
  regressionScores,
  type RegressionSummary,
  runGaussianDistillation,
  summarizeRegression,
  type TeacherDepthRow,
} from "./gaussian_distillation.ts";
export {
  CLASSIFICATION_BOOTSTRAP,
  type ClassificationResult,
  type ClassificationRow,
  classificationRun,
  type ClassificationSettings,
  type DlfSettings,
  type MnistSettings,
  type PairedDifference,
  rotateDigits,
  rotateImages,
} from "./gaussian_distillation_classification.ts";
export {
  type AblationSummary,
  ablationSummary,
  ablationTable,
  bridgeFigure,
  classificationReliabilityFigure,
  classificationTable,
  digitsReliabilityFigure,
  gaussianDistillationClaims,
  GD_MIN_SPLITS,
  type PairedContrast,
  pairedContrasts,
  pairedContrastsTable,
  regressionTable,
  teacherDepthTable,
} from "./gaussian_distillation_figures.ts";
export {
  alignment,
  type DrawOptions,
  hallucinationRates,
  type InterStudentVariance,
  interStudentVariance,
  leaveOneOutInterStudentVariance,
  LLM_UNIT_SECONDS,
  type LlmCohortConfig,
  type LlmSetup,
  llmSetupFrom,
  type LlmSetupOptions,
  loadLlmSetup,
  pairedDifference,
  PAPER_SAMPLING,
  PAPER_TEMPERATURES,
  promptNoise,
  sampleAnswers,
  slopeAcrossUnits,
  slopeOfMeans,
  type SlopeTest,
  type TwoWaySe,
  twoWaySe,
} from "./llm_setup.ts";
// Section 4.3, Appendices C and F (notebook 04).
export {
  conservativeTrend,
  firstComponentScores,
  FLAT_MARGIN,
  llmPredictiveFigure,
  llmTable2,
  llmTable5,
  type LlmTemperatureArm,
  llmTemperatureClaims,
  type LlmTemperatureConfig,
  llmTemperatureConfig,
  llmTemperatureFigure,
  type LlmTemperatureResult,
  llmTemperatureSeconds,
  NARROWER_THRESHOLD,
  noiseRegression,
  type NoiseTransfer,
  noiseTransfer,
  PAPER_TABLE2,
  PAPER_TABLE5,
  runLlmTemperature,
  TABLE5_MARGIN,
} from "./llm_temperature.ts";
