/**
 * The steps of notebook 07 (Section 7 of Cui & Pei, "correcting student
 * uncertainty"): the settings and the step functions (one setting in, rows out)
 * that the notebook's sweep, the tests and the shards call, and the paper's
 * numbers the claims quote (`PAPER_*`, data). No figure, table, claim or prose
 * here: the notebook's cells build those, from a run here or from a sharded
 * run's merged result ({@link mergedOrRun}).
 *
 * - Theorems 7.3-7.4 on two Gaussian estimates ({@link combinationStep});
 * - Figure 11 on Boston housing: students distilled from k teacher responses
 *   per input by averaging (Theorem 7.1), by the authors' variance-weighting (an
 *   oracle handed the exact teacher output, labelled so) and by an honest
 *   variance-weighting whose student estimate is a pilot fitted on 3 more
 *   teacher draws ({@link linearStep}, {@link nnStep});
 * - Table 1 (Section 7.3): the same corrections on a language-model teacher's
 *   sampled answers, at equal teacher cost ({@link armStep}).
 *
 * Protocols: `docs/protocols.md`, "Section 7: correcting student uncertainty"
 * and "7.3 LLMs". The teacher of Section 7.3 samples at T = 1.2: Table 1's
 * Single-response row (R² 0.071, noise 0.678, systematic 0.173) is Table 5's
 * T = 1.2 row, so that is the temperature the paper's Section 7.3 ran at.
 *
 * @module
 */
import { byScale, type Scale } from "../lib/config.ts";
import { loadBoston } from "../lib/data/bundled.ts";
import { prepareRegression, type RegressionSplit } from "../lib/data/prepare.ts";
import {
  averageTeacherResponses,
  firstResponses,
  honestVarianceWeightedLabelsOls,
  noiseVariance,
  noisyTeacherResponses,
  pilotEnsembleVarianceWeightedLabels,
  referenceVarianceWeightedLabels,
} from "../lib/distill/mod.ts";
import {
  averagedLabelNoise,
  averagedParameterCovariance,
  averagedPredictiveVariance,
  combinationVariance,
  fitOls,
  linearStudentMse,
  optimalCombination,
  predictOls,
  sampleOptimalWeight,
} from "../lib/linear/mod.ts";
import type { QaPair } from "../lib/llm/corpus/qa_build.ts";
import { trainStudents } from "../lib/llm/students.ts";
import { cosine, textAverage, textVarianceWeighting } from "../lib/llm/text_average.ts";
import { hallucinationRate, type MeanSe, meanSe } from "../lib/llm/quality.ts";
import { fitCohort, type FitCohortOptions, predictCohort } from "../lib/nn/mod.ts";
import { Rng } from "../lib/random.ts";
import {
  interStudentVariance,
  monteCarloSummary,
  squaredCorrelation,
  studentTestMse,
} from "../lib/uncertainty/mod.ts";
import {
  hallucinationRates,
  type InterStudentVariance,
  interStudentVariance as textInterStudentVariance,
  leaveOneOutInterStudentVariance,
  LLM_UNIT_SECONDS,
  type LlmSetup,
  pairedDifference,
  promptNoise,
  sampleAnswers,
  type TwoWaySe,
  twoWaySe,
} from "../lib/experiments/llm_setup.ts";
import { sampleDraws } from "./06_llm_consistency.ts";
import { sweep } from "../lib/experiments/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../lib/experiments/types.ts";

// ---------------------------------------------------------------- a merged run

/** A sharded run's merged result, or the sweep run here (tools/merged.ts). */
export { mergedOrRun } from "../tools/merged.ts";

// ---------------------------------------------------------------- settings

/** The three ways of making labels from k teacher responses per input. */
export const METHODS = ["averaging", "reference VW (oracle)", "honest VW (k + 3 pilot)"] as const;
/** One of {@link METHODS}. */
export type Method = typeof METHODS[number];

/** The paper's grid of k for Figure 11 (docs/protocols.md, 7.2). */
export const PAPER_K: readonly number[] = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 20, 30, 40, 50];
/** The paper's noise levels alpha: teacher noise variance = alpha · Var(y_train) (7.2). */
export const PAPER_ALPHAS: readonly number[] = [0.01, 0.1, 0.5, 1.0];

/** Configuration of notebook 07 (see {@link varianceAwareConfig}). */
export interface VarianceAwareConfig extends ExperimentConfig {
  /** Noise levels alpha (fractions of Var(y_train)). */
  alphas: number[];
  /** Linear students: runs per (alpha, k) and the values of k. */
  linear: { runs: number; ks: number[] };
  /** Neural students (11-16-1, Adam): runs per (alpha, k), values of k, training. */
  nn: { runs: number; ks: number[]; hidden: number; epochs: number; lr: number };
  /** Teacher draws per input spent on the honest variant's pilot. */
  kPilot: number;
  /** Theorems 7.3-7.4 check: draws per student-side variance, s²(T), the s²(S) values. */
  combination: { draws: number; s2Teacher: number; s2Student: number[]; batches: number };
  /** The noise level of the tables and of the inter-student variance figure. */
  tableAlpha: number;
  /** The k of the tables. */
  tableK: number[];
  /** The k of the label-error table. */
  labelK: number;
}

/**
 * The configuration at a scale: `paper` is the paper's grid (1,000 runs per
 * cell, k = 2 added because the tables need it); `default` runs the neural
 * students 150 times on 11 values of k; `smoke` is a quick pass.
 */
export function varianceAwareConfig(scale: Scale): VarianceAwareConfig {
  const full = [1, 2, ...PAPER_K.slice(1)];
  const smokeK = [1, 2, 3, 4, 5, 6, 8, 10, 13];
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed: 7,
    alphas: [...PAPER_ALPHAS],
    linear: {
      runs: at({ smoke: 100, default: 1000, paper: 1000 }),
      ks: at({ smoke: smokeK, default: full, paper: full }),
    },
    nn: {
      runs: at({ smoke: 4, default: 150, paper: 1000 }),
      ks: at({ smoke: smokeK, default: [1, 2, 3, 4, 5, 6, 8, 10, 13, 20, 50], paper: full }),
      hidden: 16,
      epochs: 200,
      lr: 0.01,
    },
    kPilot: 3,
    combination: {
      draws: at({ smoke: 5_000, default: 200_000, paper: 1_000_000 }),
      s2Teacher: 1,
      s2Student: [0.25, 1, 4],
      batches: 20,
    },
    tableAlpha: 0.5,
    tableK: [1, 2, 5, 10],
    labelK: 3,
  };
}

