/**
 * The classification side of notebook 08: an MLP teacher ensemble (a cohort,
 * trained by cross-entropy with the cohort trainer) distilled by every method
 * on Digits and MNIST, scored by accuracy, NLL, ECE (15 bins) and OOD AUROC
 * from the members' mutual information against the test images rotated by
 * 90°, with standard errors over the test images (the fitted models held
 * fixed): binomial for accuracy, the per-image SE for NLL, and a bootstrap
 * over test images for ECE and AUROC, paired across methods for the
 * differences the claims ledger tests.
 *
 * Students: Standard KD, small-Ens and Hydra match the teachers' logits by
 * MSE with the cohort trainer (its cross-entropy takes hard labels only);
 * EnD², Proxy-EnD² and the DLF are float64 networks with their own losses
 * (lib/gaussian; products through OpenBLAS dgemm).
 *
 * @module
 */
import { loadDigits } from "../data/bundled.ts";
import { takeRows } from "../data/dataset.ts";
import { loadMnist } from "../data/idx.ts";
import { prepareClassification } from "../data/prepare.ts";
import { applyStandardizer } from "../data/standardize.ts";
import {
  distillDirichlet,
  distillHydra,
  distillMean,
  distillSmallEnsemble,
  type EnsembleTargets,
  memberAverage,
  memberProbabilities,
  type StudentOptions,
} from "../gaussian/baselines.ts";
import { fitDlf, sampleDlfMembers } from "../gaussian/dlf.ts";
import { distillProxyDirichlet } from "../gaussian/proxy_endd.ts";
import { fitCohort, predictCohort } from "../nn/cohort.ts";
import { Rng, sampleWithoutReplacement } from "../random.ts";
import { expectedCalibrationError, negativeLogLikelihood } from "../uncertainty/calibration.ts";
import { auroc, mutualInformation } from "../uncertainty/regression_scores.ts";

/**
 * How a DLF is fitted.
 *
 * @category Gaussian distillation
 */
export interface DlfSettings {
  /** Factors q (the paper: 10). */
  q: number;
  /** Hidden units (the paper: 50). */
  hidden: number;
  /** EM epochs. */
  epochs: number;
  /** MMD pretraining epochs. */
  initEpochs: number;
  /** Mean warm-up epochs before the MMD pretraining (see `fitDlf`'s `meanWarmup`). */
  meanWarmup: number;
  /** Design points per mini-batch. */
  batchSize: number;
  /** Adam learning rate. */
  lr: number;
  /** Members sampled for the predictive. */
  members: number;
}

/**
 * One classification data set's settings: the teacher cohort and the students.
 *
 * @category Gaussian distillation
 */
export interface ClassificationSettings {
  /** Teachers n. */
  teachers: number;
  /** Teacher hidden width (one hidden layer: the cohort trainer's shape). */
  teacherHidden: number;
  /** Teacher full-batch Adam epochs. */
  teacherEpochs: number;
  /** Teacher learning rate. */
  teacherLr: number;
  /** Baseline students. */
  student: Omit<StudentOptions, "seed">;
  /** The DLF. */
  dlf: DlfSettings;
}

/**
 * MNIST's settings: those of any classification set plus the subset sizes.
 *
 * @category Gaussian distillation
 */
export interface MnistSettings extends ClassificationSettings {
  /** Training images drawn (without replacement) from MNIST's 60,000 (all: 60000). */
  train: number;
  /** Test images drawn from MNIST's 10,000 (all: 10000). */
  test: number;
}

/**
 * One method's scores on one classification set, with SEs over test images.
 *
 * @category Gaussian distillation
 */
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

/**
 * A paired bootstrap difference between two methods on one set: a − b.
 *
 * @category Gaussian distillation
 */
export interface PairedDifference {
  dataset: string;
  metric: "ece" | "oodAuroc";
  a: string;
  b: string;
  difference: number;
  se: number;
}

/**
 * The classification part of the result.
 *
 * @category Gaussian distillation
 */
export interface ClassificationResult {
  rows: ClassificationRow[];
  /** Averaged member probabilities on the test set, per method (reliability diagrams). */
  reliability: {
    dataset: string;
    method: string;
    probabilities: Float64Array;
    labels: Int32Array;
  }[];
  /** Paired bootstrap differences of ECE and AUROC between every pair of students. */
  differences: PairedDifference[];
  protocol: string;
}

