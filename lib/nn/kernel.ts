/**
 * The compute core: full-batch Adam training of a chunk of students in lockstep,
 * synchronous, on one thread. `fitCohort` (cohort.ts) validates the input,
 * cuts the cohort into chunks and runs this kernel on one or more workers.
 *
 * One epoch of a chunk of c students with shared inputs X (n x d):
 * 1. Z = X W1 for all students at once: one product [n x d] x [d x c h];
 * 2. one fused pass over the rows: bias, ReLU, the per-student output layer,
 *    the loss and its gradient, the output layer's gradients and the hidden
 *    gradient dZ (written over Z);
 * 3. dW1 = X^T dZ for all students at once: [d x n] x [n x c h];
 * 4. Adam (PyTorch's update order) on every parameter.
 *
 * Internal layout of a chunk (students s = 0..c-1, C = c h columns):
 * W1 d x C (column s h + j), b1 C, W2 C x o (row s h + j), b2 c x o. With
 * h = 0: W d x (c o) (column s o + q), b c o.
 *
 * @module
 */

import type { Gemm } from "./gemm.ts";
import { parameterLayout } from "./init.ts";
import { decodeBase64 } from "./base64.ts";
import { ROWPASS_WASM_BASE64 } from "./rowpass_wasm.ts";

/**
 * Loss of the output head.
 *
 * @category Back ends
 */
export type LossKind = "mse" | "cross-entropy";

/**
 * A validated training problem, in the form the kernel and the workers take.
 *
 * @category Back ends
 */
export interface CohortProblem {
  /** Shared inputs, n x d row-major. */
  x: Float32Array;
  /** Rows n. */
  n: number;
  /** Input features d. */
  d: number;
  /** Hidden width h (0: one linear layer). */
  h: number;
  /** Outputs o. */
  o: number;
  /** The loss. */
  loss: LossKind;
  /** mse: n x o (shared) or S x n x o; cross-entropy: labels n (shared) or S x n. */
  targets: Float32Array | Int32Array;
  /** Whether all students share one set of targets. */
  targetsShared: boolean;
  /** Example weights n (shared) or S x n; null for unweighted. */
  weights: Float32Array | null;
  /** Whether all students share one set of weights. */
  weightsShared: boolean;
  /** Adam epochs. */
  epochs: number;
  /** Adam learning rate. */
  lr: number;
  /** Flattened parameter indices whose per-epoch values are recorded. */
  track: Int32Array;
  /**
   * Native kernel only: train on the inputs' sparse form (lib/nn/sparse.ts)
   * always, never, or (`auto`, the default) when few enough entries remain.
   */
  inputs?: "auto" | "dense" | "sparse";
}

/**
 * What a chunk of `count` students returns (all arrays student-major).
 *
 * @category Back ends
 */
export interface ChunkResult {
  /** count x P flattened parameters after training. */
  parameters: Float32Array;
  /** count x epochs: the loss at the start of each epoch (before its update). */
  losses: Float32Array;
  /** count: the loss after the last update. */
  finalLoss: Float32Array;
  /** count x T x (epochs + 1): tracked parameters, index 0 is the init. */
  trajectories: Float32Array;
}

const BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

/** Offsets of the chunk's internal blocks (see the module doc). */
function chunkLayout(p: CohortProblem, count: number) {
  const { d, h, o } = p;
  const C = h > 0 ? count * h : count * o;
  const w1 = 0, b1 = d * C, w2 = b1 + C, b2 = w2 + (h > 0 ? C * o : 0);
  const total = b2 + (h > 0 ? count * o : 0);
  return { C, w1, b1, w2, b2, total };
}

/**
 * Map flattened index `i` of student s to its position in the chunk's internal
 * parameter vector.
 */
