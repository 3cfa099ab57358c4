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
  type PerInputCheck,
  problemDefinitionClaims,
  type ProblemDefinitionConfig,
  problemDefinitionConfig,
  type ProblemDefinitionResult,
  type ProblemDefinitionRunOptions,
  runProblemDefinition,
  type SourceDecomposition,
  worstInput,
} from "./problem_definition.ts";
export {
  sourcesTable,
  studentsFigure,
  theorem41Figure,
  variancesFigure,
} from "./problem_definition_figures.ts";
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
  PAPER_TABLE2_SHARE,
  teacherOutputClaims,
  worstCheck,
} from "./teacher_output_claims.ts";
// Section 7 (notebook 07): averaging and variance-weighting, Theorems 7.1-7.4 and Figure 11.
export {
  type CombinationOptimum,
  type CombinationResult,
  type CombinationRow,
  findMethodRow,
  type Gain,
  gainOf,
  type GainRow,
  gains,
  gainWord,
  interDrop,
  type InterFit,
  interStudentFits,
  linearMseWorstZ,
  type LinearTheoryRow,
  type Method,
  type MethodRow,
  methodRow,
  METHODS,
  PAPER_ALPHAS,
  PAPER_K,
  populationShrink,
  runCombinationCheck,
  runVarianceAware,
  varianceAwareClaims,
  type VarianceAwareConfig,
  varianceAwareConfig,
  type VarianceAwareResult,
} from "./variance_aware.ts";
export {
  combinationFigure,
  combinationTable,
  gainsTable,
  interFigure,
  labelTable,
  mseFigure,
  mseTable,
  theorem71Table,
  THM73_LABEL,
} from "./variance_aware_figures.ts";
export {
  type BootstrapResult,
  type InitLevel,
  initParameterVariance,
  type InitPerturbationResult,
  type LinearBootstrapRow,
  type NeuralBootstrapRow,
  runBootstrap,
  runInitPerturbation,
  type StudentInitializationConfig,
  studentInitializationConfig,
  type Theorem51Row,
} from "./student_initialization.ts";
export {
  initStatistics,
  studentInitializationClaims,
  variantLevels,
} from "./student_initialization_claims.ts";
export {
  biasBandFigure,
  biasStudentsFigure,
  bootstrapLinearFigure,
  bootstrapLinearTable,
  bootstrapNnFigure,
  bootstrapNnTable,
  initSummaryTable,
  initTestMseFigure,
  parameterVarianceFigure,
  theorem51Table,
} from "./student_initialization_figures.ts";
export {
  ENTROPY_RULE,
  type EntropyCell,
  entropyCells,
  entropySpread,
  INVESTIGATION_VARIANTS,
  type InvestigationRow,
  loadStudentOutputSet,
  type ModelScore,
  type PairResult,
  PAPER_SECTION6,
  REFERENCE_PROTOCOL,
  runStudentOutput,
  type SeedScore,
  studentOutputClaims,
  type StudentOutputConfig,
  studentOutputConfig,
  type StudentOutputFamily,
  type StudentOutputFindings,
  studentOutputFindings,
  type StudentOutputProtocol,
  type StudentOutputResult,
  type StudentOutputSet,
  type StudentOutputSetSpec,
  type StudentOutputVariant,
} from "./student_output.ts";
export {
  entropyBarsFigure,
  entropyComparisonTable,
  investigationTable,
  pairedTestsTable,
  paperTable,
  reliabilityFigure,
} from "./student_output_figures.ts";
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
  PAPER_BOSTON_RMSE,
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
  regressionTable,
  teacherDepthTable,
} from "./gaussian_distillation_figures.ts";
