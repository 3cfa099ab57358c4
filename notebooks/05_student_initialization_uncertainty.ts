/**
 * The steps of notebook 05 (Section 5, "student initialization uncertainty"): the settings
 * and step functions (one setting in, rows out) that the notebook's sweeps, the tests and the
 * shards call, and the paper's words ({@link SECTION5_PAPER}). No figure, table, claim or prose:
 * the notebook's cells build those, from a run here or a merged shard run ({@link mergedOrRun}).
 * 5.1: students from a perturbed init, a fresh base per student (the authors') or one fixed
 * base (ours), networks ({@link initStep}) and language models ({@link llmLevelStep}); 5.2:
 * OLS and neural students on bootstrap resamples of the teacher's outputs (A) or the ground
 * truth (B) ({@link linearBootstrapStep}, {@link neuralBootstrapStep}). Protocol:
 * `docs/protocols.md`, "Section 5: student initialization uncertainty".
 *
 * @module
 */
import { byScale, type Scale } from "../lib/config.ts";
import {
  binaryColumns,
  loadBoston,
  prepareRegression,
  type RegressionSplit,
} from "../lib/data/mod.ts";
import { cloneGpt, disposeGpt, gptValues } from "../lib/llm/model.ts";
import { flatParameters, parameterOffset } from "../lib/llm/params.ts";
import { addRelativeNoise, trainOnQa } from "../lib/llm/train.ts";
import { fitCohort, initCohortParameters, parameterLayout, predictCohort } from "../lib/nn/mod.ts";
import { bootstrapCountRows, Rng } from "../lib/random.ts";
import * as unc from "../lib/uncertainty/mod.ts";
import * as kd from "../lib/mod.ts";
import * as llm from "./llm_setup.ts";
import * as text from "../lib/uncertainty/text/mod.ts";
import { type RunOptions, sweep } from "../tools/sweep.ts";

/** A sharded run's merged result, or the sweep run here (tools/merged.ts). */
export { mergedOrRun } from "../tools/merged.ts";

// ---------------------------------------------------------------- settings

/**
 * The configuration at a scale: `smoke` (seconds; the numbers mean nothing),
 * `default` (400 networks, 1,000 OLS students per setting: the default run's 25 minutes) or
 * `paper` (the code's 10,000 students per level in 5.1, 1,000 per setting in 5.2).
 */
export function studentInitializationConfig(scale: Scale, seed = 5) {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed,
    levels: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4] as readonly number[], // 5.1: s
    hidden: 128, // 5.1: 11-128-1 students
    students: at({ smoke: 8, default: 400, paper: 10000 }), // per (level, variant)
    epochs: at({ smoke: 20, default: 300, paper: 300 }), // full-batch Adam, every network
    lr: 0.01, // 5.1's learning rate
    trace: 5, // fixed-base students whose first hidden bias is kept per level
    fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] as readonly number[], // m = ⌊f n⌋
    linearStudents: at({ smoke: 50, default: 1000, paper: 1000 }), // 5.2: per (variant, m)
    neuralStudents: at({ smoke: 8, default: 400, paper: 1000 }),
    teacherHidden: 128, // 5.2: a 13-128-1 teacher
    studentHidden: 64, // and 13-64-1 students
    nnLr: 1e-3, // 5.2's learning rate
    teacherSeed: 1, // ours: the protocol is silent
    studentInitSeed: 1234, // the code's: the students' one init
  };
}

/** Configuration of Section 5 with small networks (counts scale; the structure never does). */
export type StudentInitializationConfig = ReturnType<typeof studentInitializationConfig>;

/** Throws naming the first of `mins`'s fields of `c` that is not an integer >= its minimum. */
function checkCounts<K extends string>(
  fn: string,
  c: Record<NoInfer<K>, number>,
  mins: Record<K, number>,
) {
  for (const [k, min] of Object.entries(mins) as [K, number][]) {
    if (!Number.isInteger(c[k]) || c[k] < min) {
      throw new RangeError(`${fn}: config.${k} must be an integer >= ${min}, got ${c[k]}.`);
    }
  }
}