function checkConfig(fn: string, c: VarianceAwareConfig): void {
  const bad = (what: string) => {
    throw new RangeError(`${fn}: config.${what}; start from varianceAwareConfig(scale).`);
  };
  if (!c || typeof c !== "object") bad("is missing");
  if (!Array.isArray(c.alphas) || c.alphas.length === 0 || c.alphas.some((a) => !(a > 0))) {
    bad("alphas must be a non-empty list of levels > 0");
  }
  for (const part of ["linear", "nn"] as const) {
    const p = c[part];
    if (!Number.isInteger(p?.runs) || p.runs < 2) bad(`${part}.runs must be an integer >= 2`);
    if (
      !Array.isArray(p.ks) || p.ks.length === 0 || p.ks.some((k) => !Number.isInteger(k) || k < 1)
    ) {
      bad(`${part}.ks must be a non-empty list of integers >= 1`);
    }
  }
  if (!Number.isInteger(c.kPilot) || c.kPilot < 2) bad("kPilot must be an integer >= 2");
  const m = c.combination;
  if (!Number.isInteger(m?.draws) || m.draws < 2 * m.batches) {
    bad("combination.draws must be >= 2 · batches");
  }
  if (!Number.isInteger(m.batches) || m.batches < 2) {
    bad("combination.batches must be an integer >= 2");
  }
  if (!(m.s2Teacher > 0) || !Array.isArray(m.s2Student) || m.s2Student.some((v) => !(v > 0))) {
    bad("combination variances must be > 0");
  }
}

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

// ---------------------------------------------------------------- Figure 11

/** The students of one (model, alpha, k, method) cell. */
export interface MethodRow {
  model: "linear" | "NN";
  /** Noise level alpha (the paper's grid). */
  alpha: number;
  /** Absolute noise variance σ² = alpha · Var(y_train). */
  sigma2: number;
  k: number;
  method: Method;
  /** Teacher responses per input: k, or k + kPilot for the honest variant. */
  budget: number;
  /** Mean test MSE over runs, its SD (population) and the SE of the mean. */
  mean: number;
  sd: number;
  seMean: number;
  /** Inter-student variance averaged over the test inputs, and its SE. */
  inter: number;
  interSe: number;
  /** Mean squared distance of the labels to the teacher's noise-free output. */
  labelError: number;
  /** Number of runs. */
  runs: number;
}

/** Closed forms for averaged linear students (Theorems 7.1 and 4.3 with σ²/k). */
export interface LinearTheoryRow {
  alpha: number;
  sigma2: number;
  k: number;
  /** σ²/k: the averaged labels' noise. */
  labelNoise: number;
  /** Trace of the slopes' covariance. */
  slopeTrace: number;
  /** tr(Σ²) of the slopes' covariance Σ (the Wishart variance of a sample trace is 2 tr(Σ²)/(S − 1)). */
  slopeTraceSquared: number;
  /** Inter-student variance averaged over the test inputs. */
  inter: number;
  /** Mean and SD of the test MSE against the ground truth. */
  mseMean: number;
  mseSd: number;
  /** Simulated: trace of the slopes' covariance over the runs (population), averaging. */
  slopeTraceSim: number;
}

/** What {@link runVarianceAware} returns. */
export interface VarianceAwareResult {
  config: VarianceAwareConfig;
  rows: MethodRow[];
  linearTheory: LinearTheoryRow[];
  /** The data protocols, as the loaders describe them. */
  protocol: { linear: string; nn: string };
  /** Training inputs of the two splits. */
  nTrain: { linear: number; nn: number };
  /** The neural teacher: test MSE, training MSE and the engine it ran on. */
  teacherNN: { testMse: number; trainMse: number; backend: string };
  /** Networks per second on the first pilot cohort. */
  networksPerSecond: number;
  /** Seconds the linear and neural parts took. */
  seconds: { linear: number; nn: number };
}

function summarize(
  base: Pick<MethodRow, "model" | "alpha" | "sigma2" | "k" | "method">,
  kPilot: number,
  pred: ArrayLike<number>,
  yTest: Float64Array,
  labels: ArrayLike<number>,
  mu: ArrayLike<number>,
): MethodRow {
  const mse = monteCarloSummary(studentTestMse(pred, yTest));
  const inter = interStudentVariance(pred, yTest.length);
  let labelError = 0;
  for (let t = 0; t < labels.length; t++) labelError += (labels[t] - mu[t % mu.length]) ** 2;
  return {
    ...base,
    budget: base.method.startsWith("honest") ? base.k + kPilot : base.k,
    mean: mse.mean,
    sd: Math.sqrt(mse.variance),
    seMean: mse.seMean,
    inter: inter.mean,
    interSe: inter.se,
    labelError: labelError / labels.length,
    runs: mse.count,
  };
}

/**
 * The linear students' data and teacher: Boston with all 13 features, scaler fit
 * on the full data, scikit-learn's split with `random_state=1` (the reference
 * code), and μ_T(x), the OLS teacher's noise-free output on the training inputs.
 */
export interface LinearSetup {
  data: RegressionSplit;
  mu: Float64Array;
}

/** Load {@link LinearSetup}: the split, and the OLS teacher fitted on the ground truth. */
export async function linearSetup(): Promise<LinearSetup> {
  const data = prepareRegression(await loadBoston(), { splitSeed: 1, scaler: "full" });
  return { data, mu: predictOls(data.xTrain, fitOls(data.xTrain, data.d, data.yTrain)) };
}

/**
 * The teacher draws of one noise level: σ² = α · Var(y_train), every run's
 * max(k) noisy responses per input (the first k of them serve each k: common
 * random numbers) and the honest pilot's kPilot independent draws.
 */
export interface TeacherDraws {
  sigma2: number;
  all: Float64Array;
  pilot: Float64Array;
}

/**
 * {@link TeacherDraws} at noise level `alpha` for `runs` runs of max(`ks`) responses and
 * `kPilot` pilot draws, from the streams `seed` (responses) and `seed + 1` (pilot).
 */
