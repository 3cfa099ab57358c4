/**
 * Section 5 of the paper: uncertainty from the student's initialization
 * (5.1, model-driven) and from its training data (5.2, data-driven
 * bootstrap, Theorems 5.1-5.3), on Boston housing, as
 * `notebooks/05_student_initialization_uncertainty.ipynb` narrates it. The
 * protocol is `docs/protocols.md`, "Section 5: student initialization
 * uncertainty".
 *
 * - {@link runInitPerturbation}: 11-128-1 students from a perturbed Kaiming
 *   init, W ← W(1 + ε), ε ~ N(0, s²), b ← b + N(0, (0.1 s)²), at each level s,
 *   in the authors' variant (a fresh base per student) and ours (one fixed
 *   base), with common random numbers across levels.
 * - {@link runBootstrap}: OLS and 13-64-1 students on bootstrap resamples of
 *   size m of the teacher's outputs (variant A) or of the ground truth (B).
 * - {@link studentInitializationClaims}: the section's claims ledger.
 *
 * Figures and tables: `student_initialization_figures.ts`.
 *
 * @module
 */
import type { Scale } from "../config.ts";
import { loadBoston, prepareRegression, type RegressionSplit } from "../data/mod.ts";
import {
  fitOls,
  groundTruthBootstrapMse,
  groundTruthBootstrapVariance,
  groundTruthBootstrapVarianceRobust,
  olsNoiseVariance,
  predictOls,
  teacherBootstrapCheck,
} from "../linear/mod.ts";
import {
  type Cohort,
  fitCohort,
  initCohortParameters,
  parameterLayout,
  predictCohort,
} from "../nn/mod.ts";
import { bootstrapCounts, Rng } from "../random.ts";
import {
  interStudentVariance,
  monteCarloSummary,
  studentTestMse,
  testMse,
} from "../uncertainty/mod.ts";
import { jackknifeMean, type JackknifeStatistic, jackknifeVariance } from "./jackknife.ts";
import { sweep } from "./sweep.ts";
import type { ExperimentConfig, RunOptions } from "./types.ts";

/**
 * Configuration of Section 5 (counts scale; the structure never does).
 *
 * @category Section 5: student initialization uncertainty
 */
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
  /** 5.1: individual fixed-base students whose first hidden bias is drawn per level. */
  trace: number;
  /** 5.2: bootstrap fractions f; m = ⌊f n_train⌋. */
  fractions: readonly number[];
  /** 5.2: OLS students per (variant, m) (1,000). */
  linearStudents: number;
  /** 5.2: neural students per (variant, m) (1,000). */
  neuralStudents: number;
  /** 5.2: hidden widths of the neural teacher (128) and students (64). */
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
 *
 * @category Section 5: student initialization uncertainty
 */
