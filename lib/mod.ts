/**
 * KD uncertainty toolkit: the primitives of "How Is Uncertainty Propagated in
 * Knowledge Distillation?" (Cui & Pei), grouped by the paper's sections, and the
 * experiments that rebuild its figures. Read it as a manual: each group below is
 * one section's vocabulary; every symbol carries the section as its `@category`.
 *
 * **Section 2: problem definition.** S students are distilled from one teacher
 * whose outputs are noisy; how far apart do they end up?
 * - `interStudentVariance(predictions, m)`: inter-student uncertainty, the
 *   variance across students of each test prediction, averaged over the test
 *   set, with its Monte Carlo SE.
 * - `intraStudentVariance(variances, m)`: intra-student uncertainty, the
 *   average width of each student's own predictive distribution.
 * - `decomposePredictiveVariance(means, variances, m)`: the law of total
 *   variance joining the two (inter + intra = the cohort's mixture variance).
 * - `studentTestMse`, `testMse`, `monteCarloSummary`: per-student test error
 *   and Monte Carlo means and variances with standard errors.
 *
 * **Section 4: teacher output uncertainty.** `noisyTeacherResponses` /
 * `noisyTeacherLabels` draw the teacher's noisy outputs (`teacherNoiseGrid`
 * gives the paper's 15 noise levels); `fitOls`/`predictOls` (linear students,
 * many targets per factorization) and `fitCohort`/`predictCohort` (neural
 * students trained in lockstep, in `./engines`) make the students;
 * `linearPredictiveVariance`, `linearStudentMse` and `linearMseVsTeacher` are
 * Theorems 4.1-4.3;
 * `curvatureTest` and `logLogSlope` tell linear from super-linear growth.
 *
 * **Section 5: student initialization uncertainty.** Model-driven: the
 * cohort trainer's `InitSpec` (PyTorch, Kaiming, perturbed, fixed inits; in
 * `./engines`; their spread's closed forms `initParameterVariance` and
 * `fixedBaseParameterVariance`, and the jackknife over students, in
 * `./uncertainty`). Data-driven: `bootstrapCounts` (`bootstrapCountRows` for a
 * cohort), and the bootstrap students' closed forms `groundTruthBootstrapVariance`,
 * `groundTruthBootstrapMse` and `teacherBootstrapCheck` (Theorems 5.1-5.3).
 *
 * **Section 6: student output uncertainty.** `hardLabels`/`softLabels`,
 * `predictiveEntropy`, group statistics and paired tests (`groupStatistics`,
 * `compareGroups`, `pairedComparison`), calibration (`expectedCalibrationError`,
 * `reliabilityBins`). For language models, the measures on response
 * embeddings (`embeddingVariance`, `varianceDifference`,
 * `firstPrincipalComponent`, `noiseTransfer` of Appendix F) are in `./text`.
 *
 * **Section 7: correcting student uncertainty.** `averageTeacherResponses`
 * (Theorem 7.1: variance / k), `optimalCombination` (Theorems 7.3-7.4), and the
 * variance-weighted targets: `referenceVarianceWeightedLabels` (the authors'
 * oracle, labelled as such) beside the honest `honestVarianceWeightedLabelsOls`
 * and `pilotEnsembleVarianceWeightedLabels`.
 *
 * **Variance-aware targets for your own teacher.** `distillTargets` reads saved
 * teacher outputs (k responses per input: numbers, probability or logit vectors,
 * top-k logits, or texts; JSON Lines or CSV, gzip allowed) and writes one target
 * per input by `mean`, `average-k`, honest `variance-weighted` or `medoid`, with its
 * noise; `targetReport`/`writeTargetReport` make the uncertainty report
 * (`deno task distill-targets` is the command).
 *
 * **Random streams** (`Rng`, `Seed`: every random function takes
 * `seed: number | Rng`; student s uses child stream s) and **Run configuration**
 * (`runScale`, `byScale`: smoke, default and paper scales).
 *
 * **Experiments.** Each section's experiment as a configuration at three scales
 * (`studentOutputConfig("default")`), a run (`runStudentOutput(config)`, the Monte
 * Carlo loop over `sweep`, with progress and time left) and its claims ledger
 * (`studentOutputClaims(result)`); the notebooks narrate them. Their figure and
 * table builders are in `./experiments`. Sections 2, 4, 5, 7 and 8 are not here:
 * their settings and steps are beside their notebooks (`notebooks/0X_*.ts`), their figures,
 * tables and claims in the notebooks' cells.
 *
 * **Gaussian distillation** (the companion method: a teacher ensemble distilled into
 * a distribution of students): the `./gaussian` entry (the deep latent factor model,
 * its EM fit, the baselines, CRPS and coverage); its experiment is notebook 08.
 *
 * The option and result types of these functions live with them, in the
 * folder entries `./uncertainty`, `./linear`, `./distill` and `./targets`
 * (this entry stays a short manual of about 100 names).
 *
 * Other entries: `./experiments` (the other sections' figures and tables), `./gaussian`, `./engines` (the cohort trainer and its back ends), `./data`
 * (data sets, splits), `./plot` (figures), `./report` (tables, claims ledger,
 * prose), `./text` (measures on response embeddings), `./llm` (the small
 * language model; `./llm/corpus` QA corpora, `./llm/embed` sentence embedders).
 * The protocols reproduced are summarised in docs/protocols.md.
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

// ---- Section 2: problem definition (inter-/intra-student uncertainty) ----
export {
  decomposePredictiveVariance,
  type InterStudentVariance,
  interStudentVariance,
  intraStudentVariance,
  type MonteCarloSummary,
  monteCarloSummary,
  studentTestMse,
  testMse,
  type VarianceDecomposition,
} from "./uncertainty/mod.ts";

// ---- Section 4: teacher output uncertainty ----
// Noisy teacher outputs.
export {
  noiseVariance,
  noisyTeacherLabels,
  noisyTeacherResponses,
  teacherNoiseGrid,
} from "./distill/mod.ts";
// Linear students (OLS for many targets at once) and Theorems 4.1-4.3. Neural students
// (fitCohort/predictCohort, a cohort of small MLPs in lockstep) are in the ./engines entry.
export {
  fitOls,
  linearMseVsTeacher,
  linearPredictiveVariance,
  linearStudentMse,
  predictOls,
  residualVariance,
  testLeverage,
} from "./linear/mod.ts";
// Linear or super-linear growth in the noise (Figure 2's claim).
export { curvatureTest, fitWeightedPolynomial, logLogSlope } from "./uncertainty/mod.ts";

// ---- Section 5: student initialization uncertainty ----
// Data-driven bootstrap (Theorems 5.1-5.3). Model-driven inits (InitSpec) are in ./engines.
export {
  groundTruthBootstrapMse,
  groundTruthBootstrapVariance,
  groundTruthBootstrapVarianceRobust,
  olsNoiseVariance,
  teacherBootstrapCheck,
} from "./linear/mod.ts";

// ---- Section 6: student output uncertainty ----
// Classification targets from the teacher; soft labels as a weighted hard-label problem.
export {
  hardLabels,
  softLabels,
  softLabelsFromProbabilities,
  softTargetProblem,
} from "./distill/mod.ts";
// Entropy, groups, paired tests, calibration (Section 6.1).
export {
  bootstrapMeanDifference,
  brierScore,
  compareGroups,
  expectedCalibrationError,
  groupStatistics,
  intervalsDisjoint,
  negativeLogLikelihood,
  pairedComparison,
  pairedTTest,
  predictiveEntropy,
  reliabilityBins,
  wilcoxonSignedRank,
} from "./uncertainty/mod.ts";

// ---- Section 7: correcting student uncertainty ----
// Theorem 7.1 (averaging k responses) and Theorems 7.3-7.4 (inverse-variance combination).
export {
  averagedLabelNoise,
  averagedParameterCovariance,
  averagedPredictiveVariance,
  combinationVariance,
  optimalCombination,
} from "./linear/mod.ts";
// Targets: the mean of k responses; variance-weighted (reference oracle and honest variants).
export {
  averageTeacherResponses,
  ensembleVarianceWeightedLabels,
  honestVarianceWeightedLabelsOls,
  inverseVarianceWeights,
  pilotEnsembleVarianceWeightedLabels,
  referenceVarianceWeightedLabels,
  varianceWeightedTargets,
} from "./distill/mod.ts";

// ---- Variance-aware targets for your own teacher (Section 7 on saved teacher outputs) ----
export {
  distillTargets,
  readTeacherOutputs,
  recordTarget,
  type Target,
  targetReport,
  TargetSummary,
  TeacherOutputError,
  type TeacherRecord,
  writeTargetReport,
} from "./targets/mod.ts";

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

// ---- Run configuration ----
export { byScale, figuresDir, runScale, type Scale } from "./config.ts";

// ---- Experiments: one module per paper section (configuration, Monte Carlo loop, claims) ----
// The section experiments' entry points (configuration, run, claims); their figure and table
// builders are in the ./experiments entry.
