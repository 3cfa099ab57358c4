/**
 * The classification steps of notebook 08 ({@link classificationStep}): an MLP teacher ensemble
 * (a cohort trained by cross-entropy) distilled by every method on Digits or MNIST, scored by
 * accuracy, NLL, ECE (15 bins) and OOD AUROC from the members' mutual information against the
 * test images rotated by 90°, with SEs over the test images (the fitted models held fixed):
 * binomial for accuracy, per image for NLL, a bootstrap over test images for ECE and AUROC,
 * paired across methods for the differences the claims test. Standard KD, small-Ens and Hydra
 * (a head per teacher) are distilled by KL and EnD² with temperature annealing, on mini-batches
 * (08_gaussian_students.ts); Proxy-EnD² (its reverse KL normalised per point by the target
 * precision) and the DLF are lib/gaussian's float64 networks with their own losses, on the same
 * mini-batches.
 *
 * @module
 */
import {
  applyStandardizer,
  loadDigits,
  loadMnist,
  prepareClassification,
  takeRows,
} from "../lib/data/mod.ts";
import * as gd from "../lib/gaussian/mod.ts";
import * as scores from "../lib/uncertainty/regression_scores.ts";
import { fitCohort, predictCohort } from "../lib/nn/mod.ts";
import { Rng, sampleWithoutReplacement } from "../lib/random.ts";
import { expectedCalibrationError, negativeLogLikelihood } from "../lib/uncertainty/mod.ts";
import {
  budgetRows,
  distillEnD2Annealed,
  distillHydraKl,
  distillKl,
  PROXY_MAX_PRECISION,
} from "./08_gaussian_students.ts";
import {
  shiftData,
  type ShiftMembers,
  type ShiftSettings,
  shiftStep,
} from "./08_gaussian_shift.ts";

/** Proxy-EnD²'s loss as its authors normalise it: per point by the target precision. */
const PROXY_NORMALISED = { normalise: true, maxPrecision: PROXY_MAX_PRECISION };

/**
 * Where the proxy target's precision cap binds: the share of design points whose Stirling
 * precision α̂₀ reaches the old cap 10⁴ and the cap used, {@link PROXY_MAX_PRECISION} (as words).
 */
export function proxyCapShares(t: gd.EnsembleTargets): string {
  const { m, c, teachers } = t, cap = PROXY_MAX_PRECISION;
  const probs = gd.memberProbabilities(t.outputs, c);
  const beta = gd.proxyDirichletTarget(probs, teachers, m, c, { maxPrecision: cap });
  let old = 0, now = 0;
  for (let j = 0; j < m; j++) {
    let a0 = -c; // β_c = π̂_c α̂₀ + 1, so Σ_c β_c − c = α̂₀
    for (let a = 0; a < c; a++) a0 += beta[j * c + a];
    if (a0 >= 1e4) old++;
    if (a0 >= cap * (1 - 1e-9)) now++;
  }
  const pct = (k: number) => `${(100 * k / m).toPrecision(3)}%`;
  return `precision cap ${cap.toExponential(0).replace("+", "")} binds at ${
    pct(now)
  } of the design points ` +
    `(a cap of 1e4 would at ${pct(old)})`;
}

/** EnD²'s initial temperature, annealed to 1 over the first half of training (Malinin et al.). */
export const END2_T0 = 10;

/** How a DLF is fitted. */
export interface DlfSettings {
  /** Factors q (the paper: 10) and hidden units (the paper: 50). */
  q: number;
  hidden: number;
  /** EM epochs, MMD pretraining epochs, mean warm-up epochs before it (`fitDlf`). */
  epochs: number;
  initEpochs: number;
  meanWarmup: number;
  /** Design points per mini-batch; Adam learning rate. */
  batchSize: number;
  lr: number;
  /** Members sampled for the predictive. */
  members: number;
}

/** One classification set's settings: the teacher cohort (one hidden layer) and the students. */
export interface ClassificationSettings {
  teachers: number;
  teacherHidden: number;
  teacherEpochs: number;
  teacherLr: number;
  student: Omit<gd.StudentOptions, "seed">;
  dlf: DlfSettings;
}

/** MNIST's settings: those of any classification set plus the subset sizes (all: 60000, 10000). */
export interface MnistSettings extends ClassificationSettings {
  train: number;
  test: number;
  /** The distribution-shift experiment (08_gaussian_shift.ts; absent: not run). */
  shift?: ShiftSettings;
}