export function studentInitializationConfig(scale: Scale, seed = 5): StudentInitializationConfig {
  const by = <T>(v: Record<Scale, T>) => v[scale];
  return {
    scale,
    seed,
    levels: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
    hidden: 128,
    students: by({ smoke: 8, default: 1000, paper: 10000 }),
    epochs: by({ smoke: 20, default: 300, paper: 300 }),
    lr: 0.01,
    trace: 5,
    fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    linearStudents: by({ smoke: 50, default: 1000, paper: 1000 }),
    neuralStudents: by({ smoke: 8, default: 1000, paper: 1000 }),
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

// ---------------------------------------------------------------------------
// Theory: the parameter variance of an init, in closed form.
// ---------------------------------------------------------------------------

/**
 * The expected mean over parameters of the across-student variance of a
 * freshly drawn init of a d-h-1 network (h ≥ 1), after Section 5.1's
 * perturbation at level s (s = 0: none):
 * - `kaiming` (what the students are trained from): weights N(0, 2/fan_in),
 *   zero biases, so Var W(1 + ε) = (2/fan_in)(1 + s²), Var b = (0.1 s)²;
 * - `torch` (PyTorch's `nn.Linear` default, U(±1/√fan_in), variance
 *   1/(3 fan_in) for weights and biases): the authors' script snapshots it
 *   before applying Kaiming and the perturbation, so it reports the `torch`
 *   value at s = 0 at every level: for 11-128-1,
 *   (1536/33 + 129/384)/1665 = 0.0282.
 *
 * @throws RangeError when a size is not a positive integer or s < 0.
 *
 * @example
 * ```ts
 * initParameterVariance("torch", 11, 128); // 0.02816...
 * initParameterVariance("kaiming", 11, 128); // 0.15495...
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function initParameterVariance(
  base: "torch" | "kaiming",
  d: number,
  h: number,
  s = 0,
): number {
  for (const [name, v] of [["d", d], ["h", h]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`initParameterVariance: ${name} must be a positive integer, got ${v}.`);
    }
  }
  if (!(s >= 0)) throw new RangeError(`initParameterVariance: s must be >= 0, got ${s}.`);
  let total = 0;
  for (const [fanIn, fanOut] of [[d, h], [h, 1]]) {
    const w = base === "torch" ? 1 / (3 * fanIn) : 2 / fanIn;
    const b = base === "torch" ? 1 / (3 * fanIn) : 0;
    total += fanIn * fanOut * w * (1 + s * s) + fanOut * (b + (0.1 * s) ** 2);
  }
  return total / parameterLayout(d, h, 1).count;
}

/**
 * The expected across-student variance, averaged over parameters, when every
 * student perturbs one fixed base θ₀ at level s: weights vary as θ₀² s²,
 * biases as (0.1 s)².
 *
 * @category Section 5: student initialization uncertainty
 */
export function fixedBaseParameterVariance(base: Float32Array, d: number, h: number, s: number) {
  const L = parameterLayout(d, h, 1);
  let total = 0;
  for (let i = 0; i < L.count; i++) {
    const isBias = (i >= L.b1 && i < L.w2) || i >= L.b2;
    total += isBias ? (0.1 * s) ** 2 : base[i] * base[i] * s * s;
  }
  return total / L.count;
}

// ---------------------------------------------------------------------------
// 5.1: perturbing the initialization.
// ---------------------------------------------------------------------------

/**
 * The two init variants of 5.1.
 *
 * @category Section 5: student initialization uncertainty
 */
export const INIT_VARIANTS = [
  { key: "fresh", label: "fresh base (reference)" },
  { key: "fixed", label: "fixed base" },
] as const;

/**
 * One (variant, level) of 5.1.
 *
 * @category Section 5: student initialization uncertainty
 */
export type InitLevel = {
  /** `fresh` (the authors': a new Kaiming base per student) or `fixed` (one base, ours). */
  variant: "fresh" | "fixed";
  /** The variant's display label. */
  label: string;
  /** The perturbation level s. */
  s: number;
  /** Test MSE (ground truth): mean and SE over students. */
  mse: number;
  /** SE of `mse`. */
  seMse: number;
  /** Variance across students of the test MSE (population). */
  varMse: number;
  /** SE of `varMse`. */
  seVarMse: number;
  /** Mean final training MSE. */
  trainLoss: number;
  /** Mean over parameters of the across-student variance before training. */
  before: number;
  /** Its closed form ({@link initParameterVariance}, or {@link fixedBaseParameterVariance}). */
  beforeTheory: number;
  /** The same after training. */
  after: number;
  /** Across-student SD of the first hidden bias at the init and after training. */
  biasSd0: number;
  /** As `biasSd0`, after training. */
  biasSd: number;
  /** Mean and SD across students of the first hidden bias after each epoch (0: init). */
  biasMean: number[];
  /** As `biasMean`, the SD. */
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

/**
 * What {@link runInitPerturbation} returns.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface InitPerturbationResult {
  /** The configuration run. */
  config: StudentInitializationConfig;
  /** The protocol line of the data preparation. */
  protocol: string;
  /** Network sizes d-h-1 and the parameter count P. */
  d: number;
  /** Hidden width h. */
  hidden: number;
  /** Parameter count P. */
  parameters: number;
  /** One entry per (variant, level), fresh first. */
  levels: InitLevel[];
  /**
   * The quantity the authors' script reports as "parameter variance before
   * training": the variance of PyTorch's default init, drawn here for
   * `students` students from their own streams (mean and SE).
   */
  snapshot: { value: number; se: number; theory: number };
  /** The closed-form variance of the Kaiming init the students are trained from (s = 0). */
  kaimingTheory: number;
  /** Training backend. */
  backend: string;
}

/** The Boston setting of 5.1: 11 numeric features, scaler on the full data, split seed 42. */
async function boston11(): Promise<RegressionSplit> {
  return prepareRegression(await loadBoston({ numericOnly: true }), {
    splitSeed: 42,
    scaler: "full",
  });
}

/** Mean and SD across students of trajectory entry e, for every epoch. */
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

/**
 * Section 5.1 (Figure 6, NN panel; Appendix D): train `students` 11-128-1
 * networks on the ground truth at every perturbation level, in both init
 * variants, and summarize test MSE, parameter spread and the first hidden
 * bias's trajectory. Student k uses the same stream at every level, so
 * differences between levels come from s alone.
 *
 * @throws RangeError when the configuration is malformed (before any training).
 *
 * @category Section 5: student initialization uncertainty
 */
export async function runInitPerturbation(
  config: StudentInitializationConfig,
  options: RunOptions = {},
): Promise<InitPerturbationResult> {
  checkConfig("runInitPerturbation", config);
  const data = await boston11();
  const { d, nTrain: n, nTest } = data;
  const h = config.hidden, S = config.students, E = config.epochs;
  const layout = parameterLayout(d, h, 1);
  const x = Float32Array.from(data.xTrain), xTest = Float32Array.from(data.xTest);
  const y = Float32Array.from(data.yTrain);
  // The base the fixed variant perturbs (scale 0 leaves it as drawn from new Rng(baseSeed)).
  const base = initCohortParameters(
    { kind: "perturbed", scale: 0, base: "kaiming", baseSeed: config.seed },
    d,
    h,
    1,
    config.seed,
    0,
    1,
    1,
  );
  let backend = "";
  const settings = INIT_VARIANTS.flatMap((v) => config.levels.map((s) => ({ ...v, s })));
  const levels = await sweep(settings, async ({ key, label, s }) => {
    const cohort = await fitCohort({
      x,
      n,
      d,
      hidden: h,
      outputs: 1,
      loss: "mse",
      targets: y,
      students: S,
      epochs: E,
      lr: config.lr,
      seed: config.seed,
      track: [layout.b1],
      init: key === "fresh"
        ? { kind: "perturbed", scale: s, base: "kaiming" }
        : { kind: "perturbed", scale: s, base: "kaiming", baseSeed: config.seed },
    });
    backend = `${cohort.backend}, ${cohort.workers} worker(s)`;
    const mses = studentTestMse(predictCohort(cohort, xTest, nTest), data.yTest);
    const mse = monteCarloSummary(mses);
    const jack = {
      mse: jackknifeMean(mses),
      varMse: jackknifeVariance(mses),
      before: jackknifeVariance(cohort.initialParameters, layout.count),
      after: jackknifeVariance(cohort.parameters, layout.count),
    };
    const band = trajectoryBand(cohort);
    const traces: number[][] = [];
    if (key === "fixed") {
      for (let k = 0; k < Math.min(config.trace, S); k++) {
        traces.push(Array.from(cohort.trajectories.subarray(k * (E + 1), (k + 1) * (E + 1))));
      }
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
    } satisfies InitLevel;
  }, {
    label: "5.1 init perturbation",
    name: (v) => `${v.key} base, s = ${v.s}`,
    progress: options.progress,
  });
  // The authors' snapshot: PyTorch's default init, before Kaiming and the perturbation.
  const torch = initCohortParameters({ kind: "torch" }, d, h, 1, config.seed, 0, S, S);
  const snap = interStudentVariance(torch, layout.count);
  return {
    config,
    protocol: data.protocol,
    d,
    hidden: h,
    parameters: layout.count,
    levels,
    snapshot: { value: snap.mean, se: snap.se, theory: initParameterVariance("torch", d, h) },
    kaimingTheory: initParameterVariance("kaiming", d, h),
    backend,
  };
}

// ---------------------------------------------------------------------------
// 5.2: bootstrap students.
// ---------------------------------------------------------------------------

/**
 * One (variant, m) of the linear bootstrap.
 *
 * @category Section 5: student initialization uncertainty
 */
export type LinearBootstrapRow = {
  /** Fraction f and bootstrap size m = ⌊f n⌋. */
  f: number;
  /** Bootstrap size. */
  m: number;
  /** "B: ground-truth bootstrap" or "A: teacher bootstrap". */
  variant: string;
  /** Mean test MSE over students. */
  mse: number;
  /** Its SE. */
  seMse: number;
  /** SD of the test MSE across students. */
  mseSd: number;
  /** Theory of the mean test MSE: Theorem 5.3 (B) or the teacher's own (A, Theorem 5.1). */
  theoryMse: number;
  /** Inter-student variance of the test predictions, averaged over test inputs. */
  variance: number;
  /** Its SE. */
  seVariance: number;
  /** Theorem 5.2 as stated, σ²/m · xᵀΣ⁻¹x averaged (population-variance scale). */
  thm52: number;
  /** Theorem 5.2's heteroscedasticity-robust (sandwich) form. */
  robust: number;
};

/**
 * Theorem 5.1 at one m: OLS students of the teacher bootstrap against the OLS teacher.
 *
 * @category Section 5: student initialization uncertainty
 */
export type Theorem51Row = {
  /** Fraction f. */
  f: number;
  /** Bootstrap size m. */
  m: number;
  /** Resamples whose design is rank deficient. */
  deficient: number;
  /** Expected count from binary features constant in the resample (see {@link BootstrapResult}). */
  deficientExpected: number;
  /** Largest |student − teacher| on the test inputs over full-rank resamples. */
  maxFull: number;
  /** The same over rank-deficient resamples (null when there is none). */
  maxDeficient: number | null;
  /** Inter-student variance of variant A. */
  varA: number;
};

/**
 * One (variant, m) of the neural bootstrap.
 *
 * @category Section 5: student initialization uncertainty
 */
export type NeuralBootstrapRow = {
  /** Fraction f. */
  f: number;
  /** Bootstrap size m. */
  m: number;
  /** Variant label. */
  variant: string;
  /** Mean test MSE. */
  mse: number;
  /** SD of the test MSE across students. */
  mseSd: number;
  /** Inter-student variance of the test predictions. */
  variance: number;
  /** Its SE. */
  seVariance: number;
};

/**
 * What {@link runBootstrap} returns.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface BootstrapResult {
  /** The configuration run. */
  config: StudentInitializationConfig;
  /** Protocol lines of the two data preparations (linear, neural). */
  protocol: { linear: string; neural: string };
  /** Training rows n, test rows and coefficients p (with the intercept) of the linear setting. */
  n: number;
  /** Test rows. */
  nTest: number;
  /** Coefficients with the intercept. */
  p: number;
  /** σ̂² = RSS/(n − p) of the OLS teacher. */
  sigma2: number;
  /** The OLS teacher's test MSE. */
  teacherMse: number;
  /**
   * Binary features of the training split (two distinct values): the rarer
   * value's count; a resample where such a feature is constant is rank deficient.
   */
  binary: { feature: string; rare: number }[];
  /** Linear students, both variants. */
  linear: LinearBootstrapRow[];
  /** Theorem 5.1 checks. */
  theorem51: Theorem51Row[];
  /** Neural students, both variants. */
  neural: NeuralBootstrapRow[];
  /** The neural teacher's test MSE and training MSE. */
  neuralTeacher: { testMse: number; trainMse: number };
  /** Neural training rows. */
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

/**
 * Section 5.2 (Figure 8; Theorems 5.1-5.3): OLS students of an OLS teacher
 * (13 features, split seed 42, scaler on the training split) and 13-64-1
 * students of a 13-128-1 teacher (split seed 1, float32, every student from
 * one shared PyTorch-default init), each on bootstrap resamples of size m,
 * passed as bootstrap counts; both variants share the resamples.
 *
 * @throws RangeError when the configuration is malformed (before any training).
 *
 * @category Section 5: student initialization uncertainty
 */
export async function runBootstrap(
  config: StudentInitializationConfig,
  options: RunOptions = {},
): Promise<BootstrapResult> {
  checkConfig("runBootstrap", config);
  const lin = prepareRegression(await loadBoston(), { splitSeed: 42, scaler: "train" });
  const { d, nTrain: n, nTest, xTrain, yTrain, xTest, yTest } = lin;
  const teacher = fitOls(xTrain, d, yTrain);
  const muTrain = predictOls(xTrain, teacher);
  const teacherMse = testMse(predictOls(xTest, teacher), yTest);
  const sigma2 = olsNoiseVariance(xTrain, d, yTrain);
  const S = config.linearStudents;
  const popFactor = (S - 1) / S; // the theorems give sample-scale variances; simulated are population
  const linSteps = await sweep(config.fractions, (f, fi) => {
    const m = Math.floor(f * n);
    const counts = countsFor(new Rng(config.seed).child(fi), S, n, m);
    const check = teacherBootstrapCheck(xTrain, d, teacher, counts, { xEval: xTest });
    const fitPredict = (targets: Float64Array) =>
      predictOls(xTest, fitOls(xTrain, d, repeatRows(targets, S), { weights: counts }));
    const predA = fitPredict(muTrain), predB = fitPredict(yTrain);
    const design = { x: xTrain, d, xTest };
    const thm52 = groundTruthBootstrapVariance(design, { noiseVariance: sigma2, m }).mean *
      popFactor;
    const robust = groundTruthBootstrapVarianceRobust(design, { y: yTrain, m }).mean * popFactor;
    const thm53 = groundTruthBootstrapMse({ noiseVariance: sigma2, d, m });
    const rows = ([[B_LABEL, predB, thm53], [A_LABEL, predA, teacherMse]] as const).map(
      ([variant, pred, theoryMse]) => {
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
      },
    );
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
  }, {
    label: "5.2 linear bootstrap",
    name: (f) => `m = ${Math.floor(f * n)}`,
    progress: options.progress,
  });
  const binary = binaryFeatures(xTrain, n, d, lin.featureNames);
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
    protocol: { linear: lin.protocol, neural: neural.protocol },
    n,
    nTest,
    p: d + 1,
    sigma2,
    teacherMse,
    binary,
    linear: linSteps.flatMap((s) => s.rows),
    theorem51,
    neural: neural.rows,
    neuralTeacher: neural.teacher,
    nNeural: neural.n,
  };
}

async function runNeuralBootstrap(config: StudentInitializationConfig, options: RunOptions) {
  const data = prepareRegression(await loadBoston(), { splitSeed: 1, scaler: "train" });
  const x = Float32Array.from(data.xTrain), xTest = Float32Array.from(data.xTest);
  const { nTrain: n, nTest, d } = data;
  const common = {
    x,
    n,
    d,
    outputs: 1,
    loss: "mse",
    epochs: config.epochs,
    lr: config.nnLr,
  } as const;
  const teacherNet = await fitCohort({
    ...common,
    hidden: config.teacherHidden,
    targets: Float32Array.from(data.yTrain),
    students: 1,
    seed: config.teacherSeed,
  });
  const teacherTrain = predictCohort(teacherNet, x, n);
  const teacher = {
    testMse: testMse(predictCohort(teacherNet, xTest, nTest), data.yTest),
    trainMse: teacherNet.finalLoss[0],
  };
  const h = config.studentHidden, S = config.neuralStudents;
  const init = initCohortParameters({ kind: "torch" }, d, h, 1, config.studentInitSeed, 0, 1, 1);
  const settings = config.fractions.flatMap((f, fi) =>
    ([[B_LABEL, Float32Array.from(data.yTrain)], [A_LABEL, teacherTrain]] as const).map((
      [variant, targets],
    ) => ({ f, fi, variant, targets }))
  );
  let counts: Float64Array = new Float64Array(0), countsOf = -1;
  const rows = await sweep(settings, async ({ f, fi, variant, targets }) => {
    const m = Math.floor(f * n);
    if (countsOf !== fi) { // both variants share the resamples of one m
      counts = countsFor(new Rng(config.seed + 1).child(fi), S, n, m);
      countsOf = fi;
    }
    const cohort = await fitCohort({
      ...common,
      hidden: h,
      targets,
      weights: counts,
      students: S,
      seed: config.seed,
      init: { kind: "fixed", parameters: init },
    });
    const pred = predictCohort(cohort, xTest, nTest);
    const mse = monteCarloSummary(studentTestMse(pred, data.yTest));
    const v = interStudentVariance(pred, nTest);
    return {
      f,
      m,
      variant,
      mse: mse.mean,
      mseSd: Math.sqrt(mse.variance),
      variance: v.mean,
      seVariance: v.se,
    };
  }, {
    label: "5.2 neural bootstrap",
    name: (st) => `m = ${Math.floor(st.f * n)}, ${st.variant}`,
    progress: options.progress,
  });
  return { rows, teacher, n, protocol: data.protocol };
}