export function teacherDraws(
  mu: Float64Array,
  yTrain: Float64Array,
  alpha: number,
  o: { runs: number; ks: number[]; kPilot: number; seed: number },
): TeacherDraws {
  const noise = { variance: noiseVariance({ fraction: alpha, yTrain }) }, students = o.runs;
  return {
    sigma2: noise.variance,
    all: noisyTeacherResponses(mu, noise, { students, k: Math.max(...o.ks), seed: o.seed }),
    pilot: noisyTeacherResponses(mu, noise, { students, k: o.kPilot, seed: o.seed + 1 }),
  };
}

/**
 * The linear students' labels of every method from the first k draws: the mean
 * (Theorem 7.1), the authors' variance-weighting handed μ_T (oracle) and the
 * honest variance-weighting with an OLS pilot (Theorems 7.3-7.4).
 */
export function linearLabels(
  setup: LinearSetup,
  config: VarianceAwareConfig,
  draws: TeacherDraws,
  k: number,
): Record<Method, Float64Array> {
  const { data, mu } = setup, n = data.nTrain, kMax = Math.max(...config.linear.ks);
  const responses = firstResponses(draws.all, kMax, k, n);
  return {
    "averaging": averageTeacherResponses(responses, k, n).mean,
    "reference VW (oracle)": referenceVarianceWeightedLabels({
      responses,
      k,
      noiseVariance: draws.sigma2,
      teacherOutput: mu,
    }).targets,
    "honest VW (k + 3 pilot)": honestVarianceWeightedLabelsOls({
      x: data.xTrain,
      d: data.d,
      responses,
      k,
      pilotResponses: draws.pilot,
      kPilot: config.kPilot,
      teacherVariance: "pooled",
    }).targets,
  };
}

/**
 * The closed forms for averaged linear students at (σ², k): Theorem 7.1's label
 * noise σ²/k, slopes' covariance and inter-student variance, and Theorem 4.3's
 * test MSE with σ²/k; `slopeTraceSim` is the simulated trace, carried along.
 */
export function linearTheory(
  setup: LinearSetup,
  alpha: number,
  sigma2: number,
  k: number,
  slopeTraceSim: number,
): LinearTheoryRow {
  const { data, mu } = setup, d = data.d;
  const th = linearStudentMse({
    x: data.xTrain,
    d,
    xTest: data.xTest,
    sigma2,
    k,
    teacherTrain: mu,
    reference: data.yTest,
  });
  const cov = averagedParameterCovariance({ x: data.xTrain, d }, { sigma2, k });
  let slopeTrace = 0, slopeTraceSquared = 0;
  for (let j = 1; j <= d; j++) {
    slopeTrace += cov[j * (d + 1) + j];
    for (let l = 1; l <= d; l++) slopeTraceSquared += cov[j * (d + 1) + l] ** 2;
  }
  const design = { x: data.xTrain, d, xTest: data.xTest };
  return {
    alpha,
    sigma2,
    k,
    labelNoise: averagedLabelNoise(sigma2, k),
    slopeTrace,
    slopeTraceSquared,
    inter: averagedPredictiveVariance(design, { sigma2, k }).mean,
    mseMean: th.mean,
    mseSd: Math.sqrt(th.variance),
    slopeTraceSim,
  };
}

/**
 * One linear setting (α, k) of Figure 11: the labels of every method, an OLS
 * student per run and method (all runs share one factorization), their test MSE,
 * inter-student variance and label error, and Theorem 7.1's closed forms at (σ², k).
 */
export function linearStep(
  setup: LinearSetup,
  config: VarianceAwareConfig,
  draws: TeacherDraws,
  alpha: number,
  k: number,
): { rows: MethodRow[]; theory: LinearTheoryRow } {
  const { data, mu } = setup, d = data.d, sigma2 = draws.sigma2;
  const labels = linearLabels(setup, config, draws, k);
  const rows: MethodRow[] = [];
  let slopeTraceSim = 0;
  for (const method of METHODS) {
    const fit = fitOls(data.xTrain, d, labels[method]);
    const pred = predictOls(data.xTest, fit);
    const base = { model: "linear" as const, alpha, sigma2, k, method };
    rows.push(summarize(base, config.kPilot, pred, data.yTest, labels[method], mu));
    if (method === "averaging") {
      for (let j = 0; j < d; j++) {
        slopeTraceSim += monteCarloSummary(fit.coef.filter((_, i) => i % d === j)).variance;
      }
    }
  }
  return { rows, theory: linearTheory(setup, alpha, sigma2, k, slopeTraceSim) };
}

/**
 * The neural students' data and teacher: Boston's 11 numeric features (CHAS and
 * RAD dropped), scaler on the full data, split seed 42 (the reference code); the
 * 11-16-1 network options; one teacher network trained on the ground truth and
 * its output μ_T(x) on the training inputs.
 */
export interface NnSetup {
  data: RegressionSplit;
  xTrain: Float32Array;
  xTest: Float32Array;
  net: Omit<FitCohortOptions, "targets" | "students" | "seed">;
  mu: Float64Array;
  teacher: { testMse: number; trainMse: number; backend: string };
}

/** Load {@link NnSetup} and train its teacher (seed `config.seed`). */
export async function nnSetup(config: VarianceAwareConfig): Promise<NnSetup> {
  const data = prepareRegression(await loadBoston({ numericOnly: true }), {
    splitSeed: 42,
    scaler: "full",
  });
  const xTrain = Float32Array.from(data.xTrain), xTest = Float32Array.from(data.xTest);
  const { hidden, epochs, lr } = config.nn;
  const net = { x: xTrain, n: data.nTrain, d: data.d, hidden, outputs: 1, loss: "mse" as const };
  const options = { ...net, epochs, lr };
  const teacher = await fitCohort({
    ...options,
    targets: Float32Array.from(data.yTrain),
    students: 1,
    seed: config.seed,
  });
  const mu = Float64Array.from(predictCohort(teacher, xTrain, data.nTrain));
  const testMse = studentTestMse(predictCohort(teacher, xTest, data.nTest), data.yTest)[0];
  const summary = { testMse, trainMse: teacher.finalLoss[0], backend: teacher.backend };
  return { data, xTrain, xTest, net: options, mu, teacher: summary };
}

/** The labels of one (k, method) block of the neural cohort. */
interface LabelBlock {
  k: number;
  method: Method;
  labels: Float64Array;
}

