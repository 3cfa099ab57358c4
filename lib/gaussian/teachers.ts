/**
 * An ensemble of two-hidden-layer regression teachers (d-h-h2-1, ReLU,
 * PyTorch's init, full-batch Adam on the MSE), the shape of Park et al.'s
 * (2025) regression teachers (2 x 100), which the cohort trainer (one hidden
 * layer) does not have. Each member is trained on its own from
 * `toRng(seed).child(s)`, so member s is the same whatever the ensemble size,
 * as in the cohort trainer.
 *
 * Cost (measured on this 2-core machine with other jobs running, one thread):
 * see `gaussianDistillationConfig`'s doc; every product is float64 dgemm
 * (lib/gaussian/dgemm.ts), the second layer's h x h2 product dominating.
 *
 * @module
 */
import { type Rng, type Seed, toRng } from "../random.ts";
import { Adam, createMlp, type Mlp, mlpBackward, mlpForward } from "./mlp.ts";

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
  for (let s = 0; s < o.members; s++) {
    const net = createMlp(d, o.hidden, 1, root.child(s), o.hidden2);
    const adam = new Adam(net.params.length, o.lr);
    for (let ep = 0; ep < o.epochs; ep++) {
      const fwd = mlpForward(net, x, m);
      for (let j = 0; j < m; j++) g[j] = 2 * (fwd.out[j] - y[j]) / m;
      adam.step(net.params, mlpBackward(net, x, m, fwd, g));
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
