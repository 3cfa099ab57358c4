/**
 * An ensemble of two-hidden-layer regression teachers (d-h-h2-1, ReLU, PyTorch's init,
 * full-batch Adam on the MSE), the shape of Park et al.'s (2025) regression teachers (2 x 100),
 * which the one-layer cohort trainer lacks. Member s is trained on its own from
 * `toRng(seed).child(s)`, so it is the same whatever the ensemble size. Training runs in float32
 * with OpenBLAS `cblas_sgemm` where it loads (about twice dgemm's speed), else in float64 with
 * lib/nn/mlp64.ts; the members are float64 {@link Mlp}s either way. The second layer's m x h x h2
 * products dominate the cost: about 3 x 2 m h h2 flops per epoch and member.
 *
 * @module
 */
import { loadSgemm, type Sgemm } from "../blas.ts";
import { type Rng, type Seed, toRng } from "../random.ts";
import { Adam, createMlp, type Mlp, mlpBackward, mlpForward } from "../nn/mlp64.ts";

/**
 * Options of {@link fitMlpEnsemble}.
 *
 * @category Gaussian distillation
 */
export interface MlpEnsembleOptions {
  /** Inputs, m x d row-major. */
  x: ArrayLike<number>;
  /** Rows m. */
  m: number;
  /** Input dimension d. */
  d: number;
  /** Targets, m. */
  y: ArrayLike<number>;
  /** First hidden layer's width. */
  hidden: number;
  /** Second hidden layer's width (0: one hidden layer). */
  hidden2: number;
  /** Members n >= 1. */
  members: number;
  /** Full-batch Adam epochs. */
  epochs: number;
  /** Adam learning rate. */
  lr: number;
  /** Seed: member s uses `toRng(seed).child(s)`. */
  seed: Seed;
  /** `auto` (default): float32 sgemm where OpenBLAS loads, else float64; `float64` forces the latter. */
  precision?: "auto" | "float64";
  /** Called after every epoch's update with the member's index, network and epoch (from 0). */
  onEpoch?: (member: number, net: Mlp, epoch: number) => void;
}

/**
 * A trained ensemble of regression networks.
 *
 * @category Gaussian distillation
 */
export interface MlpEnsemble {
  /** The members. */
  nets: Mlp[];
  /** n x m outputs at x (m x d). */
  predict(x: ArrayLike<number>, m: number): Float64Array;
}

function fail(msg: string): never {
  throw new RangeError(msg);
}

/**
 * Train n regression networks on (x, y) with full-batch Adam on the mean squared error.
 *
 * @throws RangeError naming the argument (before any training) for sizes
 *   that are not positive integers, shapes that do not fit, non-finite x or y, lr <= 0.
 * @example
 * ```ts
 * const ens = fitMlpEnsemble({ x, m: 455, d: 13, y, hidden: 100, hidden2: 100, members: 50, epochs: 200, lr: 0.01, seed: 1 });
 * const f = ens.predict(xTest, 51); // 50 x 51
 * ```
 *
 * @category Gaussian distillation
 */
export function fitMlpEnsemble(o: MlpEnsembleOptions): MlpEnsemble {
  const fn = "fitMlpEnsemble";
  for (
    const [name, v, min] of [
      ["m", o.m, 1],
      ["d", o.d, 1],
      ["hidden", o.hidden, 1],
      ["hidden2", o.hidden2, 0],
      ["members", o.members, 1],
      ["epochs", o.epochs, 1],
    ] as const
  ) {
    if (!Number.isInteger(v) || v < min) {
      fail(`${fn}: ${name} must be an integer >= ${min}, got ${v}.`);
    }
  }
  if (!(o.lr > 0)) fail(`${fn}: lr must be > 0, got ${o.lr}.`);
  if (o.x.length !== o.m * o.d) {
    fail(`${fn}: x has ${o.x.length} values; expected m x d = ${o.m * o.d}.`);
  }
  if (o.y.length !== o.m) fail(`${fn}: y has ${o.y.length} values; expected m = ${o.m}.`);
  for (const [name, a] of [["x", o.x], ["y", o.y]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        fail(`${fn}: ${name}[${i}] is ${a[i]}; it must be finite (no NaN).`);
      }
    }
  }
  const { m, d } = o;
  const x = Float64Array.from(o.x), y = Float64Array.from(o.y);
  const root: Rng = toRng(o.seed);
  const nets: Mlp[] = [];
  const g = new Float64Array(m);
  const sgemm = (o.precision ?? "auto") === "auto" && o.hidden2 > 0 ? loadSgemm() : null;
  for (let s = 0; s < o.members; s++) {
    const net = createMlp(d, o.hidden, 1, root.child(s), o.hidden2);
    const adam = new Adam(net.params.length, o.lr);
    const after = o.onEpoch && ((ep: number) => o.onEpoch!(s, net, ep));
    if (sgemm) {
      trainFloat32(net, x, y, m, o.epochs, adam, sgemm, after);
    } else {
      for (let ep = 0; ep < o.epochs; ep++) {
        const fwd = mlpForward(net, x, m);
        for (let j = 0; j < m; j++) g[j] = 2 * (fwd.out[j] - y[j]) / m;
        adam.step(net.params, mlpBackward(net, x, m, fwd, g));
        after?.(ep);
      }
    }
    nets.push(net);
  }
  return {
    nets,
    predict(xx, mm) {
      const out = new Float64Array(nets.length * mm);
      nets.forEach((net, s) => out.set(mlpForward(net, xx, mm).out, s * mm));
      return out;
    },
  };
}