function checkConfig(fn: string, c: StudentInitializationConfig): void {
  const sizes = { hidden: 1, epochs: 1, teacherHidden: 1, studentHidden: 1 }; // and 2 students
  checkCounts(fn, c, { ...sizes, students: 2, linearStudents: 2, neuralStudents: 2 });
  if (!Array.isArray(c.levels) || c.levels.length < 2 || c.levels.some((s) => !(s >= 0))) {
    throw new RangeError(`${fn}: config.levels needs at least two levels s >= 0.`);
  }
  if (!Array.isArray(c.fractions) || c.fractions.some((f) => !(f > 0 && f <= 1))) {
    throw new RangeError(`${fn}: config.fractions must lie in (0, 1].`);
  }
}

/** "Distinct optima": training keeps more than this share of the spread it started from. */
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

/** The two init variants of 5.1: the authors' (a new Kaiming base per student) and ours. */
export const INIT_VARIANTS = [
  { key: "fresh", label: "fresh base (reference)" },
  { key: "fixed", label: "fixed base" },
] as const;

/** One setting of 5.1's sweep: a variant and a level. */
export type InitSetting = (typeof INIT_VARIANTS)[number] & { s: number };

/** The Boston setting of 5.1: 11 numeric features, scaler on the full data, split seed 42. */
export async function boston11(): Promise<RegressionSplit> {
  const data = await loadBoston({ numericOnly: true });
  return prepareRegression(data, { splitSeed: 42, scaler: "full" });
}

/**
 * One (variant, level) of 5.1: `students` 11-128-1 networks trained on the ground truth from
 * a perturbed Kaiming init (student k on one stream at every level): test MSE (mean, variance
 * across students, SEs), the mean parameter variance across students `before` (with its closed
 * form) and `after` training, the first hidden bias's band and the first `trace` fixed-base
 * students' paths, delete-one statistics over students (`jack`), the engine.
 */
export async function initStep(
  config: StudentInitializationConfig,
  data: RegressionSplit,
  base: Float32Array,
  { key, label, s }: InitSetting,
) {
  const { d, nTrain: n, nTest } = data, h = config.hidden, S = config.students;
  const E = config.epochs, layout = parameterLayout(d, h, 1);
  const cohort = await fitCohort({
    ...{ x: Float32Array.from(data.xTrain), n, d, hidden: h, outputs: 1, loss: "mse" },
    ...{ targets: Float32Array.from(data.yTrain), students: S, epochs: E, lr: config.lr },
    seed: config.seed,
    track: [layout.b1],
    init: key === "fresh"
      ? { kind: "perturbed", scale: s, base: "kaiming" }
      : { kind: "perturbed", scale: s, base: "kaiming", baseSeed: config.seed },
  });
  const xTest = Float32Array.from(data.xTest);
  const mses = kd.studentTestMse(predictCohort(cohort, xTest, nTest), data.yTest);
  const mse = kd.monteCarloSummary(mses);
  const jack = {
    mse: unc.jackknifeMean(mses),
    varMse: unc.jackknifeVariance(mses),
    before: unc.jackknifeVariance(cohort.initialParameters, layout.count),
    after: unc.jackknifeVariance(cohort.parameters, layout.count),
  };
  const band = unc.trajectoryBand(cohort.trajectories, S, E + 1);
  const traces: number[][] = [];
  for (let k = 0; key === "fixed" && k < Math.min(config.trace, S); k++) {
    traces.push(Array.from(cohort.trajectories.subarray(k * (E + 1), (k + 1) * (E + 1))));
  }
  const beforeTheory = key === "fresh"
    ? unc.initParameterVariance("kaiming", d, h, s)
    : unc.fixedBaseParameterVariance(base, d, h, s);
  return {
    ...{ variant: key, label, s, mse: mse.mean, seMse: mse.seMean, varMse: mse.variance },
    ...{ seVarMse: mse.seVariance, trainLoss: kd.monteCarloSummary(cohort.finalLoss).mean },
    ...{ before: jack.before.value, beforeTheory, after: jack.after.value },
    ...{ biasSd0: band.sd[0], biasSd: band.sd[E], biasMean: band.mean, biasSdPath: band.sd },
    ...{ traces, jack, backend: `${cohort.backend}, ${cohort.workers} worker(s)` },
  };
}

/** One (variant, level) of 5.1: what {@link initStep} returns, the engine aside. */
export type InitLevel = Omit<Awaited<ReturnType<typeof initStep>>, "backend">;

