/**
 * The steps of notebook 05 (Section 5 of Cui & Pei, "student initialization
 * uncertainty"): the settings and the step functions (one setting in, rows out)
 * that the notebook's sweeps, the tests and the shards call, and the paper's
 * words the claims quote ({@link SECTION5_PAPER}, data). No figure, table, claim
 * or prose here: the notebook's cells build those, from a run here or from a
 * sharded run's merged result ({@link mergedOrRun}).
 *
 * - 5.1, model-driven: 11-128-1 students from a perturbed Kaiming init,
 *   W ← W(1 + ε), ε ~ N(0, s²), b ← b + N(0, (0.1 s)²), in the authors' variant
 *   (a fresh base per student) and ours (one fixed base), with common random
 *   numbers across levels ({@link initStep}); the same with language models,
 *   p ← p + N(0, 1)·|p|·s ({@link llmLevelStep});
 * - 5.2, data-driven: OLS and 13-64-1 students on bootstrap resamples of size m
 *   of the teacher's outputs (variant A) or of the ground truth (B), Theorems
 *   5.1-5.3 ({@link linearBootstrapStep}, {@link neuralBootstrapStep}).
 *
 * Protocol: `docs/protocols.md`, "Section 5: student initialization uncertainty".
 *
 * @module
 */
import { byScale, type Scale } from "../lib/config.ts";
import { loadBoston, prepareRegression, type RegressionSplit } from "../lib/data/mod.ts";
import {
  fitOls,
  groundTruthBootstrapMse,
  groundTruthBootstrapVariance,
  groundTruthBootstrapVarianceRobust,
  type LinearFit,
  olsNoiseVariance,
  predictOls,
  teacherBootstrapCheck,
} from "../lib/linear/mod.ts";
import { cloneGpt, disposeGpt, gptValues } from "../lib/llm/model.ts";
import { flatParameters, parameterOffset } from "../lib/llm/params.ts";
import { addRelativeNoise, trainOnQa } from "../lib/llm/train.ts";
import { type MeanSe, meanSe } from "../lib/llm/quality.ts";
import {
  type Cohort,
  fitCohort,
  initCohortParameters,
  parameterLayout,
  predictCohort,
} from "../lib/nn/mod.ts";
import { bootstrapCounts, Rng } from "../lib/random.ts";
import {
  fixedBaseParameterVariance,
  initParameterVariance,
  interStudentVariance,
  jackknifeCombination,
  jackknifeMean,
  type JackknifeStatistic,
  jackknifeVariance,
  meanSampleVariance,
  monteCarloSummary,
  studentTestMse,
  testMse,
} from "../lib/uncertainty/mod.ts";
import {
  alignment,
  hallucinationRates,
  type InterStudentVariance,
  interStudentVariance as embeddingInterStudentVariance,
  leaveOneOutInterStudentVariance,
  LLM_UNIT_SECONDS,
  type LlmCohortConfig,
  type LlmSetup,
  sampleAnswers,
  slopeAcrossUnits,
  type SlopeTest,
  type TwoWaySe,
} from "../lib/experiments/llm_setup.ts";
import { sweep } from "../lib/experiments/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../lib/experiments/types.ts";

/** A sharded run's merged result, or the sweep run here (tools/merged.ts). */
export { mergedOrRun } from "../tools/merged.ts";

// ---------------------------------------------------------------- settings

/** Configuration of Section 5 with small networks (counts scale; the structure never does). */
export interface StudentInitializationConfig extends ExperimentConfig {
  /** 5.1: perturbation levels s (the code's grid 0, 0.05, ..., 0.40). */
  levels: readonly number[];
  /** 5.1: hidden width of the 11-h-1 students (128). */
  hidden: number;
  /** 5.1: students per (level, variant) (the code: 10,000). */
  students: number;
  /** Full-batch Adam epochs of every network, 5.1 and 5.2 (300). */
  epochs: number;
  /** 5.1: Adam learning rate (0.01). */
  lr: number;
  /** 5.1: individual fixed-base students whose first hidden bias is kept per level. */
  trace: number;
  /** 5.2: bootstrap fractions f; m = ⌊f n_train⌋. */
  fractions: readonly number[];
  /** 5.2: OLS students per (variant, m) (1,000). */
  linearStudents: number;
  /** 5.2: neural students per (variant, m) (1,000). */
  neuralStudents: number;
  /** 5.2: hidden width of the neural teacher (128). */
  teacherHidden: number;
  /** 5.2: hidden width of the neural students (64). */
  studentHidden: number;
  /** 5.2: Adam learning rate of the neural teacher and students (1e-3). */
  nnLr: number;
  /** 5.2: seed of the neural teacher (the protocol is silent; ours). */
  teacherSeed: number;
  /** 5.2: seed of the one init every neural student starts from (the code's 1234). */
  studentInitSeed: number;
}

/**
 * The configuration at a scale: `smoke` (seconds; the numbers mean nothing),
 * `default` (the committed figures: 1,000 students per setting) or `paper`
 * (the code's 10,000 students per level in 5.1).
 */