/** Bootstrap resamples of the test images for the SEs of ECE and AUROC. */
export const CLASSIFICATION_BOOTSTRAP = 200;

/**
 * Rotate square images (rows of side x side pixels) by 90 degrees clockwise.
 *
 * @category Gaussian distillation
 */
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

/**
 * Rotate 8 x 8 images (rows of 64 pixels) by 90 degrees.
 *
 * @category Gaussian distillation
 */
export function rotateDigits(x: Float64Array, n: number): Float64Array {
  return rotateImages(x, n, 8);
}

function mean(a: ArrayLike<number>): number {
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

interface Scored {
  method: string;
  avg: Float64Array;
  miIn: Float64Array;
  miOut: Float64Array;
  seconds: number;
}

/** The classification data: standardised Digits (80/20 stratified) or [0, 1] MNIST subsets. */
async function classificationData(
  dataset: "Digits" | "MNIST",
  seed: number,
  mnist?: MnistSettings,
) {
  if (dataset === "Digits") {
    const ds = await loadDigits();
    const sp = prepareClassification(ds, { splitSeed: seed, scaler: "train" });
    const rawTest = takeRows(ds.x, sp.d, sp.test);
    return {
      ...sp,
      xOod: applyStandardizer(sp.xScaler, rotateDigits(rawTest, sp.nTest), sp.d),
      protocol: sp.protocol + " OOD set: the test digits rotated by 90°.",
    };
  }
  const s = mnist!;
  const [train, test] = await Promise.all([
    loadMnist({ split: "train" }),
    loadMnist({ split: "test" }),
  ]);
  const rng = new Rng(seed).child(9);
  const pick = (n: number, k: number, r: Rng) => sampleWithoutReplacement(r, n, k).sort();
  const iTrain = pick(train.n, s.train, rng.child(0)), iTest = pick(test.n, s.test, rng.child(1));
  const d = train.d, side = Math.round(Math.sqrt(d));
  const xTest = takeRows(test.x, d, iTest);
  return {
    d,
    xTrain: takeRows(train.x, d, iTrain),
    yTrain: Int32Array.from(iTrain, (i) => train.y[i]),
    xTest,
    yTest: Int32Array.from(iTest, (i) => test.y[i]),
    nTrain: s.train,
    nTest: s.test,
    xOod: rotateImages(xTest, s.test, side),
    protocol:
      `MNIST: ${s.train.toLocaleString("en-US")} training images drawn at random from the ` +
      `60,000 and ${s.test.toLocaleString("en-US")} test images from the 10,000 (seed ${seed}); ` +
      `pixels / 255, not standardised; OOD set: the test images rotated by 90°.`,
  };
}

/**
 * Run one classification set: train the teacher cohort, distil it with every
 * method, score each on the test set and the rotated test set.
 *
 * @category Gaussian distillation
 */
export async function classificationRun(
  dataset: "Digits" | "MNIST",
  cc: ClassificationSettings | MnistSettings,
  seed: number,
): Promise<ClassificationResult> {
  const data = await classificationData(dataset, seed, cc as MnistSettings);
  const { xTrain, yTrain, xTest, yTest, nTrain: m, nTest, d, xOod } = data;
  const root = new Rng(seed).child(dataset === "Digits" ? 3 : 4);
  const seedOf = (r: Rng) => r.nextUint32();
  const C = 10, n = cc.teachers;
  const t0 = performance.now();
  const cohort = await fitCohort({
    x: xTrain,
    n: m,
    d,
    hidden: cc.teacherHidden,
    outputs: C,
    loss: "cross-entropy",
    targets: yTrain,
    students: n,
    epochs: cc.teacherEpochs,
    lr: cc.teacherLr,
    seed: seedOf(root.child(0)),
  });
  const teacherSeconds = (performance.now() - t0) / 1000;
  const logits = (x: ArrayLike<number>, mm: number) =>
    Float64Array.from(predictCohort(cohort, x, mm, { probabilities: false }));
  const targets: EnsembleTargets = {
    x: xTrain,
    m,
    d,
    outputs: logits(xTrain, m),
    teachers: n,
    c: C,
  };
  const scored: Scored[] = [];
  const add = (
    method: string,
    k: number,
    lin: Float64Array,
    lout: Float64Array,
    seconds: number,
  ) => {
    const pIn = memberProbabilities(lin, C), pOut = memberProbabilities(lout, C);
    scored.push({
      method,
      avg: memberAverage(pIn, k),
      miIn: mutualInformation(pIn, k, C),
      miOut: mutualInformation(pOut, k, C),
      seconds,
    });
  };
  add("Teachers", n, logits(xTest, nTest), logits(xOod, nTest), teacherSeconds);
  const student = (k: number): StudentOptions => ({
    ...cc.student,
    seed: seedOf(root.child(1 + k)),
  });
  const timed = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
    const a = performance.now();
    const r = await f();
    return [r, (performance.now() - a) / 1000];
  };
  const methods = [
    () => distillMean(targets, student(0)),
    () => distillSmallEnsemble(targets, student(1)),
    () => distillHydra(targets, student(2)),
    () => distillDirichlet(targets, { ...student(3), members: cc.dlf.members }),
    () => distillProxyDirichlet(targets, { ...student(4), members: cc.dlf.members }),
  ];
  for (const f of methods) {
    const [p, s] = await timed(f);
    add(p.method, p.members, p.predict(xTest, nTest), p.predict(xOod, nTest), s);
  }
  const dl = cc.dlf;
  const [fit, dlfSeconds] = await timed(() =>
    fitDlf({
      x: xTrain,
      m,
      d,
      teacherOutputs: targets.outputs,
      teachers: n,
      c: C,
      q: dl.q,
      hidden: dl.hidden,
      epochs: dl.epochs,
      batchSize: dl.batchSize,
      lr: dl.lr,
      seed: root.child(5),
      init: { kind: "mmd", epochs: dl.initEpochs },
      meanWarmup: dl.meanWarmup,
    })
  );
  add(
    "DLF",
    dl.members,
    sampleDlfMembers(fit.model, xTest, nTest, dl.members, root.child(6)),
    sampleDlfMembers(fit.model, xOod, nTest, dl.members, root.child(7)),
    dlfSeconds,
  );
  return { ...scoreAll(dataset, scored, yTest, root.child(8)), protocol: data.protocol };
}