/**
 * Section 5.1 (Figure 6, NN panel; Appendix D): {@link initStep} at every level of both
 * variants, and what the authors' script reports as "parameter variance before training"
 * (`snapshot`: PyTorch's default init; closed form) beside the Kaiming init's closed form.
 *
 * @throws RangeError when the configuration is malformed (before any training).
 */
export async function runInitPerturbation(
  config: StudentInitializationConfig,
  options: RunOptions = {},
) {
  checkConfig("runInitPerturbation", config);
  const data = await boston11();
  const { d } = data, h = config.hidden, S = config.students;
  const P = parameterLayout(d, h, 1).count;
  // The base the fixed variant perturbs (scale 0 leaves it as drawn from new Rng(baseSeed)).
  const fixed = { kind: "perturbed", scale: 0, base: "kaiming", baseSeed: config.seed } as const;
  const base = initCohortParameters(fixed, d, h, 1, config.seed, 0, 1, 1);
  const settings = INIT_VARIANTS.flatMap((v) => config.levels.map((s) => ({ ...v, s })));
  const rows = await sweep(settings, (st) => initStep(config, data, base, st), {
    label: "5.1 init perturbation",
    name: (v) => `${v.key} base, s = ${v.s}`,
    progress: options.progress,
  });
  // The authors' snapshot: PyTorch's default init, before Kaiming and the perturbation.
  const torch = initCohortParameters({ kind: "torch" }, d, h, 1, config.seed, 0, S, S);
  const snap = kd.interStudentVariance(torch, P),
    theory = unc.initParameterVariance("torch", d, h);
  const snapshot = { value: snap.mean, se: snap.se, theory };
  const levels: InitLevel[] = rows.map(({ backend: _b, ...l }) => l);
  return {
    ...{ config, protocol: data.protocol, d, hidden: h, parameters: P, levels, snapshot },
    kaimingTheory: unc.initParameterVariance("kaiming", d, h),
    backend: rows.at(-1)?.backend ?? "",
  };
}

/** What {@link runInitPerturbation} returns. */
export type InitPerturbationResult = Awaited<ReturnType<typeof runInitPerturbation>>;

// ---------------------------------------------------------------- 5.2: bootstrap students

const B_LABEL = "B: ground-truth bootstrap", A_LABEL = "A: teacher bootstrap";

/** 5.2's linear setting (13 features, split seed 42, scaler on the training split), OLS teacher. */
export async function linearBootstrapSetup() {
  const data = prepareRegression(await loadBoston(), { splitSeed: 42, scaler: "train" });
  const { d, xTrain, yTrain, xTest, yTest } = data;
  const teacher = kd.fitOls(xTrain, d, yTrain);
  const muTrain = kd.predictOls(xTrain, teacher);
  const sigma2 = kd.olsNoiseVariance(xTrain, d, yTrain);
  const teacherMse = kd.testMse(kd.predictOls(xTest, teacher), yTest);
  return { data, teacher, muTrain, sigma2, teacherMse };
}

/**
 * One m of 5.2 with OLS students (fraction `f`, the `fi`-th), both variants on the same S
 * resamples: per variant (`rows`) test MSE and its theory (5.3 for B, 5.1 for A), the
 * inter-student variance with Theorem 5.2 and its sandwich form; `check`: Theorem 5.1.
 */