export function studentInitializationConfig(scale: Scale, seed = 5): StudentInitializationConfig {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed,
    levels: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
    hidden: 128,
    students: at({ smoke: 8, default: 1000, paper: 10000 }),
    epochs: at({ smoke: 20, default: 300, paper: 300 }),
    lr: 0.01,
    trace: 5,
    fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    linearStudents: at({ smoke: 50, default: 1000, paper: 1000 }),
    neuralStudents: at({ smoke: 8, default: 1000, paper: 1000 }),
    teacherHidden: 128,
    studentHidden: 64,
    nnLr: 1e-3,
    teacherSeed: 1,
    studentInitSeed: 1234,
  };
}

function checkConfig(fn: string, c: StudentInitializationConfig): void {
  const counts = ["hidden", "students", "epochs", "linearStudents", "neuralStudents"] as const;
  for (const k of [...counts, "teacherHidden", "studentHidden"] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) {
      throw new RangeError(`${fn}: config.${k} must be a positive integer, got ${c[k]}.`);
    }
  }
  if (c.students < 2 || c.linearStudents < 2 || c.neuralStudents < 2) {
    throw new RangeError(`${fn}: every student count must be >= 2 (variances need two students).`);
  }
  if (!Array.isArray(c.levels) || c.levels.length < 2 || c.levels.some((s) => !(s >= 0))) {
    throw new RangeError(`${fn}: config.levels needs at least two levels s >= 0.`);
  }
  if (!Array.isArray(c.fractions) || c.fractions.some((f) => !(f > 0 && f <= 1))) {
    throw new RangeError(`${fn}: config.fractions must lie in (0, 1].`);
  }
}

/**
 * "Distinct optima" as a non-inferiority: training keeps more than this fraction of
 * the across-student parameter spread it started from.
 */
export const KEPT_FRACTION = 0.5;

/**
 * What the paper states in Section 5 for each claim we test (PROTOCOLS.md, "Section 5",
 * Claims): Figures 6, 8 and 12 are plots without numbers, so these words are all it states.
 */
export const SECTION5_PAPER = {
  nnMeanMse: "flat",
  nnVarMse: "flat",
  lmVariance: "rises",
  lmAlignment: "drops",
  distinctOptima: "distinct optima",
  thm51: 0,
  nnVarianceInM: "falls",
  teacherBelowTruth: "A < B",
} as const;

// ---------------------------------------------------------------- 5.1: perturbed inits

/** The two init variants of 5.1. */
export const INIT_VARIANTS = [
  { key: "fresh", label: "fresh base (reference)" },
  { key: "fixed", label: "fixed base" },
] as const;

/** One (variant, level) of 5.1: what {@link initStep} returns. */
export type InitLevel = {
  /** `fresh` (the authors': a new Kaiming base per student) or `fixed` (one base, ours). */
  variant: "fresh" | "fixed";
  /** The variant's display label. */
  label: string;
  /** The perturbation level s. */
  s: number;
  /** Test MSE (ground truth): mean over students, its SE. */
  mse: number;
  seMse: number;
  /** Variance across students of the test MSE (population), its SE. */
  varMse: number;
  seVarMse: number;
  /** Mean final training MSE. */
  trainLoss: number;
  /** Mean over parameters of the across-student variance before training. */
  before: number;
  /** Its closed form (`initParameterVariance`, or `fixedBaseParameterVariance`). */
  beforeTheory: number;
  /** The same after training. */
  after: number;
  /** Across-student SD of the first hidden bias at the init and after training. */
  biasSd0: number;
  biasSd: number;
  /** Mean and SD across students of the first hidden bias after each epoch (0: init). */
  biasMean: number[];
  biasSdPath: number[];
  /** The first `trace` students' first hidden bias after each epoch (fixed base only). */
  traces: number[][];
  /** Delete-one statistics over students (same students at every level). */
  jack: {
    mse: JackknifeStatistic;
    varMse: JackknifeStatistic;
    before: JackknifeStatistic;
    after: JackknifeStatistic;
  };
};

/** What {@link runInitPerturbation} returns. */
export interface InitPerturbationResult {
  config: StudentInitializationConfig;
  /** The protocol line of the data preparation. */
  protocol: string;
  /** Input width d, hidden width h and the parameter count P of the d-h-1 students. */
  d: number;
  hidden: number;
  parameters: number;
  /** One entry per (variant, level), fresh first. */
  levels: InitLevel[];
  /**
   * The quantity the authors' script reports as "parameter variance before training":
   * the variance of PyTorch's default init over `students` students (mean, SE, theory).
   */
  snapshot: { value: number; se: number; theory: number };
  /** The closed-form variance of the Kaiming init the students are trained from (s = 0). */
  kaimingTheory: number;
  /** Training backend. */
  backend: string;
}

/** The Boston setting of 5.1: 11 numeric features, scaler on the full data, split seed 42. */
export async function boston11(): Promise<RegressionSplit> {
  return prepareRegression(await loadBoston({ numericOnly: true }), {
    splitSeed: 42,
    scaler: "full",
  });
}

