/**
 * The steps of notebook 04 (Section 4, "teacher output uncertainty"; Sections 4.1-4.2, Figure 2)
 * with linear and neural students: the settings and the step functions (one noise level in, a
 * row out) that the notebook's sweep, the tests and the shards call. Students are distilled from
 * noisy teacher outputs y~ = mu_T(x) + eps, eps ~ N(0, sigma2), over the paper's grid of noise
 * levels; linear (OLS) students beside the closed forms of Theorems 4.1-4.3, neural (13-16-1)
 * students on Boston. No figure, table, claim or prose: the notebook's cells build those, from a
 * run here or a merged shard run ({@link mergedOrRun}). Section 4.3 with language models is
 * `04_llm_temperature.ts`. Protocol: `docs/protocols.md`, "Section 4: teacher output uncertainty".
 *
 * - {@link teacherOutputSetup}: the Boston split, the linear and the neural teacher;
 * - {@link linearLevelStep}, {@link neuralLevelStep}: one noise level's students;
 * - {@link runTeacherOutput}: both sweeps, the theory checks, the curvature tests and the
 *   monotone steps the notebook's figures, table and claims are built from.
 *
 * @module
 */
import { byScale, runScale, type Scale } from "../lib/config.ts";
import { loadBoston, prepareRegression, type RegressionSplit } from "../lib/data/mod.ts";
import { noiseVariance, noisyTeacherLabels } from "../lib/distill/mod.ts";
import * as linear from "../lib/linear/mod.ts";
import { type Cohort, fitCohort, predictCohort } from "../lib/nn/mod.ts";
import { Rng } from "../lib/random.ts";
import * as unc from "../lib/uncertainty/mod.ts";
import * as kd from "../lib/mod.ts";
import { checkCounts, type CohortConfig, type RunOptions, sweep } from "../tools/sweep.ts";

/** A sharded run's merged result, or the sweep run here (tools/merged.ts). */
export { mergedOrRun } from "../tools/merged.ts";

// ---------------------------------------------------------------- settings

/** The configuration of the Section 4 experiment (see {@link teacherOutputConfig}). */
export interface TeacherOutputConfig extends CohortConfig {
  /** Noise levels as fractions of Var(y_train) (the paper's 15-level grid). */
  levels: readonly number[];
}

/**
 * The Section 4.2 protocol at a scale: the paper's 15 noise levels (0, 0.1, ..., 1, 1.25, 1.5,
 * 1.75, 2), 13-16-1 networks trained 200 epochs, and 1,000 students per level (50 linear and 20
 * neural at `smoke`). Seed 4. The notebook writes the same literal out; a test compares them.
 */
export function teacherOutputConfig(scale: Scale = runScale()): TeacherOutputConfig {
  return {
    scale,
    seed: 4,
    levels: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2],
    students: byScale({ smoke: 50, default: 1000, paper: 1000 }, scale),
    neuralStudents: byScale({ smoke: 20, default: 1000, paper: 1000 }, scale),
    hidden: 16,
    epochs: 200,
    lr: 0.01,
    splitSeed: 42,
  };
}

function checkConfig(c: TeacherOutputConfig): void {
  const fn = "runTeacherOutput";
  if (!c || typeof c !== "object") throw new Error(`${fn}: config is required.`);
  if (!Array.isArray(c.levels) || c.levels.length < 4) {
    throw new RangeError(`${fn}: config.levels needs at least 4 noise levels (got ${c.levels}).`);
  }
  c.levels.forEach((l, i) => {
    if (!(Number.isFinite(l) && l >= 0) || (i > 0 && !(l > c.levels[i - 1]))) {
      throw new RangeError(
        `${fn}: config.levels must be increasing finite numbers >= 0; levels[${i}] = ${l}.`,
      );
    }
  });
  checkCounts(fn, c, { students: 2, neuralStudents: 2, hidden: 1, epochs: 1 });
  if (!(c.lr > 0)) throw new RangeError(`${fn}: config.lr must be > 0 (got ${c.lr}).`);
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
}

// ---------------------------------------------------------------- rows