export function linearBootstrapStep(
  config: StudentInitializationConfig,
  setup: Awaited<ReturnType<typeof linearBootstrapSetup>>,
  f: number,
  fi: number,
) {
  const { data: { d, nTrain: n, nTest, xTrain, yTrain, xTest, yTest }, teacher } = setup;
  const S = config.linearStudents, m = Math.floor(f * n), sigma2 = setup.sigma2;
  const popFactor = (S - 1) / S; // the theorems' variances are sample-scale; ours population
  const counts = bootstrapCountRows(new Rng(config.seed).child(fi), S, n, m);
  const check = kd.teacherBootstrapCheck(xTrain, d, teacher, counts, { xEval: xTest });
  const fitPredict = (targets: Float64Array) => {
    const y = new Float64Array(S * n).map((_, i) => targets[i % n]); // S copies of the targets
    return kd.predictOls(xTest, kd.fitOls(xTrain, d, y, { weights: counts }));
  };
  const predA = fitPredict(setup.muTrain), predB = fitPredict(yTrain);
  const design = { x: xTrain, d, xTest };
  const thm52 = kd.groundTruthBootstrapVariance(design, { noiseVariance: sigma2, m }).mean *
    popFactor;
  const robust = kd.groundTruthBootstrapVarianceRobust(design, { y: yTrain, m }).mean *
    popFactor;
  const thm53 = kd.groundTruthBootstrapMse({ noiseVariance: sigma2, d, m });
  const variants = [[B_LABEL, predB, thm53], [A_LABEL, predA, setup.teacherMse]] as const;
  const rows = variants.map(([variant, pred, theoryMse]) => {
    const mse = kd.monteCarloSummary(kd.studentTestMse(pred, yTest));
    const v = kd.interStudentVariance(pred, nTest);
    const stats = { mse: mse.mean, seMse: mse.seMean, mseSd: Math.sqrt(mse.variance) };
    return {
      f,
      m,
      variant,
      ...stats,
      theoryMse,
      variance: v.mean,
      seVariance: v.se,
      thm52,
      robust,
    };
  });
  let worst = null as number | null;
  check.fullRank.forEach((full, s) => {
    if (!full) worst = Math.max(worst ?? 0, check.maxAbsPredictionDiff[s]);
  });
  const { rankDeficientCount: deficient, maxFullRankDiff: maxFull } = check;
  const varA = rows[1].variance;
  return {
    rows,
    check: { f, m, deficient, deficientExpected: 0, maxFull, maxDeficient: worst, varA },
  };
}

/** One (variant, m) of the linear bootstrap. */
export type LinearBootstrapRow = ReturnType<typeof linearBootstrapStep>["rows"][number];
/** Theorem 5.1 at one m: OLS students of the teacher bootstrap against the OLS teacher. */
export type Theorem51Row = ReturnType<typeof linearBootstrapStep>["check"];

/**
 * Section 5.2 (Figure 8; Theorems 5.1-5.3): {@link linearBootstrapStep} at every m, then the
 * neural students ({@link runNeuralBootstrap}).
 *
 * @throws RangeError when the configuration is malformed (before any training).
 */
export async function runBootstrap(config: StudentInitializationConfig, options: RunOptions = {}) {
  checkConfig("runBootstrap", config);
  const setup = await linearBootstrapSetup();
  const { d, nTrain: n, nTest, xTrain, featureNames } = setup.data, S = config.linearStudents;
  const step = (f: number, fi: number) => linearBootstrapStep(config, setup, f, fi);
  const linSteps = await sweep(config.fractions, step, {
    label: "5.2 linear bootstrap",
    name: (f) => `m = ${Math.floor(f * n)}`,
    progress: options.progress,
  });
  const binary = binaryColumns(xTrain, n, d, featureNames);
  // P(feature constant in m draws) = (1 − q)^m + q^m, q the rare value's share.
  const expected = (m: number) =>
    S * binary.reduce((a, b) => a + (1 - b.rare / n) ** m + (b.rare / n) ** m, 0);
  const theorem51 = linSteps.map(({ check }) => ({
    ...check,
    deficientExpected: expected(check.m),
  }));
  const neural = await runNeuralBootstrap(config, options);
  const { sigma2, teacherMse } = setup,
    protocol = { linear: setup.data.protocol, neural: neural.protocol };
  return {
    ...{ config, protocol, n, nTest, p: d + 1, sigma2, teacherMse, binary, theorem51 },
    linear: linSteps.flatMap((s) => s.rows),
    ...{ neural: neural.rows, neuralTeacher: neural.teacher, nNeural: neural.n },
  };
}

/** What {@link runBootstrap} returns. */
export type BootstrapResult = Awaited<ReturnType<typeof runBootstrap>>;

/** The neural networks' shared options: the training inputs, full-batch Adam. */
function nnOptions(config: StudentInitializationConfig, data: RegressionSplit) {
  const adam = { outputs: 1, loss: "mse" as const, epochs: config.epochs, lr: config.nnLr };
  return { x: Float32Array.from(data.xTrain), n: data.nTrain, d: data.d, ...adam };
}