function internalIndex(p: CohortProblem, count: number, s: number, i: number): number {
  const { d, h, o } = p;
  const L = chunkLayout(p, count);
  if (h === 0) {
    if (i < o * d) {
      const q = Math.floor(i / d), k = i % d;
      return L.w1 + k * L.C + s * o + q;
    }
    return L.b1 + s * o + (i - o * d);
  }
  if (i < h * d) {
    const j = Math.floor(i / d), k = i % d;
    return L.w1 + k * L.C + s * h + j;
  }
  i -= h * d;
  if (i < h) return L.b1 + s * h + i;
  i -= h;
  if (i < o * h) {
    const q = Math.floor(i / h), j = i % h;
    return L.w2 + (s * h + j) * o + q;
  }
  return L.b2 + s * o + (i - o * h);
}

/** Build the map flattened (s, i) -> internal index, for all P of every student. */
function indexMap(p: CohortProblem, count: number): Int32Array {
  const P = parameterLayout(p.d, p.h, p.o).count;
  const map = new Int32Array(count * P);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < P; i++) map[s * P + i] = internalIndex(p, count, s, i);
  }
  return map;
}

/** Per-student, per-row loss coefficients c[s][i] = w_si / sum_i w_si (1/n unweighted). */
export function rowCoefficients(p: CohortProblem, first: number, count: number): Float64Array {
  const { n, weights } = p;
  const coef = new Float64Array(count * n);
  for (let s = 0; s < count; s++) {
    if (!weights) {
      coef.fill(1 / n, s * n, (s + 1) * n);
      continue;
    }
    const off = p.weightsShared ? 0 : (first + s) * n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += weights[off + i];
    for (let i = 0; i < n; i++) coef[s * n + i] = weights[off + i] / sum;
  }
  return coef;
}

/** Scratch buffers of one chunk. */
interface Work {
  Z: Float32Array;
  gW1: Float32Array;
  gRest: Float32Array | Float64Array;
  out: Float64Array;
  g: Float64Array;
  loss: Float64Array;
}

/**
 * The loss of one row and student, scaled by c_si, returned; the gradient
 * with respect to the outputs, scaled likewise, written into g.
 */
function outputLoss(
  out: Float64Array,
  g: Float64Array,
  o: number,
  cs: number,
  mse: boolean,
  y: Float32Array | Int32Array,
  tOff: number,
): number {
  if (mse) {
    let l = 0;
    for (let q = 0; q < o; q++) {
      const r = out[q] - y[tOff * o + q];
      l += r * r;
      g[q] = (2 * cs * r) / o;
    }
    return (cs * l) / o;
  }
  let mx = -Infinity;
  for (let q = 0; q < o; q++) if (out[q] > mx) mx = out[q];
  let se = 0;
  for (let q = 0; q < o; q++) se += Math.exp(out[q] - mx);
  const lse = mx + Math.log(se);
  const label = y[tOff];
  for (let q = 0; q < o; q++) g[q] = cs * (Math.exp(out[q] - lse) - (q === label ? 1 : 0));
  return cs * (lse - out[label]);
}

/**
 * Back through the second layer for one row and student: W2's gradient (at
 * offset C of gRest), b1's (at 0) and dZ, written over the activations in Z.
 */
function backHidden(
  theta: Float32Array,
  L: ReturnType<typeof chunkLayout>,
  g: Float64Array,
  Z: Float32Array,
  gRest: Float32Array | Float64Array,
  base: number,
  pb: number,
  h: number,
  o: number,
): void {
  for (let j = 0; j < h; j++) {
    const a = Z[base + j];
    const wr = L.w2 + (pb + j) * o, gr = L.C + (pb + j) * o;
    let back = 0;
    for (let q = 0; q < o; q++) {
      gRest[gr + q] += a * g[q];
      back += g[q] * theta[wr + q];
    }
    const dz = back * +(a > 0);
    Z[base + j] = dz;
    gRest[pb + j] += dz;
  }
}

/**
 * One forward (and, when `backward`, backward) pass over all rows. Writes the
 * per-student loss into `work.loss` and, when backward, the gradients of every
 * block except W1 into `work.gRest` (laid out like theta from b1 on) and dZ into Z.
 * Expects Z = X W1 on entry.
 */
