/**
 * The regression noise of Gaussian distillation (Park, Lee, Shin, Ohn & Kim,
 * NeurIPS 2025, Section 3): each teacher i has its own noise variance
 * σ²_ε,i (e.g. its training-residual variance), modelled as an i.i.d. draw
 * from an inverse-gamma IG(α, β) whose parameters are fitted by maximum
 * likelihood; a sampled DLF member k gets a fresh σ²_ε,k ~ IG(α, β), and the
 * predictive is the mixture of the members' N(f_k(x), σ²_ε,k).
 *
 * Maximum likelihood (derived): if s ~ IG(α, β) then w = 1/s ~ Gamma(α, rate
 * β), so α̂ solves log α − ψ(α) = log w̄ − mean(log w) (Newton from Minka's
 * starting value) and β̂ = α̂ / w̄.
 *
 * @module
 */
import type { GaussianMixture } from "../uncertainty/regression_scores.ts";
import { type DlfModel, dlfOutputs, sampleDlfMembers } from "./dlf.ts";
import { Rng } from "../random.ts";

function fail(msg: string): never {
  throw new RangeError(msg);
}

/**
 * ψ(x), the digamma function (recurrence to x >= 10, then the asymptotic series).
 *
 * @category Gaussian distillation
 */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x -
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/**
 * ψ′(x), the trigamma function.
 *
 * @category Gaussian distillation
 */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 +
    (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30))));
}

/**
 * ln Γ(x) for x > 0 (recurrence to x >= 10, then Stirling's series; absolute error below 1e-13).
 *
 * @category Gaussian distillation
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}.`);
  let r = 0;
  while (x < 10) {
    r -= Math.log(x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) +
    (1 / x) * (1 / 12 - f * (1 / 360 - f * (1 / 1260 - f / 1680)));
}

/**
 * An inverse-gamma distribution IG(α, β): density ∝ s^(−α−1) e^(−β/s).
 *
 * @category Gaussian distillation
 */
export interface InverseGamma {
  /** Shape α > 0. */
  alpha: number;
  /** Scale β > 0. */
  beta: number;
}

/**
 * The maximum-likelihood IG(α, β) of positive values (the teachers' noise
 * variances σ²_ε,i).
 *
 * @throws RangeError when fewer than 2 values are given, a value is not a
 *   finite number > 0, or all values are equal (the MLE does not exist).
 *
 * @example
 * ```ts
 * const ig = fitInverseGamma([0.12, 0.15, 0.11, 0.2]); // { alpha, beta }
 * ```
 *
 * @category Gaussian distillation
 */
export function fitInverseGamma(values: ArrayLike<number>): InverseGamma {
  const n = values.length;
  if (n < 2) {
    fail(`fitInverseGamma: values has ${n} entries; the fit needs at least 2 teachers' variances.`);
  }
  let sw = 0, slw = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v > 0) || !Number.isFinite(v)) {
      fail(`fitInverseGamma: values[${i}] is ${v}; variances must be finite and > 0.`);
    }
    sw += 1 / v;
    slw += Math.log(1 / v);
  }
  const wBar = sw / n;
  const s = Math.log(wBar) - slw / n;
  if (!(s > 1e-12)) {
    fail(
      "fitInverseGamma: all values are equal; the inverse-gamma MLE needs spread (use more teachers).",
    );
  }
  let a = (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s);
  for (let it = 0; it < 100; it++) {
    const g = Math.log(a) - digamma(a) - s;
    const step = g / (1 / a - trigamma(a));
    let next = a - step;
    if (!(next > 0)) next = a / 2;
    if (Math.abs(next - a) < 1e-12 * a) {
      a = next;
      break;
    }
    a = next;
  }
  return { alpha: a, beta: a / wBar };
}

