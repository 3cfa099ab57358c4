/**
 * Section 4 of the paper, teacher output uncertainty (Sections 4.1-4.2,
 * Figure 2; protocol in `docs/protocols.md`, "Section 4: teacher output
 * uncertainty"): students distilled from noisy teacher outputs
 * y~ = mu_T(x) + eps, eps ~ N(0, sigma2), over the paper's grid of noise
 * levels, for linear (OLS) and neural (13-16-1) students on Boston, with the
 * closed forms of Theorems 4.1-4.3 beside the linear simulation, a curvature
 * test of every curve, and the claims ledger.
 *
 * The figures and the curvature table are built in `teacher_output_figures.ts`, the
 * claims ledger in `teacher_output_claims.ts`.
 *
 * @module
 */
import { byScale, runScale, type Scale } from "../config.ts";
import { loadBoston, prepareRegression } from "../data/mod.ts";
import { noiseVariance, noisyTeacherLabels, teacherNoiseGrid } from "../distill/mod.ts";
import {
  fitOls,
  linearMseVsTeacher,
  linearPredictiveVariance,
  linearStudentMse,
  predictOls,
} from "../linear/mod.ts";
import { fitCohort, predictCohort } from "../nn/mod.ts";
import { Rng } from "../random.ts";
import {
  curvatureTest,
  interStudentVariance,
  logLogSlope,
  type MonteCarloSummary,
  monteCarloSummary,
  studentTestMse,
} from "../uncertainty/mod.ts";
import { sweep } from "../../tools/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../../tools/sweep.ts";

/**
 * The configuration of the Section 4 experiment.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface TeacherOutputConfig extends ExperimentConfig {
  /** Noise levels as fractions of Var(y_train) (the paper's 15-level grid). */
  levels: readonly number[];
  /** Linear students per level. */
  students: number;
  /** Neural students per level. */
  neuralStudents: number;
  /** Hidden width of the neural teacher and students (the paper's 16). */
  hidden: number;
  /** Full-batch Adam epochs (the paper's 200 at every scale). */
  epochs: number;
  /** Adam learning rate (the paper's 0.01). */
  lr: number;
  /** scikit-learn `random_state` of the 80/20 split (the paper's 42). */
  splitSeed: number;
}

/**
 * The Section 4.2 protocol at a scale: the paper's 15 noise levels, 13-16-1
 * networks trained 200 epochs, and 1,000 students per level (50 linear and 20
 * neural at `smoke`). Seed 4.
 *
 * @example
 * ```ts
 * const config = teacherOutputConfig("smoke");
 * config.levels.length; // 15
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function teacherOutputConfig(scale: Scale = runScale()): TeacherOutputConfig {
  return {
    scale,
    seed: 4,
    levels: teacherNoiseGrid(),
    students: byScale({ smoke: 50, default: 1000, paper: 1000 }, scale),
    neuralStudents: byScale({ smoke: 20, default: 1000, paper: 1000 }, scale),
    hidden: 16,
    epochs: 200,
    lr: 0.01,
    splitSeed: 42,
  };
}

/**
 * Mean and variance across students of one quantity, with Monte Carlo SEs (plain numbers).
 *
 * @category Section 4: teacher output uncertainty
 */
export interface Summary {
  mean: number;
  seMean: number;
  variance: number;
  seVariance: number;
}

/**
 * One noise level's Monte Carlo results.
 *
 * @category Section 4: teacher output uncertainty
 */
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

/**
 * The closed forms at one level, scaled by (S-1)/S where they are population variances over S.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearTheory {
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
}

/**
 * A linear level: the simulation and its closed forms.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LinearLevel extends NoiseLevel {
  theory: LinearTheory;
}

/**
 * One simulation-against-closed-form comparison.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface TheoryCheck {
  /** What is compared, naming the theorem. */
  what: string;
  level: number;
  sim: number;
  se: number;
  theory: number;
  /** (sim - theory) / se; null at level 0, where every student is the teacher's fit (SE 0). */
  z: number | null;
}

/**
 * The weighted quadratic fit of one curve and its curvature test.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface Trend {
  student: "linear" | "neural";
  quantity: string;
  /** Slope b and curvature c of v = a + b sigma2 + c sigma2^2, with SEs. */
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

/**
 * Is the mean test MSE monotone over the grid? Step differences in SE units.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface Monotone {
  first: number;
  last: number;
  /** Steps between neighbouring levels. */
  steps: number;
  /** Steps that go down. */
  down: number;
  /** The smallest step, its difference and its SE. */
  smallest: { diff: number; se: number; z: number };
}

/**
 * What {@link runTeacherOutput} returns.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface TeacherOutputResult {
  config: TeacherOutputConfig;
  /** The data protocol, one line. */
  protocol: string;
  /** Var(y_train): sigma2 = level * varY. */
  varY: number;
  nTrain: number;
  nTest: number;
  /** The two teachers' test MSE (and the neural teacher's training MSE). */
  teachers: { linearTestMse: number; neuralTestMse: number; neuralTrainMse: number };
  /** The back end and workers of the neural students (of the last level). */
  backend: string;
  workers: number;
  linear: LinearLevel[];
  neural: NoiseLevel[];
  /** Every simulation-vs-closed-form comparison for linear students (5 per level). */
  checks: TheoryCheck[];
  /** Curvature tests of three quantities for both kinds of student. */
  trends: Trend[];
  monotone: { linear: Monotone; neural: Monotone };
  /** Seconds the run took. */
  seconds: number;
}

