/**
 * Distillation targets: noisy teacher responses (Section 4).
 *
 * @module
 */
export {
  MAX_TEACHER_RESPONSES,
  noiseVariance,
  noisyTeacherLabels,
  noisyTeacherResponses,
  type TeacherNoise,
  type TeacherNoiseDraws,
  teacherNoiseGrid,
} from "./teacher_noise.ts";
export { hardLabels, softLabels, softLabelsFromProbabilities } from "./labels.ts";
// Section 6.1: soft-label distillation as a weighted hard-label problem (C copies per input).
export {
  type SoftTargetOptions,
  type SoftTargetProblem,
  softTargetProblem,
} from "./soft_targets.ts";
// Section 7: averaging k responses and variance-weighted targets.
export { type AveragedResponses, averageTeacherResponses, firstResponses } from "./averaging.ts";
export {
  ensembleVarianceWeightedLabels,
  type EnsembleWeightingInput,
  type HonestOlsInput,
  type HonestVarianceWeightedLabels,
  honestVarianceWeightedLabelsOls,
  type InverseVarianceWeights,
  inverseVarianceWeights,
  REFERENCE_VARIANCE_GUARD,
  type ReferenceVarianceWeightedLabels,
  referenceVarianceWeightedLabels,
  type ReferenceVarianceWeightingInput,
  type TeacherVarianceMode,
  type VarianceWeightedTargets,
  varianceWeightedTargets,
  type VarianceWeightingInput,
} from "./variance_weighting.ts";
// Section 7.2: honest variance-weighting from a pilot ensemble and its own teacher draws.
export {
  type PilotEnsembleInput,
  pilotEnsembleVarianceWeightedLabels,
  type PilotVarianceMode,
} from "./pilot_ensemble_weighting.ts";
