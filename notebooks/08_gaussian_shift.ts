/**
 * The distribution-shift step of notebook 08 ({@link shiftStep}): the DLF paper's head-retraining
 * experiment (Park et al. 2025, Section 5.3, on CIFAR-10-Flip), here on MNIST with a permuted
 * label map as a stand-in. We do not have the paper's protocol text; this is ours:
 *
 * - **shift task.** Per replicate, a seeded uniform random derangement π of the 10 labels
 *   ({@link derangement}: no label keeps its class) and a small labelled shifted set: `perClass`
 *   MNIST training images of each class, labelled π(y). They come from the training images not
 *   drawn as design points (disjoint across replicates) when there are enough of them (smoke and
 *   default scale), else from the design points themselves (paper scale uses all 60,000);
 *   {@link shiftData} says which. The shifted test set is the test images with labels π(y).
 * - **head retraining.** For every method and every member, the member's logits on the shifted
 *   set (standardised per logit on that set) feed a new c x c softmax head with bias and a small
 *   L2 penalty on its weights, fitted by multinomial logistic regression with a fixed number of
 *   full-batch Adam steps, the same for every method ({@link fitSoftmaxHead}); the teachers'
 *   members get the same treatment as the reference row. The predictive is the average of the
 *   members' new class probabilities.
 * - **scores.** On the shifted test set: accuracy, NLL, ECE (15 bins) of that average, and the
 *   members' mean disagreement (mutual information). A replicate (a new π and a new shifted set)
 *   is the independent unit: SEs and paired differences are over replicates. The teachers and
 *   students are trained once, so the SEs do not include the spread over retrained networks.
 *
 * @module
 */
import { takeRows } from "../lib/data/mod.ts";
import * as gd from "../lib/gaussian/mod.ts";
import { permutation, type Rng, sampleWithoutReplacement } from "../lib/random.ts";
import { mutualInformation } from "../lib/uncertainty/regression_scores.ts";
import { expectedCalibrationError, meanSe as unitMeanSe } from "../lib/uncertainty/mod.ts";

/** The shift experiment's settings (`mnist.shift` in notebook 08's configuration). */
export interface ShiftSettings {
  /** Labelled shifted images per class. */
  perClass: number;
  /** Replicates: each a new derangement and a new shifted set. */
  replicates: number;
  /** Full-batch Adam steps of every head fit. */
  steps: number;
}

/** The head fit's L2 penalty on its weights (not the bias) and Adam's learning rate. */
export const SHIFT_HEAD_L2 = 1e-3;
export const SHIFT_HEAD_LR = 0.05;

/** One method's scores on one replicate's shifted test set. */
export interface ShiftRow {
  replicate: number;
  method: string;
  members: number;
  accuracy: number;
  nll: number;
  /** 15 bins. */
  ece: number;
  /** Mean over test images of the members' mutual information (nats). */
  mi: number;
}

/** One method's member logits: K x nTest x c on the test images, K x nShift x c on the shifted set. */
export interface ShiftMembers {
  method: string;
  members: number;
  test: Float64Array;
  shifted: Float64Array;
}

/** The labelled shifted images of every replicate, replicate after replicate. */
export interface ShiftData {
  /** replicates x (c x perClass) images, d pixels each. */
  x: Float64Array;
  /** Their original labels (before π). */
  y: Int32Array;
  /** Images per replicate (c x perClass). */
  perReplicate: number;
  /** "unused training images" (disjoint across replicates) or "design points". */
  source: "unused training images" | "design points";
  protocol: string;
}

function fail(msg: string): never {
  throw new RangeError(msg);
}

/**
 * A uniformly random derangement of 0..c-1 (a permutation with no fixed point), by rejection:
 * Fisher-Yates shuffles until one moves every label (about e tries on average).
 *
 * @throws RangeError when c < 2 (one label cannot be moved).
 */