/** Mean and variance across students of one quantity, with Monte Carlo SEs (plain numbers). */
export interface Summary {
  mean: number;
  seMean: number;
  variance: number;
  seVariance: number;
}

/** One noise level's Monte Carlo results. */
export interface NoiseLevel {
  /** Noise level as a fraction of Var(y_train) (the paper's x axis). */
  level: number;
  /** The absolute noise variance sigma2 = level * Var(y_train). */
  sigma2: number;
  /** Test MSE against the ground truth y_test, across students. */
  mseTruth: Summary;
  /** Test MSE against the teacher's test outputs, across students. */
  mseTeacher: Summary;
  /** Variance across students of the predictions, averaged over test inputs (the paper's text). */
  inter: { mean: number; se: number };
}

/** A linear level: the simulation and its closed forms, scaled by (S-1)/S where variances. */
export interface LinearLevel extends NoiseLevel {
  theory: {
    /** Theorem 4.3: E[test MSE vs ground truth]. */
    mseTruth: number;
    /** Theorem 4.2: E[test MSE vs teacher] = sigma2 tr(H) / m. */
    mseTeacher: number;
    /** Var across students of the test MSE vs truth (ours: a Gaussian quadratic form). */
    varMseTruth: number;
    /** Var across students of the test MSE vs teacher. */
    varMseTeacher: number;
    /** Theorem 4.1 averaged over the test inputs, sigma2 tr(H) / m. */
    inter: number;
    /** The teacher-bias term of the Theorem 4.2 reference (0: an OLS fit to an OLS teacher). */
    teacherBias: number;
  };
}

/** One simulation-against-closed-form comparison; z is null at level 0 (SE 0 there). */
export interface TheoryCheck {
  what: string;
  level: number;
  sim: number;
  se: number;
  theory: number;
  z: number | null;
}

/** The weighted quadratic fit v = a + b sigma2 + c sigma2^2 of one curve, and its elasticity. */
export interface Trend {
  student: "linear" | "neural";
  quantity: string;
  b: number;
  seB: number;
  c: number;
  seC: number;
  /** z = c / SE(c) and its one-sided p-value (c > 0). */
  z: number;
  p: number;
  /** chi^2 / dof of the quadratic. */
  chi2: number;
  /** d log v / d log sigma2 over sigma2 >= 0.5 Var(y_train), with its SE. */
  elasticity: number;
  seE: number;
  /** The curvature the closed forms imply (linear students), else null. */
  cTheory: number | null;
}

/** The steps of the mean test MSE over the grid, in SE units; `smallest` has the least z. */
export interface Monotone {
  first: number;
  last: number;
  steps: number;
  down: number;
  smallest: { diff: number; se: number; z: number };
}

function plain(s: kd.MonteCarloSummary): Summary {
  return { mean: s.mean, seMean: s.seMean, variance: s.variance, seVariance: s.seVariance };
}

// ---------------------------------------------------------------- steps

/**
 * What every level shares: the Boston split (all 13 features, z-scored on the full data, the
 * configured split), the linear teacher (OLS) and the neural teacher (a 13-h-1 network on the
 * ground truth, cohort seed `config.seed`), their outputs, and Var(y_train).
 */
export async function teacherOutputSetup(config: TeacherOutputConfig) {
  const data: RegressionSplit = prepareRegression(await loadBoston(), {
    splitSeed: config.splitSeed,
    scaler: "full",
  });
  const { d, xTrain, yTrain, xTest, nTrain, nTest } = data;
  const linTeacher = linear.fitOls(xTrain, d, yTrain);
  const shape = { hidden: config.hidden, outputs: 1, loss: "mse" as const };
  const adam = { ...shape, epochs: config.epochs, lr: config.lr };
  const x32 = Float32Array.from(xTrain), xTest32 = Float32Array.from(xTest);
  const nnTeacher: Cohort = await fitCohort({
    ...adam,
    ...{ x: x32, n: nTrain, d, targets: Float32Array.from(yTrain), students: 1 },
    ...{ seed: config.seed, workers: 0 },
  });
  return {
    ...{ data, adam, x32, xTest32, nnTeacher },
    linMuTrain: linear.predictOls(xTrain, linTeacher),
    linMuTest: linear.predictOls(xTest, linTeacher),
    nnMuTrain: Float64Array.from(predictCohort(nnTeacher, x32, nTrain)),
    nnMuTest: Float64Array.from(predictCohort(nnTeacher, xTest32, nTest)),
    varY: noiseVariance({ fraction: 1, yTrain }),
  };
}

