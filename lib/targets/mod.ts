/**
 * Variance-aware distillation targets for your own teacher, one input at a
 * time: a record of k saved teacher responses (numbers, probability or logit
 * vectors, top-k logits; texts once embedded) in, one target with its
 * estimated noise out. The paper's two corrections (Section 7): averaging k
 * responses (Theorem 7.1) and inverse-variance weighting of teacher and
 * student estimates (Theorems 7.3-7.4), with the honest variance estimates a
 * practitioner has.
 *
 * Reading and writing files (JSON Lines or CSV, gzip, streams), the summary
 * over inputs and the uncertainty report are the `deno task distill-targets`
 * command's (tools/distill_targets.ts, tools/targets/).
 *
 * @example
 * ```ts
 * import { recordTarget } from "./lib/targets/mod.ts";
 * recordTarget({ id: "x", responses: [1.9, 2.1, 2.6] }, { method: "mean" });
 * // { target: 2.2, k: 3, teacherVariance: 0.13, targetVariance: 0.0433, ... }
 * ```
 *
 * @module
 */
export {
  checkRecord,
  type Response,
  type ResponseKind,
  type SparseResponse,
  type StudentEstimate,
  TargetOptionError,
  TeacherOutputError,
  type TeacherRecord,
} from "./records.ts";
export {
  checkTargetOptions,
  matrixTarget,
  recordTarget,
  type Target,
  TARGET_METHODS,
  type TargetMethod,
  type TargetOptions,
  type VectorSpace,
} from "./targets.ts";