export function derangement(c: number, rng: Rng): Int32Array {
  if (!Number.isInteger(c) || c < 2) fail(`derangement: c must be an integer >= 2, got ${c}.`);
  for (;;) {
    const p = permutation(rng, c);
    if (p.every((v, i) => v !== i)) return p;
  }
}

/**
 * The shifted sets of every replicate: `perClass` images of each of the `c` classes per
 * replicate, from the training images not in `used` (disjoint across replicates) when every
 * class has enough of them, else from the images in `used` (a fresh draw per replicate).
 *
 * @throws RangeError when a setting is not a positive integer or a class has too few images.
 */
export function shiftData(
  train: { x: Float64Array; y: ArrayLike<number>; n: number; d: number },
  used: ArrayLike<number>,
  s: ShiftSettings,
  rng: Rng,
  c = 10,
): ShiftData {
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) fail(`mnist.shift.${k} must be an integer >= 1, got ${v}.`);
  }
  const taken = new Uint8Array(train.n);
  for (let i = 0; i < used.length; i++) taken[used[i]] = 1;
  const byClass = (keep: (i: number) => boolean) =>
    Array.from({ length: c }, (_, a) => {
      const out: number[] = [];
      for (let i = 0; i < train.n; i++) if (train.y[i] === a && keep(i)) out.push(i);
      return out;
    });
  const free = byClass((i) => taken[i] === 0);
  const need = s.perClass * s.replicates;
  const unused = free.every((f) => f.length >= need);
  const pools = unused ? free : byClass((i) => taken[i] === 1);
  if (pools.some((p) => p.length < s.perClass)) {
    fail(`shiftData: a class has fewer than ${s.perClass} images to draw from.`);
  }
  const idx: number[] = [];
  for (let a = 0; a < c; a++) {
    // Unused images: one draw of all replicates' images per class (disjoint); else per replicate.
    const draw = unused
      ? [sampleWithoutReplacement(rng.child(a), pools[a].length, need)]
      : Array.from(
        { length: s.replicates },
        (_, r) => sampleWithoutReplacement(rng.child(a).child(r), pools[a].length, s.perClass),
      );
    for (let r = 0; r < s.replicates; r++) {
      const block = unused ? draw[0].subarray(r * s.perClass, (r + 1) * s.perClass) : draw[r];
      block.forEach((j, t) => (idx[(r * c + a) * s.perClass + t] = pools[a][j]));
    }
  }
  const index = Int32Array.from(idx);
  const source = unused ? "unused training images" : "design points";
  return {
    x: takeRows(train.x, train.d, index),
    y: Int32Array.from(index, (i) => train.y[i]),
    perReplicate: c * s.perClass,
    source,
    protocol: `MNIST shift (a stand-in for the DLF paper's CIFAR-10-Flip): ${s.replicates} ` +
      `replicates, each a random derangement of the labels and ${s.perClass} labelled images ` +
      `per class from the ${source}` + (unused ? " (disjoint across replicates)" : "") +
      `; heads refitted by ${s.steps} full-batch Adam steps.`,
  };
}

/** A fitted softmax head: logits s = W z + b, W c x p row-major. */
export interface SoftmaxHead {
  w: Float64Array;
  b: Float64Array;
  c: number;
  p: number;
}

/**
 * The head's objective at (w, b): the mean cross-entropy of labels y (n rows of p features z)
 * plus (l2 / 2) ||W||², and its gradient (multinomial logistic regression).
 */
