/**
 * Gaussian distillation (Park, Lee, Shin, Ohn & Kim, "Knowledge Distillation
 * of Uncertainty using Deep Latent Factor Model", NeurIPS 2025): a teacher
 * ensemble distilled into a distribution over students, a Gaussian process
 * whose mean and covariance functions are one network's outputs (the deep
 * latent factor model, DLF), fitted by EM; and the standard baselines it is
 * compared with, all with the same inputs (the teachers' outputs at design
 * points) and the same prediction interface (sampled members).
 *
 * - E-step: `factorPosterior` (univariate and multivariate), with
 *   `marginalLogLikelihood`.
 * - Fit: `fitDlf` (MMD initialisation, mini-batch EM), `sampleDlfMembers`,
 *   `dlfCovariance`; regression noise: `fitInverseGamma`; predictives:
 *   `dlfPredictive` (a Gaussian mixture), `dlfClassProbabilities`.
 * - Baselines: `distillMean` (standard distillation of the ensemble mean),
 *   `distillSmallEnsemble`, `distillHydra`, `distillMeanSpread` (DEGU-style),
 *   `distillDirichlet` (EnD²), `distillProxyDirichlet` (Proxy-EnD²).
 * - Networks: the students are `./engines`'s float64 networks (`createMlp`);
 *   `fitMlpEnsemble` trains the paper's two-layer regression teachers (float32
 *   `sgemm` training where it loads).
 * - Scores of the predictives (`gaussianCrps`, `mixtureCrps`, `mixtureNll`,
 *   `intervalCoverage`, `auroc`, `mutualInformation`) are lib/uncertainty's.
 *
 * @example
 * ```ts
 * import { dlfPredictive, fitDlf } from "./lib/gaussian/mod.ts";
 * import { mixtureCrps } from "./lib/uncertainty/mod.ts";
 * const { model } = fitDlf({ x, m, d, teacherOutputs, teachers: 50, q: 10, hidden: 50, epochs: 300, seed: 1 });
 * ```
 *
 * @module
 */
export {
  checkEStepInput,
  type EStepInput,
  type FactorPosterior,
  factorPosterior,
  marginalLogLikelihood,
  posteriorCovariance,
} from "./estep.ts";
export { fitMlpEnsemble, type MlpEnsemble, type MlpEnsembleOptions } from "./teachers.ts";
export {
  batchEnsembleForward,
  type BatchEnsembleLayout,
  batchEnsembleLayout,
  batchEnsembleLoss,
  distillBatchEnsemble,
} from "./batch_ensemble.ts";
export {
  dirichletKl,
  dirichletKlGradient,
  distillProxyDirichlet,
  proxyDirichletLoss,
  type ProxyDirichletOptions,
  proxyDirichletTarget,
  type ProxyTargetOptions,
} from "./proxy_endd.ts";
export {
  dlfCovariance,
  dlfLogLikelihood,
  type DlfModel,
  dlfOutputs,
  fitDlf,
  type FitDlfOptions,
  mmdMedianBandwidth,
  mmdToNormal,
  type MStepGradient,
  mStepGradient,
  sampleDlfMembers,
} from "./dlf.ts";
export {
  digamma,
  dlfClassProbabilities,
  dlfMean,
  dlfPredictive,
  type DlfPredictiveOptions,
  fitInverseGamma,
  type InverseGamma,
  logGamma,
  sampleGamma,
  sampleInverseGamma,
  trigamma,
} from "./noise.ts";
export {
  adamOnBatches,
  checkBatchSize,
  checkEnsembleTargets,
  dirichletMemberLogits,
  type DirichletOptions,
  distillDirichlet,
  distillHydra,
  distillMean,
  distillMeanSpread,
  distillSmallEnsemble,
  ensembleMean,
  type EnsembleTargets,
  type MeanSpreadStudent,
  memberAverage,
  memberMixture,
  type MemberPredictor,
  memberProbabilities,
  memberVariance,
  type StudentOptions,
} from "./baselines.ts";
