/**
 * Section 2 of the paper, distillation as a stochastic process, on a small live example
 * (Boston, the Section 4.2 protocol in `docs/protocols.md`): the settings and the step functions
 * that notebook 02 (`02_problem_definition.ipynb`), its tests and the shards call. The figures,
 * the table and the claims are built in the notebook.
 *
 * - {@link teacherStep}: the OLS teacher, read as the Gaussian predictive distribution
 *   N(mu_T(x), sigma2_T), and S sampled label sets;
 * - {@link linearStep}: source 1 (linear students on sampled teacher answers), source 3 (one
 *   answer sampled from each of them) and Theorem 4.1 input by input;
 * - {@link cohortStep}: source 2 (networks from different inits on the noise-free outputs) and
 *   both sources together (networks on the first sampled label sets), one cohort per step;
 * - {@link runProblemDefinition}: the whole example, its two cohorts one sweep of two steps so a
 *   shard run can train them on two machines; {@link mergedOrRun} loads a merged shard result.
 *
 * @module
 */
import { byScale, runScale, type Scale } from "../lib/config.ts";
import { loadBoston, prepareRegression, type RegressionSplit } from "../lib/data/mod.ts";
import { noisyTeacherLabels } from "../lib/distill/mod.ts";
import {
  fitOls,
  linearPredictiveVariance,
  predictOls,
  residualVariance,
} from "../lib/linear/mod.ts";
import { type Cohort, fitCohort, predictCohort } from "../lib/nn/mod.ts";
import { Rng } from "../lib/random.ts";
import { decomposePredictiveVariance } from "../lib/uncertainty/decomposition.ts";
import { interStudentVariance } from "../lib/uncertainty/inter_student.ts";
import { monteCarloSummary } from "../lib/uncertainty/monte_carlo.ts";
import { sweep } from "../tools/sweep.ts";
import type { CohortConfig, RunOptions } from "../tools/sweep.ts";

export { mergedOrRun } from "../tools/merged.ts";

// ---------------------------------------------------------------- settings

/** The configuration of the Section 2 example (see {@link problemDefinitionConfig}). */
/** The Section 2 example's configuration; its neural students reuse the first label sets. */
export type ProblemDefinitionConfig = CohortConfig;

/**
 * The Section 2 example at a scale: 1,000 linear and 200 neural students at `default` (30 and 8
 * at `smoke`, 5,000 and 1,000 at `paper`), 13-16-1 networks trained 200 epochs with Adam (lr
 * 0.01), split seed 42, seed 2. The notebook writes the same literal out; a test compares them.
 *
 * @example
 * ```ts
 * problemDefinitionConfig("default").students; // 1000
 * ```
 */
export function problemDefinitionConfig(scale: Scale = runScale()): ProblemDefinitionConfig {
  return {
    scale,
    seed: 2,
    students: byScale({ smoke: 30, default: 1000, paper: 5000 }, scale),
    neuralStudents: byScale({ smoke: 8, default: 200, paper: 1000 }, scale),
    hidden: 16,
    epochs: 200,
    lr: 0.01,
    splitSeed: 42,
  };
}

// ---------------------------------------------------------------- rows

/** Inter- and intra-student variance of one cohort, averaged over the test inputs. */
export interface SourceDecomposition {
  /** What makes the students differ, and what kind of student. */
  source: string;
  /** Variance across students of the predictive means (with its Monte Carlo SE). */
  inter: number;
  se: number;
  /** Mean over students of their own predictive variance (with its SE over students). */
  intra: number;
  seIntra: number;
  /** inter + intra, and inter's share of it. */
  total: number;
  interShare: number;
  /** Variance of one sampled answer per student, pooled (only where sampled), with its SE. */
  sampled: number | null;
  seSampled: number | null;
}