export function headLoss(
  head: SoftmaxHead,
  z: ArrayLike<number>,
  y: ArrayLike<number>,
  l2: number,
): { loss: number; gw: Float64Array; gb: Float64Array } {
  const { w, b, c, p } = head, n = y.length;
  const gw = new Float64Array(c * p), gb = new Float64Array(c), s = new Float64Array(c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let a = 0; a < c; a++) {
      let v = b[a];
      for (let t = 0; t < p; t++) v += w[a * p + t] * z[i * p + t];
      s[a] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let a = 0; a < c; a++) sum += Math.exp(s[a] - max);
    loss += (max + Math.log(sum) - s[y[i]]) / n;
    for (let a = 0; a < c; a++) {
      const g = (Math.exp(s[a] - max) / sum - (a === y[i] ? 1 : 0)) / n;
      gb[a] += g;
      for (let t = 0; t < p; t++) gw[a * p + t] += g * z[i * p + t];
    }
  }
  for (let k = 0; k < w.length; k++) {
    loss += 0.5 * l2 * w[k] * w[k];
    gw[k] += l2 * w[k];
  }
  return { loss, gw, gb };
}

/**
 * Fit a c-class softmax head with bias on n rows of p features by `steps` full-batch Adam steps
 * from zero (learning rate `lr`, β = 0.9, 0.999), L2 penalty `l2` on the weights.
 */
export function fitSoftmaxHead(
  z: ArrayLike<number>,
  y: ArrayLike<number>,
  c: number,
  opts: { steps: number; l2?: number; lr?: number },
): SoftmaxHead {
  const n = y.length, p = z.length / n;
  if (!Number.isInteger(p) || n < 1) {
    fail(`fitSoftmaxHead: z has ${z.length} values for ${n} rows.`);
  }
  const l2 = opts.l2 ?? SHIFT_HEAD_L2, lr = opts.lr ?? SHIFT_HEAD_LR;
  const head: SoftmaxHead = { w: new Float64Array(c * p), b: new Float64Array(c), c, p };
  const params = [head.w, head.b];
  const m1 = params.map((a) => new Float64Array(a.length));
  const m2 = params.map((a) => new Float64Array(a.length));
  for (let step = 1; step <= opts.steps; step++) {
    const { gw, gb } = headLoss(head, z, y, l2);
    const c1 = 1 - 0.9 ** step, c2 = 1 - 0.999 ** step;
    [gw, gb].forEach((g, k) => {
      const a = params[k];
      for (let t = 0; t < a.length; t++) {
        m1[k][t] = 0.9 * m1[k][t] + 0.1 * g[t];
        m2[k][t] = 0.999 * m2[k][t] + 0.001 * g[t] * g[t];
        a[t] -= lr * (m1[k][t] / c1) / (Math.sqrt(m2[k][t] / c2) + 1e-8);
      }
    });
  }
  return head;
}

/** The head's class probabilities at n rows of features: n x c. */
export function headProbabilities(head: SoftmaxHead, z: ArrayLike<number>): Float64Array {
  const { w, b, c, p } = head, n = z.length / p;
  const s = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < c; a++) {
      let v = b[a];
      for (let t = 0; t < p; t++) v += w[a * p + t] * z[i * p + t];
      s[i * c + a] = v;
    }
  }
  return gd.memberProbabilities(s, c);
}

/** Standardise both feature sets by the mean and SD (1 when 0) of each column of `fit`. */
function standardise(fit: Float64Array, other: Float64Array, p: number) {
  const n = fit.length / p, mu = new Float64Array(p), sd = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let t = 0; t < p; t++) mu[t] += fit[i * p + t] / n;
  for (let i = 0; i < n; i++) for (let t = 0; t < p; t++) sd[t] += (fit[i * p + t] - mu[t]) ** 2;
  for (let t = 0; t < p; t++) sd[t] = Math.sqrt(sd[t] / n) || 1;
  const apply = (a: Float64Array) => a.map((v, k) => (v - mu[k % p]) / sd[k % p]);
  return [apply(fit), apply(other)];
}

/**
 * Every method's rows on every replicate (our protocol for the DLF paper's head-retraining
 * experiment, Park et al. 2025, Section 5.3): a derangement π, the replicate's shifted set (its
 * labels π(y)), a new head per member fitted on the member's logits there, and the averaged new
 * probabilities scored on the test images labelled π(y).
 */