/** Mean and SD across students of the tracked entry, for every epoch. */
function trajectoryBand(c: Cohort): { mean: number[]; sd: number[] } {
  const E = c.epochs + 1, mean: number[] = [], sd: number[] = [];
  for (let e = 0; e < E; e++) {
    const column = new Float64Array(c.students);
    for (let s = 0; s < c.students; s++) column[s] = c.trajectories[s * E + e];
    const v = interStudentVariance(column, 1);
    mean.push(column.reduce((a, b) => a + b, 0) / c.students);
    sd.push(Math.sqrt(v.mean));
  }
  return { mean, sd };
}

/** One setting of 5.1's sweep: a variant and a level. */
export interface InitSetting {
  key: "fresh" | "fixed";
  label: string;
  s: number;
}

/**
 * One (variant, level) of 5.1: `config.students` 11-128-1 networks trained on the
 * ground truth from a perturbed Kaiming init (student k on the same stream at every
 * level), summarized. `base` is the fixed variant's base (for its closed form).
 */
export async function initStep(
  config: StudentInitializationConfig,
  data: RegressionSplit,
  base: Float32Array,
  { key, label, s }: InitSetting,
): Promise<InitLevel & { backend: string }> {
  const { d, nTrain: n, nTest } = data, h = config.hidden, S = config.students;
  const E = config.epochs, layout = parameterLayout(d, h, 1);
  const cohort = await fitCohort({
    x: Float32Array.from(data.xTrain),
    n,
    d,
    hidden: h,
    outputs: 1,
    loss: "mse",
    targets: Float32Array.from(data.yTrain),
    students: S,
    epochs: E,
    lr: config.lr,
    seed: config.seed,
    track: [layout.b1],
    init: key === "fresh"
      ? { kind: "perturbed", scale: s, base: "kaiming" }
      : { kind: "perturbed", scale: s, base: "kaiming", baseSeed: config.seed },
  });
  const mses = studentTestMse(
    predictCohort(cohort, Float32Array.from(data.xTest), nTest),
    data.yTest,
  );
  const mse = monteCarloSummary(mses);
  const jack = {
    mse: jackknifeMean(mses),
    varMse: jackknifeVariance(mses),
    before: jackknifeVariance(cohort.initialParameters, layout.count),
    after: jackknifeVariance(cohort.parameters, layout.count),
  };
  const band = trajectoryBand(cohort);
  const traces: number[][] = [];
  for (let k = 0; key === "fixed" && k < Math.min(config.trace, S); k++) {
    traces.push(Array.from(cohort.trajectories.subarray(k * (E + 1), (k + 1) * (E + 1))));
  }
  return {
    variant: key,
    label,
    s,
    mse: mse.mean,
    seMse: mse.seMean,
    varMse: mse.variance,
    seVarMse: mse.seVariance,
    trainLoss: monteCarloSummary(cohort.finalLoss).mean,
    before: jack.before.value,
    beforeTheory: key === "fresh"
      ? initParameterVariance("kaiming", d, h, s)
      : fixedBaseParameterVariance(base, d, h, s),
    after: jack.after.value,
    biasSd0: band.sd[0],
    biasSd: band.sd[E],
    biasMean: band.mean,
    biasSdPath: band.sd,
    traces,
    jack,
    backend: `${cohort.backend}, ${cohort.workers} worker(s)`,
  };
}

/**
 * Section 5.1 (Figure 6, NN panel; Appendix D): {@link initStep} at every level of
 * both variants, and the authors' "parameter variance before training" snapshot.
 *
 * @throws RangeError when the configuration is malformed (before any training).
 */
export async function runInitPerturbation(
  config: StudentInitializationConfig,
  options: RunOptions = {},
): Promise<InitPerturbationResult> {
  checkConfig("runInitPerturbation", config);
  const data = await boston11();
  const { d } = data, h = config.hidden, S = config.students;
  const P = parameterLayout(d, h, 1).count;
  // The base the fixed variant perturbs (scale 0 leaves it as drawn from new Rng(baseSeed)).
  const fixedBase = {
    kind: "perturbed",
    scale: 0,
    base: "kaiming",
    baseSeed: config.seed,
  } as const;
  const base = initCohortParameters(fixedBase, d, h, 1, config.seed, 0, 1, 1);
  const settings = INIT_VARIANTS.flatMap((v) => config.levels.map((s) => ({ ...v, s })));
  const rows = await sweep(settings, (st) => initStep(config, data, base, st), {
    label: "5.1 init perturbation",
    name: (v) => `${v.key} base, s = ${v.s}`,
    progress: options.progress,
  });
  // The authors' snapshot: PyTorch's default init, before Kaiming and the perturbation.
  const torch = initCohortParameters({ kind: "torch" }, d, h, 1, config.seed, 0, S, S);
  const snap = interStudentVariance(torch, P);
  return {
    config,
    protocol: data.protocol,
    d,
    hidden: h,
    parameters: P,
    levels: rows.map(({ backend: _b, ...l }) => l),
    snapshot: { value: snap.mean, se: snap.se, theory: initParameterVariance("torch", d, h) },
    kaimingTheory: initParameterVariance("kaiming", d, h),
    backend: rows.at(-1)?.backend ?? "",
  };
}