/** Theorem 4.1 at one test input. */
export interface PerInputCheck {
  /** The test input's index in the test split. */
  input: number;
  /** sigma2 h(x) (S-1)/S: the expected population variance over S students. */
  theory: number;
  /** The variance across the simulated students. */
  simulated: number;
  /** (simulated - theory) / SE, with the exact SE of a Gaussian sample variance. */
  z: number;
}

/** What {@link runProblemDefinition} returns. */
export interface ProblemDefinitionResult {
  config: ProblemDefinitionConfig;
  protocol: string;
  nTrain: number;
  nTest: number;
  /** The OLS teacher's residual variance: the variance of its predictive distribution. */
  sigma2T: number;
  /** The first test inputs sorted by the teacher's prediction: teacher and a few students. */
  curves: { input: number; model: string; prediction: number; sd: number }[];
  /** Linear students on sampled teacher answers; NN students from init only; NN with both. */
  sources: [SourceDecomposition, SourceDecomposition, SourceDecomposition];
  /** Theorem 4.1 test average, scaled by (S-1)/S. */
  theoryInter: number;
  /** Theorem 4.1 input by input. */
  perInput: PerInputCheck[];
  /** The expected pooled variance of sampled answers: inter + intra (S-1)/S. */
  expectedSampled: number;
  /**
   * The networks' own variance against a linear student's on the same sampled labels: per
   * shared label set s < neuralStudents, the network's training MSE minus the OLS student's
   * training MSE (RSS/n, the same divisor); mean and SE over those students (paired).
   */
  nnMinusOls: { mean: number; se: number; students: number };
  /** The back end that trained the networks. */
  backend: string;
  seconds: number;
}

/** Options of {@link runProblemDefinition}. */
export interface ProblemDefinitionRunOptions extends RunOptions {
  /** Worker threads for the neural cohorts (default "auto"; results do not depend on it). */
  workers?: number | "auto";
  /** Students drawn in the first figure (default 3). */
  shownStudents?: number;
  /** Test inputs drawn in the first figure (default 25). */
  shownInputs?: number;
}

function checkConfig(c: ProblemDefinitionConfig): void {
  const fn = "runProblemDefinition";
  if (!c || typeof c !== "object") throw new Error(`${fn}: config is required.`);
  for (const k of ["students", "neuralStudents", "hidden", "epochs"] as const) {
    const min = k === "students" || k === "neuralStudents" ? 2 : 1;
    if (!Number.isInteger(c[k]) || c[k] < min) {
      throw new RangeError(`${fn}: config.${k} must be an integer >= ${min} (got ${c[k]}).`);
    }
  }
  if (c.neuralStudents > c.students) {
    throw new RangeError(
      `${fn}: config.neuralStudents (${c.neuralStudents}) must not exceed config.students ` +
        `(${c.students}): the networks reuse the linear students' label sets.`,
    );
  }
  if (!(c.lr > 0)) throw new RangeError(`${fn}: config.lr must be > 0 (got ${c.lr}).`);
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
}

// ---------------------------------------------------------------- steps

/** What {@link teacherStep} returns: the split, the teacher and the S sampled label sets. */
export interface TeacherSetup {
  data: RegressionSplit;
  /** The teacher's noise-free outputs on the training and the test inputs. */
  muTrain: Float64Array;
  muTest: Float64Array;
  /** The teacher's residual variance sigma2_T. */
  sigma2T: number;
  /** S x nTrain sampled answers, student s from `Rng(seed).child(s)`. */
  labels: Float64Array;
}

/**
 * The teacher: OLS on Boston (13 features, scaler on the full data, split seed 42), read as
 * N(mu_T(x), sigma2_T) with sigma2_T its residual variance; and one sampled answer per training
 * input for each of the S students.
 */