function rowPass(
  p: CohortProblem,
  first: number,
  count: number,
  theta: Float32Array,
  coef: Float64Array,
  work: Work,
  backward: boolean,
): void {
  const { n, h, o, loss, targets, targetsShared } = p;
  const L = chunkLayout(p, count);
  const C = L.C;
  const { Z, gRest, out, g } = work;
  const lossAcc = work.loss;
  lossAcc.fill(0);
  if (backward) gRest.fill(0);
  const gb1 = 0, gw2 = C, gb2 = C + (h > 0 ? C * o : 0); // offsets into gRest
  const mse = loss === "mse";
  const y = targets;
  for (let i = 0; i < n; i++) {
    const zrow = i * C;
    for (let s = 0; s < count; s++) {
      const cs = coef[s * n + i];
      const tOff = targetsShared ? i : (first + s) * n + i; // row index into targets
      if (h > 0) {
        const base = zrow + s * h, pb = s * h;
        if (o === 1 && mse) {
          // Fast path: one regression output.
          let yhat = theta[L.b2 + s];
          for (let j = 0; j < h; j++) {
            let a = Z[base + j] + theta[L.b1 + pb + j];
            a = (a + Math.abs(a)) * 0.5; // branch-free ReLU
            Z[base + j] = a;
            yhat += a * theta[L.w2 + pb + j];
          }
          const r = yhat - y[tOff];
          lossAcc[s] += cs * r * r;
          if (!backward) continue;
          const gq = 2 * cs * r;
          gRest[gb2 + s] += gq;
          for (let j = 0; j < h; j++) {
            const a = Z[base + j];
            gRest[gw2 + pb + j] += a * gq;
            const dz = gq * theta[L.w2 + pb + j] * +(a > 0);
            Z[base + j] = dz;
            gRest[gb1 + pb + j] += dz;
          }
          continue;
        }
        for (let q = 0; q < o; q++) out[q] = theta[L.b2 + s * o + q];
        for (let j = 0; j < h; j++) {
          let a = Z[base + j] + theta[L.b1 + pb + j];
          a = (a + Math.abs(a)) * 0.5;
          Z[base + j] = a;
          const wr = L.w2 + (pb + j) * o;
          for (let q = 0; q < o; q++) out[q] += a * theta[wr + q];
        }
      } else {
        const base = zrow + s * o;
        for (let q = 0; q < o; q++) out[q] = Z[base + q] + theta[L.b1 + s * o + q];
      }
      lossAcc[s] += outputLoss(out, g, o, cs, mse, y, tOff);
      if (!backward) continue;
      if (h === 0) {
        const base = zrow + s * o;
        for (let q = 0; q < o; q++) {
          Z[base + q] = g[q];
          gRest[gb1 + s * o + q] += g[q];
        }
        continue;
      }
      for (let q = 0; q < o; q++) gRest[gb2 + s * o + q] += g[q];
      backHidden(theta, L, g, Z, gRest, zrow + s * h, s * h, h, o);
    }
  }
}

/** torch.optim.Adam's step (no weight decay, no amsgrad) on theta[from, from + len). */
function adamBlock(
  theta: Float32Array,
  m: Float32Array,
  v: Float32Array,
  from: number,
  grad: Float32Array | Float64Array,
  gOff: number,
  len: number,
  stepSize: number,
  bc2Sqrt: number,
): void {
  for (let i = 0; i < len; i++) {
    const gi = grad[gOff + i], at = from + i;
    const mi = m[at] + (gi - m[at]) * (1 - BETA1);
    const vi = v[at] * BETA2 + (1 - BETA2) * gi * gi;
    m[at] = mi;
    v[at] = vi;
    theta[at] = theta[at] - (stepSize * m[at]) / (Math.sqrt(v[at]) / bc2Sqrt + EPS);
  }
}

/** Pack `count` flattened students (count x P) into the chunk's internal vector. */
function pack(p: CohortProblem, count: number, flat: Float32Array, map: Int32Array): Float32Array {
  const theta = new Float32Array(chunkLayout(p, count).total);
  for (let i = 0; i < map.length; i++) theta[map[i]] = flat[i];
  return theta;
}