/** 5.2's neural setting (split seed 1), its 13-128-1 teacher, the students' one init. */
export async function neuralBootstrapSetup(config: StudentInitializationConfig) {
  const data = prepareRegression(await loadBoston(), { splitSeed: 1, scaler: "train" });
  const teacherNet = await fitCohort({
    ...nnOptions(config, data),
    hidden: config.teacherHidden,
    targets: Float32Array.from(data.yTrain),
    students: 1,
    seed: config.teacherSeed,
  });
  const { d, nTrain: n, nTest } = data, xTest = Float32Array.from(data.xTest);
  const teacherTrain = predictCohort(teacherNet, Float32Array.from(data.xTrain), n);
  const testMse = kd.testMse(predictCohort(teacherNet, xTest, nTest), data.yTest);
  const teacher = { testMse, trainMse: teacherNet.finalLoss[0] };
  const h = config.studentHidden, seed = config.studentInitSeed;
  const init = initCohortParameters({ kind: "torch" }, d, h, 1, seed, 0, 1, 1);
  return { data, teacherTrain, teacher, init };
}

/** One setting of the neural bootstrap: fraction f (the fi-th) and a variant. */
export type NeuralBootstrapSetting = { f: number; fi: number; variant: string };

/**
 * One (m, variant) of 5.2: 13-64-1 students from one init on S resamples of size m (the same
 * for both variants): test MSE and its SD, the inter-student variance and its SE.
 */
export async function neuralBootstrapStep(
  config: StudentInitializationConfig,
  setup: Awaited<ReturnType<typeof neuralBootstrapSetup>>,
  { f, fi, variant }: NeuralBootstrapSetting,
) {
  const { data } = setup, n = data.nTrain, S = config.neuralStudents, m = Math.floor(f * n);
  const counts = bootstrapCountRows(new Rng(config.seed + 1).child(fi), S, n, m);
  const targets = variant === B_LABEL ? Float32Array.from(data.yTrain) : setup.teacherTrain;
  const cohort = await fitCohort({
    ...nnOptions(config, data),
    hidden: config.studentHidden,
    targets,
    weights: counts,
    students: S,
    seed: config.seed,
    init: { kind: "fixed", parameters: setup.init },
  });
  const pred = predictCohort(cohort, Float32Array.from(data.xTest), data.nTest);
  const mse = kd.monteCarloSummary(kd.studentTestMse(pred, data.yTest));
  const v = kd.interStudentVariance(pred, data.nTest);
  const mseSd = Math.sqrt(mse.variance);
  return { f, m, variant, mse: mse.mean, mseSd, variance: v.mean, seVariance: v.se };
}

/** One (variant, m) of the neural bootstrap. */
export type NeuralBootstrapRow = Awaited<ReturnType<typeof neuralBootstrapStep>>;

/** The neural students of 5.2: {@link neuralBootstrapStep} at every (m, variant). */
export async function runNeuralBootstrap(
  config: StudentInitializationConfig,
  options: RunOptions = {},
) {
  const setup = await neuralBootstrapSetup(config), n = setup.data.nTrain;
  const settings = config.fractions.flatMap((f, fi) =>
    [B_LABEL, A_LABEL].map((variant) => ({ f, fi, variant }))
  );
  const rows = await sweep(settings, (st) => neuralBootstrapStep(config, setup, st), {
    label: "5.2 neural bootstrap",
    name: (st) => `m = ${Math.floor(st.f * n)}, ${st.variant}`,
    progress: options.progress,
  });
  return { rows, teacher: setup.teacher, n, protocol: setup.data.protocol };
}

// ---------------------------------------------------------------- 5.1 with language models

/**
 * The configuration at a scale. `default` (10 students per level, 3 epochs, 400 training
 * questions) keeps the chapter's language-model part within minutes on a quiet 2-core
 * machine with the native engine; `paper` has the paper's 20 students per level.
 */
export function llmInitializationConfig(scale: Scale = "default") {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed: 5100,
    levels: [0, 0.01, 0.02, 0.05, 0.1], // relative init noise s (0: the base itself)
    batchSize: 10,
    track: { layer: 0, index: 0 }, // Figure 12's weight: this layer's attention projection, index
    students: at({ smoke: 3, default: 10, paper: 20 }),
    trainQuestions: at({ smoke: 12, default: 400, paper: 3989 }),
    evalQuestions: at({ smoke: 10, default: 200, paper: 443 }),
    epochs: at({ smoke: 1, default: 3, paper: 3 }),
    learningRate: at({ smoke: 1e-3, default: 1e-3, paper: 5e-4 }),
  };
}