/**
 * Options of {@link runTeacherOutput}.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface TeacherOutputRunOptions extends RunOptions {
  /**
   * Worker threads for the neural cohorts (default "auto", 0 at smoke scale); results do not
   * depend on it.
   */
  workers?: number | "auto";
}

function plain(s: MonteCarloSummary): Summary {
  return { mean: s.mean, seMean: s.seMean, variance: s.variance, seVariance: s.seVariance };
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
  for (const k of ["students", "neuralStudents", "hidden", "epochs"] as const) {
    if (!Number.isInteger(c[k]) || c[k] < (k === "students" || k === "neuralStudents" ? 2 : 1)) {
      throw new RangeError(`${fn}: config.${k} must be an integer >= 2 (got ${c[k]}).`);
    }
  }
  if (!(c.lr > 0)) throw new RangeError(`${fn}: config.lr must be > 0 (got ${c.lr}).`);
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
}

/**
 * Run the Section 4.2 experiment: at every noise level, S linear students (OLS
 * on one noisy copy each of the linear teacher's training outputs; level i
 * draws from `Rng(seed).child(i)`) and S neural students (13-16-1, Adam, from
 * their own PyTorch-default inits, on noisy copies of the neural teacher's
 * outputs; labels from `Rng(seed).child(1000 + i)`, inits from cohort seed
 * 1000 seed + i). Both loops go through {@link sweep}. The levels are
 * independent Monte Carlo experiments.
 *
 * @throws RangeError (as a rejected promise, before any work) when the
 *   configuration is malformed.
 *
 * @example
 * ```ts
 * const result = await runTeacherOutput(teacherOutputConfig("smoke"));
 * result.linear[14].inter.mean; // compare with result.linear[14].theory.inter
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export async function runTeacherOutput(
  config: TeacherOutputConfig,
  options: TeacherOutputRunOptions = {},
): Promise<TeacherOutputResult> {
  checkConfig(config);
  const started = performance.now();
  const { seed, students: S, neuralStudents: SN, levels } = config;
  const data = prepareRegression(await loadBoston(), {
    splitSeed: config.splitSeed,
    scaler: "full",
  });
  const { d, xTrain, yTrain, xTest, yTest, nTrain, nTest } = data;
  const linTeacher = fitOls(xTrain, d, yTrain);
  const linMuTrain = predictOls(xTrain, linTeacher);
  const linMuTest = predictOls(xTest, linTeacher);
  const shape = {
    hidden: config.hidden,
    outputs: 1,
    loss: "mse" as const,
    epochs: config.epochs,
    lr: config.lr,
  };
  const x32 = Float32Array.from(xTrain), xTest32 = Float32Array.from(xTest);
  const nnTeacher = await fitCohort({
    ...shape,
    x: x32,
    n: nTrain,
    d,
    targets: Float32Array.from(yTrain),
    students: 1,
    seed,
    workers: 0,
  });
  const nnMuTrain = Float64Array.from(predictCohort(nnTeacher, x32, nTrain));
  const nnMuTest = Float64Array.from(predictCohort(nnTeacher, xTest32, nTest));
  const varY = noiseVariance({ fraction: 1, yTrain });
  const mse = (a: ArrayLike<number>, b: ArrayLike<number>) => studentTestMse(a, b)[0];

  const shrink = (S - 1) / S; // E[population variance over S students] / true variance
  const design = { x: xTrain, d, xTest };
  const progress = options.progress;
  const linear = await sweep(levels, (level, li): LinearLevel => {
    const sigma2 = noiseVariance({ fraction: level, yTrain });
    const labels = noisyTeacherLabels(linMuTrain, { variance: sigma2 }, {
      students: S,
      seed: new Rng(seed).child(li),
    });
    const pred = predictOls(xTest, fitOls(xTrain, d, labels)); // S x m
    const inter = interStudentVariance(pred, nTest);
    const common = { ...design, sigma2, teacherTrain: linMuTrain };
    const thTruth = linearStudentMse({ ...common, reference: yTest }); // Theorem 4.3
    const thTeacher = linearStudentMse({ ...common, reference: linMuTest }); // Theorem 4.2
    return {
      level,
      sigma2,
      mseTruth: plain(monteCarloSummary(studentTestMse(pred, yTest))),
      mseTeacher: plain(monteCarloSummary(studentTestMse(pred, linMuTest))),
      inter: { mean: inter.mean, se: inter.se },
      theory: {
        mseTruth: thTruth.mean,
        mseTeacher: linearMseVsTeacher(design, { sigma2 }),
        varMseTruth: shrink * thTruth.variance,
        varMseTeacher: shrink * thTeacher.variance,
        inter: shrink * linearPredictiveVariance(design, { sigma2 }).mean,
        teacherBias: thTeacher.bias2,
      },
    };
  }, { label: "linear students", name: (l) => `level ${l}`, progress });

  let backend = "", workers = 0;
  const neural = await sweep(levels, async (level, li): Promise<NoiseLevel> => {
    const sigma2 = noiseVariance({ fraction: level, yTrain });
    const labels = noisyTeacherLabels(nnMuTrain, { variance: sigma2 }, {
      students: SN,
      seed: new Rng(seed).child(1000 + li),
    });
    const cohort = await fitCohort({
      ...shape,
      x: x32,
      n: nTrain,
      d,
      targets: Float32Array.from(labels),
      students: SN,
      seed: 1000 * seed + li, // student s: init from new Rng(seed).child(s)
      // At smoke scale a worker's start-up outweighs 20 students: train on the calling thread.
      workers: options.workers ?? (config.scale === "smoke" ? 0 : "auto"),
    });
    backend = cohort.backend;
    workers = cohort.workers;
    const pred = Float64Array.from(predictCohort(cohort, xTest32, nTest));
    const inter = interStudentVariance(pred, nTest);
    return {
      level,
      sigma2,
      mseTruth: plain(monteCarloSummary(studentTestMse(pred, yTest))),
      mseTeacher: plain(monteCarloSummary(studentTestMse(pred, nnMuTest))),
      inter: { mean: inter.mean, se: inter.se },
    };
  }, { label: "neural students", name: (l) => `level ${l}`, progress });

  // Curvature the closed form of Var(test MSE vs truth) implies:
  // shrink (2 sigma2^2 tr(H^2) + 4 sigma2 a'Ha) / m^2 has c = (v(2) - 2 v(1)) / 2.
  const varAt = (sigma2: number) =>
    linearStudentMse({ ...design, sigma2, teacherTrain: linMuTrain, reference: yTest }).variance;
  const cVarMse = shrink * (varAt(2) - 2 * varAt(1)) / 2;
  const trends = QUANTITIES.flatMap((q, i) => [
    trendOf("linear", linear, q, i === 1 ? cVarMse : 0, varY),
    trendOf("neural", neural, q, null, varY),
  ]);

  return {
    config,
    protocol: data.protocol,
    varY,
    nTrain,
    nTest,
    teachers: {
      linearTestMse: mse(linMuTest, yTest),
      neuralTestMse: mse(nnMuTest, yTest),
      neuralTrainMse: nnTeacher.finalLoss[0],
    },
    backend,
    workers,
    linear,
    neural,
    checks: theoryChecks(linear),
    trends,
    monotone: { linear: monotone(linear), neural: monotone(neural) },
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The three curves whose shape Section 4.2 claims, with their values and SEs.
 *
 * @category Section 4: teacher output uncertainty
 */