/** One method's scores on one classification set, with SEs over test images. */
export interface ClassificationRow {
  /** "Digits" or "MNIST". */
  dataset: string;
  method: string;
  accuracy: number;
  accuracySe: number;
  nll: number;
  nllSe: number;
  ece: number;
  eceSe: number;
  oodAuroc: number;
  oodAurocSe: number;
  /** Mean mutual information on the in-distribution and the rotated test set. */
  miIn: number;
  miOut: number;
  seconds: number;
}

/** A paired bootstrap difference between two methods on one set: a − b. */
export interface PairedDifference {
  dataset: string;
  metric: "ece" | "oodAuroc";
  a: string;
  b: string;
  difference: number;
  se: number;
}

/** One method's averaged member probabilities on a set's test images, with the labels. */
export interface Reliability {
  dataset: string;
  method: string;
  probabilities: Float64Array;
  labels: Int32Array;
}

/** Bootstrap resamples of the test images for the SEs of ECE and AUROC. */
export const CLASSIFICATION_BOOTSTRAP = 200;

/** Rotate square images (rows of side x side pixels) by 90 degrees clockwise. */
export function rotateImages(x: Float64Array, n: number, side: number): Float64Array {
  if (x.length !== n * side * side) {
    throw new RangeError(
      `rotateImages: x has ${x.length} values; expected n x side² = ${n * side * side}.`,
    );
  }
  const p = side * side, out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        out[i * p + c * side + (side - 1 - r)] = x[i * p + r * side + c];
      }
    }
  }
  return out;
}

/** The mean of `a`. */
export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function sd(a: readonly number[]): number {
  const mu = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - mu) ** 2, 0) / Math.max(a.length - 1, 1));
}

/** Rows of a (N x width) at idx. */
function rowsAt(a: ArrayLike<number>, width: number, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length * width);
  for (let k = 0; k < idx.length; k++) {
    for (let t = 0; t < width; t++) out[k * width + t] = a[idx[k] * width + t];
  }
  return out;
}

/** One method's averaged probabilities and mutual information, in and out of distribution. */
interface Scored {
  method: string;
  avg: Float64Array;
  miIn: Float64Array;
  miOut: Float64Array;
  seconds: number;
}

/** The data: standardised Digits (80/20 stratified) or [0, 1] MNIST subsets, and the OOD set. */
export async function classificationData(
  dataset: "Digits" | "MNIST",
  seed: number,
  s?: MnistSettings,
) {
  if (dataset === "Digits") {
    const ds = await loadDigits();
    const sp = prepareClassification(ds, { splitSeed: seed, scaler: "train" });
    const rawTest = takeRows(ds.x, sp.d, sp.test);
    return {
      ...sp,
      xOod: applyStandardizer(sp.xScaler, rotateImages(rawTest, sp.nTest, 8), sp.d),
      protocol: sp.protocol + " OOD set: the test digits rotated by 90°.",
      shift: null,
    };
  }
  const [train, test] = await Promise.all([
    loadMnist({ split: "train" }),
    loadMnist({ split: "test" }),
  ]);
  const rng = new Rng(seed).child(9);
  const pick = (n: number, k: number, r: Rng) => sampleWithoutReplacement(r, n, k).sort();
  const iTrain = pick(train.n, s!.train, rng.child(0)), iTest = pick(test.n, s!.test, rng.child(1));
  const d = train.d, side = Math.round(Math.sqrt(d));
  const xTest = takeRows(test.x, d, iTest);
  const count = (v: number) => v.toLocaleString("en-US");
  return {
    d,
    xTrain: takeRows(train.x, d, iTrain),
    yTrain: Int32Array.from(iTrain, (i) => train.y[i]),
    xTest,
    yTest: Int32Array.from(iTest, (i) => test.y[i]),
    nTrain: s!.train,
    nTest: s!.test,
    xOod: rotateImages(xTest, s!.test, side),
    protocol: `MNIST: ${count(s!.train)} training images drawn at random from the 60,000 and ` +
      `${count(s!.test)} test images from the 10,000 (seed ${seed}); pixels / 255, not ` +
      `standardised; OOD set: the test images rotated by 90°.`,
    shift: s!.shift ? shiftData(train, iTrain, s!.shift, rng.child(2)) : null,
  };
}

