/**
 * Notebook 08's regression teachers (Park et al. 2025, Table 1: 2 x 100 MLPs) trained as the UCI
 * benchmark protocol the paper cites trains them (Hernández-Lobato & Adams 2015): early stopping
 * on a validation part of the training rows, and each teacher's noise variance from held-out
 * residuals. The step module `08_gaussian_distillation.ts` calls {@link regressionTeachers}; the
 * regression scores in original units and the ablation's mixup points are here too, and the
 * teachers alone at any scale ({@link runTeacherProtocol}; `deno task shard gaussian_teachers`).
 *
 * @module
 */
import { takeRows } from "../lib/data/mod.ts";
import * as gd from "../lib/gaussian/mod.ts";
import { fitCohort, type Mlp, mlpForward, predictCohort } from "../lib/nn/mod.ts";
import { permutation, Rng } from "../lib/random.ts";
import * as scores from "../lib/uncertainty/regression_scores.ts";
import { mean } from "./08_gaussian_classification.ts";
import {
  type GaussianDistillationConfig,
  type RegressionRow,
  splitSetting,
} from "./08_gaussian_distillation.ts";
import { type RunOptions, sweep } from "../tools/sweep.ts";

/**
 * Early stopping on held-out rows (vx: m x d, vy: m): `after(net, epoch)` measures the network's
 * validation MSE and keeps the parameters of the epoch where it is lowest (`best`).
 */
export function earlyStopping(vx: Float64Array, vy: Float64Array) {
  const m = vy.length;
  const best = { epoch: -1, mse: Infinity, params: new Float64Array(0) };
  const after = (net: Mlp, epoch: number) => {
    const out = mlpForward(net, vx, m).out;
    let mse = 0;
    for (let j = 0; j < m; j++) mse += (out[j] - vy[j]) ** 2 / m;
    if (mse < best.mse) Object.assign(best, { epoch, mse, params: Float64Array.from(net.params) });
  };
  return { best, after };
}

/**
 * Train n regression teachers on (x, y): a predictor, each teacher's noise variance and, with
 * two layers and `teacherValidation` > 0, the epoch early stopping kept. The UCI protocol
 * (Hernández-Lobato & Adams 2015, cited by Park et al. 2025): each teacher holds out its own
 * random `teacherValidation` share of the training rows, trains on the rest, keeps its epoch of
 * lowest validation MSE (early stopping), and its noise variance is that held-out residual
 * variance; with `teacherRefit`, it is then trained again from the same initialisation on every
 * training row for the epochs it kept (the protocol's final fit), the noise variance kept. Without validation (or the one-layer cohort of the depth check): the
 * training-residual variance, which a teacher that fits its rows closely understates.
 */
export async function regressionTeachers(
  config: GaussianDistillationConfig,
  x: Float64Array,
  y: Float64Array,
  m: number,
  d: number,
  seed: number,
) {
  const n = config.teachers, hidden = config.teacherHidden;
  const fit = { epochs: config.teacherEpochs, lr: config.teacherLr, seed };
  const held = Math.round(config.teacherValidation * m);
  if (config.teacherLayers === 2 && held >= 1) {
    const root = new Rng(seed), nets: gd.MlpEnsemble[] = [];
    const noise = new Float64Array(n), bestEpochs: number[] = [];
    for (let i = 0; i < n; i++) {
      const perm = permutation(root.child(i).child(0), m);
      const [v, t] = [perm.subarray(0, held), perm.subarray(held)];
      const stop = earlyStopping(takeRows(x, d, v), Float64Array.from(v, (j) => y[j]));
      const ens = gd.fitMlpEnsemble({
        ...{ x: takeRows(x, d, t), m: m - held, d, y: Float64Array.from(t, (j) => y[j]) },
        ...{ hidden, hidden2: hidden, members: 1, ...fit, seed: root.child(i).child(1) },
        onEpoch: (_, net, epoch) => stop.after(net, epoch),
      });
      if (config.teacherRefit) {
        // The UCI protocol's last step: refit on every training row for the epochs kept.
        const all = { x, m, d, y, hidden, hidden2: hidden, members: 1 };
        const epochs = stop.best.epoch + 1;
        nets.push(gd.fitMlpEnsemble({ ...all, ...fit, epochs, seed: root.child(i).child(1) }));
      } else {
        ens.nets[0].params.set(stop.best.params);
        nets.push(ens);
      }
      noise[i] = Math.max(stop.best.mse, 1e-6);
      bestEpochs.push(stop.best.epoch + 1);
    }
    const predict = (xx: ArrayLike<number>, mm: number) => {
      const out = new Float64Array(n * mm);
      nets.forEach((e, i) => out.set(e.predict(xx, mm), i * mm));
      return out;
    };
    return { noise, predict, bestEpochs };
  }
  let predict: (xx: ArrayLike<number>, mm: number) => Float64Array;
  if (config.teacherLayers === 2) {
    const ens = gd.fitMlpEnsemble({ x, m, d, y, hidden, hidden2: hidden, members: n, ...fit });
    predict = (xx, mm) => ens.predict(xx, mm);
  } else {
    const net = { x, n: m, d, hidden, outputs: 1, loss: "mse" as const, targets: y };
    const cohort = await fitCohort({ ...net, students: n, ...fit });
    predict = (xx, mm) => Float64Array.from(predictCohort(cohort, xx, mm));
  }
  const fTrain = predict(x, m);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += (y[j] - fTrain[i * m + j]) ** 2;
    noise[i] = Math.max(s / m, 1e-6);
  }
  return { noise, predict, bestEpochs: [] as number[] };
}

