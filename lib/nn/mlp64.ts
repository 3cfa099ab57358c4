/**
 * The float64 option of lib/nn: one network (d-h-o, or d-h-h2-o with a second
 * hidden layer; ReLU) with hand-written backpropagation and PyTorch's Adam,
 * for students whose loss the cohort trainer does not have (Gaussian
 * distillation's EM objective, a mean-and-variance student, the Dirichlet
 * students) and for the paper's two-hidden-layer regression teachers (the
 * cohort trainer has one hidden layer). The float32 cohort trainer stays the
 * engine for the standard losses and one-hidden-layer ensembles.
 *
 * The products are float64 `cblas_dgemm` through FFI where OpenBLAS loads
 * (lib/blas.ts), else loops: the same numbers to round-off (about 1e-16
 * relative per product). A 128 x 784 by 784 x 50 product took 5.2 ms with
 * dgemm against 48 ms with the loops (one BLAS thread, a shared 2-core
 * machine), which is what makes MNIST students (784 inputs) affordable.
 *
 * Parameters are one flat Float64Array in PyTorch's order (W1 h x d, b1, W2
 * o x h, b2; with a second hidden layer W1, b1, W2 h2 x h, b2, W3 o x h2, b3),
 * drawn as PyTorch's default init (uniform ±1/√fan_in, `torchInit`), so the
 * one-layer layout is that of `parameterLayout`.
 *
 * @module
 */
import { type Dgemm, loadDgemm } from "../blas.ts";
import { Rng } from "../random.ts";
import { torchInit } from "./init.ts";

/**
 * A d-h-o (or d-h-h2-o) network's shape and parameters.
 *
 * @category Float64 networks
 */
export interface Mlp {
  /** Inputs. */
  d: number;
  /** Hidden units of the first hidden layer (ReLU). */
  h: number;
  /** Outputs (linear). */
  o: number;
  /** Flat parameters (W1, b1, W2, b2[, W3, b3]). */
  params: Float64Array;
  /** Units of a second hidden layer (ReLU); absent or 0: one hidden layer. */
  h2?: number;
}

/** Offsets of each layer's weights and biases in the flat parameters. */
interface Layer {
  inputs: number;
  outputs: number;
  w: number;
  b: number;
}

function layers(net: Pick<Mlp, "d" | "h" | "o" | "h2">): Layer[] {
  const widths = [net.d, net.h, ...(net.h2 ? [net.h2] : []), net.o];
  const out: Layer[] = [];
  let at = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l], outputs = widths[l + 1];
    out.push({ inputs, outputs, w: at, b: at + inputs * outputs });
    at += inputs * outputs + outputs;
  }
  return out;
}

/**
 * The number of parameters of a d-h-o (h2 = 0) or d-h-h2-o network.
 *
 * @category Float64 networks
 */
export function mlpParameterCount(d: number, h: number, o: number, h2 = 0): number {
  const ls = layers({ d, h, o, h2 });
  const last = ls[ls.length - 1];
  return last.b + last.outputs;
}

/**
 * A new network with PyTorch's default init drawn from `seed` (`h2` > 0: a second hidden layer).
 *
 * @category Float64 networks
 */
export function createMlp(d: number, h: number, o: number, seed: number | Rng, h2 = 0): Mlp {
  for (const [name, v] of [["d", d], ["h", h], ["o", o]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`createMlp: ${name} must be an integer >= 1, got ${v}.`);
    }
  }
  if (!Number.isInteger(h2) || h2 < 0) {
    throw new RangeError(`createMlp: h2 must be an integer >= 0 (0: one hidden layer), got ${h2}.`);
  }
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  const net: Mlp = { d, h, o, params: new Float64Array(mlpParameterCount(d, h, o, h2)) };
  if (h2 > 0) net.h2 = h2;
  torchInit([d, h, ...(h2 > 0 ? [h2] : []), o], rng, net.params);
  return net;
}

/**
 * Hidden activations and outputs of a forward pass.
 *
 * @category Float64 networks
 */
export interface MlpForward {
  /** ReLU activations of the first hidden layer, m x h. */
  hidden: Float64Array;
  /** ReLU activations of the second hidden layer, m x h2 (two-layer networks only). */
  hidden2?: Float64Array;
  /** Outputs, m x o. */
  out: Float64Array;
}

const f64 = (a: ArrayLike<number>): Float64Array =>
  a instanceof Float64Array ? a : Float64Array.from(a);

