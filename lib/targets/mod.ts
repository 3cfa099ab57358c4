/**
 * Variance-aware distillation targets for your own teacher: saved teacher
 * outputs in (k responses per input, as JSON Lines or CSV, plain or gzip),
 * one target per input with its estimated noise out, plus an uncertainty
 * report. The paper's two corrections (Section 7): averaging k responses
 * (Theorem 7.1) and inverse-variance weighting of teacher and student
 * estimates (Theorems 7.3-7.4), with the honest variance estimates a
 * practitioner has.
 *
 * @example
 * ```ts
 * import { distillTargets, targetReport, writeTargetReport } from "./lib/targets/mod.ts";
 * const r = await distillTargets({ input: "teacher.jsonl", output: "targets.jsonl", method: "mean" });
 * await writeTargetReport(targetReport(r, { method: "mean", input: "teacher.jsonl" }), "report.html");
 * ```
 *
 * @module
 */
export {
  checkRecord,
  parseCsvLine,
  parseRecordLine,
  type RecordContext,
  type Response,
  type ResponseKind,
  type SparseResponse,
  type StudentEstimate,
  TargetOptionError,
  TeacherOutputError,
  type TeacherRecord,
} from "./records.ts";
export {
  formatOf,
  newReadStats,
  oneLine,
  type ReadOptions,
  type ReadStats,
  readTeacherOutputs,
} from "./read.ts";
export {
  checkedRecordTarget,
  checkTargetOptions,
  closestRowByCosine,
  looksLikeProbability,
  matrixTarget,
  medoidIndex,
  PROBABILITY_TOLERANCE,
  recordTarget,
  type ResponseMatrix,
  responseMatrix,
  SpaceDetector,
  spread,
  type StudentSide,
  studentSide,
  type Target,
  TARGET_METHODS,
  type TargetMethod,
  type TargetOptions,
  type VectorSpace,
  weightsWithError,
} from "./targets.ts";
export {
  type Disagreement,
  quantileSorted,
  type SubsampleCurve,
  type SummaryOptions,
  TargetSummary,
} from "./summary.ts";
export {
  distillTargets,
  type DistillTargetsOptions,
  type DistillTargetsResult,
  outputWriteError,
  removeStaleTemporaries,
  sameFile,
} from "./run.ts";
export {
  type ReportBlock,
  reportFiles,
  type ReportOptions,
  type TargetReport,
  targetReport,
  writeTargetReport,
} from "./report.ts";