/** What {@link teacherOutputSetup} returns. */
export type TeacherOutputSetup = Awaited<ReturnType<typeof teacherOutputSetup>>;

/**
 * One noise level (the `li`-th) with linear students: S OLS students, each on its own noisy
 * copy of the linear teacher's training outputs (level li draws from `Rng(seed).child(li)`;
 * all S label sets share one factorization), their test MSE against the truth and against the
 * teacher, the inter-student variance, and the closed forms (Theorems 4.1-4.3).
 */
export function linearLevelStep(
  config: TeacherOutputConfig,
  setup: TeacherOutputSetup,
  level: number,
  li: number,
): LinearLevel {
  const { d, xTrain, yTrain, xTest, yTest, nTest } = setup.data, S = config.students;
  const shrink = (S - 1) / S; // E[population variance over S students] / true variance
  const design = { x: xTrain, d, xTest };
  const sigma2 = noiseVariance({ fraction: level, yTrain });
  const labels = noisyTeacherLabels(setup.linMuTrain, { variance: sigma2 }, {
    students: S,
    seed: new Rng(config.seed).child(li),
  });
  const pred = linear.predictOls(xTest, linear.fitOls(xTrain, d, labels)); // S x m
  const inter = kd.interStudentVariance(pred, nTest);
  const common = { ...design, sigma2, teacherTrain: setup.linMuTrain };
  const thTruth = linear.linearStudentMse({ ...common, reference: yTest }); // Theorem 4.3
  const thTeacher = linear.linearStudentMse({ ...common, reference: setup.linMuTest }); // 4.2
  return {
    level,
    sigma2,
    mseTruth: plain(kd.monteCarloSummary(kd.studentTestMse(pred, yTest))),
    mseTeacher: plain(kd.monteCarloSummary(kd.studentTestMse(pred, setup.linMuTest))),
    inter: { mean: inter.mean, se: inter.se },
    theory: {
      mseTruth: thTruth.mean,
      mseTeacher: linear.linearMseVsTeacher(design, { sigma2 }),
      varMseTruth: shrink * thTruth.variance,
      varMseTeacher: shrink * thTeacher.variance,
      inter: shrink * linear.linearPredictiveVariance(design, { sigma2 }).mean,
      teacherBias: thTeacher.bias2,
    },
  };
}

/**
 * One noise level (the `li`-th) with neural students: S 13-h-1 networks from their own
 * PyTorch-default inits (cohort seed 1000 seed + li: student s from `Rng(...).child(s)`), on
 * noisy copies of the neural teacher's outputs (labels from `Rng(seed).child(1000 + li)`), and
 * the engine that trained them (`cohort`: backend and workers).
 */
export async function neuralLevelStep(
  config: TeacherOutputConfig,
  setup: TeacherOutputSetup,
  level: number,
  li: number,
  workers: number | "auto",
): Promise<{ row: NoiseLevel; cohort: { backend: string; workers: number } }> {
  const { d, yTrain, yTest, nTrain, nTest } = setup.data;
  const sigma2 = noiseVariance({ fraction: level, yTrain });
  const labels = noisyTeacherLabels(setup.nnMuTrain, { variance: sigma2 }, {
    students: config.neuralStudents,
    seed: new Rng(config.seed).child(1000 + li),
  });
  const cohort = await fitCohort({
    ...setup.adam,
    ...{ x: setup.x32, n: nTrain, d, targets: Float32Array.from(labels) },
    ...{ students: config.neuralStudents, seed: 1000 * config.seed + li, workers },
  });
  const pred = Float64Array.from(predictCohort(cohort, setup.xTest32, nTest));
  const inter = kd.interStudentVariance(pred, nTest);
  const row = {
    level,
    sigma2,
    mseTruth: plain(kd.monteCarloSummary(kd.studentTestMse(pred, yTest))),
    mseTeacher: plain(kd.monteCarloSummary(kd.studentTestMse(pred, setup.nnMuTest))),
    inter: { mean: inter.mean, se: inter.se },
  };
  return { row, cohort: { backend: cohort.backend, workers: cohort.workers } };
}