/** The DLF of one set: fitted to the teachers' logits, members sampled in and out. */
async function dlfScored(
  targets: gd.EnsembleTargets,
  dl: DlfSettings,
  root: Rng,
  xTest: Float64Array,
  xOod: Float64Array,
  nTest: number,
) {
  const { x, m, d, outputs: teacherOutputs, teachers, c } = targets;
  const { q, hidden, epochs, batchSize, lr, meanWarmup } = dl;
  const [fit, seconds] = await timed(() =>
    gd.fitDlf({
      ...{ x, m, d, teacherOutputs, teachers, c, q, hidden, epochs, batchSize, lr, meanWarmup },
      seed: root.child(5),
      init: { kind: "mmd", epochs: dl.initEpochs },
    })
  );
  const lin = gd.sampleDlfMembers(fit.model, xTest, nTest, dl.members, root.child(6));
  const lout = gd.sampleDlfMembers(fit.model, xOod, nTest, dl.members, root.child(7));
  // The same members (the same seed) at any inputs: the shift step's.
  const at = (x: Float64Array, n: number) =>
    gd.sampleDlfMembers(fit.model, x, n, dl.members, root.child(6));
  return { lin, lout, seconds, at };
}

/** Seconds `f` takes, with its result. */
export async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const a = performance.now();
  const r = await f();
  return [r, (performance.now() - a) / 1000];
}

/**
 * One classification set: train the teacher cohort, distil it with every method, score each on
 * the test set and the rotated test set (SEs over test images; paired bootstrap differences).
 */
export async function classificationStep(
  dataset: "Digits" | "MNIST",
  cc: ClassificationSettings | MnistSettings,
  seed: number,
) {
  const data = await classificationData(dataset, seed, cc as MnistSettings);
  const { xTrain, yTrain, xTest, yTest, nTrain: m, nTest, d, xOod } = data;
  const root = new Rng(seed).child(dataset === "Digits" ? 3 : 4);
  const seedOf = (r: Rng) => r.nextUint32();
  const C = 10, n = cc.teachers;
  const [cohort, teacherSeconds] = await timed(() =>
    fitCohort({
      ...{ x: xTrain, n: m, d, hidden: cc.teacherHidden, outputs: C, loss: "cross-entropy" },
      ...{ targets: yTrain, students: n, epochs: cc.teacherEpochs, lr: cc.teacherLr },
      seed: seedOf(root.child(0)),
    })
  );
  const logits = (x: ArrayLike<number>, mm: number) =>
    Float64Array.from(predictCohort(cohort, x, mm, { probabilities: false }));
  const targets = { x: xTrain, m, d, outputs: logits(xTrain, m), teachers: n, c: C };
  const scored: Scored[] = [], shifted: ShiftMembers[] = [], sd = data.shift;
  const shift = (
    method: string,
    k: number,
    test: Float64Array,
    f: (x: Float64Array) => Float64Array,
  ) => sd && shifted.push({ method, members: k, test, shifted: f(sd.x) });
  const add = (
    method: string,
    k: number,
    lin: Float64Array,
    lout: Float64Array,
    seconds: number,
  ) => {
    const pIn = gd.memberProbabilities(lin, C), pOut = gd.memberProbabilities(lout, C);
    const miIn = scores.mutualInformation(pIn, k, C), miOut = scores.mutualInformation(pOut, k, C);
    scored.push({ method, avg: gd.memberAverage(pIn, k), miIn, miOut, seconds });
  };
  const tIn = logits(xTest, nTest);
  add("Teachers", n, tIn, logits(xOod, nTest), teacherSeconds);
  shift("Teachers", n, tIn, (x) => logits(x, sd!.y.length));
  const student = (k: number) => ({ ...cc.student, seed: seedOf(root.child(1 + k)) });
  const members = cc.dlf.members;
  // Standard KD, small-Ens, Hydra and EnD² on mini-batches of the DLF's size
  // (08_gaussian_students.ts).
  const batch = (k: number) => ({ ...student(k), batchSize: cc.dlf.batchSize });
  const methods = [
    () => distillKl(targets, batch(0), false),
    () => distillKl(targets, batch(1), true),
    () => distillHydraKl(targets, batch(2)),
    () => distillEnD2Annealed(targets, { ...batch(3), members, t0: END2_T0 }),
    () => gd.distillProxyDirichlet(targets, { ...batch(4), members, ...PROXY_NORMALISED }),
  ];
  for (const f of methods) {
    const [p, s] = await timed(f);
    const lin = p.predict(xTest, nTest);
    add(p.method, p.members, lin, p.predict(xOod, nTest), s);
    shift(p.method, p.members, lin, (x) => p.predict(x, sd!.y.length));
  }
  const dlf = await dlfScored(targets, cc.dlf, root, xTest, xOod, nTest);
  add("DLF", members, dlf.lin, dlf.lout, dlf.seconds);
  shift("DLF", members, dlf.lin, (x) => dlf.at(x, sd!.y.length));
  const budgets = budgetRows(dataset, m, cc.student, cc.dlf, true).map((b) =>
    b.method === "Proxy-EnD²" ? { ...b, loss: `${b.loss}; ${proxyCapShares(targets)}` } : b
  );
  const shiftRows = sd
    ? shiftStep(shifted, { ...sd, yTest }, (cc as MnistSettings).shift!, root.child(10))
    : [];
  const protocol = data.protocol + (sd ? " " + sd.protocol : "");
  return {
    ...scoreAll(dataset, scored, yTest, root.child(8)),
    protocol,
    budgets,
    shift: shiftRows,
  };
}