export async function teacherStep(config: ProblemDefinitionConfig): Promise<TeacherSetup> {
  const data = prepareRegression(await loadBoston(), {
    splitSeed: config.splitSeed,
    scaler: "full",
  });
  const { d, xTrain, yTrain, xTest } = data;
  const teacher = fitOls(xTrain, d, yTrain);
  const muTrain = predictOls(xTrain, teacher);
  const sigma2T = residualVariance(xTrain, yTrain, teacher)[0];
  const labels = noisyTeacherLabels(muTrain, { variance: sigma2T }, {
    students: config.students,
    seed: config.seed,
  });
  return { data, muTrain, muTest: predictOls(xTest, teacher), sigma2T, labels };
}

/** What {@link linearStep} returns. */
export interface LinearRows {
  /** Source 1, with source 3's pooled sampled variance filled in. */
  linear: SourceDecomposition;
  /** S x nTest predictive means and one residual variance per student. */
  means: Float64Array;
  vars: Float64Array;
  /** S x nTrain fitted values on the training inputs. */
  fitted: Float64Array;
  theoryInter: number;
  perInput: PerInputCheck[];
}

/**
 * Sources 1 and 3: S OLS students, one per sampled label set, each with its own residual
 * variance; one answer sampled from each student (`Rng(seed).child(1,000,000)`), pooled; and
 * Theorem 4.1 input by input, with the exact SE of a Gaussian sample variance.
 */
export function linearStep(config: ProblemDefinitionConfig, setup: TeacherSetup): LinearRows {
  const { seed, students: S } = config;
  const { d, xTrain, xTest, nTest } = setup.data;
  const fits = fitOls(xTrain, d, setup.labels);
  const means = predictOls(xTest, fits); // S x m
  const vars = residualVariance(xTrain, setup.labels, fits); // one per student
  const theory = linearPredictiveVariance({ x: xTrain, d, xTest }, { sigma2: setup.sigma2T });
  const rng = new Rng(seed).child(1_000_000);
  const sampled = new Float64Array(S * nTest);
  for (let j = 0; j < nTest; j++) {
    for (let s = 0; s < S; s++) {
      sampled[s * nTest + j] = means[s * nTest + j] + Math.sqrt(vars[s]) * rng.normal();
    }
  }
  const pooled = interStudentVariance(sampled, nTest);
  const linear = decompose("noise, OLS", means, vars, nTest);
  linear.sampled = pooled.mean;
  linear.seSampled = pooled.se;
  const shrink = (S - 1) / S;
  const inter = interStudentVariance(means, nTest);
  const perInput = Array.from(theory.perInput, (th, j) => {
    // S * popvar / (sigma2 h) ~ chi^2_{S-1} exactly: the students' predictions are Gaussian.
    const se = th * Math.sqrt(2 * (S - 1)) / S;
    const simulated = inter.perInput[j];
    return { input: j, theory: shrink * th, simulated, z: (simulated - shrink * th) / se };
  });
  const fitted = predictOls(xTrain, fits); // S x nTrain
  return { linear, means, vars, fitted, theoryInter: shrink * theory.mean, perInput };
}

/**
 * One neural cohort: `neuralStudents` 13-h-1 networks (full-batch Adam, PyTorch's default init,
 * student s from the cohort's seed) on `targets` (students x nTrain, float32).
 */
export function cohortStep(
  config: ProblemDefinitionConfig,
  data: RegressionSplit,
  targets: Float32Array,
  workers: number | "auto" = "auto",
): Promise<Cohort> {
  return fitCohort({
    x: Float32Array.from(data.xTrain),
    n: data.nTrain,
    d: data.d,
    hidden: config.hidden,
    outputs: 1,
    loss: "mse",
    students: config.neuralStudents,
    epochs: config.epochs,
    lr: config.lr,
    seed: config.seed,
    workers,
    targets,
  });
}

/**
 * Run the Section 2 example: {@link teacherStep}, {@link linearStep}, and the two cohorts of
 * {@link cohortStep} (init only on the teacher's noise-free outputs; noise + init on the first
 * `neuralStudents` label sets) as one sweep of two steps.
 *
 * @throws RangeError (as a rejected promise, before any work) when the configuration is
 *   malformed.
 */