export function shiftStep(
  methods: readonly ShiftMembers[],
  data: { y: Int32Array; perReplicate: number; yTest: Int32Array },
  s: ShiftSettings,
  rng: Rng,
  c = 10,
): ShiftRow[] {
  const nS = data.perReplicate, nT = data.yTest.length, rows: ShiftRow[] = [];
  const nAll = data.y.length;
  for (let r = 0; r < s.replicates; r++) {
    const pi = derangement(c, rng.child(r));
    const yFit = Int32Array.from(data.y.subarray(r * nS, (r + 1) * nS), (v) => pi[v]);
    const yTest = Int32Array.from(data.yTest, (v) => pi[v]);
    for (const m of methods) {
      const probs = new Float64Array(m.members * nT * c);
      for (let k = 0; k < m.members; k++) {
        const base = (k * nAll + r * nS) * c;
        const [zFit, zTest] = standardise(
          m.shifted.slice(base, base + nS * c),
          m.test.slice(k * nT * c, (k + 1) * nT * c),
          c,
        );
        const head = fitSoftmaxHead(zFit, yFit, c, { steps: s.steps });
        probs.set(headProbabilities(head, zTest), k * nT * c);
      }
      rows.push({ replicate: r, method: m.method, members: m.members, ...score(probs, m, yTest) });
    }
  }
  return rows;
}

function score(probs: Float64Array, m: ShiftMembers, y: Int32Array) {
  const c = probs.length / m.members / y.length, avg = gd.memberAverage(probs, m.members);
  let correct = 0, nll = 0;
  for (let j = 0; j < y.length; j++) {
    let best = 0;
    for (let a = 1; a < c; a++) if (avg[j * c + a] > avg[j * c + best]) best = a;
    if (best === y[j]) correct++;
    nll -= Math.log(Math.max(avg[j * c + y[j]], 1e-300)) / y.length;
  }
  const mi = mutualInformation(probs, m.members, c);
  return {
    accuracy: correct / y.length,
    nll,
    ece: expectedCalibrationError(avg, y, c, { bins: 15 }),
    mi: mi.reduce((a, v) => a + v, 0) / mi.length,
  };
}

/** The metrics of a shift row. */
export const SHIFT_METRICS = ["accuracy", "nll", "ece", "mi"] as const;
export type ShiftMetric = (typeof SHIFT_METRICS)[number];

/** Mean and SE over replicates (lib/uncertainty's meanSe; SE 0 for one replicate). */
function meanSe(v: readonly number[]): [number, number] {
  const r = unitMeanSe(v);
  return [r.mean, v.length < 2 ? 0 : r.se];
}

/** Per method (in row order), each metric's mean and SE over replicates. */
export function summarizeShift(rows: readonly ShiftRow[]) {
  return [...new Set(rows.map((r) => r.method))].map((method) => {
    const rs = rows.filter((r) => r.method === method);
    const out: Record<string, number | string> = { method, replicates: rs.length };
    for (const k of SHIFT_METRICS) [out[k], out[`${k}Se`]] = meanSe(rs.map((r) => r[k]));
    return out as
      & { method: string; replicates: number }
      & Record<ShiftMetric, number>
      & Record<`${ShiftMetric}Se`, number>;
  });
}

/** `a` − each other method (the teachers too), per metric: mean and SE of the paired differences. */
export function shiftContrasts(rows: readonly ShiftRow[], a = "DLF") {
  const methods = [...new Set(rows.map((r) => r.method))].filter((m) => m !== a);
  return methods.flatMap((b) =>
    SHIFT_METRICS.map((metric) => {
      const d = rows.filter((r) => r.method === a).flatMap((ra) => {
        const rb = rows.find((r) => r.method === b && r.replicate === ra.replicate);
        return rb ? [ra[metric] - rb[metric]] : [];
      });
      const [difference, se] = meanSe(d);
      return { a, b, metric, difference, se, replicates: d.length };
    })
  );
}