export const QUANTITIES: readonly {
  name: string;
  of: (r: NoiseLevel) => [number, number];
}[] = [
  { name: "inter-student variance of predictions", of: (r) => [r.inter.mean, r.inter.se] },
  {
    name: "variance of test MSE (vs truth)",
    of: (r) => [r.mseTruth.variance, r.mseTruth.seVariance],
  },
  { name: "mean test MSE (vs truth)", of: (r) => [r.mseTruth.mean, r.mseTruth.seMean] },
];

function trendOf(
  student: "linear" | "neural",
  rs: readonly NoiseLevel[],
  q: (typeof QUANTITIES)[number],
  cTheory: number | null,
  varY: number,
): Trend {
  // At sigma2 = 0 linear students all equal the teacher's fit (SE 0 up to rounding): left out.
  const pts = rs.filter((r) => student === "neural" || r.level > 0).map((r) => [
    r.sigma2,
    ...q.of(r),
  ]);
  const t = curvatureTest(pts.map((p) => p[0]), pts.map((p) => p[1]), pts.map((p) => p[2]));
  const upper = pts.filter(([s2]) => s2 >= 0.5 * varY - 1e-12);
  const e = logLogSlope(upper.map((p) => p[0]), upper.map((p) => p[1]), upper.map((p) => p[2]));
  return {
    student,
    quantity: q.name,
    b: t.slope,
    seB: t.seSlope,
    c: t.curvature,
    seC: t.seCurvature,
    z: t.z,
    p: t.pUpper,
    chi2: t.chi2 / t.dof,
    elasticity: e.slope,
    seE: e.se,
    cTheory,
  };
}

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
      what,
      level: r.level,
      sim,
      se,
      theory,
      z: r.level === 0 ? null : (sim - theory) / se,
    }));
  });
}

/**
 * The names of the three theorem checks in {@link TeacherOutputResult.checks}.
 *
 * @category Section 4: teacher output uncertainty
 */
export const THM41 = "inter-student var. (Thm 4.1)";
export const THM42 = "mean MSE vs teacher (Thm 4.2)";
export const THM43 = "mean MSE vs truth (Thm 4.3)";

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