// ---------------------------------------------------------------- 5.2: bootstrap students

/** One (variant, m) of the linear bootstrap. */
export type LinearBootstrapRow = {
  /** Fraction f and bootstrap size m = ⌊f n⌋. */
  f: number;
  m: number;
  /** "B: ground-truth bootstrap" or "A: teacher bootstrap". */
  variant: string;
  /** Mean test MSE over students, its SE, and the SD of the test MSE across students. */
  mse: number;
  seMse: number;
  mseSd: number;
  /** Theory of the mean test MSE: Theorem 5.3 (B) or the teacher's own (A, Theorem 5.1). */
  theoryMse: number;
  /** Inter-student variance of the test predictions, averaged over test inputs; its SE. */
  variance: number;
  seVariance: number;
  /** Theorem 5.2 as stated, σ²/m · xᵀΣ⁻¹x averaged (population-variance scale). */
  thm52: number;
  /** Theorem 5.2's heteroscedasticity-robust (sandwich) form. */
  robust: number;
};

/** Theorem 5.1 at one m: OLS students of the teacher bootstrap against the OLS teacher. */
export type Theorem51Row = {
  f: number;
  m: number;
  /** Resamples whose design is rank deficient. */
  deficient: number;
  /** Expected count from binary features constant in the resample. */
  deficientExpected: number;
  /** Largest |student − teacher| on the test inputs over full-rank resamples. */
  maxFull: number;
  /** The same over rank-deficient resamples (null when there is none). */
  maxDeficient: number | null;
  /** Inter-student variance of variant A. */
  varA: number;
};

/** One (variant, m) of the neural bootstrap. */
export type NeuralBootstrapRow = {
  f: number;
  m: number;
  variant: string;
  /** Mean test MSE and its SD across students. */
  mse: number;
  mseSd: number;
  /** Inter-student variance of the test predictions, its SE. */
  variance: number;
  seVariance: number;
};

/** What {@link runBootstrap} returns. */
export interface BootstrapResult {
  config: StudentInitializationConfig;
  /** Protocol lines of the two data preparations. */
  protocol: { linear: string; neural: string };
  /** Training rows n, test rows and coefficients p (with the intercept) of the linear setting. */
  n: number;
  nTest: number;
  p: number;
  /** σ̂² = RSS/(n − p) of the OLS teacher, and its test MSE. */
  sigma2: number;
  teacherMse: number;
  /** Binary features of the training split and the rarer value's count. */
  binary: { feature: string; rare: number }[];
  linear: LinearBootstrapRow[];
  theorem51: Theorem51Row[];
  neural: NeuralBootstrapRow[];
  /** The neural teacher's test MSE and training MSE, and the neural training rows. */
  neuralTeacher: { testMse: number; trainMse: number };
  nNeural: number;
}

/** S copies of one length-n target vector, student-major. */
function repeatRows(v: Float64Array | Float32Array, S: number): Float64Array {
  const out = new Float64Array(S * v.length);
  for (let s = 0; s < S; s++) out.set(v, s * v.length);
  return out;
}

/** S bootstrap count vectors of size m over n rows, from `rng`, student-major. */
function countsFor(rng: Rng, S: number, n: number, m: number): Float64Array {
  const counts = new Float64Array(S * n);
  for (let s = 0; s < S; s++) counts.set(bootstrapCounts(rng, n, m), s * n);
  return counts;
}

const B_LABEL = "B: ground-truth bootstrap", A_LABEL = "A: teacher bootstrap";

/** Columns of an n x d design with exactly two distinct values, and the rarer value's count. */
function binaryFeatures(x: Float64Array, n: number, d: number, names: string[]) {
  const out: { feature: string; rare: number }[] = [];
  for (let j = 0; j < d; j++) {
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(x[i * d + j], (counts.get(x[i * d + j]) ?? 0) + 1);
    if (counts.size === 2) out.push({ feature: names[j], rare: Math.min(...counts.values()) });
  }
  return out;
}

/** The linear setting of 5.2 and its OLS teacher. */
export interface LinearBootstrapSetup {
  data: RegressionSplit;
  teacher: LinearFit;
  /** The teacher's outputs on the training inputs, σ̂² and its test MSE. */
  muTrain: Float64Array;
  sigma2: number;
  teacherMse: number;
}

/** 13 features, split seed 42, scaler on the training split; the OLS teacher. */
export async function linearBootstrapSetup(): Promise<LinearBootstrapSetup> {
  const data = prepareRegression(await loadBoston(), { splitSeed: 42, scaler: "train" });
  const { d, xTrain, yTrain, xTest, yTest } = data;
  const teacher = fitOls(xTrain, d, yTrain);
  return {
    data,
    teacher,
    muTrain: predictOls(xTrain, teacher),
    sigma2: olsNoiseVariance(xTrain, d, yTrain),
    teacherMse: testMse(predictOls(xTest, teacher), yTest),
  };
}

/**
 * One m of 5.2 with OLS students (fraction `f`, the `fi`-th): S resamples of size
 * m, both variants fitted on them, Theorems 5.1-5.3 at m.
 */
