/**
 * The steps of notebook 07 (Section 7 of Cui & Pei, "correcting student
 * uncertainty") for Figure 11 on Boston housing, and the chapter's settings:
 * students distilled from k teacher responses per input by averaging (Theorem
 * 7.1), by the authors' variance-weighting (an oracle handed the exact teacher
 * output, labelled so) and by an honest variance-weighting whose student
 * estimate is a pilot fitted on 3 more teacher draws ({@link linearStep},
 * {@link nnStep}). Theorems 7.3-7.4 on two Gaussian estimates are in
 * `07_combination.ts`, Table 1 (Section 7.3, a language-model teacher) in
 * `07_llm_corrections.ts`.
 *
 * Settings and step functions (one setting in, rows out) that the notebook's
 * sweep, the tests and the shards call, and the paper's numbers the claims
 * quote. No figure, table, claim or prose here: the notebook's cells build
 * those, from a run here or from a sharded run's merged result
 * ({@link mergedOrRun}).
 *
 * Protocols: `docs/protocols.md`, "Section 7: correcting student uncertainty".
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
  fitOls,
  linearStudentMse,
  predictOls,
} from "../lib/linear/mod.ts";
import { fitCohort, type FitCohortOptions, predictCohort } from "../lib/nn/mod.ts";
import { interStudentVariance } from "../lib/uncertainty/inter_student.ts";
import { monteCarloSummary } from "../lib/uncertainty/monte_carlo.ts";
import { studentTestMse } from "../lib/uncertainty/test_mse.ts";
import { sweep } from "../tools/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../tools/sweep.ts";

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

/** Throw a RangeError naming `fn` unless `c` is a {@link VarianceAwareConfig}. */
export function checkConfig(fn: string, c: VarianceAwareConfig): void {
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
  // a shard's steps can be recorded and replayed by tools/sharding.ts).
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