/** Options of {@link runTeacherOutput}. */
export interface TeacherOutputRunOptions extends RunOptions {
  /** Worker threads for the neural cohorts (default "auto", 0 at smoke); results do not change. */
  workers?: number | "auto";
}

/**
 * Section 4.2 (Figure 2): {@link linearLevelStep} and {@link neuralLevelStep} at every noise
 * level, each through {@link sweep} (the levels are independent Monte Carlo experiments); then
 * every linear simulation against its closed form (`checks`), the curvature test of three curves
 * for both kinds of student (`trends`) and the steps of the mean test MSE (`monotone`).
 *
 * @throws RangeError (as a rejected promise, before any work) for a malformed configuration.
 */
export async function runTeacherOutput(
  config: TeacherOutputConfig,
  options: TeacherOutputRunOptions = {},
) {
  checkConfig(config);
  const started = performance.now(), progress = options.progress;
  const setup = await teacherOutputSetup(config);
  const { data, varY } = setup;
  const lin = await sweep(config.levels, (l, li) => linearLevelStep(config, setup, l, li), {
    label: "linear students",
    name: (l) => `level ${l}`,
    progress,
  });
  // At smoke scale a worker's start-up outweighs 20 students: train on the calling thread.
  const workers = options.workers ?? (config.scale === "smoke" ? 0 : "auto");
  let engine = { backend: "", workers: 0 };
  const neural = await sweep(config.levels, async (l, li) => {
    const { row, cohort } = await neuralLevelStep(config, setup, l, li, workers);
    engine = cohort; // the engine of the last level run here (a merge reports "" and 0)
    return row;
  }, { label: "neural students", name: (l) => `level ${l}`, progress });
  const mse = (a: ArrayLike<number>, b: ArrayLike<number>) => kd.studentTestMse(a, b)[0];
  return {
    ...{ config, protocol: data.protocol, varY, nTrain: data.nTrain, nTest: data.nTest },
    teachers: {
      linearTestMse: mse(setup.linMuTest, data.yTest),
      neuralTestMse: mse(setup.nnMuTest, data.yTest),
      neuralTrainMse: setup.nnTeacher.finalLoss[0],
    },
    ...{ backend: engine.backend, workers: engine.workers, linear: lin, neural },
    checks: theoryChecks(lin),
    trends: trends(config, setup, lin, neural),
    monotone: { linear: monotone(lin), neural: monotone(neural) },
    seconds: (performance.now() - started) / 1000,
  };
}

/** What {@link runTeacherOutput} returns. */
export type TeacherOutputResult = Awaited<ReturnType<typeof runTeacherOutput>>;

// ---------------------------------------------------------------- statistics of the sweep

/** The names of the three theorem checks in {@link TeacherOutputResult.checks}. */
export const THM41 = "inter-student var. (Thm 4.1)";
export const THM42 = "mean MSE vs teacher (Thm 4.2)";
export const THM43 = "mean MSE vs truth (Thm 4.3)";

/** The three curves whose shape Section 4.2 claims, with their values and SEs. */
export const QUANTITIES: readonly { name: string; of: (r: NoiseLevel) => [number, number] }[] = [
  { name: "inter-student variance of predictions", of: (r) => [r.inter.mean, r.inter.se] },
  {
    name: "variance of test MSE (vs truth)",
    of: (r) => [r.mseTruth.variance, r.mseTruth.seVariance],
  },
  { name: "mean test MSE (vs truth)", of: (r) => [r.mseTruth.mean, r.mseTruth.seMean] },
];

