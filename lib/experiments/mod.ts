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