/** Unpack the chunk's internal vector into count x P flattened students. */
function unpack(theta: Float32Array, map: Int32Array): Float32Array {
  const flat = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) flat[i] = theta[map[i]];
  return flat;
}

let wasmModule: WebAssembly.Module | null = null;

/** The WebAssembly SIMD row pass handles one MSE output and h a multiple of 4. */
function useSimd(p: CohortProblem): boolean {
  return p.h > 0 && p.h % 4 === 0 && p.o === 1 && p.loss === "mse";
}

/**
 * Lay a chunk out in a fresh WebAssembly memory (theta, Z, gradients, loss
 * weights, targets, losses; all 16-byte aligned) and bind the SIMD row pass.
 * The arrays returned are views on that memory, which never grows.
 */
function simdChunk(p: CohortProblem, first: number, count: number, coef: Float64Array) {
  const { n, h } = p;
  const L = chunkLayout(p, count);
  const C = L.C;
  const yLen = p.targetsShared ? n : count * n;
  let at = 0;
  const take = (bytes: number) => {
    const start = at;
    at += Math.ceil(bytes / 16) * 16;
    return start;
  };
  const oTheta = take(4 * L.total), oZ = take(4 * n * C), oG = take(4 * (L.total - L.b1));
  const oCoef = take(4 * count * n), oY = take(4 * yLen), oLoss = take(8 * count);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(at / 65536) + 1 });
  wasmModule ??= new WebAssembly.Module(decodeBase64(ROWPASS_WASM_BASE64));
  const inst = new WebAssembly.Instance(wasmModule, { env: { memory } });
  const passMse1 = inst.exports.passMse1 as (...args: number[]) => void;
  const buf = memory.buffer;
  const theta = new Float32Array(buf, oTheta, L.total);
  const gRest = new Float32Array(buf, oG, L.total - L.b1);
  const loss = new Float64Array(buf, oLoss, count);
  new Float32Array(buf, oCoef, count * n).set(coef);
  const y = new Float32Array(buf, oY, yLen);
  if (p.targetsShared) y.set(p.targets);
  else y.set(p.targets.subarray(first * n, (first + count) * n));
  const b1 = oTheta + 4 * L.b1, w2 = oTheta + 4 * L.w2, b2 = oTheta + 4 * L.b2;
  const gb1 = oG, gw2 = oG + 4 * C, gb2 = oG + 8 * C;
  return {
    theta,
    Z: new Float32Array(buf, oZ, n * C),
    gRest,
    loss,
    run(backward: boolean) {
      loss.fill(0);
      if (backward) gRest.fill(0);
      passMse1(
        n,
        count,
        h,
        C,
        oZ,
        b1,
        w2,
        b2,
        oY,
        p.targetsShared ? 0 : n,
        oCoef,
        gb1,
        gw2,
        gb2,
        oLoss,
        backward ? 1 : 0,
      );
    },
  };
}

/**
 * Train students `first .. first + count - 1` from `init` (count x P, flattened).
 * Synchronous; allocates O(n C + count P) floats (C = count h, or count o when h = 0).
 *
 * @example
 * ```ts
 * const r = trainChunk(problem, 0, 10, initCohortParameters(...), portableGemm);
 * ```
 */