/** Every linear level's five simulations against their closed forms, z in Monte Carlo SEs. */
function theoryChecks(lin: readonly LinearLevel[]): TheoryCheck[] {
  return lin.flatMap((r) => {
    const rows: [string, number, number, number][] = [
      [THM43, r.mseTruth.mean, r.mseTruth.seMean, r.theory.mseTruth],
      [THM42, r.mseTeacher.mean, r.mseTeacher.seMean, r.theory.mseTeacher],
      ["var. of MSE vs truth", r.mseTruth.variance, r.mseTruth.seVariance, r.theory.varMseTruth],
      [
        "var. of MSE vs teacher",
        r.mseTeacher.variance,
        r.mseTeacher.seVariance,
        r.theory.varMseTeacher,
      ],
      [THM41, r.inter.mean, r.inter.se, r.theory.inter],
    ];
    return rows.map(([what, sim, se, theory]) => ({
      ...{ what, level: r.level, sim, se, theory },
      z: r.level === 0 ? null : (sim - theory) / se,
    }));
  });
}

/**
 * The curvature tests of {@link QUANTITIES} for both kinds of student (`curvatureTest`, weights
 * 1/SE²; linear students without sigma2 = 0, where their SE is 0) with the elasticity over
 * sigma2 >= 0.5 Var(y_train) (`logLogSlope`); for linear students the curvature the closed
 * forms imply: shrink (2 sigma2² tr(H²) + 4 sigma2 a'Ha) / m² has c = (v(2) − 2 v(1)) / 2.
 */
function trends(
  config: TeacherOutputConfig,
  setup: TeacherOutputSetup,
  lin: readonly NoiseLevel[],
  neural: readonly NoiseLevel[],
): Trend[] {
  const { d, xTrain, xTest, yTest } = setup.data, S = config.students;
  const design = { x: xTrain, d, xTest, teacherTrain: setup.linMuTrain, reference: yTest };
  const varAt = (sigma2: number) => linear.linearStudentMse({ ...design, sigma2 }).variance;
  const cVarMse = (S - 1) / S * (varAt(2) - 2 * varAt(1)) / 2;
  return QUANTITIES.flatMap((q, i) => [
    trendOf("linear", lin, q, i === 1 ? cVarMse : 0, setup.varY),
    trendOf("neural", neural, q, null, setup.varY),
  ]);
}

function trendOf(
  student: "linear" | "neural",
  rs: readonly NoiseLevel[],
  q: (typeof QUANTITIES)[number],
  cTheory: number | null,
  varY: number,
): Trend {
  const pts = rs.filter((r) => student === "neural" || r.level > 0)
    .map((r) => [r.sigma2, ...q.of(r)]);
  const t = unc.curvatureTest(pts.map((p) => p[0]), pts.map((p) => p[1]), pts.map((p) => p[2]));
  const upper = pts.filter(([s2]) => s2 >= 0.5 * varY - 1e-12);
  const e = unc.logLogSlope(upper.map((p) => p[0]), upper.map((p) => p[1]), upper.map((p) => p[2]));
  return {
    ...{ student, quantity: q.name, b: t.slope, seB: t.seSlope, c: t.curvature },
    ...{ seC: t.seCurvature, z: t.z, p: t.pUpper, chi2: t.chi2 / t.dof },
    ...{ elasticity: e.slope, seE: e.se, cTheory },
  };
}

/** The steps of the mean test MSE (vs truth) between neighbouring levels, in SE units. */
function monotone(rs: readonly NoiseLevel[]): Monotone {
  const steps = rs.slice(1).map((r, i) => {
    const diff = r.mseTruth.mean - rs[i].mseTruth.mean;
    const se = Math.hypot(r.mseTruth.seMean, rs[i].mseTruth.seMean);
    return { diff, se, z: diff / se };
  });
  return {
    first: rs[0].mseTruth.mean,
    last: rs[rs.length - 1].mseTruth.mean,
    steps: steps.length,
    down: steps.filter((s) => s.diff < 0).length,
    smallest: steps.reduce((a, b) => (b.z < a.z ? b : a)),
  };
}