export function linearBootstrapStep(
  config: StudentInitializationConfig,
  setup: LinearBootstrapSetup,
  f: number,
  fi: number,
): { rows: LinearBootstrapRow[]; check: Theorem51Row } {
  const { data: { d, nTrain: n, nTest, xTrain, yTrain, xTest, yTest }, teacher } = setup;
  const S = config.linearStudents, m = Math.floor(f * n), sigma2 = setup.sigma2;
  const popFactor = (S - 1) / S; // the theorems give sample-scale variances; simulated are population
  const counts = countsFor(new Rng(config.seed).child(fi), S, n, m);
  const check = teacherBootstrapCheck(xTrain, d, teacher, counts, { xEval: xTest });
  const fitPredict = (targets: Float64Array) =>
    predictOls(xTest, fitOls(xTrain, d, repeatRows(targets, S), { weights: counts }));
  const predA = fitPredict(setup.muTrain), predB = fitPredict(yTrain);
  const design = { x: xTrain, d, xTest };
  const thm52 = groundTruthBootstrapVariance(design, { noiseVariance: sigma2, m }).mean *
    popFactor;
  const robust = groundTruthBootstrapVarianceRobust(design, { y: yTrain, m }).mean * popFactor;
  const thm53 = groundTruthBootstrapMse({ noiseVariance: sigma2, d, m });
  const variants = [[B_LABEL, predB, thm53], [A_LABEL, predA, setup.teacherMse]] as const;
  const rows = variants.map(([variant, pred, theoryMse]) => {
    const mse = monteCarloSummary(studentTestMse(pred, yTest));
    const v = interStudentVariance(pred, nTest);
    return {
      f,
      m,
      variant,
      mse: mse.mean,
      seMse: mse.seMean,
      mseSd: Math.sqrt(mse.variance),
      theoryMse,
      variance: v.mean,
      seVariance: v.se,
      thm52,
      robust,
    };
  });
  let worst: number | null = null;
  check.fullRank.forEach((full, s) => {
    if (!full) worst = Math.max(worst ?? 0, check.maxAbsPredictionDiff[s]);
  });
  return {
    rows,
    check: {
      f,
      m,
      deficient: check.rankDeficientCount,
      deficientExpected: 0,
      maxFull: check.maxFullRankDiff,
      maxDeficient: worst,
      varA: rows[1].variance,
    },
  };
}

/**
 * Section 5.2 (Figure 8; Theorems 5.1-5.3): {@link linearBootstrapStep} at every m,
 * then the neural students ({@link runNeuralBootstrap}).
 *
 * @throws RangeError when the configuration is malformed (before any training).
 */
export async function runBootstrap(
  config: StudentInitializationConfig,
  options: RunOptions = {},
): Promise<BootstrapResult> {
  checkConfig("runBootstrap", config);
  const setup = await linearBootstrapSetup();
  const { d, nTrain: n, nTest, xTrain, featureNames } = setup.data, S = config.linearStudents;
  const linSteps = await sweep(
    config.fractions,
    (f, fi) => linearBootstrapStep(config, setup, f, fi),
    {
      label: "5.2 linear bootstrap",
      name: (f) => `m = ${Math.floor(f * n)}`,
      progress: options.progress,
    },
  );
  const binary = binaryFeatures(xTrain, n, d, featureNames);
  const theorem51 = linSteps.map(({ check }) => ({
    ...check,
    // P(feature constant in m draws) = (1 − q)^m + q^m, q the rare value's share.
    deficientExpected: S * binary.reduce((a, b) => {
      const q = b.rare / n;
      return a + (1 - q) ** check.m + q ** check.m;
    }, 0),
  }));
  const neural = await runNeuralBootstrap(config, options);
  return {
    config,
    protocol: { linear: setup.data.protocol, neural: neural.protocol },
    n,
    nTest,
    p: d + 1,
    sigma2: setup.sigma2,
    teacherMse: setup.teacherMse,
    binary,
    linear: linSteps.flatMap((s) => s.rows),
    theorem51,
    neural: neural.rows,
    neuralTeacher: neural.teacher,
    nNeural: neural.n,
  };
}

/** The neural setting of 5.2: split seed 1, the teacher, the students' one init. */
export interface NeuralBootstrapSetup {
  data: RegressionSplit;
  /** The teacher's outputs on the training inputs. */
  teacherTrain: Float32Array;
  teacher: { testMse: number; trainMse: number };
  /** The one PyTorch-default init every student starts from. */
  init: Float32Array;
}

const nnCommon = (config: StudentInitializationConfig, data: RegressionSplit) => ({
  x: Float32Array.from(data.xTrain),
  n: data.nTrain,
  d: data.d,
  outputs: 1,
  loss: "mse" as const,
  epochs: config.epochs,
  lr: config.nnLr,
});