/** Scores with SEs over test images, and paired bootstrap differences between students. */
function scoreAll(
  dataset: string,
  scored: readonly Scored[],
  labels: Int32Array,
  rng: Rng,
): Omit<ClassificationResult, "protocol"> {
  const C = 10, N = labels.length, B = CLASSIFICATION_BOOTSTRAP;
  const resamples = Array.from({ length: B }, (_, b) => {
    const r = rng.child(b);
    return Int32Array.from({ length: N }, () => r.int(N));
  });
  const ece = (s: Scored, idx: Int32Array) =>
    expectedCalibrationError(rowsAt(s.avg, C, idx), rowsAt(labels, 1, idx), C, { bins: 15 });
  const roc = (s: Scored, idx: Int32Array) =>
    auroc(rowsAt(s.miIn, 1, idx), rowsAt(s.miOut, 1, idx));
  // Per method, its statistic on every resample (the same resamples for every method: paired).
  const boot = scored.map((s) => ({
    ece: resamples.map((idx) => ece(s, idx)),
    roc: resamples.map((idx) => roc(s, idx)),
  }));
  const rows: ClassificationRow[] = scored.map((s, k) => {
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
      eceSe: sd(boot[k].ece),
      oodAuroc: auroc(s.miIn, s.miOut),
      oodAurocSe: sd(boot[k].roc),
      miIn: mean(s.miIn),
      miOut: mean(s.miOut),
      seconds: s.seconds,
    };
  });
  const differences: PairedDifference[] = [];
  for (let a = 1; a < scored.length; a++) {
    for (let b = 1; b < scored.length; b++) {
      if (a === b) continue;
      for (const metric of ["ece", "oodAuroc"] as const) {
        const key = metric === "ece" ? "ece" : "roc";
        const diffs = boot[a][key].map((v, i) => v - boot[b][key][i]);
        differences.push({
          dataset,
          metric,
          a: scored[a].method,
          b: scored[b].method,
          difference: rows[a][metric] - rows[b][metric],
          se: sd(diffs),
        });
      }
    }
  }
  return {
    rows,
    reliability: scored.map((s) => ({ dataset, method: s.method, probabilities: s.avg, labels })),
    differences,
  };
}