/** RMSE, NLL, CRPS, 95% coverage of a standardised-units predictive, in original units (scale s). */
export function regressionScores(
  p: scores.GaussianMixture,
  y: ArrayLike<number>,
  scale: number,
): { rmse: number; nll: number; crps: number; coverage95: number } {
  const m = y.length, mu = gd.memberAverage(p.means, p.components).subarray(0, m);
  let se = 0;
  for (let j = 0; j < m; j++) se += (mu[j] - y[j]) ** 2;
  return {
    rmse: Math.sqrt(se / m) * scale,
    nll: mean(scores.mixtureNll(p, y)) + Math.log(scale),
    crps: mean(scores.mixtureCrps(p, y)) * scale,
    coverage95: scores.intervalCoverage(p, y, [0.95])[0].coverage,
  };
}

/** Mixup points: λ x_a + (1 − λ) x_b for random pairs, λ ~ U(0, 1). */
export function mixup(
  x: Float64Array,
  m: number,
  d: number,
  count: number,
  rng: Rng,
): Float64Array {
  const out = new Float64Array(count * d);
  for (let k = 0; k < count; k++) {
    const a = rng.int(m), b = rng.int(m), lam = rng.uniform();
    for (let t = 0; t < d; t++) out[k * d + t] = lam * x[a * d + t] + (1 - lam) * x[b * d + t];
  }
  return out;
}

/** One split's teachers as the main run scores them, with the epoch each teacher kept. */
export interface TeacherProtocolRow extends RegressionRow {
  /** Per teacher, the epoch early stopping kept (empty without validation). */
  epochs: number[];
}

/**
 * The teachers of one regression split, trained and scored exactly as {@link regressionStep}
 * trains and scores its "Teachers" row (the same split, seeds and networks, through
 * `splitSetting`), without the students: test RMSE, NLL, CRPS and 95% coverage of the mixture of
 * the teachers' Gaussians (each its own held-out noise variance), in original units (Park et al.
 * 2025, Table 1's teacher row; the UCI protocol of Hernández-Lobato & Adams 2015). So at the same
 * scale its numbers are the main run's Teachers rows, and a paper-scale sweep of the teachers
 * alone costs a fraction of the notebook.
 */
export async function teacherProtocolStep(
  config: GaussianDistillationConfig,
  dataset: "boston" | "diabetes",
  split: number,
): Promise<TeacherProtocolRow> {
  const { name, sp, teachers, teacherSeconds } = await splitSetting(config, dataset, split);
  const n = config.teachers, ys = sp.yScaler.scale[0];
  const fTest = Float64Array.from(teachers.predict(sp.xTest, sp.nTest));
  const memberVar = gd.memberVariance(fTest, n);
  const sc = regressionScores(gd.memberMixture(fTest, n, teachers.noise), sp.yTest, ys);
  return {
    ...{ dataset: name, split, method: "Teachers", ...sc, memberVariance: mean(memberVar) },
    ...{ seconds: teacherSeconds, epochs: teachers.bestEpochs },
  };
}

/** The result of {@link runTeacherProtocol}. */
export interface TeacherProtocolResult {
  config: GaussianDistillationConfig;
  rows: TeacherProtocolRow[];
  /** Wall-clock seconds of the whole run. */
  seconds: number;
}

/**
 * The teachers alone over every data set and split of `config` (one {@link sweep} unit per
 * split, so `deno task shard gaussian_teachers` spreads them over processes or machines).
 */
