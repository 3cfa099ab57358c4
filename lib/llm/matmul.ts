/**
 * The matrix products of the language model, differentiable, on one of two
 * engines that agree to float32 rounding:
 *
 * - `blas`: the system's OpenBLAS `cblas_sgemm` through Deno FFI (needs
 *   OpenBLAS, e.g. `apt-get install libopenblas0-pthread`, and `--allow-ffi`).
 *   The operands are copied out of tfjs, multiplied, and the product copied
 *   back in. Measured on this project's 2-core machine, it makes a training
 *   step of the 2-layer, width-128 student several times faster than tfjs-wasm's
 *   own product (bench/llm_bench.ts), whose kernels for transposed and batched
 *   operands run at 0.4-0.7 GFLOP/s.
 * - `tfjs`: tfjs's `matMul` (any back end), used when BLAS does not load.
 *
 * Both passes use the same engine: for C = op(A)·op(B) the gradients are
 * dA = dC·op(B)ᵀ and dB = op(A)ᵀ·dC, each one more product with transpose flags.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "./backend.ts";
import { loadSgemm } from "../blas.ts";
import { loadGptNative } from "./native.ts";

/** Which engine multiplies: "blas" (OpenBLAS via FFI) or "tfjs". */
export type MatMulEngine = "blas" | "tfjs";

let engine: MatMulEngine | undefined;

/**
 * Choose the engine: `"auto"` (default) takes BLAS when it loads, else tfjs.
 * Returns the engine now in use.
 *
 * @throws Error when "blas" is asked for and OpenBLAS does not load.
 */
export function setMatMulEngine(choice: MatMulEngine | "auto" = "auto"): MatMulEngine {
  if (choice === "tfjs") return engine = "tfjs";
  // The native kernel sets OpenBLAS's core type from the CPU before OpenBLAS
  // first loads (lib/llm/native.ts: Debian's OpenBLAS runs its slow generic
  // kernel on CPUs it does not know), so both engines multiply alike.
  loadGptNative();
  const f = loadSgemm();
  if (f) return engine = "blas";
  if (choice === "blas") {
    throw new Error(
      'matmul engine "blas" was requested but OpenBLAS did not load; install it ' +
        '(apt-get install libopenblas0-pthread), run with --allow-ffi, or use "auto".',
    );
  }
  return engine = "tfjs";
}

/** The engine in use (chosen with "auto" on first use). */
export function matMulEngine(): MatMulEngine {
  return engine ?? setMatMulEngine("auto");
}

function blasProduct(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): tf.Tensor {
  const f = loadSgemm()!;
  const r = a.rank;
  const batch = r === 3 ? a.shape[0] : 1;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  if ((tb ? bc : br) !== k) {
    throw new Error(`matmul: inner dimensions differ: [${a.shape}] and [${b.shape}].`);
  }
  const A = a.dataSync() as Float32Array, B = b.dataSync() as Float32Array;
  const C = new Float32Array(batch * m * n);
  for (let i = 0; i < batch; i++) {
    f(
      ta,
      tb,
      m,
      n,
      k,
      A.subarray(i * ar * ac, (i + 1) * ar * ac),
      B.subarray(i * br * bc, (i + 1) * br * bc),
      C.subarray(i * m * n, (i + 1) * m * n),
    );
  }
  return tf.tensor(C, r === 3 ? [batch, m, n] : [m, n], "float32");
}

function product(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): tf.Tensor {
  if (matMulEngine() === "blas") return blasProduct(a, b, ta, tb);
  // tfjs-wasm runs transposed operands slowly: transpose explicitly first.
  const sw = (x: tf.Tensor) => x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1]);
  return tf.matMul(ta ? sw(a) : a, tb ? sw(b) : b);
}

/** A two-input differentiable function with a hand-written gradient. */
export type TwoInputGradFn = (
  a: tf.Tensor,
  b: tf.Tensor,
  save: (tensors: tf.Tensor[]) => void,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** `tf.customGrad` for a function of two tensors, typed (tfjs's own typing takes variadic inputs). */
export function customGrad2(f: TwoInputGradFn): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  type Arg = Parameters<typeof tf.customGrad>[0];
  return tf.customGrad(f as unknown as Arg) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const cache = new Map<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor>();

function op(ta: boolean, tb: boolean): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  const key = `${ta}${tb}`;
  let f = cache.get(key);
  if (!f) {
    f = customGrad2((a, b, save) => {
      save([a, b]);
      return {
        value: product(a, b, ta, tb),
        gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => {
          // C = op(A) op(B): dA and dB in terms of products with flags.
          const da = ta ? product(sb, dy, tb, true) : product(dy, sb, false, !tb);
          const db = tb ? product(dy, sa, true, ta) : product(sa, dy, !ta, false);
          return [da, db];
        },
      };
    });
    cache.set(key, f);
  }
  return f;
}

/**
 * op(a) · op(b) for 2-D [M, K] · [K, N] or batched 3-D [B, M, K] · [B, K, N]
 * tensors (op = transpose when the flag is set), differentiable.
 *
 * @throws Error when the inner dimensions differ.
 * @example
 * ```ts
 * const scores = matMulT(q, k, false, true); // q kᵀ
 * ```
 */
export function matMulT(a: tf.Tensor, b: tf.Tensor, transA = false, transB = false): tf.Tensor {
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(
      `matmul operands must both be 2-D or both 3-D, got [${a.shape}] and [${b.shape}].`,
    );
  }
  return op(transA, transB)(a, b);
}