export function trainChunk(
  p: CohortProblem,
  first: number,
  count: number,
  init: Float32Array,
  gemm: Gemm,
): ChunkResult {
  const { n, d, epochs, lr, track } = p;
  const P = parameterLayout(p.d, p.h, p.o).count;
  const L = chunkLayout(p, count);
  const map = indexMap(p, count);
  const coef = rowCoefficients(p, first, count);
  const simd = useSimd(p) ? simdChunk(p, first, count, coef) : null;
  const theta = simd ? simd.theta : new Float32Array(L.total);
  for (let i = 0; i < map.length; i++) theta[map[i]] = init[i];
  const m = new Float32Array(theta.length), v = new Float32Array(theta.length);
  const work: Work = {
    Z: simd ? simd.Z : new Float32Array(n * L.C),
    gW1: new Float32Array(d * L.C),
    gRest: simd ? simd.gRest : new Float64Array(theta.length - L.b1),
    out: new Float64Array(p.o),
    g: new Float64Array(p.o),
    loss: simd ? simd.loss : new Float64Array(count),
  };
  const pass = (backward: boolean) => {
    if (simd) simd.run(backward);
    else rowPass(p, first, count, theta, coef, work, backward);
  };
  const T = track.length;
  const trajectories = new Float32Array(count * T * (epochs + 1));
  const trackAt = new Int32Array(count * T);
  for (let s = 0; s < count; s++) {
    for (let t = 0; t < T; t++) trackAt[s * T + t] = map[s * P + track[t]];
  }
  const record = (e: number) => {
    for (let s = 0; s < count; s++) {
      for (let t = 0; t < T; t++) {
        trajectories[(s * T + t) * (epochs + 1) + e] = theta[trackAt[s * T + t]];
      }
    }
  };
  record(0);
  const losses = new Float32Array(count * epochs);
  const W1 = theta.subarray(L.w1, L.b1);
  for (let e = 0; e < epochs; e++) {
    gemm(false, n, L.C, d, p.x, W1, work.Z);
    pass(true);
    for (let s = 0; s < count; s++) losses[s * epochs + e] = work.loss[s];
    gemm(true, d, L.C, n, p.x, work.Z, work.gW1);
    const t = e + 1;
    const stepSize = lr / (1 - Math.pow(BETA1, t));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(BETA2, t));
    adamBlock(theta, m, v, L.w1, work.gW1, 0, L.b1, stepSize, bc2Sqrt);
    adamBlock(theta, m, v, L.b1, work.gRest, 0, theta.length - L.b1, stepSize, bc2Sqrt);
    record(t);
  }
  gemm(false, n, L.C, d, p.x, W1, work.Z);
  pass(false);
  return {
    parameters: unpack(theta, map),
    losses,
    finalLoss: Float32Array.from(work.loss),
    trajectories,
  };
}

/**
 * Outputs of `count` students (flattened parameters, count x P) on inputs x
 * (m x d): count x m x o, softmax probabilities when `probabilities`.
 */
export function predictChunk(
  dims: { d: number; h: number; o: number },
  flat: Float32Array,
  count: number,
  x: Float32Array,
  m: number,
  probabilities: boolean,
  gemm: Gemm,
): Float32Array {
  const { d, h, o } = dims;
  const p = { d, h, o } as CohortProblem;
  const L = chunkLayout(p, count);
  const theta = pack(p, count, flat, indexMap(p, count));
  const Z = new Float32Array(m * L.C);
  gemm(false, m, L.C, d, x, theta.subarray(L.w1, L.b1), Z);
  const result = new Float32Array(count * m * o);
  const out = new Float64Array(o);
  for (let i = 0; i < m; i++) {
    for (let s = 0; s < count; s++) {
      if (h > 0) {
        for (let q = 0; q < o; q++) out[q] = theta[L.b2 + s * o + q];
        for (let j = 0; j < h; j++) {
          let a = Z[i * L.C + s * h + j] + theta[L.b1 + s * h + j];
          a = (a + Math.abs(a)) * 0.5;
          const wr = L.w2 + (s * h + j) * o;
          for (let q = 0; q < o; q++) out[q] += a * theta[wr + q];
        }
      } else {
        for (let q = 0; q < o; q++) out[q] = Z[i * L.C + s * o + q] + theta[L.b1 + s * o + q];
      }
      if (probabilities) {
        let mx = -Infinity, se = 0;
        for (let q = 0; q < o; q++) if (out[q] > mx) mx = out[q];
        for (let q = 0; q < o; q++) se += Math.exp(out[q] - mx);
        for (let q = 0; q < o; q++) out[q] = Math.exp(out[q] - mx) / se;
      }
      for (let q = 0; q < o; q++) result[(s * m + i) * o + q] = out[q];
    }
  }
  return result;
}