/**
 * The neural students' labels of every (k, method): the mean, the oracle, and
 * the honest variance-weighting whose pilot is an ensemble of kPilot networks,
 * member p trained on draw p (`pilotPred`: their predictions on the training inputs).
 */
export function nnLabels(
  setup: NnSetup,
  config: VarianceAwareConfig,
  draws: TeacherDraws,
  pilotPred: ArrayLike<number>,
): LabelBlock[] {
  const m = setup.data.nTrain, kMax = Math.max(...config.nn.ks), kPilot = config.kPilot;
  return config.nn.ks.flatMap((k) => {
    const responses = firstResponses(draws.all, kMax, k, m);
    const oracle = referenceVarianceWeightedLabels({
      responses,
      k,
      noiseVariance: draws.sigma2,
      teacherOutput: setup.mu,
    });
    const honest = pilotEnsembleVarianceWeightedLabels({
      responses,
      k,
      n: m,
      pilotResponses: draws.pilot,
      kPilot,
      pilotPredictions: pilotPred,
      pilots: kPilot,
    });
    return [
      { k, method: METHODS[0], labels: averageTeacherResponses(responses, k, m).mean },
      { k, method: METHODS[1], labels: oracle.targets },
      { k, method: METHODS[2], labels: honest.targets },
    ];
  });
}

/**
 * One neural setting of Figure 11 (a noise level α, index `a`): the teacher draws, the pilot
 * cohort (run r's pilot p learns draw p of run r), then every (k, method, run)
 * student in one cohort, summarized per (k, method). `rate`: networks per
 * second of the pilot cohort, measured at a = 0 only.
 */
export async function nnStep(
  setup: NnSetup,
  config: VarianceAwareConfig,
  alpha: number,
  a: number,
): Promise<{ rows: MethodRow[]; rate: number }> {
  const { data, net } = setup, m = data.nTrain, R = config.nn.runs, kPilot = config.kPilot;
  const o = { ...config.nn, kPilot, seed: 100 * a + 51 };
  const draws = teacherDraws(setup.mu, data.yTrain, alpha, o), sigma2 = draws.sigma2;
  const t0 = performance.now();
  const pilotTargets = Float32Array.from(draws.pilot);
  const pilots = await fitCohort({
    ...net,
    targets: pilotTargets,
    students: R * kPilot,
    seed: 1000 + a,
  });
  const pilotPred = predictCohort(pilots, setup.xTrain, m);
  const rate = a === 0 ? R * kPilot / ((performance.now() - t0) / 1000) : 0;
  const blocks = nnLabels(setup, config, draws, pilotPred);
  const targets = new Float32Array(blocks.length * R * m);
  blocks.forEach((b, i) => targets.set(b.labels, i * R * m));
  const students = blocks.length * R;
  const cohort = await fitCohort({ ...net, targets, students, seed: 2000 + a });
  const pred = predictCohort(cohort, setup.xTest, data.nTest);
  const rows = blocks.map((b, i) => {
    const p = pred.subarray(i * R * data.nTest, (i + 1) * R * data.nTest);
    const base = { model: "NN" as const, alpha, sigma2, k: b.k, method: b.method };
    return summarize(base, kPilot, p, data.yTest, b.labels, setup.mu);
  });
  return { rows, rate };
}

/**
 * Figure 11's experiment: {@link linearStep} over every (α, k), then
 * {@link nnStep} over every α (one cohort per α holding every (k, method, run):
 * splitting it by k would only add set-up cost). The k responses of a run are
 * the first k of one set of max(k) draws (common random numbers along k).
 *
 * @throws RangeError for a config that is not a {@link VarianceAwareConfig}.
 */
export async function runVarianceAware(
  config: VarianceAwareConfig,
  options: RunOptions = {},
): Promise<VarianceAwareResult> {
  checkConfig("runVarianceAware", config);
  const linStart = performance.now();
  const lin = await linearSetup();
  // The draws of the current α, made once per α (each step still returns all it makes, so
  // a shard's steps can be recorded and replayed by lib/experiments/shard.ts).
  const cache = new Map<number, TeacherDraws>();
  const drawsAt = (alpha: number, a: number) => {
    if (!cache.has(a)) {
      cache.clear();
      const o = { ...config.linear, kPilot: config.kPilot, seed: 100 * a + 1 };
      cache.set(a, teacherDraws(lin.mu, lin.data.yTrain, alpha, o));
    }
    return cache.get(a)!;
  };
  const grid = config.alphas.flatMap((alpha, a) => config.linear.ks.map((k) => ({ alpha, a, k })));
  const linParts = await sweep(grid, ({ alpha, a, k }) => {
    return linearStep(lin, config, drawsAt(alpha, a), alpha, k);
  }, {
    label: "linear students",
    name: ({ alpha, k }) => `alpha ${alpha}, k ${k}`,
    progress: options.progress,
  });
  const linSeconds = (performance.now() - linStart) / 1000;
  const nnStart = performance.now();
  const nn = await nnSetup(config);
  const nnParts = await sweep(config.alphas, (alpha, a) => nnStep(nn, config, alpha, a), {
    label: "neural students",
    name: (alpha) => `alpha ${alpha}`,
    progress: options.progress,
  });
  return {
    config,
    rows: [...linParts.flatMap((p) => p.rows), ...nnParts.flatMap((p) => p.rows)],
    linearTheory: linParts.map((p) => p.theory),
    protocol: { linear: lin.data.protocol, nn: nn.data.protocol },
    nTrain: { linear: lin.data.nTrain, nn: nn.data.nTrain },
    teacherNN: nn.teacher,
    networksPerSecond: nnParts[0].rate,
    seconds: { linear: linSeconds, nn: (performance.now() - nnStart) / 1000 },
  };
}

// ---------------------------------------------------------------- Section 7.3 (Table 1)

/** The label-making methods of Table 1. */
export type CorrectionMethod =
  | "Direct FT"
  | "Single response"
  | "Multi-response"
  | "Averaging"
  | "Variance-weighting";

/** One row of Table 1: a method at a k (1 for Single response, 0 for Direct FT). */
export interface CorrectionArm {
  method: CorrectionMethod;
  k: number;
}

/** An arm's name ("Direct FT", "Single response", "Averaging k=3", ...), as in Table 1. */
export function armName(a: CorrectionArm): string {
  return a.method === "Direct FT" || a.method === "Single response"
    ? a.method
    : `${a.method} k=${a.k}`;
}