/** Boston split seed 1, scaler on the training split; the 13-128-1 teacher trained on it. */
export async function neuralBootstrapSetup(
  config: StudentInitializationConfig,
): Promise<NeuralBootstrapSetup> {
  const data = prepareRegression(await loadBoston(), { splitSeed: 1, scaler: "train" });
  const teacherNet = await fitCohort({
    ...nnCommon(config, data),
    hidden: config.teacherHidden,
    targets: Float32Array.from(data.yTrain),
    students: 1,
    seed: config.teacherSeed,
  });
  const xTest = Float32Array.from(data.xTest);
  const { d, nTrain: n, nTest } = data;
  return {
    data,
    teacherTrain: predictCohort(teacherNet, Float32Array.from(data.xTrain), n),
    teacher: {
      testMse: testMse(predictCohort(teacherNet, xTest, nTest), data.yTest),
      trainMse: teacherNet.finalLoss[0],
    },
    init: initCohortParameters(
      { kind: "torch" },
      d,
      config.studentHidden,
      1,
      config.studentInitSeed,
      0,
      1,
      1,
    ),
  };
}

/** One setting of the neural bootstrap: fraction f (the fi-th) and a variant. */
export interface NeuralBootstrapSetting {
  f: number;
  fi: number;
  variant: string;
}

/**
 * One (m, variant) of 5.2 with 13-64-1 students, all from one init, on S resamples
 * of size m (the same resamples for both variants of an m).
 */
export async function neuralBootstrapStep(
  config: StudentInitializationConfig,
  setup: NeuralBootstrapSetup,
  { f, fi, variant }: NeuralBootstrapSetting,
): Promise<NeuralBootstrapRow> {
  const { data } = setup, n = data.nTrain, S = config.neuralStudents, m = Math.floor(f * n);
  const counts = countsFor(new Rng(config.seed + 1).child(fi), S, n, m);
  const targets = variant === B_LABEL ? Float32Array.from(data.yTrain) : setup.teacherTrain;
  const cohort = await fitCohort({
    ...nnCommon(config, data),
    hidden: config.studentHidden,
    targets,
    weights: counts,
    students: S,
    seed: config.seed,
    init: { kind: "fixed", parameters: setup.init },
  });
  const pred = predictCohort(cohort, Float32Array.from(data.xTest), data.nTest);
  const mse = monteCarloSummary(studentTestMse(pred, data.yTest));
  const v = interStudentVariance(pred, data.nTest);
  return {
    f,
    m,
    variant,
    mse: mse.mean,
    mseSd: Math.sqrt(mse.variance),
    variance: v.mean,
    seVariance: v.se,
  };
}

/** The neural students of 5.2: {@link neuralBootstrapStep} at every (m, variant). */
export async function runNeuralBootstrap(
  config: StudentInitializationConfig,
  options: RunOptions = {},
) {
  const setup = await neuralBootstrapSetup(config);
  const settings = config.fractions.flatMap((f, fi) =>
    [B_LABEL, A_LABEL].map((variant) => ({ f, fi, variant }))
  );
  const rows = await sweep(settings, (st) => neuralBootstrapStep(config, setup, st), {
    label: "5.2 neural bootstrap",
    name: (st) => `m = ${Math.floor(st.f * setup.data.nTrain)}, ${st.variant}`,
    progress: options.progress,
  });
  return { rows, teacher: setup.teacher, n: setup.data.nTrain, protocol: setup.data.protocol };
}

// ---------------------------------------------------------------- 5.1 with language models

/** Counts of the language-model experiment of 5.1. */
export interface LlmInitializationConfig extends LlmCohortConfig {
  /** Relative perturbation scales s (0 = the base itself). */
  levels: number[];
  /** The tracked attention weight (Figure 12): layer `layer`'s c_attn weight, flat index. */
  track: { layer: number; index: number };
}

/**
 * The configuration at a scale. `default` (10 students per level, 3 epochs, 400
 * training questions) keeps the chapter's language-model part within minutes on a
 * quiet 2-core machine with the native engine; `paper` has the paper's 20 students.
 */
export function llmInitializationConfig(scale: Scale = "default"): LlmInitializationConfig {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed: 5100,
    levels: [0, 0.01, 0.02, 0.05, 0.1],
    batchSize: 10,
    track: { layer: 0, index: 0 },
    students: at({ smoke: 3, default: 10, paper: 20 }),
    trainQuestions: at({ smoke: 12, default: 400, paper: 3989 }),
    evalQuestions: at({ smoke: 10, default: 200, paper: 443 }),
    epochs: at({ smoke: 1, default: 3, paper: 3 }),
    learningRate: at({ smoke: 1e-3, default: 1e-3, paper: 5e-4 }),
  };
}

/** Expected seconds of {@link runLlmInitialization} on a quiet machine (from the counts). */
export function llmInitializationSeconds(c: LlmInitializationConfig): number {
  const models = c.levels.length * c.students, u = LLM_UNIT_SECONDS;
  return models * c.trainQuestions * c.epochs * u.pairEpoch +
    (c.trainQuestions + (1 + models) * c.evalQuestions) * u.greedy +
    (2 + models) * c.evalQuestions * u.embed;
}