export async function runTeacherProtocol(
  config: GaussianDistillationConfig,
  options: RunOptions = {},
): Promise<TeacherProtocolResult> {
  const start = performance.now();
  const jobs = config.datasets.flatMap((ds) =>
    Array.from({ length: config.splits }, (_, s) => ({ ds, s }))
  );
  const rows = await sweep(jobs, ({ ds, s }) => teacherProtocolStep(config, ds, s), {
    label: "teacher splits",
    name: ({ ds, s }) => `${ds} split ${s + 1}`,
    progress: options.progress,
  });
  return { config, rows, seconds: Math.round((performance.now() - start) / 1000) };
}

/** A committed run of {@link runTeacherProtocol}: where it ran, and its rows. */
export interface TeacherProtocolRun {
  experiment: "gaussian_teachers";
  scale: string;
  /** The clean commit the shards ran at. */
  commit: string;
  /** The OpenBLAS kernel the float32 products ran on ("none": the portable path). */
  kernel: string;
  shards: number;
  /** The teachers' protocol the run used (from its configuration). */
  protocol: Pick<
    GaussianDistillationConfig,
    | "seed"
    | "splits"
    | "teachers"
    | "teacherHidden"
    | "teacherLayers"
    | "teacherEpochs"
    | "teacherLr"
    | "teacherValidation"
    | "teacherRefit"
  >;
  /** Wall-clock seconds from the first shard's start to the last one's end; and CPU-seconds. */
  seconds: number;
  shardSeconds: number[];
  rows: TeacherProtocolRow[];
}

/** The committed paper-scale run of the teachers (issue 30), relative to the repository. */
export const TEACHER_PROTOCOL_RUN = "data/runs/gaussian_teachers_paper/result.json";

/** Read a committed run of the teachers (default: {@link TEACHER_PROTOCOL_RUN}). */
export async function readTeacherProtocolRun(
  path: string | URL = new URL(`../${TEACHER_PROTOCOL_RUN}`, import.meta.url),
): Promise<TeacherProtocolRun> {
  const run = JSON.parse(await Deno.readTextFile(path)) as TeacherProtocolRun;
  if (run.experiment !== "gaussian_teachers" || !Array.isArray(run.rows)) {
    throw new Error(`readTeacherProtocolRun: ${path} is not a run of gaussian_teachers.`);
  }
  return run;
}

/** Issue 30's Done-when bounds on the Boston teachers at paper scale (the means over splits). */
export const TEACHER_BOUNDS = { nll: 2.5, crps: 1.5, coverage95: 0.93 } as const;

/** One of issue 30's Done-when checks on the teachers, computed from the rows of one data set. */
export interface TeacherCheck {
  check: string;
  /** Mean over splits and its SE. */
  ours: number;
  se: number;
  /** The paper's value (Park et al. 2025, Table 1, Boston teachers). */
  paper: number;
  /** The rule: "<= bound", ">= bound", or "within one SE of the paper". */
  rule: string;
  pass: boolean;
}

/**
 * Issue 30's Done-when on the teachers, from per-split rows of one data set: mean NLL at most
 * 2.50, mean CRPS at most 1.50, mean 95% coverage at least 0.93 ({@link TEACHER_BOUNDS}), and mean RMSE within one SE
 * over splits of the paper's (Park et al. 2025, Table 1, Boston: 2.58, 2.385, 1.443, 0.961).
 */
export function teacherChecks(
  rows: readonly RegressionRow[],
  paper: { rmse: number; nll: number; crps: number; coverage95: number },
): TeacherCheck[] {
  const stat = (f: (r: RegressionRow) => number) => {
    const a = rows.map(f), k = a.length, mu = mean(a);
    const v = a.reduce((s, x) => s + (x - mu) ** 2, 0) / Math.max(k - 1, 1);
    return { ours: mu, se: Math.sqrt(v / k) };
  };
  const bound = (check: string, key: "nll" | "crps" | "coverage95", le: boolean, b: number) => {
    const s = stat((r) => r[key]);
    const pass = le ? s.ours <= b : s.ours >= b;
    return { check, ...s, paper: paper[key], rule: `${le ? "<=" : ">="} ${b}`, pass };
  };
  const rmse = stat((r) => r.rmse);
  return [
    bound("NLL", "nll", true, TEACHER_BOUNDS.nll),
    bound("CRPS", "crps", true, TEACHER_BOUNDS.crps),
    bound("95% coverage", "coverage95", false, TEACHER_BOUNDS.coverage95),
    {
      check: "RMSE",
      ...rmse,
      paper: paper.rmse,
      rule: "within one SE of the paper",
      pass: Math.abs(rmse.ours - paper.rmse) <= rmse.se,
    },
  ];
}
