/**
 * Float64 matrix products for the hand-written networks of lib/gaussian
 * (the DLF student, the custom-loss baselines, the two-layer teachers): the
 * system's OpenBLAS `cblas_dgemm` through Deno FFI where it loads (the same
 * library files as lib/blas.ts's `cblas_sgemm`), else plain TypeScript loops.
 * Both compute the same float64 products; they differ only in the order of
 * the sums (round-off, about 1e-16 relative per product).
 *
 * Measured here (a micro-benchmark, one BLAS thread, 2 cores heavily shared:
 * load about 14): a 128 x 784 by 784 x 50 product took
 * 5.2 ms with dgemm against 48 ms with the loops, a ratio of about 9, which is
 * what makes MNIST students (784 inputs) affordable; tests/gaussian/mlp_test.ts
 * checks that the two agree.
 *
 * @module
 */
import { blasLibraryPaths, chooseOpenBlasCore } from "../blas.ts";

/**
 * `C = op(A) op(B)` (row-major float64, C m x n overwritten), op(X) = Xᵀ when
 * its flag is set: A is m x k (k x m when `transA`), B is k x n (n x k when `transB`).
 *
 * @category Gaussian distillation
 */
export type Dgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
) => void;

/**
 * The loop product (always available): each entry a float64 sum over k in increasing order.
 *
 * @category Gaussian distillation
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

const SYMBOLS = {
  cblas_dgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f64",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
} as const;

let cached: Dgemm | null | undefined;

/**
 * OpenBLAS's `cblas_dgemm` (one BLAS thread), or `null` when no library
 * loads (no OpenBLAS, or no `--allow-ffi`).
 *
 * @category Gaussian distillation
 */
export function loadDgemm(): Dgemm | null {
  if (cached !== undefined) return cached;
  chooseOpenBlasCore();
  const paths = blasLibraryPaths();
  for (const path of paths) {
    try {
      const lib = Deno.dlopen(path, SYMBOLS);
      lib.symbols.openblas_set_num_threads?.(1);
      const f = lib.symbols.cblas_dgemm;
      cached = (ta, tb, m, n, k, a, b, c) =>
        // 101 = CblasRowMajor, 111 = CblasNoTrans, 112 = CblasTrans.
        f(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, 0, c, n);
      return cached;
    } catch { /* try the next file */ }
  }
  return cached = null;
}

/** Products with fewer multiply-adds than this use the loops (FFI and copies cost more). */
const BLAS_WORK = 20_000;

/**
 * The product of {@link Dgemm}'s arguments: dgemm for products of at least
 * 20,000 multiply-adds when it loads, the loops otherwise. Sub-arrays
 * (views with an offset) are accepted.
 *
 * @category Gaussian distillation
 */
export const dgemm: Dgemm = (ta, tb, m, n, k, a, b, c) => {
  const blas = m * n * k >= BLAS_WORK ? loadDgemm() : null;
  (blas ?? loopDgemm)(ta, tb, m, n, k, a, b, c);
};
