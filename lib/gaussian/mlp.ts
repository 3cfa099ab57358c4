/**
 * A small float64 multilayer perceptron (d-h-o, ReLU) with hand-written
 * backpropagation and PyTorch's Adam, for students whose loss the cohort
 * trainer does not have (Gaussian distillation's EM objective, Hydra's
 * multi-head loss, a mean-and-variance student). The cohort trainer
 * (lib/nn) stays the engine for the standard losses; here one network at a
 * time is enough (a DLF student is one network, trained for a few hundred
 * epochs on a few hundred design points).
 *
 * Parameters are one flat Float64Array in PyTorch's order (W1 h x d, b1, W2
 * o x h, b2), drawn as PyTorch's default init (uniform ±1/√fan_in), so the
 * layout is that of lib/nn's `parameterLayout`.
 *
 * @module
 */
import { parameterLayout } from "../nn/init.ts";
import { Rng } from "../random.ts";

/**
 * A d-h-o network's shape and parameters.
 *
 * @category Gaussian distillation
 */
export interface Mlp {
  /** Inputs. */
  d: number;
  /** Hidden units (ReLU). */
  h: number;
  /** Outputs (linear). */
  o: number;
  /** Flat parameters (W1, b1, W2, b2). */
  params: Float64Array;
}

/**
 * A new network with PyTorch's default init drawn from `seed`.
 *
 * @category Gaussian distillation
 */
export function createMlp(d: number, h: number, o: number, seed: number | Rng): Mlp {
  for (const [name, v] of [["d", d], ["h", h], ["o", o]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`createMlp: ${name} must be an integer >= 1, got ${v}.`);
    }
  }
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  const lay = parameterLayout(d, h, o);
  const params = new Float64Array(lay.count);
  const b1 = 1 / Math.sqrt(d), b2 = 1 / Math.sqrt(h);
  for (let i = 0; i < lay.w2; i++) params[i] = (2 * rng.uniform() - 1) * b1;
  for (let i = lay.w2; i < lay.count; i++) params[i] = (2 * rng.uniform() - 1) * b2;
  return { d, h, o, params };
}

/**
 * Hidden activations and outputs of a forward pass.
 *
 * @category Gaussian distillation
 */
export interface MlpForward {
  /** ReLU activations, m x h. */
  hidden: Float64Array;
  /** Outputs, m x o. */
  out: Float64Array;
}

/**
 * Forward pass on m inputs (x: m x d row-major).
 *
 * @category Gaussian distillation
 */
export function mlpForward(net: Mlp, x: ArrayLike<number>, m: number): MlpForward {
  const { d, h, o, params: p } = net;
  const lay = parameterLayout(d, h, o);
  const hidden = new Float64Array(m * h), out = new Float64Array(m * o);
  for (let j = 0; j < m; j++) {
    for (let u = 0; u < h; u++) {
      let s = p[lay.b1 + u];
      for (let t = 0; t < d; t++) s += p[lay.w1 + u * d + t] * x[j * d + t];
      hidden[j * h + u] = s > 0 ? s : 0;
    }
    for (let k = 0; k < o; k++) {
      let s = p[lay.b2 + k];
      for (let u = 0; u < h; u++) s += p[lay.w2 + k * h + u] * hidden[j * h + u];
      out[j * o + k] = s;
    }
  }
  return { hidden, out };
}

/**
 * The gradient of a loss with respect to the parameters, given dLoss/dOutputs (m x o).
 *
 * @category Gaussian distillation
 */
export function mlpBackward(
  net: Mlp,
  x: ArrayLike<number>,
  m: number,
  fwd: MlpForward,
  dOut: ArrayLike<number>,
): Float64Array {
  const { d, h, o, params: p } = net;
  const lay = parameterLayout(d, h, o);
  const g = new Float64Array(lay.count);
  const dh = new Float64Array(h);
  for (let j = 0; j < m; j++) {
    dh.fill(0);
    for (let k = 0; k < o; k++) {
      const go = dOut[j * o + k];
      if (go === 0) continue;
      g[lay.b2 + k] += go;
      for (let u = 0; u < h; u++) {
        g[lay.w2 + k * h + u] += go * fwd.hidden[j * h + u];
        dh[u] += go * p[lay.w2 + k * h + u];
      }
    }
    for (let u = 0; u < h; u++) {
      if (fwd.hidden[j * h + u] <= 0 || dh[u] === 0) continue;
      g[lay.b1 + u] += dh[u];
      for (let t = 0; t < d; t++) g[lay.w1 + u * d + t] += dh[u] * x[j * d + t];
    }
  }
  return g;
}

/**
 * PyTorch's Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay) over one flat vector.
 *
 * @category Gaussian distillation
 */
export class Adam {
  readonly #m: Float64Array;
  readonly #v: Float64Array;
  #t = 0;
  constructor(size: number, readonly lr: number) {
    if (!(lr > 0)) throw new RangeError(`Adam: lr must be > 0, got ${lr}.`);
    this.#m = new Float64Array(size);
    this.#v = new Float64Array(size);
  }
  /** One step: params -= lr m̂ / (√v̂ + ε). */
  step(params: Float64Array, grad: ArrayLike<number>): void {
    this.#t++;
    const b1 = 0.9, b2 = 0.999, c1 = 1 - b1 ** this.#t, c2 = 1 - b2 ** this.#t;
    for (let i = 0; i < params.length; i++) {
      this.#m[i] = b1 * this.#m[i] + (1 - b1) * grad[i];
      this.#v[i] = b2 * this.#v[i] + (1 - b2) * grad[i] * grad[i];
      params[i] -= this.lr * (this.#m[i] / c1) / (Math.sqrt(this.#v[i] / c2) + 1e-8);
    }
  }
}
