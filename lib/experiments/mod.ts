/**
 * The experiments of the paper, one module per section: configuration at
 * three scales, the Monte Carlo loop, theory values, rows for the figures
 * and tables, and the claims ledger. See `types.ts` for the conventions.
 *
 * @module
 */
export { type ExperimentConfig, type RunOptions } from "./types.ts";
export { progressLine, sweep, type SweepOptions, type SweepProgress } from "./sweep.ts";
// Section 7 (notebook 07): averaging and variance-weighting, Theorems 7.1-7.4 and Figure 11.
export {
  type CombinationOptimum,
  type CombinationResult,
  type CombinationRow,
  findMethodRow,
  type Gain,
  gainOf,
  type GainRow,
  gains,
  gainWord,
  interDrop,
  type InterFit,
  interStudentFits,
  linearMseWorstZ,
  type LinearTheoryRow,
  type Method,
  type MethodRow,
  methodRow,
  METHODS,
  PAPER_ALPHAS,
  PAPER_K,
  populationShrink,
  runCombinationCheck,
  runVarianceAware,
  varianceAwareClaims,
  type VarianceAwareConfig,
  varianceAwareConfig,
  type VarianceAwareResult,
} from "./variance_aware.ts";
export {
  combinationFigure,
  combinationTable,
  gainsTable,
  interFigure,
  labelTable,
  mseFigure,
  mseTable,
  theorem71Table,
  THM73_LABEL,
} from "./variance_aware_figures.ts";
