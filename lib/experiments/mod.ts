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
export {
  fitLogisticLbfgs,
  type LogisticLbfgsOptions,
  type LogisticModel,
  predictLogistic,
} from "./logistic_lbfgs.ts";
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