export async function runProblemDefinition(
  config: ProblemDefinitionConfig,
  options: ProblemDefinitionRunOptions = {},
): Promise<ProblemDefinitionResult> {
  checkConfig(config);
  const started = performance.now();
  const setup = await teacherStep(config);
  const { data, labels } = setup, { nTrain, nTest } = data, SN = config.neuralStudents;
  const lin = linearStep(config, setup);
  const [initOnly, both] = await sweep(
    [Float32Array.from(setup.muTrain), Float32Array.from(labels.subarray(0, SN * nTrain))],
    (targets) => cohortStep(config, data, targets, options.workers ?? "auto"),
    {
      label: "neural cohorts",
      name: (_, i) => i === 0 ? "init only" : "noise + init",
      progress: options.progress ?? false,
    },
  );
  const xTest32 = Float32Array.from(data.xTest);
  const nnSource = (source: string, c: Cohort) =>
    decompose(source, predictCohort(c, xTest32, nTest), c.finalLoss, nTest);
  // Paired over the shared label sets: network training MSE − OLS training MSE (both RSS/n).
  const paired = Array.from({ length: SN }, (_, s) => {
    let rss = 0;
    for (let i = 0; i < nTrain; i++) {
      rss += (labels[s * nTrain + i] - lin.fitted[s * nTrain + i]) ** 2;
    }
    return both.finalLoss[s] - rss / nTrain;
  });
  const pairedSummary = monteCarloSummary(paired);
  const shrink = (config.students - 1) / config.students;
  return {
    config,
    protocol: data.protocol,
    nTrain,
    nTest,
    sigma2T: setup.sigma2T,
    curves: curves(setup, lin, options),
    sources: [lin.linear, nnSource("init, NN", initOnly), nnSource("noise + init, NN", both)],
    theoryInter: lin.theoryInter,
    perInput: lin.perInput,
    expectedSampled: lin.linear.inter + lin.linear.intra * shrink,
    nnMinusOls: { mean: pairedSummary.mean, se: pairedSummary.seMean, students: SN },
    backend: initOnly.backend,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Inter- and intra-student variance of S students' predictive means and variances. */
function decompose(
  source: string,
  means: ArrayLike<number>,
  vars: ArrayLike<number>,
  m: number,
): SourceDecomposition {
  const d = decomposePredictiveVariance(means, vars, m);
  const intra = monteCarloSummary(vars);
  return {
    source,
    inter: d.inter,
    se: interStudentVariance(means, m).se,
    intra: d.intra,
    seIntra: intra.seMean,
    total: d.total,
    interShare: d.interShare,
    sampled: null,
    seSampled: null,
  };
}

/** The teacher and the first students on the first test inputs, sorted by the teacher. */
function curves(
  setup: TeacherSetup,
  lin: LinearRows,
  options: ProblemDefinitionRunOptions,
): ProblemDefinitionResult["curves"] {
  const { muTest, sigma2T } = setup, m = setup.data.nTest;
  const shown = options.shownStudents ?? 3, inputs = Math.min(options.shownInputs ?? 25, m);
  const order = Array.from({ length: inputs }, (_, j) => j).sort((a, b) => muTest[a] - muTest[b]);
  return order.flatMap((j, rank) => [
    { input: rank + 1, model: "teacher", prediction: muTest[j], sd: Math.sqrt(sigma2T) },
    ...Array.from({ length: shown }, (_, s) => ({
      input: rank + 1,
      model: `student ${s + 1}`,
      prediction: lin.means[s * m + j],
      sd: Math.sqrt(lin.vars[s]),
    })),
  ]);
}

/** The largest |z| of Theorem 4.1 over the test inputs. */
export function worstInput(result: ProblemDefinitionResult): PerInputCheck {
  return result.perInput.reduce((a, b) => (Math.abs(b.z) > Math.abs(a.z) ? b : a));
}