/** One perturbation level: what {@link llmLevelStep} returns (without `looInter`). */
export interface LlmInitializationLevel {
  s: number;
  /** Student greedy answers against the teacher's greedy answers. */
  alignment: TwoWaySe;
  /** Inter-student variance of the answer embeddings. */
  inter: InterStudentVariance;
  /** Hallucination rate of the students' answers. */
  hallucination: TwoWaySe;
  /** Final-epoch training loss across students. */
  trainLoss: MeanSe;
  /** Mean over all parameters of the variance across students (n − 1), before and after. */
  paramVarBefore: number;
  paramVarAfter: number;
  /** After minus before, with its jackknife SE over students. */
  paramVarGrowth: { value: number; se: number };
  /** After − KEPT_FRACTION × before, with its jackknife SE over students. */
  paramVarKept: { value: number; se: number };
  /** Per student: the tracked weight at the start and after every update. */
  trajectories: number[][];
}

/** What {@link runLlmInitialization} returns. */
export interface LlmInitializationResult {
  config: LlmInitializationConfig;
  description: string;
  seconds: number;
  /** The tracked parameter's name and flat index; parameters per student. */
  tracked: { name: string; index: number };
  parameters: number;
  levels: LlmInitializationLevel[];
  /** The teacher's greedy answers: hallucination rate. */
  teacherHallucination: TwoWaySe;
  trends: {
    /** Alignment in s: paired over questions and over students (common random numbers). */
    alignment: { questions: SlopeTest; students: SlopeTest };
    /** Inter-student variance in s: paired over questions; over students by a jackknife. */
    inter: { questions: SlopeTest; students: SlopeTest };
    /** The same over the levels s > 0 only (0 at s = 0 by design); null below two levels. */
    interPositive: SlopeTest | null;
    /** Hallucination in s, paired over questions. */
    hallucination: SlopeTest;
  };
}

function checkLlmConfig(c: LlmInitializationConfig, setup: LlmSetup): void {
  const fn = "runLlmInitialization";
  const mins = [["students", 3], ["trainQuestions", 1], ["evalQuestions", 2], ["epochs", 1], [
    "batchSize",
    1,
  ]] as const;
  for (const [k, min] of mins) {
    if (!Number.isInteger(c[k]) || c[k] < min) {
      throw new RangeError(`${fn}: config.${k} must be an integer >= ${min}, got ${c[k]}.`);
    }
  }
  if (c.levels.length < 2 || !c.levels.every((s) => s >= 0 && isFinite(s))) {
    throw new RangeError(`${fn}: config.levels needs at least 2 finite scales >= 0.`);
  }
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
  if (c.trainQuestions > setup.qa.train.length || c.evalQuestions > setup.qa.test.length) {
    throw new RangeError(
      `${fn}: config asks for ${c.trainQuestions} training and ${c.evalQuestions} test questions; ` +
        `the split has ${setup.qa.train.length} and ${setup.qa.test.length}.`,
    );
  }
  if (!(c.learningRate > 0)) throw new RangeError(`${fn}: config.learningRate must be > 0.`);
  const layers = setup.base.config.layers;
  if (!Number.isInteger(c.track.layer) || c.track.layer < 0 || c.track.layer >= layers) {
    throw new RangeError(`${fn}: config.track.layer must be in [0, ${layers}).`);
  }
}

/** What every level shares: the fixed greedy targets, the test questions and embeddings. */
export interface LlmInitializationContext {
  data: { question: string; answer: string }[];
  evalQs: string[];
  truths: Float32Array[];
  teacherEmb: Float32Array[];
  tracked: { name: string; index: number };
}

/** The teacher's greedy answers to the training questions (the targets) and to the test ones. */
export async function llmInitializationContext(
  c: LlmInitializationConfig,
  setup: LlmSetup,
): Promise<LlmInitializationContext> {
  const trainQs = setup.qa.train.slice(0, c.trainQuestions).map((p) => p.question);
  const evalPairs = setup.qa.test.slice(0, c.evalQuestions);
  const evalQs = evalPairs.map((p) => p.question);
  const [targets] = setup.teacherAnswers(trainQs, { temperature: 0 });
  const data = trainQs.map((question, i) => ({ question, answer: targets[i] }))
    .filter((p) => p.answer.trim() !== "");
  const truths = await setup.embed(evalPairs.map((p) => p.answer));
  const [teacherGreedy] = setup.teacherAnswers(evalQs, { temperature: 0 });
  const teacherEmb = await setup.embed(teacherGreedy);
  const tracked = { name: `h.${c.track.layer}.attn.c_attn.w`, index: c.track.index };
  return { data, evalQs, truths, teacherEmb, tracked };
}

/** Student k at level s: the base plus relative noise from stream k, fine-tuned. */
function llmStudent(
  c: LlmInitializationConfig,
  setup: LlmSetup,
  x: LlmInitializationContext,
  s: number,
  k: number,
) {
  const root = new Rng(c.seed), model = cloneGpt(setup.base);
  try {
    addRelativeNoise(model, s, root.child(k).child(1));
    const before = flatParameters(gptValues(model));
    const res = trainOnQa(model, x.data, {
      seed: root, // the same data order for every student
      epochs: c.epochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      track: x.tracked,
    });
    const start = before[parameterOffset(model, x.tracked.name) + x.tracked.index];
    const [answers] = sampleAnswers(model, x.evalQs, {
      temperature: 0,
      maxNewTokens: setup.maxNewTokens,
    });
    return {
      before,
      after: flatParameters(gptValues(model)),
      answers,
      loss: res.epochLosses[res.epochLosses.length - 1],
      trajectory: [start, ...res.trajectory],
    };
  } finally {
    disposeGpt(model);
  }
}

