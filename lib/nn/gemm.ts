/**
 * The two wide matrix products of cohort training, with two interchangeable
 * back ends: plain TypeScript loops (portable, always there) and the system's
 * OpenBLAS `cblas_sgemm` through Deno FFI (fast, where the library loads and
 * `--allow-ffi` is granted). Both give the same numbers to float32 rounding.
 *
 * @module
 */
import { loadSgemm, sgemmUnavailableReason } from "../blas.ts";

/**
 * `C = op(A) B` in row-major float32, overwriting C (M x N).
 * `transA = false`: A is M x K; `transA = true`: A is K x M (C = A^T B). B is K x N.
 *
 * @category Back ends
 */
export type Gemm = (
  transA: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
) => void;

/**
 * A matrix-product back end: its name and its product.
 *
 * @category Back ends
 */
export interface GemmBackend {
  /** Which product this is. */
  name: "blas" | "portable";
  /** The product itself. */
  gemm: Gemm;
}

/**
 * Portable product: each entry of C is a float64 sum over k in increasing order,
 * rounded once to float32, so column j of C depends only on column j of B
 * (a student's result never depends on its neighbours in a chunk).
 *
 * @category Back ends
 */
export const portableGemm: Gemm = (transA, M, N, K, A, B, C) => {
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const a = transA ? A[k * M + i] : A[i * K + k];
      const row = k * N;
      for (let j = 0; j < N; j++) acc[j] += a * B[row + j];
    }
    const out = i * N;
    for (let j = 0; j < N; j++) C[out + j] = acc[j];
  }
};

let cachedBlas: GemmBackend | null | undefined;

/**
 * The OpenBLAS back end, or `null` when no candidate library loads (no
 * OpenBLAS installed, or no `--allow-ffi`). The library is opened once per
 * thread (each Deno worker opens its own handle) and set to one BLAS thread:
 * the cohort trainer gets its parallelism from one worker per core.
 * Set `KD_BLAS_LIB` to try another library file first (see lib/blas.ts).
 *
 * @category Back ends
 */
export function loadBlas(): GemmBackend | null {
  if (cachedBlas !== undefined) return cachedBlas;
  const sgemm = loadSgemm();
  if (!sgemm) return cachedBlas = null;
  const gemm: Gemm = (transA, M, N, K, A, B, C) => sgemm(transA, false, M, N, K, A, B, C);
  return cachedBlas = { name: "blas", gemm };
}

/**
 * Why `loadBlas()` returned null (empty when it loaded or was not tried).
 *
 * @category Back ends
 */
export function blasUnavailableReason(): string {
  return sgemmUnavailableReason();
}

/**
 * Which back end to use: `auto` (for training the native kernel where it
 * builds, else BLAS where it loads, else portable), or one by name. The native
 * kernel trains only; for matrix products (`selectBackend`, `predictCohort`)
 * `native` means the same as `auto`.
 *
 * @category Back ends
 */
export type BackendChoice = "auto" | "native" | "blas" | "portable";

/**
 * Resolve a back-end choice.
 *
 * @throws Error when `blas` is asked for and no BLAS library loads (the message
 *   says which files were tried and suggests `apt-get install libopenblas0-pthread`
 *   and `--allow-ffi`).
 * @example
 * ```ts
 * const { name, gemm } = selectBackend("auto"); // "blas" here, "portable" elsewhere
 * ```
 *
 * @category Back ends
 */
export function selectBackend(choice: BackendChoice): GemmBackend {
  if (choice === "portable") return { name: "portable", gemm: portableGemm };
  const blas = loadBlas();
  if (blas) return blas;
  if (choice === "blas") {
    throw new Error(
      `backend "blas" was requested but no BLAS library loaded (${blasUnavailableReason()}). ` +
        `Install OpenBLAS (apt-get install libopenblas0-pthread), run with --allow-ffi, ` +
        `or pass backend: "auto".`,
    );
  }
  return { name: "portable", gemm: portableGemm };
}
