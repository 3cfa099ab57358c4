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
  type Estimate,
  jackknifeCombination,
  jackknifeMean,
  jackknifeSlope,
  type JackknifeStatistic,
  jackknifeVariance,
} from "./jackknife.ts";
export {
  type BootstrapResult,
  fixedBaseParameterVariance,
  INIT_VARIANTS,
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
  THEOREM51_TOLERANCE,
  variantLevels,
} from "./student_initialization_claims.ts";
export {
  axisPower,
  axisUnit,
  biasBandFigure,
  biasStudentsFigure,
  bootstrapLinearFigure,
  bootstrapLinearTable,
  bootstrapNnFigure,
  bootstrapNnTable,
  initSummaryTable,
  initTestMseFigure,
  parameterVarianceFigure,
  SNAPSHOT_LABEL,
  theorem51Table,
} from "./student_initialization_figures.ts";