/** Counts of the Section 7.3 experiment (scale them, never the structure). */
export interface LlmCorrectionsConfig extends ExperimentConfig {
  /** Training questions the labels are made for (the first n). */
  trainQuestions: number;
  /** Students per arm (the paper: 5). */
  students: number;
  /** Numbers of teacher answers per question (the paper: 3 and 5). */
  ks: number[];
  /** Test questions answered greedily (cosine to truth, inter-student variance, hallucination). */
  testQuestions: number;
  /** Test prompts of the noise measure (the first n test questions). */
  noisePrompts: number;
  /** Sampled answers per noise prompt (Appendix F: 10). */
  noiseSamples: number;
  /** Temperature of the teacher's answers and of the noise measure (1.2: Table 1's Single row is Table 5's T = 1.2 row). */
  temperature: number;
  /** Temperature of the untrained student's answers for variance weighting (the paper: 1.0). */
  studentTemperature: number;
  /** Fine-tuning epochs (the paper: 3). */
  epochs: number;
  /** Batch size (the paper: 10). */
  batchSize: number;
  /** Peak learning rate of the small students. */
  learningRate: number;
}

/**
 * The configuration at a scale: `paper` has the paper's 5 students per arm
 * and every training and test question; `default` has the paper's 5 students,
 * all 443 test questions and 500 training questions, and keeps both notebooks'
 * (06 and 07) language-model parts within about 8 minutes on a quiet 2-core
 * machine with the native engine (the budget is 12).
 */
export function llmCorrectionsConfig(scale: Scale): LlmCorrectionsConfig {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed: 73,
    trainQuestions: at({ smoke: 12, default: 500, paper: 3989 }),
    students: at({ smoke: 2, default: 5, paper: 5 }),
    ks: [3, 5],
    testQuestions: at({ smoke: 4, default: 443, paper: 443 }),
    noisePrompts: at({ smoke: 3, default: 24, paper: 100 }),
    noiseSamples: at({ smoke: 2, default: 10, paper: 10 }),
    temperature: 1.2,
    studentTemperature: 1,
    epochs: at({ smoke: 1, default: 3, paper: 3 }),
    batchSize: 10,
    learningRate: 5e-4,
  };
}

/**
 * The arms of a configuration in table order: Direct FT, Single response,
 * then Multi-response, Averaging and Variance-weighting per k.
 */
export function correctionArms(config: Pick<LlmCorrectionsConfig, "ks">): CorrectionArm[] {
  const arms: CorrectionArm[] = [
    { method: "Direct FT", k: 0 },
    { method: "Single response", k: 1 },
  ];
  for (const k of config.ks) {
    for (const method of ["Multi-response", "Averaging", "Variance-weighting"] as const) {
      arms.push({ method, k });
    }
  }
  return arms;
}

/**
 * Seconds a run is expected to take on a quiet machine, from its counts and
 * `LLM_UNIT_SECONDS` (a rough guide).
 */
export function llmCorrectionsSeconds(c: LlmCorrectionsConfig): number {
  const u = LLM_UNIT_SECONDS;
  const arms = correctionArms(c);
  const kMax = Math.max(...c.ks);
  const pairsPerQuestion = arms.reduce((a, r) => a + (r.method === "Multi-response" ? r.k : 1), 0);
  const pairs = pairsPerQuestion * c.trainQuestions * c.epochs * c.students;
  const sampled = 2 * kMax * c.trainQuestions +
    (arms.length * c.students + 1) * c.noisePrompts * c.noiseSamples;
  const greedy = arms.length * c.students * c.testQuestions + c.testQuestions;
  return sampled * (u.sample + u.embed) + greedy * (u.greedy + u.embed) +
    2 * c.testQuestions * u.embed + pairs * u.pairEpoch;
}

/** One row of the paper's Table 1; null where the paper prints "-" or nothing. */
export interface PaperTable1Row {
  /** Mean cosine similarity of the students' answers to the ground truth. */
  cosine: number | null;
  /** Inter-student variance. */
  inter: number | null;
  /** R² of the student's noise on the teacher's across prompts (Appendix F). */
  r2: number | null;
  /** Average noise (mean pairwise cosine distance of sampled answers). */
  noise: number | null;
  /** Average systematic noise (minus Direct FT's). */
  systematic: number | null;
}

/**
 * The paper's Table 1, cell by cell, as transcribed in /work/shared/PROTOCOLS.md
 * ("7.3 LLMs (Table 1)"). Direct FT prints "0.151 / 0.505 / -": its cosine and
 * inter-student variance cells are "-", and 0.151 / 0.505 / - are its R²,
 * noise and systematic noise, exactly Table 5's Direct FT row (R² 0.151, noise
 * 0.505, systematic "-"). Single response prints all five (0.319, 0.015,
 * 0.071, 0.678, 0.173; its last three are Table 5's T = 1.2 row); the k = 3
 * and k = 5 rows print the cosine only.
 */
export const PAPER_TABLE1: Readonly<Record<string, PaperTable1Row>> = {
  "Direct FT": { cosine: null, inter: null, r2: 0.151, noise: 0.505, systematic: null },
  "Single response": { cosine: 0.319, inter: 0.015, r2: 0.071, noise: 0.678, systematic: 0.173 },
  ...Object.fromEntries(
    ([
      ["Multi-response k=3", 0.346],
      ["Averaging k=3", 0.352],
      ["Variance-weighting k=3", 0.353],
      ["Multi-response k=5", 0.353],
      ["Averaging k=5", 0.365],
      ["Variance-weighting k=5", 0.365],
    ] as const).map(([name, cosine]) => [
      name,
      { cosine, inter: null, r2: null, noise: null, systematic: null },
    ]),
  ),
};

/**
 * The paper's Table 1, first column (mean cosine similarity to the ground
 * truth), per arm that prints one ("Single response", "<method> k=<k>"; Direct
 * FT's cell is "-").
 */
export const PAPER_TABLE1_COSINE: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(PAPER_TABLE1).flatMap(([arm, r]) => r.cosine === null ? [] : [[arm, r.cosine]]),
);

/** Mean with SEs across students and across questions (per-question values may be empty). */
export type StudentsQuestions = TwoWaySe;

/**
 * The SE of a mean over students: across students, or across questions when
 * the students give no spread (identical values, or one student).
 */
