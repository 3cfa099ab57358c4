/**
 * KD uncertainty toolkit: the primitives of "How Is Uncertainty Propagated in
 * Knowledge Distillation?" (Cui & Pei). This main entry is the paper's
 * vocabulary for distilling students and measuring their spread; every symbol
 * carries its section as its `@category`. The chapters (notebooks/) are built
 * from it; the statistics their claims use, the neural and language-model
 * students, data, figures and tables are the other entries.
 *
 * **Section 2: inter- and intra-student uncertainty.**
 * `interStudentVariance(predictions, m)` is the variance across S students of
 * each test prediction, averaged over the test set, with its Monte Carlo SE;
 * `intraStudentVariance` the average width of each student's own predictive
 * distribution; `decomposePredictiveVariance` joins the two by the law of total
 * variance. `studentTestMse`, `testMse`, `monteCarloSummary`: per-student test
 * error and Monte Carlo means and variances with SEs.
 *
 * **Section 4: teacher output uncertainty.** `noisyTeacherResponses` /
 * `noisyTeacherLabels` draw a teacher's noisy outputs (`teacherNoiseGrid`: the
 * paper's 15 noise levels); `fitOls`/`predictOls` fit linear students, many
 * targets per factorization; `linearPredictiveVariance`, `linearStudentMse`
 * and `linearMseVsTeacher` are Theorems 4.1-4.3.
 *
 * **Section 5: the student's initialization and data.** `bootstrapCounts`
 * (`bootstrapCountRows` for a cohort) and the bootstrap students' closed forms
 * `groundTruthBootstrapVariance`, `groundTruthBootstrapMse`,
 * `teacherBootstrapCheck` (Theorems 5.1-5.3).
 *
 * **Section 6: student outputs.** `hardLabels`, `softLabels`, and
 * `softTargetProblem` (soft labels as a weighted hard-label problem).
 *
 * **Section 7: correcting student uncertainty.** `averageTeacherResponses`
 * (Theorem 7.1: variance / k), `optimalCombination` and `combinationVariance`
 * (Theorems 7.3-7.4), and variance-weighted targets: the honest
 * `honestVarianceWeightedLabelsOls` and `pilotEnsembleVarianceWeightedLabels`
 * beside the authors' oracle `referenceVarianceWeightedLabels` (labelled so).
 *
 * **Random streams** (`Rng`, `Seed`: every random function takes
 * `seed: number | Rng`; student s of a cohort uses child stream s) and **run
 * scales** (`runScale`, `byScale`: smoke, default and paper).
 *
 * Other entries: `./uncertainty` (statistics for claims: entropy, groups and
 * paired tests, calibration, the jackknife, trend tests, scores of
 * predictives, SEs over units), `./engines` (neural students: `fitCohort`,
 * `predictCohort`), `./text` (uncertainty of text answers on their
 * embeddings), `./llm` (the small language model), `./gaussian` (Gaussian
 * distillation), `./targets` (variance-aware targets for your own teacher's
 * saved outputs), `./data`, `./plot`, `./report`. Importing this entry loads
 * neither TensorFlow.js nor the renderers.
 *
 * @example
 * ```ts
 * import { fitOls, interStudentVariance, noisyTeacherLabels, predictOls } from "./lib/mod.ts";
 * const labels = noisyTeacherLabels(teacherTrain, { variance: 0.5 }, { students: 1000, seed: 7 });
 * const students = predictOls(xTest, fitOls(xTrain, d, labels)); // 1000 x nTest
 * interStudentVariance(students, nTest).mean;
 * ```
 *
 * @module
 */

// ---- Section 2: inter- and intra-student uncertainty ----
export { type InterStudentVariance, interStudentVariance } from "./uncertainty/inter_student.ts";
export {
  decomposePredictiveVariance,
  intraStudentVariance,
  type VarianceDecomposition,
} from "./uncertainty/decomposition.ts";
export { type MonteCarloSummary, monteCarloSummary } from "./uncertainty/monte_carlo.ts";
export { studentTestMse, testMse } from "./uncertainty/test_mse.ts";

// ---- Sections 4, 5 and 7: linear students and the closed forms of their spread ----
export * from "./linear/mod.ts";

// ---- Sections 4, 6 and 7: distillation targets from a noisy teacher ----
export * from "./distill/mod.ts";

// ---- Random streams ----
export {
  bootstrapCountRows,
  bootstrapCounts,
  bootstrapIndices,
  childStreams,
  normal,
  permutation,
  Rng,
  sampleWithoutReplacement,
  type Seed,
  toRng,
  uniform,
} from "./random.ts";

// ---- Run scales ----
export { byScale, runScale, type Scale } from "./config.ts";
