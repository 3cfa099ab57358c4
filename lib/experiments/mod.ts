/**
 * The experiments of the paper, one module per section: configuration at
 * three scales, the Monte Carlo loop, theory values, rows for the figures
 * and tables, and the claims ledger. See tools/sweep.ts for the conventions.
 *
 * @module
 */
// Sections 2, 4, 5, 7 and 8 (notebooks 02, 04, 05, 07 and 08): their settings and steps are in
// the notebooks' step modules (notebooks/0X_*.ts), their figures, tables and claims in the cells.
export {
  accuracyMargin,
  ENTROPY_GROUPS,
  ENTROPY_MARGIN,
  ENTROPY_RULE,
  type EntropyCell,
  entropyCells,
  type EntropyGroup,
  INVESTIGATION_VARIANTS,
  type InvestigationRow,
  loadStudentOutputSet,
  type ModelScore,
  type PairResult,
  PAPER_SECTION6,
  type PaperGroupCell,
  REFERENCE_PROTOCOL,
  type RunScore,
  type RunStats,
  runStats,
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
  type TeacherStudentContrast,
  teacherStudentContrasts,
  type VerdictSummary,
  verdictSummary,
} from "./student_output.ts";
export {
  entropyBarsFigure,
  entropyComparisonTable,
  investigationTable,
  pairedTestsTable,
  paperTable,
  reliabilityFigure,
} from "./student_output_figures.ts";
// Section 6.2 (notebook 06): consistent language-model students, Figure 10.
export {
  type ConsistencyArm,
  type ConsistencyFindings,
  consistencyFindings,
  type ConsistencyStudentRow,
  type ConsistencySummary,
  consistencySummary,
  type IdentityCheck,
  llmConsistencyClaims,
  type LlmConsistencyConfig,
  llmConsistencyConfig,
  type LlmConsistencyResult,
  llmConsistencySeconds,
  NEGLIGIBLE_DELTA,
  runLlmConsistency,
  sampleDraws,
  type SampleDrawsOptions,
  type TwoSe,
} from "./llm_consistency.ts";
export { consistencyFigure, consistencyTable } from "./llm_consistency_figures.ts";
