/**
 * BE, BatchEnsemble (Wen, Tran & Ba, "BatchEnsemble: an Alternative Approach to Efficient
 * Ensemble and Lifelong Learning", ICLR 2020), a regression baseline of Park et al. (2025),
 * Table 1, distilled here from a teacher ensemble: one d-h-1 student whose weights W are shared
 * by n members, member i using W ∘ (s_i r_iᵀ), a rank-1 factor of its own per layer, and its own
 * biases. With x ∘ r the elementwise product, member i's output at x is
 *
 *   a_i(x) = ((x ∘ r1_i) W1ᵀ) ∘ s1_i + b1_i,   u_i = ReLU(a_i),
 *   f_i(x) = ((u_i ∘ r2_i) · w2) s2_i + b2_i,
 *
 * (Wen et al., Section 3: W̄_i = W ∘ F_i, F_i = s_i r_iᵀ, computed as ((x ∘ r) W) ∘ s). Member i
 * is fitted by MSE to teacher i, all members on the same mini-batches (the loss is the sum over
 * members of each one's batch mean of ½ (f_i − y_i)²), so K = n members as small-Ens.
 *
 * Initialisation (our choice; the paper's fast weights start near 1): W1, w2 and the biases as
 * PyTorch's nn.Linear (uniform ±1/√fan-in), every r and s entry 1 + 0.5 N(0, 1), so the members
 * start apart.
 *
 * Not in notebook 08's run yet: its n members cost about what n small float64 students on
 * mini-batches do (measured: 20 members, h = 50, 680 epochs of Boston's 455 points in batches of
 * 64, the DLF's 5,440 steps, about 9.4 s on a shared 2-core machine).
 *
 * @module
 */
import { Adam } from "../nn/mlp64.ts";
import { permutation, Rng } from "../random.ts";
import {
  checkBatchSize,
  checkEnsembleTargets,
  type EnsembleTargets,
  type MemberPredictor,
  type StudentOptions,
} from "./baselines.ts";

function fail(msg: string): never {
  throw new RangeError(msg);
}

/**
 * Where each block of a BatchEnsemble's flat parameter vector starts (d inputs, h hidden, n
 * members): W1 (h x d), w2 (h), then per member r1 (n x d), s1 (n x h), b1 (n x h), r2 (n x h),
 * s2 (n), b2 (n).
 *
 * @category Gaussian distillation
 */
export function batchEnsembleLayout(d: number, h: number, n: number): BatchEnsembleLayout {
  const w1 = 0, w2 = w1 + h * d, r1 = w2 + h, s1 = r1 + n * d, b1 = s1 + n * h;
  const r2 = b1 + n * h, s2 = r2 + n * h, b2 = s2 + n, count = b2 + n;
  return { d, h, n, w1, w2, r1, s1, b1, r2, s2, b2, count };
}

/**
 * The sizes (d, h, n) and block offsets of a BatchEnsemble's parameters, and their count.
 *
 * @category Gaussian distillation
 */
export interface BatchEnsembleLayout {
  d: number;
  h: number;
  n: number;
  w1: number;
  w2: number;
  r1: number;
  s1: number;
  b1: number;
  r2: number;
  s2: number;
  b2: number;
  count: number;
}

/**
 * Every member's output at the rows of x (b x d): n x b, member-major.
 *
 * @category Gaussian distillation
 */
export function batchEnsembleForward(
  p: ArrayLike<number>,
  l: BatchEnsembleLayout,
  x: ArrayLike<number>,
  b: number,
): Float64Array {
  return pass(p, l, x, b, null, null).out;
}

/**
 * The BE loss on a batch, Σ_i (1/b) Σ_j ½ (f_i(x_j) − y_ij)² (y: n x b, member-major), and its
 * gradient in every parameter.
 *
 * @category Gaussian distillation
 */
export function batchEnsembleLoss(
  p: ArrayLike<number>,
  l: BatchEnsembleLayout,
  x: ArrayLike<number>,
  b: number,
  y: ArrayLike<number>,
): { loss: number; grad: Float64Array } {
  const grad = new Float64Array(l.count);
  const { loss } = pass(p, l, x, b, y, grad);
  return { loss, grad };
}

