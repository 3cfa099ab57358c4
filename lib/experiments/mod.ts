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
