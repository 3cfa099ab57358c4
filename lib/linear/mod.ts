/**
 * Linear students: OLS for many targets at once (one factorization of the
 * design) and the closed forms of Theorems 4.1-4.3 for students distilled from
 * a noisy teacher.
 *
 * @module
 */
export { fitOls, type LinearFit, type OlsOptions, predictOls } from "./ols.ts";
export {
  type LinearMseTheory,
  linearMseVsTeacher,
  linearPredictiveVariance,
  linearStudentMse,
  type LinearStudentMseInput,
  type LinearTheoryDesign,
  type LinearTheoryNoise,
  type PredictiveVarianceTheory,
  testLeverage,
} from "./theory.ts";
export { residualVariance } from "./residual_variance.ts";
// Section 5.2: bootstrap students (Theorems 5.1-5.3).
export {
  type BootstrapTheoryDesign,
  type BootstrapVarianceTheory,
  groundTruthBootstrapMse,
  groundTruthBootstrapVariance,
  groundTruthBootstrapVarianceRobust,
  olsNoiseVariance,
  type TeacherBootstrapCheck,
  teacherBootstrapCheck,
  type TeacherBootstrapCheckOptions,
} from "./theory_bootstrap.ts";
// Section 7.1: averaging (Theorem 7.1) and inverse-variance combination (Theorems 7.3-7.4).
export {
  averagedLabelNoise,
  averagedParameterCovariance,
  averagedPredictiveVariance,
  combinationVariance,
  type OptimalCombination,
  optimalCombination,
  sampleOptimalWeight,
} from "./theory_averaging.ts";