/**
 * A Gamma(shape, 1) draw (Marsaglia & Tsang; shape < 1 by the boost u^(1/shape)).
 *
 * @category Gaussian distillation
 */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) fail(`sampleGamma: shape must be > 0, got ${shape}.`);
  if (shape < 1) return sampleGamma(shape + 1, rng) * rng.uniform() ** (1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
      return d * v;
    }
  }
}

/**
 * `count` draws from IG(α, β): β / Gamma(α, 1).
 *
 * @category Gaussian distillation
 */
export function sampleInverseGamma(
  ig: InverseGamma,
  count: number,
  seed: number | Rng,
): Float64Array {
  if (!(ig.alpha > 0) || !(ig.beta > 0)) {
    fail(`sampleInverseGamma: alpha and beta must be > 0, got ${ig.alpha}, ${ig.beta}.`);
  }
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  return Float64Array.from({ length: count }, () => ig.beta / sampleGamma(ig.alpha, rng));
}

/**
 * Options of {@link dlfPredictive}.
 *
 * @category Gaussian distillation
 */
export interface DlfPredictiveOptions {
  /** Members K to sample (>= 1). */
  members: number;
  /** Seed: factors from child 0, noise variances from child 1. */
  seed: number | Rng;
  /** The fitted IG of the teachers' noise variances; each member draws its own σ²_ε,k. */
  noise: InverseGamma;
}

/**
 * The regression predictive of a fitted DLF: K sampled members f_k (factors
 * Z_k ~ N(0, I)) each with its own noise variance σ²_ε,k ~ IG(α, β), as a
 * mixture of N(f_k(x), σ²_ε,k) with equal weights.
 *
 * @throws RangeError when the model is multivariate (c > 1; use
 *   {@link dlfClassProbabilities}) or K < 1.
 *
 * @category Gaussian distillation
 */
export function dlfPredictive(
  model: DlfModel,
  x: ArrayLike<number>,
  m: number,
  o: DlfPredictiveOptions,
): GaussianMixture {
  if (model.c !== 1) {
    fail(`dlfPredictive: the model has c = ${model.c} outputs; a regression DLF has c = 1.`);
  }
  if (!Number.isInteger(o.members) || o.members < 1) {
    fail(`dlfPredictive: members must be an integer >= 1, got ${o.members}.`);
  }
  const rng = typeof o.seed === "number" ? new Rng(o.seed) : o.seed;
  const means = sampleDlfMembers(model, x, m, o.members, rng.child(0));
  const s2 = sampleInverseGamma(o.noise, o.members, rng.child(1));
  const variances = new Float64Array(o.members * m);
  for (let k = 0; k < o.members; k++) variances.fill(s2[k], k * m, (k + 1) * m);
  return { means, variances, components: o.members };
}

/**
 * The classification predictive of a fitted DLF on logits: K sampled members'
 * class probabilities softmax(f_k(x)), K x m x c row-major (average over k
 * for the predictive; their spread gives the mutual information).
 *
 * @category Gaussian distillation
 */
export function dlfClassProbabilities(
  ...args: Parameters<typeof sampleDlfMembers>
): Float64Array {
  const c = args[0].c;
  if (c < 2) fail(`dlfClassProbabilities: the model has c = ${c}; classification needs c >= 2.`);
  return softmaxRows(sampleDlfMembers(...args), c);
}

/** Softmax of each row of c logits. */
export function softmaxRows(logits: ArrayLike<number>, c: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / c; r++) {
    let mx = -Infinity;
    for (let a = 0; a < c; a++) mx = Math.max(mx, logits[r * c + a]);
    let z = 0;
    for (let a = 0; a < c; a++) z += out[r * c + a] = Math.exp(logits[r * c + a] - mx);
    for (let a = 0; a < c; a++) out[r * c + a] /= z;
  }
  return out;
}

/**
 * The DLF's mean function μ(x) (m x c): its prediction without sampling.
 *
 * @category Gaussian distillation
 */
export function dlfMean(model: DlfModel, x: ArrayLike<number>, m: number): Float64Array {
  return dlfOutputs(model, x, m).mu;
}