export function studentsSe(x: StudentsQuestions): number {
  // An SE at round-off level (identical students) counts as none.
  const none = !(x.seStudents > 1e-12 * Math.max(1, Math.abs(x.mean)));
  return none ? x.seQuestions : x.seStudents;
}

/** One row of our Table 1. */
export interface CorrectionRow extends CorrectionArm {
  /** Teacher answers asked per training question. */
  teacherCalls: number;
  /** Untrained-student answers per training question (variance weighting's estimate). */
  studentCalls: number;
  /** Training pairs per question. */
  pairsPerQuestion: number;
  /** What a practitioner would not have, or "" (Direct FT: the ground truth). */
  uses: string;
  /** Cosine of the chosen labels to the ground truth, per training question (SE across questions). */
  labelCosine: MeanSe;
  /** Share of labels nearer another training question's truth than their own. */
  labelHallucination: MeanSe;
  /** Cosine of the students' greedy test answers to the ground truth. */
  cosine: StudentsQuestions;
  /** Inter-student variance of the greedy answers' embeddings. */
  inter: InterStudentVariance;
  /** Leave-one-student-out inter-student variances (empty with fewer than 3 students). */
  interLoo: number[];
  /** Per student, R² of its per-prompt noise on the teacher's across the noise prompts (Appendix F). */
  noiseR2: StudentsQuestions;
  /** Average noise: mean pairwise cosine distance of sampled answers per prompt. */
  noise: StudentsQuestions;
  /** Average noise minus Direct FT's (SE across students, paired by data-order stream). */
  systematic: MeanSe | null;
  /** Hallucination rate of the greedy test answers. */
  hallucination: StudentsQuestions;
  /** Final training loss per student. */
  losses: number[];
  /** An example label and answer (first training question, first student's first test answer). */
  example: { label: string; answer: string };
}

/**
 * A comparison of two arms on one measure, paired by student: student s of
 * every arm trains with data-order stream s, so d_s = (a's student s) − (b's
 * student s), each averaged over the test questions (noise, R²: prompts), and
 * the SE is across the students (the independent unit). The inter-student
 * variance has no per-student value: its SE is the jackknife over students
 * (leave student s out of both arms), NaN with fewer than 3 students.
 */
export interface CorrectionComparison {
  a: string;
  b: string;
  measure: "cosine" | "hallucination" | "inter-student variance" | "noise" | "noise R²";
  diff: MeanSe;
  z: number;
}

/** What {@link runLlmCorrections} returns. */
export interface LlmCorrectionsResult {
  config: LlmCorrectionsConfig;
  setup: string;
  rows: CorrectionRow[];
  comparisons: CorrectionComparison[];
  /** Variance weighting's mean teacher weight a_T per k (over training questions). */
  teacherWeight: { k: number; weight: MeanSe }[];
  /** Teacher's own greedy test answers: cosine to truth and hallucination rate (SE across questions). */
  teacher: { cosine: MeanSe; hallucination: MeanSe };
  /** The teacher's per-prompt noise on the noise prompts (the R² regressor). */
  teacherNoise: number[];
  seconds: number;
}