/** Counts of the language-model experiment of 5.1. */
export type LlmInitializationConfig = ReturnType<typeof llmInitializationConfig>;

/** Expected seconds of {@link runLlmInitialization} on a quiet machine (from the counts). */
export function llmInitializationSeconds(c: LlmInitializationConfig): number {
  const models = c.levels.length * c.students, u = llm.LLM_UNIT_SECONDS;
  return models * c.trainQuestions * c.epochs * u.pairEpoch +
    (c.trainQuestions + (1 + models) * c.evalQuestions) * u.greedy +
    (2 + models) * c.evalQuestions * u.embed;
}

function checkLlmConfig(c: LlmInitializationConfig, setup: llm.LlmSetup): void {
  const fn = "runLlmInitialization";
  const mins = { students: 3, trainQuestions: 1, evalQuestions: 2, epochs: 1, batchSize: 1 };
  checkCounts(fn, c, mins);
  if (c.levels.length < 2 || !c.levels.every((s) => s >= 0 && isFinite(s))) {
    throw new RangeError(`${fn}: config.levels needs at least 2 finite scales >= 0.`);
  }
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
  const { train, test } = setup.qa;
  if (c.trainQuestions > train.length || c.evalQuestions > test.length) {
    throw new RangeError(
      `${fn}: config asks for ${c.trainQuestions} training, ${c.evalQuestions} test questions; ` +
        `the split has ${train.length} and ${test.length}.`,
    );
  }
  if (!(c.learningRate > 0)) throw new RangeError(`${fn}: config.learningRate must be > 0.`);
  const layers = setup.base.config.layers;
  if (!Number.isInteger(c.track.layer) || c.track.layer < 0 || c.track.layer >= layers) {
    throw new RangeError(`${fn}: config.track.layer must be in [0, ${layers}).`);
  }
}

/** What every level shares: the teacher's greedy answers (the targets), the test questions. */
export async function llmInitializationContext(c: LlmInitializationConfig, setup: llm.LlmSetup) {
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
  return { config: c, setup, data, evalQs, truths, teacherEmb, tracked };
}

type LlmContext = Awaited<ReturnType<typeof llmInitializationContext>>;

/** Student k at level s: the base plus relative noise from stream k, fine-tuned. */
function llmStudent(x: LlmContext, s: number, k: number) {
  const { config: c, setup } = x, root = new Rng(c.seed), model = cloneGpt(setup.base);
  try {
    addRelativeNoise(model, s, root.child(k).child(1));
    const before = flatParameters(gptValues(model));
    const adam = { epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate };
    // seed: root, the same data order for every student
    const res = trainOnQa(model, x.data, { ...adam, seed: root, track: x.tracked });
    const start = before[parameterOffset(model, x.tracked.name) + x.tracked.index];
    const greedy = { temperature: 0, maxNewTokens: setup.maxNewTokens };
    const [answers] = llm.sampleAnswers(model, x.evalQs, greedy);
    const loss = res.epochLosses[res.epochLosses.length - 1];
    const after = flatParameters(gptValues(model)), trajectory = [start, ...res.trajectory];
    return { before, after, answers, loss, trajectory };
  } finally {
    disposeGpt(model);
  }
}

/**
 * One level s of 5.1 with language models: the students' answers' alignment, spread and
 * hallucination, the parameter variance across students before and after fine-tuning (with
 * jackknifed after − before and after − {@link KEPT_FRACTION} × before), the tracked weight's
 * paths, and the spread with each student left out (`looInter`, for the trend's jackknife).
 */
