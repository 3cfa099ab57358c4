/**
 * The steps of notebook 07 for Theorems 7.3-7.4 (Section 7.2 of Cui & Pei):
 * the variance of a weighted combination of two independent Gaussian
 * estimates, and the weight that minimises it, by simulation against the
 * closed forms ({@link combinationStep}). The settings are the chapter's
 * ({@link VarianceAwareConfig}, in `07_variance_aware_distillation.ts`).
 *
 * @module
 */
import { combinationVariance, optimalCombination, sampleOptimalWeight } from "../lib/linear/mod.ts";
import { Rng } from "../lib/random.ts";
import { monteCarloSummary } from "../lib/uncertainty/monte_carlo.ts";
import { sweep } from "../tools/sweep.ts";
import type { RunOptions } from "../tools/sweep.ts";
import { checkConfig, type VarianceAwareConfig } from "./07_variance_aware_distillation.ts";

// ---------------------------------------------------------------- Theorems 7.3-7.4

/** One point of the variance curve of a T + (1 − a) S (Theorem 7.3). */
export interface CombinationRow {
  /** Teacher weight a. */
  weight: number;
  /** Student-side variance s²(S). */
  s2Student: number;
  /** Simulated variance of the combination (population variance over the draws). */
  variance: number;
  /** Its Monte Carlo SE. */
  se: number;
  /** Theorem 7.3: a² s²(T) + (1 − a)² s²(S). */
  theory: number;
  /** Theorem 7.4: s²(T) s²(S) / (s²(T) + s²(S)). */
  minimum: number;
}

/** The optimum for one s²(S): theory against simulation. */
export interface CombinationOptimum {
  s2Student: number;
  /** Theorem 7.3's weight s²(S) / (s²(T) + s²(S)). */
  weightTheory: number;
  /** The weight minimizing the sample variance (from the sample moments). */
  weightSim: number;
  /** Its SE, from the spread over `batches` independent batches of the draws. */
  weightSe: number;
  /** Theorem 7.4's minimum variance. */
  minimumTheory: number;
  /** Simulated variance at Theorem 7.3's weight. */
  minimumSim: number;
  /** Its Monte Carlo SE. */
  minimumSe: number;
  /** Theorem 7.4's minimum over the smaller of the two variances (below 1; 1/2 when equal). */
  ratio: number;
}

/** What {@link runCombinationCheck} returns. */
export interface CombinationResult {
  config: VarianceAwareConfig;
  rows: CombinationRow[];
  optima: CombinationOptimum[];
}

/**
 * One setting of the Theorems 7.3-7.4 check: T ~ N(0, s²(T)) and S ~ N(0, s²(S))
 * drawn independently (stream `index` of the seed), the variance of a T + (1 − a) S
 * on a grid of a (step 0.05) against Theorem 7.3's a² s²(T) + (1 − a)² s²(S), the
 * sample-optimal weight against s²(S) / (s²(T) + s²(S)) and the variance there
 * against Theorem 7.4's minimum.
 */
export function combinationStep(
  config: VarianceAwareConfig,
  s2S: number,
  index: number,
): { rows: CombinationRow[]; optimum: CombinationOptimum } {
  const { draws, s2Teacher, batches } = config.combination;
  const rng = new Rng(config.seed).child(index);
  const t = new Float64Array(draws), s = new Float64Array(draws);
  for (let i = 0; i < draws; i++) {
    t[i] = Math.sqrt(s2Teacher) * rng.normal();
    s[i] = Math.sqrt(s2S) * rng.normal();
  }
  const best = optimalCombination(s2Teacher, s2S);
  const mix = (a: number) => monteCarloSummary(t.map((ti, i) => a * ti + (1 - a) * s[i]));
  const rows: CombinationRow[] = [];
  for (let j = 0; j <= 20; j++) {
    const a = j / 20, v = mix(a);
    rows.push({
      weight: a,
      s2Student: s2S,
      variance: v.variance,
      se: v.seVariance,
      theory: combinationVariance(a, s2Teacher, s2S),
      minimum: best.variance,
    });
  }
  const size = Math.floor(draws / batches);
  const perBatch = monteCarloSummary(
    Array.from({ length: batches }, (_, b) => sampleOptimalWeight(t, s, b * size, (b + 1) * size)),
  );
  const atBest = mix(best.weightTeacher);
  const optimum: CombinationOptimum = {
    s2Student: s2S,
    weightTheory: best.weightTeacher,
    weightSim: sampleOptimalWeight(t, s, 0, draws),
    weightSe: Math.sqrt(perBatch.sampleVariance / batches),
    minimumTheory: best.variance,
    minimumSim: atBest.variance,
    minimumSe: atBest.seVariance,
    ratio: best.variance / Math.min(s2Teacher, s2S),
  };
  return { rows, optimum };
}

/**
 * Theorems 7.3-7.4 by simulation: {@link combinationStep} for every s²(S) of the
 * configuration, in one sweep.
 *
 * @throws RangeError for a config that is not a {@link VarianceAwareConfig}.
 */
export async function runCombinationCheck(
  config: VarianceAwareConfig,
  options: RunOptions = {},
): Promise<CombinationResult> {
  checkConfig("runCombinationCheck", config);
  const parts = await sweep(
    config.combination.s2Student,
    (s2S, c) => combinationStep(config, s2S, c),
    {
      label: "Theorem 7.3 check",
      name: (v) => `s²(S) = ${v}`,
      progress: options.progress,
    },
  );
  return { config, rows: parts.flatMap((p) => p.rows), optima: parts.map((p) => p.optimum) };
}