/** Forward pass; with targets y, the loss and (into grad) its gradient. */
function pass(
  p: ArrayLike<number>,
  l: BatchEnsembleLayout,
  x: ArrayLike<number>,
  b: number,
  y: ArrayLike<number> | null,
  grad: Float64Array | null,
): { out: Float64Array; loss: number } {
  const { d, h, n } = l, out = new Float64Array(n * b);
  const z = new Float64Array(h), u = new Float64Array(h), xr = new Float64Array(d);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < b; j++) {
      for (let k = 0; k < d; k++) xr[k] = x[j * d + k] * p[l.r1 + i * d + k];
      let v = 0;
      for (let q = 0; q < h; q++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += xr[k] * p[l.w1 + q * d + k];
        z[q] = s;
        const a = s * p[l.s1 + i * h + q] + p[l.b1 + i * h + q];
        u[q] = a > 0 ? a : 0;
        v += u[q] * p[l.r2 + i * h + q] * p[l.w2 + q];
      }
      const f = v * p[l.s2 + i] + p[l.b2 + i];
      out[i * b + j] = f;
      if (!y || !grad) continue;
      const e = (f - y[i * b + j]) / b;
      loss += 0.5 * (f - y[i * b + j]) ** 2 / b;
      grad[l.b2 + i] += e;
      grad[l.s2 + i] += e * v;
      const es = e * p[l.s2 + i];
      for (let q = 0; q < h; q++) {
        const r2 = p[l.r2 + i * h + q], w2 = p[l.w2 + q];
        grad[l.w2 + q] += es * u[q] * r2;
        grad[l.r2 + i * h + q] += es * u[q] * w2;
        if (u[q] <= 0) continue;
        const da = es * r2 * w2;
        grad[l.b1 + i * h + q] += da;
        grad[l.s1 + i * h + q] += da * z[q];
        const dz = da * p[l.s1 + i * h + q];
        for (let k = 0; k < d; k++) {
          grad[l.w1 + q * d + k] += dz * xr[k];
          grad[l.r1 + i * d + k] += dz * p[l.w1 + q * d + k] * x[j * d + k];
        }
      }
    }
  }
  return { out, loss };
}

/**
 * BE distilled from n teachers (regression, c = 1): member i fitted by MSE to teacher i's
 * outputs at the design points, by Adam on shuffled mini-batches of `o.batchSize` (absent: the
 * full batch), `o.epochs` passes. Members K = n.
 *
 * @throws RangeError as the other methods (see `checkEnsembleTargets`), for c other than 1,
 *   and for hidden or epochs < 1, lr <= 0 or a batchSize that is not an integer >= 1.
 * @example
 * ```ts
 * const be = distillBatchEnsemble(targets, { hidden: 50, epochs: 680, lr: 0.01, seed: 1, batchSize: 64 });
 * const out = be.predict(xTest, mTest); // n x mTest member outputs
 * ```
 *
 * @category Gaussian distillation
 */
export function distillBatchEnsemble(t: EnsembleTargets, o: StudentOptions): MemberPredictor {
  const fn = "distillBatchEnsemble";
  checkEnsembleTargets(t, fn);
  if (t.c !== 1) fail(`${fn}: a regression method; outputs c must be 1, got ${t.c}.`);
  for (const [name, v] of [["hidden", o.hidden], ["epochs", o.epochs]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${fn}: ${name} must be an integer >= 1, got ${v}.`);
  }
  if (!(o.lr > 0)) fail(`${fn}: lr must be > 0, got ${o.lr}.`);
  checkBatchSize(o.batchSize, fn);
  const { m, d, teachers: n } = t, h = o.hidden, l = batchEnsembleLayout(d, h, n);
  const rng = new Rng(o.seed), init = rng.child(0), p = new Float64Array(l.count);
  const uniform = (at: number, count: number, fanIn: number) => {
    const bound = 1 / Math.sqrt(fanIn);
    for (let k = 0; k < count; k++) p[at + k] = bound * (2 * init.uniform() - 1);
  };
  uniform(l.w1, h * d, d);
  uniform(l.w2, h, h);
  for (let i = 0; i < n; i++) {
    uniform(l.b1 + i * h, h, d);
    uniform(l.b2 + i, 1, h);
  }
  for (const [at, count] of [[l.r1, n * d], [l.s1, n * h], [l.r2, n * h], [l.s2, n]]) {
    for (let k = 0; k < count; k++) p[at + k] = 1 + 0.5 * init.normal();
  }
  const adam = new Adam(l.count, o.lr), bs = Math.min(o.batchSize ?? m, m);
  const xb = new Float64Array(bs * d), yb = new Float64Array(n * bs);
  for (let ep = 0; ep < o.epochs; ep++) {
    const order = permutation(rng.child(1).child(ep), m);
    for (let s = 0; s < m; s += bs) {
      const b = Math.min(bs, m - s);
      for (let j = 0; j < b; j++) {
        const r = order[s + j];
        for (let k = 0; k < d; k++) xb[j * d + k] = t.x[r * d + k];
        for (let i = 0; i < n; i++) yb[i * b + j] = t.outputs[i * m + r];
      }
      adam.step(p, batchEnsembleLoss(p, l, xb.subarray(0, b * d), b, yb.subarray(0, n * b)).grad);
    }
  }
  return {
    method: "BE",
    members: n,
    c: 1,
    predict: (x, mm) => batchEnsembleForward(p, l, x, mm),
  };
}