/**
 * Full-batch Adam on the MSE of a d-h-h2-1 network in float32 with sgemm
 * (forward, backward), Adam's update in float64 on `net.params` (updated in place).
 */
function trainFloat32(
  net: Mlp,
  x: Float64Array,
  y: Float64Array,
  m: number,
  epochs: number,
  adam: Adam,
  sgemm: Sgemm,
  after?: (epoch: number) => void,
): void {
  const { d, h } = net, h2 = net.h2!;
  const P = net.params.length;
  // Offsets in PyTorch's order: W1 h x d, b1, W2 h2 x h, b2, W3 1 x h2, b3.
  const w1 = 0, b1 = h * d, w2 = b1 + h, b2 = w2 + h2 * h, w3 = b2 + h2, b3 = w3 + h2;
  const xf = Float32Array.from(x);
  const p = new Float32Array(P), g = new Float64Array(P);
  const gw1 = new Float32Array(h * d), gw2 = new Float32Array(h2 * h);
  const a1 = new Float32Array(m * h), a2 = new Float32Array(m * h2);
  const d1 = new Float32Array(m * h), d2 = new Float32Array(m * h2);
  const dOut = new Float64Array(m);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = 0; i < P; i++) p[i] = net.params[i];
    sgemm(false, true, m, h, d, xf, p.subarray(w1, b1), a1);
    for (let j = 0; j < m; j++) {
      for (let u = 0; u < h; u++) {
        const v = a1[j * h + u] + p[b1 + u];
        a1[j * h + u] = v > 0 ? v : 0;
      }
    }
    sgemm(false, true, m, h2, h, a1, p.subarray(w2, b2), a2);
    g.fill(0);
    for (let j = 0; j < m; j++) {
      let out = p[b3];
      for (let u = 0; u < h2; u++) {
        const v = a2[j * h2 + u] + p[b2 + u];
        a2[j * h2 + u] = v > 0 ? v : 0;
        out += p[w3 + u] * a2[j * h2 + u];
      }
      dOut[j] = 2 * (out - y[j]) / m;
      g[b3] += dOut[j];
    }
    // Output layer and the second hidden layer's deltas (zero where its ReLU was off).
    for (let j = 0; j < m; j++) {
      const go = dOut[j];
      for (let u = 0; u < h2; u++) {
        const act = a2[j * h2 + u];
        g[w3 + u] += go * act;
        const dv = act > 0 ? go * p[w3 + u] : 0;
        d2[j * h2 + u] = dv;
        g[b2 + u] += dv;
      }
    }
    sgemm(true, false, h2, h, m, d2, a1, gw2);
    sgemm(false, false, m, h, h2, d2, p.subarray(w2, b2), d1);
    for (let j = 0; j < m; j++) {
      for (let u = 0; u < h; u++) {
        const k = j * h + u;
        if (a1[k] <= 0) d1[k] = 0;
        else g[b1 + u] += d1[k];
      }
    }
    sgemm(true, false, h, d, m, d1, xf, gw1);
    for (let i = 0; i < h * d; i++) g[w1 + i] = gw1[i];
    for (let i = 0; i < h2 * h; i++) g[w2 + i] = gw2[i];
    adam.step(net.params, g);
    after?.(ep);
  }
}
