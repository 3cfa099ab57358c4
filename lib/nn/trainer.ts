/**
 * Choosing the back end that trains a chunk of students: the fused native
 * kernel (native.ts), or the lockstep kernel (kernel.ts) over OpenBLAS or
 * portable matrix products (gemm.ts).
 *
 * @module
 */

import { type BackendChoice, selectBackend } from "./gemm.ts";
import { type ChunkResult, type CohortProblem, trainChunk } from "./kernel.ts";
import { loadNative, nativeUnavailableReason } from "./native.ts";

/**
 * A back end that trains chunks of students.
 *
 * @category Back ends
 */
export interface ChunkTrainer {
  /** Which back end this is. */
  name: "native" | "blas" | "portable";
  /** Train students `first .. first + count - 1` from `init` (count x P, flattened). */
  train(p: CohortProblem, first: number, count: number, init: Float32Array): ChunkResult;
}

let warned = false;

/**
 * Resolve a back-end choice for training. `auto` takes the native kernel when
 * it loads (saying once on stderr why not, when it does not), else BLAS, else
 * portable.
 *
 * @throws Error when `native` (or `blas`) is asked for and cannot load; the
 *   message gives the reason and the fix.
 * @example
 * ```ts
 * const { name, train } = selectTrainer("auto"); // "native" where cc and --allow-ffi work
 * ```
 *
 * @category Back ends
 */
export function selectTrainer(choice: BackendChoice): ChunkTrainer {
  if (choice === "auto" || choice === "native") {
    const native = loadNative();
    if (native) return { name: "native", train: native.train };
    if (choice === "native") {
      throw new Error(
        `backend "native" was requested but the native kernel did not build or load ` +
          `(${nativeUnavailableReason()}). Install a C compiler (apt-get install gcc) or set KD_CC, ` +
          `run with --allow-run --allow-ffi --allow-read --allow-write, or pass backend: "auto".`,
      );
    }
    if (!warned) {
      warned = true;
      console.error(
        `lib/nn: native kernel unavailable (${nativeUnavailableReason()}); using the next back end.`,
      );
    }
  }
  const { name, gemm } = selectBackend(choice);
  return { name, train: (p, first, count, init) => trainChunk(p, first, count, init, gemm) };
}