function checkLlmConfig(c: LlmCorrectionsConfig, setup: LlmSetup): void {
  const fn = "runLlmCorrections";
  const int = (name: keyof LlmCorrectionsConfig, min: number) => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${fn}: config.${name} must be an integer >= ${min}, got ${v}; start from llmCorrectionsConfig(scale).`,
      );
    }
  };
  int("trainQuestions", 2);
  int("students", 2);
  int("testQuestions", 2);
  int("noisePrompts", 1);
  int("noiseSamples", 2);
  int("epochs", 1);
  int("batchSize", 1);
  if (c.ks.length === 0 || !c.ks.every((k) => Number.isInteger(k) && k >= 2)) {
    throw new RangeError(`${fn}: config.ks must hold integers >= 2, got [${c.ks}].`);
  }
  for (const name of ["temperature", "studentTemperature", "learningRate"] as const) {
    if (!(c[name] > 0 && isFinite(c[name]))) {
      throw new RangeError(`${fn}: config.${name} must be a positive number, got ${c[name]}.`);
    }
  }
  if (c.noisePrompts > c.testQuestions) {
    throw new RangeError(
      `${fn}: config.noisePrompts (${c.noisePrompts}) must not exceed testQuestions (${c.testQuestions}).`,
    );
  }
  if (c.trainQuestions > setup.qa.train.length || c.testQuestions > setup.qa.test.length) {
    throw new RangeError(
      `${fn}: config asks for ${c.trainQuestions} training and ${c.testQuestions} test questions; ` +
        `the corpus has ${setup.qa.train.length} and ${setup.qa.test.length}.`,
    );
  }
}

/** Per-student values with their mean and SE across students (no per-question values). */
function perStudentSummary(perStudent: number[]): StudentsQuestions {
  const s = meanSe(perStudent);
  return { mean: s.mean, seStudents: s.se, seQuestions: NaN, perQuestion: [], perStudent };
}

/**
 * What every arm of Section 7.3 shares, made once before the sweep: the
 * questions, the teacher's and the untrained student's k_max sampled answers per
 * training question and their embeddings (`teacherAt(d, i)`, `studentAt(d, i)`:
 * draw d of question i), the truths' embeddings and the teacher's own noise per
 * noise prompt (Appendix F's regressor for R²).
 */
export interface LlmContext {
  config: LlmCorrectionsConfig;
  setup: LlmSetup;
  train: QaPair[];
  qs: string[];
  testQs: string[];
  noiseQs: string[];
  teacherDraws: string[][];
  teacherAt: (d: number, i: number) => Float32Array;
  studentAt: (d: number, i: number) => Float32Array;
  trainTruth: Float32Array[];
  testTruth: Float32Array[];
  teacherNoise: number[];
}

/** Make the {@link LlmContext} of a configuration. */
export async function llmContext(c: LlmCorrectionsConfig, setup: LlmSetup): Promise<LlmContext> {
  const kMax = Math.max(...c.ks), maxNewTokens = setup.maxNewTokens;
  const train = setup.qa.train.slice(0, c.trainQuestions);
  const test = setup.qa.test.slice(0, c.testQuestions);
  const qs = train.map((p) => p.question), N = qs.length;
  const teacherDraws = setup.teacherAnswers(qs, {
    temperature: c.temperature,
    seed: c.seed,
    draws: kMax,
  });
  const studentDraws = sampleDraws(setup.base, qs, {
    temperature: c.studentTemperature,
    seed: c.seed + 1,
    draws: kMax,
    maxNewTokens,
  });
  const flatT = await setup.embed(teacherDraws.flat());
  const flatS = await setup.embed(studentDraws.flat());
  const trainTruth = await setup.embed(train.map((p) => p.answer));
  const testTruth = await setup.embed(test.map((p) => p.answer));
  const noiseQs = test.slice(0, c.noisePrompts).map((p) => p.question);
  const teacherNoiseDraws = setup.teacherAnswers(noiseQs, {
    temperature: c.temperature,
    seed: c.seed + 3,
    draws: c.noiseSamples,
  });
  const flatTN = await setup.embed(teacherNoiseDraws.flat());
  const PN = noiseQs.length;
  const teacherNoise = promptNoise(
    noiseQs.map((_, p) => teacherNoiseDraws.map((_, d) => flatTN[d * PN + p])),
  ).perQuestion;
  return {
    config: c,
    setup,
    train,
    qs,
    testQs: test.map((p) => p.question),
    noiseQs,
    teacherDraws,
    teacherAt: (d, i) => flatT[d * N + i],
    studentAt: (d, i) => flatS[d * N + i],
    trainTruth,
    testTruth,
    teacherNoise,
  };
}

/**
 * Variance weighting's mean teacher weight a_T (Theorem 7.3) per k, over the
 * training questions, in arm order.
 */
export function teacherWeights(ctx: LlmContext): { k: number; weight: MeanSe }[] {
  const draws = (at: LlmContext["teacherAt"], k: number, i: number) =>
    Array.from({ length: k }, (_, d) => at(d, i));
  return correctionArms(ctx.config).flatMap((a) =>
    a.method !== "Variance-weighting" ? [] : [{
      k: a.k,
      weight: meanSe(ctx.qs.map((_, i) =>
        textVarianceWeighting(draws(ctx.teacherAt, a.k, i), draws(ctx.studentAt, a.k, i))
          .teacherWeight
      )),
    }]
  );
}

/**
 * An arm's training pairs and, per question, the teacher draws it kept: the first
 * (Single), all k (Multi-response), the one nearest the mean embedding
 * (Averaging, Theorem 7.1 on embeddings) or nearest a_T μ_T + a_S μ_S
 * (Variance-weighting, Theorems 7.3-7.4); Direct FT keeps the ground truth.
 */
export function armLabels(
  ctx: LlmContext,
  a: CorrectionArm,
): { pairs: QaPair[]; chosen: number[][] } {
  if (a.method === "Direct FT") return { pairs: ctx.train.map((p) => ({ ...p })), chosen: [] };
  const chosen = ctx.qs.map((_, i) => {
    const tk = Array.from({ length: a.k }, (_, d) => ctx.teacherAt(d, i));
    switch (a.method) {
      case "Single response":
        return [0];
      case "Multi-response":
        return Array.from({ length: a.k }, (_, d) => d);
      case "Averaging":
        return [textAverage(tk).index];
      default: {
        const sk = Array.from({ length: a.k }, (_, d) => ctx.studentAt(d, i));
        return [textVarianceWeighting(tk, sk).index];
      }
    }
  });
  const pairs = chosen.flatMap((ds, i) =>
    ds.map((d) => ({ question: ctx.qs[i], answer: ctx.teacherDraws[d][i] }))
  );
  return { pairs, chosen };
}

/** Per training question: the kept labels' cosine to the truth and their hallucination share. */
function labelScores(ctx: LlmContext, chosen: number[][]): { cos: number[]; hal: number[] } {
  if (chosen.length === 0) return { cos: ctx.qs.map(() => 1), hal: ctx.qs.map(() => 0) };
  const cos = chosen.map((ds, i) =>
    ds.reduce((a, d) => a + cosine(ctx.teacherAt(d, i), ctx.trainTruth[i]), 0) / ds.length
  );
  const owner = chosen.flatMap((ds, i) => ds.map(() => i));
  const e = chosen.flatMap((ds, i) => ds.map((d) => ctx.teacherAt(d, i)));
  const ind = hallucinationRate(e, ctx.trainTruth, owner).indicators;
  const hal = ctx.qs.map(() => 0);
  ind.forEach((x, j) => (hal[owner[j]] += x / chosen[owner[j]].length));
  return { cos, hal };
}

/** What an arm's students produced: greedy test embeddings, per-prompt noise, final losses. */
interface ArmStudents {
  greedy: Float32Array[][];
  noise: number[][];
  losses: number[];
  exampleAnswer: string;
}

/**
 * Fine-tune `config.students` students of the base on `pairs` (student s with
 * data-order stream s), each answering the test questions greedily and the noise
 * prompts `noiseSamples` times at the teacher's temperature.
 */
export async function trainArm(ctx: LlmContext, pairs: QaPair[]): Promise<ArmStudents> {
  const { config: c, setup, noiseQs } = ctx, maxNewTokens = setup.maxNewTokens;
  const out: ArmStudents = { greedy: [], noise: [], losses: [], exampleAnswer: "" };
  await trainStudents(setup.base, Array.from({ length: c.students }, () => ({ data: pairs })), {
    seed: c.seed,
    epochs: c.epochs,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    onStudent: async (s, model, result) => {
      out.losses.push(result.epochLosses[result.epochLosses.length - 1]);
      const [g] = sampleAnswers(model, ctx.testQs, { temperature: 0, maxNewTokens });
      if (s === 0) out.exampleAnswer = g[0];
      out.greedy.push(await setup.embed(g));
      const draws = sampleDraws(model, noiseQs, {
        temperature: c.temperature,
        seed: c.seed + 2,
        draws: c.noiseSamples,
        maxNewTokens,
      });
      const flat = await setup.embed(draws.flat());
      const P = noiseQs.length;
      out.noise.push(
        promptNoise(noiseQs.map((_, p) => draws.map((_, d) => flat[d * P + p]))).perQuestion,
      );
    },
  });
  return out;
}

/**
 * One arm of Table 1 (one setting in, one row out): its labels, its students,
 * and their cosine to the truth, inter-student variance, noise, R² on the
 * teacher's noise (Appendix F) and hallucination rate, with SEs across students.
 * The systematic noise needs Direct FT's row and is filled in by the run.
 */
export async function armStep(ctx: LlmContext, arm: CorrectionArm): Promise<CorrectionRow> {
  const { pairs, chosen } = armLabels(ctx, arm);
  const label = labelScores(ctx, chosen);
  const { greedy, noise, losses, exampleAnswer } = await trainArm(ctx, pairs);
  const testTruth = ctx.testTruth;
  const hal = hallucinationRates(greedy, testTruth);
  const halPerStudent = greedy.map((g) => {
    const ind = hallucinationRate(g, testTruth).indicators;
    return ind.reduce((a, b) => a + b, 0) / ind.length;
  });
  return {
    ...arm,
    teacherCalls: arm.method === "Direct FT" ? 0 : arm.k,
    studentCalls: arm.method === "Variance-weighting" ? arm.k : 0,
    pairsPerQuestion: arm.method === "Multi-response" ? arm.k : 1,
    uses: arm.method === "Direct FT"
      ? "the ground truth of the training questions (not available when distilling)"
      : "",
    labelCosine: meanSe(label.cos),
    labelHallucination: meanSe(label.hal),
    cosine: twoWaySe(greedy.map((g) => g.map((e, i) => cosine(e, testTruth[i])))),
    inter: textInterStudentVariance(greedy),
    interLoo: leaveOneOutInterStudentVariance(greedy),
    noiseR2: perStudentSummary(noise.map((y) => squaredCorrelation(ctx.teacherNoise, y))),
    noise: twoWaySe(noise),
    systematic: null,
    hallucination: {
      mean: hal.mean,
      seStudents: hal.seStudents,
      seQuestions: hal.seQuestions,
      perQuestion: hal.perQuestion,
      perStudent: halPerStudent,
    },
    losses,
    example: { label: pairs[0].answer, answer: exampleAnswer },
  };
}

/**
 * Run Section 7.3 (Table 1): {@link llmContext}, then {@link armStep} for every
 * arm in one sweep, the systematic noise of each arm against Direct FT (paired
 * by student), the teacher's own greedy test answers and the paired contrasts.
 *
 * @throws RangeError for a bad configuration, before any work.
 */
export async function runLlmCorrections(
  config: LlmCorrectionsConfig,
  setup: LlmSetup,
  options: RunOptions = {},
): Promise<LlmCorrectionsResult> {
  checkLlmConfig(config, setup);
  const t0 = performance.now();
  const ctx = await llmContext(config, setup);
  const weights = teacherWeights(ctx);
  const rows = await sweep(correctionArms(config), (arm) => armStep(ctx, arm), {
    label: "7.3 arms",
    name: (a) => armName(a),
    progress: options.progress,
  });
  const direct = rows[0];
  for (const r of rows.slice(1)) {
    // Paired by student (data-order stream s in both arms); the mean is exactly the difference.
    const d = meanSe(r.noise.perStudent.map((v, s) => v - direct.noise.perStudent[s]));
    r.systematic = { mean: r.noise.mean - direct.noise.mean, se: d.se, n: d.n };
  }
  const [tg] = setup.teacherAnswers(ctx.testQs, { temperature: 0 });
  const te = await setup.embed(tg);
  const teacher = {
    cosine: meanSe(te.map((e, i) => cosine(e, ctx.testTruth[i]))),
    hallucination: meanSe(hallucinationRate(te, ctx.testTruth).indicators),
  };
  return {
    config,
    setup: setup.description,
    rows,
    comparisons: correctionComparisons(rows, config.ks),
    teacherWeight: weights,
    teacher,
    teacherNoise: ctx.teacherNoise,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The pairs of arms compared: Single against Direct FT, each correction against Single and Multi at its k, VW against Averaging, and the largest k against the smallest. */
function comparedPairs(ks: readonly number[]): [string, string][] {
  const out: [string, string][] = [["Single response", "Direct FT"]];
  for (const k of ks) {
    for (const m of ["Multi-response", "Averaging", "Variance-weighting"]) {
      out.push([`${m} k=${k}`, "Single response"]);
    }
    out.push([`Averaging k=${k}`, `Multi-response k=${k}`]);
    out.push([`Variance-weighting k=${k}`, `Multi-response k=${k}`]);
    out.push([`Variance-weighting k=${k}`, `Averaging k=${k}`]);
  }
  if (ks.length > 1) {
    const lo = Math.min(...ks), hi = Math.max(...ks);
    for (const m of ["Multi-response", "Averaging", "Variance-weighting"]) {
      out.push([`${m} k=${hi}`, `${m} k=${lo}`]);
    }
  }
  return out;
}

function correctionComparisons(
  rows: readonly CorrectionRow[],
  ks: readonly number[],
): CorrectionComparison[] {
  const by = new Map(rows.map((r) => [armName(r), r]));
  const out: CorrectionComparison[] = [];
  for (const [a, b] of comparedPairs(ks)) {
    const ra = by.get(a)!, rb = by.get(b)!;
    const measures = [
      ["cosine", ra.cosine.perStudent, rb.cosine.perStudent],
      ["hallucination", ra.hallucination.perStudent, rb.hallucination.perStudent],
      ["noise", ra.noise.perStudent, rb.noise.perStudent],
      ["noise R²", ra.noiseR2.perStudent, rb.noiseR2.perStudent],
    ] as const;
    for (const [measure, x, y] of measures) {
      const diff = pairedDifference(x, y);
      out.push({ a, b, measure, diff, z: diff.mean / diff.se });
    }
    out.push(interContrast(ra, rb, a, b));
  }
  return out;
}

/** The inter-student variance of a minus b, SE by the jackknife over students (both arms at once). */
function interContrast(
  ra: CorrectionRow,
  rb: CorrectionRow,
  a: string,
  b: string,
): CorrectionComparison {
  const S = ra.interLoo.length;
  const mean = ra.inter.mean - rb.inter.mean;
  let se = NaN;
  if (S >= 3 && rb.interLoo.length === S) {
    const d = ra.interLoo.map((v, k) => v - rb.interLoo[k]);
    const m = d.reduce((x, y) => x + y, 0) / S;
    se = Math.sqrt(((S - 1) / S) * d.reduce((x, y) => x + (y - m) ** 2, 0));
  }
  return {
    a,
    b,
    measure: "inter-student variance",
    diff: { mean, se, n: ra.inter.perQuestion.length > 0 ? S : 0 },
    z: mean / se,
  };
}