export async function llmLevelStep(x: LlmContext, s: number) {
  const students = Array.from({ length: x.config.students }, (_, k) => llmStudent(x, s, k));
  const emb = await Promise.all(students.map((t) => x.setup.embed(t.answers)));
  const vb = unc.meanSampleVariance(students.map((t) => t.before));
  const va = unc.meanSampleVariance(students.map((t) => t.after));
  // after − w × before, with its jackknife SE over students
  const keptBy = (w: number) => {
    const value = va.value - w * vb.value,
      deleteOne = va.deleteOne.map((a, k) => a - w * vb.deleteOne[k]);
    return unc.jackknifeCombination([{ weight: 1, stat: { value, deleteOne } }]);
  };
  return {
    s,
    alignment: text.alignment(x.teacherEmb, emb),
    inter: text.answerInterStudentVariance(emb),
    hallucination: text.hallucinationRates(emb, x.truths),
    trainLoss: unc.meanSe(students.map((t) => t.loss)),
    paramVarBefore: vb.value,
    paramVarAfter: va.value,
    paramVarGrowth: keptBy(1),
    paramVarKept: keptBy(KEPT_FRACTION),
    trajectories: students.map((t) => t.trajectory),
    looInter: text.leaveOneOutAnswerVariance(emb),
  };
}

/** One perturbation level: what {@link llmLevelStep} returns, `looInter` aside. */
export type LlmInitializationLevel = Omit<Awaited<ReturnType<typeof llmLevelStep>>, "looInter">;

/** The slope in s of the inter-student variance over levels `idx`, jackknifed over students. */
function interTrend(levels: Awaited<ReturnType<typeof llmLevelStep>>[], idx: number[]) {
  const x = idx.map((i) => levels[i].s), S = levels[0].looInter.length;
  const slopeOf = (ys: number[]) => unc.slopeAcrossUnits(x, [ys, ys]).slope;
  const deleteOne = Float64Array.from(
    { length: S },
    (_, k) => slopeOf(idx.map((i) => levels[i].looInter[k])),
  );
  const value = slopeOf(idx.map((i) => levels[i].inter.mean));
  const j = unc.jackknifeCombination([{ weight: 1, stat: { value, deleteOne } }]);
  return { slope: j.value, se: j.se, z: j.value / j.se } as unc.SlopeTest;
}

/**
 * Section 5.1 with language models (Figure 6, Appendix D): {@link llmLevelStep} at every level
 * and the trends in s, paired over questions and over students (the same at every level); the
 * spread's also over s > 0 only (`interPositive`: it is 0 at s = 0 by design).
 *
 * @throws RangeError for a bad configuration, before any work.
 */
export async function runLlmInitialization(
  config: LlmInitializationConfig,
  setup: llm.LlmSetup,
  options: RunOptions = {},
) {
  checkLlmConfig(config, setup);
  const t0 = performance.now(), c = config, x = c.levels;
  const ctx = await llmInitializationContext(c, setup);
  const raw = await sweep(x, (s) => llmLevelStep(ctx, s), {
    label: "init perturbation",
    name: (s) => `s = ${s}`,
    progress: options.progress,
  });
  const levels: LlmInitializationLevel[] = raw.map(({ looInter: _l, ...l }) => l);
  const byQ = (f: (l: LlmInitializationLevel) => number[]) =>
    unc.slopeAcrossUnits(x, f(levels[0]).map((_, q) => levels.map((l) => f(l)[q])));
  const pos = x.map((_s, i) => i).filter((i) => x[i] > 0);
  const al = levels.map((l) => l.alignment.perStudent);
  const perStudent = Array.from({ length: c.students }, (_, k) => al.map((p) => p[k]));
  const probe = cloneGpt(setup.base);
  const parameters = flatParameters(gptValues(probe)).length;
  disposeGpt(probe);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  return {
    ...{ config, description: setup.description, seconds, tracked: ctx.tracked, parameters },
    levels,
    teacherHallucination: text.hallucinationRates([ctx.teacherEmb], ctx.truths),
    trends: {
      alignment: {
        questions: byQ((l) => l.alignment.perQuestion),
        students: unc.slopeAcrossUnits(x, perStudent),
      },
      inter: {
        questions: byQ((l) => l.inter.perQuestion),
        students: interTrend(raw, x.map((_s, i) => i)),
      },
      interPositive: new Set(pos.map((i) => x[i])).size < 2 ? null : interTrend(raw, pos),
      hallucination: byQ((l) => l.hallucination.perQuestion),
    },
  };
}

/** What {@link runLlmInitialization} returns. */
export type LlmInitializationResult = Awaited<ReturnType<typeof runLlmInitialization>>;