/** One method's row: accuracy (binomial SE), NLL (per-image SE), ECE and AUROC (bootstrap SE). */
function scoreRow(
  dataset: string,
  s: Scored,
  labels: Int32Array,
  boot: { ece: number[]; roc: number[] },
): ClassificationRow {
  const C = 10, N = labels.length;
  let correct = 0;
  const nll = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let best = 0;
    for (let a = 1; a < C; a++) if (s.avg[j * C + a] > s.avg[j * C + best]) best = a;
    if (best === labels[j]) correct++;
    nll[j] = negativeLogLikelihood(s.avg.subarray(j * C, (j + 1) * C), [labels[j]], C);
  }
  const acc = correct / N, nllMean = mean(nll);
  let v = 0;
  for (let j = 0; j < N; j++) v += (nll[j] - nllMean) ** 2;
  return {
    dataset,
    method: s.method,
    accuracy: acc,
    accuracySe: Math.sqrt(acc * (1 - acc) / N),
    nll: nllMean,
    nllSe: Math.sqrt(v / (N - 1) / N),
    ece: expectedCalibrationError(s.avg, labels, C, { bins: 15 }),
    eceSe: sd(boot.ece),
    oodAuroc: scores.auroc(s.miIn, s.miOut),
    oodAurocSe: sd(boot.roc),
    miIn: mean(s.miIn),
    miOut: mean(s.miOut),
    seconds: s.seconds,
  };
}

/** Scores with SEs over test images, and paired bootstrap differences between students. */
function scoreAll(dataset: string, scored: readonly Scored[], labels: Int32Array, rng: Rng) {
  const C = 10, N = labels.length;
  const resamples = Array.from({ length: CLASSIFICATION_BOOTSTRAP }, (_, b) => {
    const r = rng.child(b);
    return Int32Array.from({ length: N }, () => r.int(N));
  });
  const ece = (s: Scored, idx: Int32Array) =>
    expectedCalibrationError(rowsAt(s.avg, C, idx), rowsAt(labels, 1, idx), C, { bins: 15 });
  const roc = (s: Scored, idx: Int32Array) =>
    scores.auroc(rowsAt(s.miIn, 1, idx), rowsAt(s.miOut, 1, idx));
  // Per method, its statistic on every resample (the same resamples for every method: paired).
  const boot = scored.map((s) => ({
    ece: resamples.map((idx) => ece(s, idx)),
    roc: resamples.map((idx) => roc(s, idx)),
  }));
  const rows = scored.map((s, k) => scoreRow(dataset, s, labels, boot[k]));
  const differences: PairedDifference[] = [];
  for (let a = 1; a < scored.length; a++) {
    for (let b = 1; b < scored.length; b++) {
      if (a === b) continue;
      for (const metric of ["ece", "oodAuroc"] as const) {
        const key = metric === "ece" ? "ece" : "roc";
        const diffs = boot[a][key].map((v, i) => v - boot[b][key][i]);
        const difference = rows[a][metric] - rows[b][metric];
        differences.push({
          dataset,
          metric,
          a: scored[a].method,
          b: scored[b].method,
          difference,
          se: sd(diffs),
        });
      }
    }
  }
  const reliability: Reliability[] = scored.map((s) => ({
    dataset,
    method: s.method,
    probabilities: s.avg,
    labels,
  }));
  return { rows, reliability, differences };
}