/** a (m x n) = x W^T + b, then ReLU when `relu`. */
function dense(
  p: Float64Array,
  l: Layer,
  x: Float64Array,
  m: number,
  relu: boolean,
): Float64Array {
  const { inputs: k, outputs: n } = l;
  const a = new Float64Array(m * n);
  dgemm(false, true, m, n, k, x, p.subarray(l.w, l.b), a);
  for (let j = 0; j < m; j++) {
    for (let u = 0; u < n; u++) {
      const v = a[j * n + u] + p[l.b + u];
      a[j * n + u] = relu && v < 0 ? 0 : v;
    }
  }
  return a;
}

/**
 * Forward pass on m inputs (x: m x d row-major).
 *
 * @category Float64 networks
 */
export function mlpForward(net: Mlp, x: ArrayLike<number>, m: number): MlpForward {
  const ls = layers(net), xs = f64(x);
  const hidden = dense(net.params, ls[0], xs, m, true);
  if (ls.length === 3) {
    const hidden2 = dense(net.params, ls[1], hidden, m, true);
    return { hidden, hidden2, out: dense(net.params, ls[2], hidden2, m, false) };
  }
  return { hidden, out: dense(net.params, ls[1], hidden, m, false) };
}

/**
 * Gradient of one layer's weights and bias into g, given dLoss/d(its pre-activation) `da`
 * (m x outputs) and its input `x` (m x inputs); returns dLoss/d(its input) when `back`.
 */
function denseBackward(
  p: Float64Array,
  g: Float64Array,
  l: Layer,
  x: Float64Array,
  m: number,
  da: Float64Array,
  back: boolean,
): Float64Array | null {
  const { inputs: k, outputs: n } = l;
  dgemm(true, false, n, k, m, da, x, g.subarray(l.w, l.b));
  for (let j = 0; j < m; j++) for (let u = 0; u < n; u++) g[l.b + u] += da[j * n + u];
  if (!back) return null;
  const dx = new Float64Array(m * k);
  dgemm(false, false, m, k, n, da, p.subarray(l.w, l.b), dx);
  // Through the ReLU that made x: zero where it was off.
  for (let i = 0; i < dx.length; i++) if (x[i] <= 0) dx[i] = 0;
  return dx;
}

/**
 * The gradient of a loss with respect to the parameters, given dLoss/dOutputs (m x o).
 *
 * @category Float64 networks
 */
export function mlpBackward(
  net: Mlp,
  x: ArrayLike<number>,
  m: number,
  fwd: MlpForward,
  dOut: ArrayLike<number>,
): Float64Array {
  const ls = layers(net), p = net.params;
  const g = new Float64Array(p.length);
  let da = f64(dOut);
  if (ls.length === 3) {
    da = denseBackward(p, g, ls[2], fwd.hidden2!, m, da, true)!;
    da = denseBackward(p, g, ls[1], fwd.hidden, m, da, true)!;
  } else {
    da = denseBackward(p, g, ls[1], fwd.hidden, m, da, true)!;
  }
  denseBackward(p, g, ls[0], f64(x), m, da, false);
  return g;
}

/**
 * PyTorch's Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay) over one flat vector.
 *
 * @category Float64 networks
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

/**
 * The loop product (always available): each entry a float64 sum over k in increasing order.
 *
 * @category Float64 networks
 */
export const loopDgemm: Dgemm = (ta, tb, m, n, k, a, b, c) => {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let t = 0; t < k; t++) {
      const av = ta ? a[t * m + i] : a[i * k + t];
      if (av === 0) continue;
      if (tb) { for (let j = 0; j < n; j++) acc[j] += av * b[j * k + t]; }
      else {
        const row = t * n;
        for (let j = 0; j < n; j++) acc[j] += av * b[row + j];
      }
    }
    c.set(acc, i * n);
  }
};

/** Products with fewer multiply-adds than this use the loops (FFI and copies cost more). */
const BLAS_WORK = 20_000;

/**
 * `C = op(A) op(B)` in float64 ({@link Dgemm}): OpenBLAS's dgemm for products of at
 * least 20,000 multiply-adds when it loads, the loops otherwise. Sub-arrays
 * (views with an offset) are accepted.
 *
 * @category Float64 networks
 */
export const dgemm: Dgemm = (ta, tb, m, n, k, a, b, c) => {
  const blas = m * n * k >= BLAS_WORK ? loadDgemm() : null;
  (blas ?? loopDgemm)(ta, tb, m, n, k, a, b, c);
};