/**
 * One level s of 5.1 with language models: `students` students fine-tuned on the
 * teacher's greedy answers, their answers' alignment, spread and hallucination, and
 * the parameter spread before and after; `looInter` feeds the jackknife of the trend.
 */
export async function llmLevelStep(
  c: LlmInitializationConfig,
  setup: LlmSetup,
  x: LlmInitializationContext,
  s: number,
): Promise<LlmInitializationLevel & { looInter: number[] }> {
  const students = Array.from({ length: c.students }, (_, k) => llmStudent(c, setup, x, s, k));
  const before = students.map((t) => t.before), after = students.map((t) => t.after);
  const emb = await Promise.all(students.map((t) => setup.embed(t.answers)));
  const vb = meanSampleVariance(before), va = meanSampleVariance(after);
  const loo = (f: (a: number, b: number) => number) => ({
    value: f(va.value, vb.value),
    deleteOne: va.deleteOne.map((a, k) => f(a, vb.deleteOne[k])),
  });
  const se = (stat: JackknifeStatistic) => jackknifeCombination([{ weight: 1, stat }]);
  return {
    s,
    alignment: alignment(x.teacherEmb, emb),
    inter: embeddingInterStudentVariance(emb),
    hallucination: hallucinationRates(emb, x.truths),
    trainLoss: meanSe(students.map((t) => t.loss)),
    paramVarBefore: vb.value,
    paramVarAfter: va.value,
    paramVarGrowth: se(loo((a, b) => a - b)),
    paramVarKept: se(loo((a, b) => a - KEPT_FRACTION * b)),
    trajectories: students.map((t) => t.trajectory),
    looInter: leaveOneOutInterStudentVariance(emb),
  };
}

/** Jackknife over students of the slope in `x` of the per-level values (delete-one in `loo`). */
function jackknifeTrend(x: number[], full: number[], loo: number[][], students: number): SlopeTest {
  const slopeOf = (ys: number[]) => slopeAcrossUnits(x, [ys, ys]).slope;
  const deleteOne = Float64Array.from(
    { length: students },
    (_, k) => slopeOf(loo.map((l) => l[k])),
  );
  const j = jackknifeCombination([{ weight: 1, stat: { value: slopeOf(full), deleteOne } }]);
  return { slope: j.value, se: j.se, z: j.value / j.se };
}

/**
 * Section 5.1 with language models (Figure 6's LLM panels, Appendix D): {@link llmLevelStep}
 * at every level, then the trends in s, paired over students (the same students, with the
 * same perturbation direction, at every level) and over questions.
 *
 * @throws RangeError for a bad configuration, before any work.
 */
export async function runLlmInitialization(
  config: LlmInitializationConfig,
  setup: LlmSetup,
  options: RunOptions = {},
): Promise<LlmInitializationResult> {
  checkLlmConfig(config, setup);
  const t0 = performance.now(), c = config, x = c.levels;
  const ctx = await llmInitializationContext(c, setup);
  const raw = await sweep(x, (s) => llmLevelStep(c, setup, ctx, s), {
    label: "init perturbation",
    name: (s) => `s = ${s}`,
    progress: options.progress,
  });
  const levels: LlmInitializationLevel[] = raw.map(({ looInter: _l, ...l }) => l);
  const byQ = (f: (l: LlmInitializationLevel) => number[]) =>
    f(levels[0]).map((_, q) => levels.map((l) => f(l)[q]));
  const pos = x.map((_s, i) => i).filter((i) => x[i] > 0);
  const interPositive = new Set(pos.map((i) => x[i])).size < 2 ? null : jackknifeTrend(
    pos.map((i) => x[i]),
    pos.map((i) => levels[i].inter.mean),
    pos.map((i) => raw[i].looInter),
    c.students,
  );
  const perStudent = Array.from(
    { length: c.students },
    (_, k) => levels.map((l) => l.alignment.perStudent[k]),
  );
  const probe = cloneGpt(setup.base);
  const parameters = flatParameters(gptValues(probe)).length;
  disposeGpt(probe);
  return {
    config,
    description: setup.description,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    tracked: ctx.tracked,
    parameters,
    levels,
    teacherHallucination: hallucinationRates([ctx.teacherEmb], ctx.truths),
    trends: {
      alignment: {
        questions: slopeAcrossUnits(x, byQ((l) => l.alignment.perQuestion)),
        students: slopeAcrossUnits(x, perStudent),
      },
      inter: {
        questions: slopeAcrossUnits(x, byQ((l) => l.inter.perQuestion)),
        students: jackknifeTrend(
          x,
          levels.map((l) => l.inter.mean),
          raw.map((r) => r.looInter),
          c.students,
        ),
      },
      interPositive,
      hallucination: slopeAcrossUnits(x, byQ((l) => l.hallucination.perQuestion)),
    },
  };
}
