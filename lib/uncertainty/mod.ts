/**
 * Uncertainty measures: inter-student predictive variance, test MSE, and
 * Monte Carlo summaries with standard errors.
 *
 * @module
 */
export { type EntropyOptions, predictiveEntropy } from "./entropy.ts";
export {
  compareGroups,
  type GroupComparisonRow,
  type GroupStatistics,
  groupStatistics,
  type GroupSummary,
  intervalsDisjoint,
} from "./groups.ts";
export {
  type BootstrapInterval,
  bootstrapMeanDifference,
  type BootstrapOptions,
  type PairedComparison,
  pairedComparison,
  type PairedComparisonOptions,
  type PairedTTest,
  pairedTTest,
  type WilcoxonSignedRank,
  wilcoxonSignedRank,
} from "./paired_test.ts";
export {
  brierScore,
  expectedCalibrationError,
  negativeLogLikelihood,
  type ReliabilityBin,
  reliabilityBins,
} from "./calibration.ts";
export { tEquivalentSe } from "./student_t.ts";
export {
  type CurvatureTest,
  curvatureTest,
  fitWeightedPolynomial,
  logLogSlope,
  type PolynomialTrend,
  squaredCorrelation,
} from "./trend.ts";
export {
  auroc,
  gaussianCrps,
  type GaussianMixture,
  type IntervalCoverage,
  intervalCoverage,
  mixtureCdf,
  mixtureCrps,
  mixtureNll,
  mixtureQuantile,
  mutualInformation,
} from "./regression_scores.ts";
export { trajectoryBand } from "./trajectory_band.ts";
export {
  fixedBaseParameterVariance,
  initParameterVariance,
  meanSampleVariance,
} from "./parameter_spread.ts";
export {
  type Estimate,
  jackknifeCombination,
  jackknifeMean,
  jackknifeSlope,
  type JackknifeStatistic,
  jackknifeVariance,
} from "./jackknife.ts";
// General statistics the chapters share: a Bonferroni-corrected normal quantile and an
// L-BFGS multinomial logistic regression (scikit-learn's solver, for Section 6's teachers).
export { bonferroniZ } from "./bonferroni.ts";
export {
  fitLogisticLbfgs,
  type LogisticLbfgsOptions,
  type LogisticModel,
  predictLogistic,
} from "./logistic_lbfgs.ts";
// Means with SEs over independent units (students, questions), paired differences, trend tests.
export {
  type MeanSe,
  meanSe,
  pairedDifference,
  slopeAcrossUnits,
  slopeOfMeans,
  type SlopeTest,
  type TwoWaySe,
  twoWaySe,
} from "./unit_se.ts";
