/**
 * Neural students: cohorts of small MLPs d-h-o (ReLU; h = 0 is linear or
 * logistic regression) trained in lockstep with full-batch Adam, the compute
 * core of Sections 4-7 of the paper.
 *
 * Grouped by `@category`: Cohort trainer (`fitCohort`, `predictCohort`, their
 * options; `seed: number | Rng`, student s uses `toRng(seed).child(s)`),
 * Initialization (Section 5.1: `InitSpec`, `initCohortParameters`), Back ends.
 *
 * One network in float64 (`createMlp`, `mlpForward`, `mlpBackward`, `Adam`;
 * mlp64.ts) is the same engine's float64 option, for losses the cohort trainer
 * does not have (Gaussian distillation's EM objective, mean-and-variance and
 * Dirichlet students) and two hidden layers: PyTorch's default init shared with
 * the cohort trainer, products through OpenBLAS `cblas_dgemm` where it loads.
 *
 * How it runs (measured on the 2-core build machine; see bench/cohort_bench.ts).
 * Three back ends, the first that loads under `backend: "auto"`:
 * - `native`: lib/nn/native/cohort_kernel.c, compiled on first use with the
 *   system C compiler into build/native/ and loaded through Deno FFI (needs
 *   --allow-run --allow-ffi --allow-read --allow-write; see native.ts). One
 *   student at a time, forward + backward + Adam fused over tiles of 4 rows in
 *   8-wide AVX/FMA vectors, so the n x h activations never go to memory and the
 *   first layer stays in cache. Fastest here for the paper's 13-16-1 and
 *   11-128-1 (the lockstep BLAS path is memory-bound at d = 11-13). Before it,
 *   Adam's scalar sqrt/div was a third of the time; -fno-math-errno lets it
 *   vectorise.
 * - `blas`: the lockstep kernel (kernel.ts): the two wide products (X W1 and
 *   X^T dZ for a whole chunk of students) go to OpenBLAS `cblas_sgemm` (one BLAS
 *   thread per worker, one worker per core); the per-student work between them
 *   is one fused pass over the rows, WebAssembly SIMD for one MSE output and h a
 *   multiple of 4, branch-free TypeScript otherwise. Likely the better choice
 *   for wide inputs (MNIST's d = 784), where a chunk's product reuses each row
 *   of X across students; not measured.
 * - `portable`: the same lockstep kernel on plain TypeScript products (about
 *   2 GFLOP/s, ~20x slower), always there.
 * The back ends agree to float32 tolerance (tested), not bit for bit (different
 * summation orders; fused multiply-adds in native). On any one back end a
 * student's result does not depend on the chunking or the worker count.
 *
 * @example
 * ```ts
 * import { predictCohort, fitCohort } from "./lib/nn/mod.ts";
 * const cohort = await fitCohort({
 *   x, n, d: 13, hidden: 16, outputs: 1, loss: "mse", targets: y,
 *   students: 1000, epochs: 200, lr: 0.01, seed: 42,
 * });
 * const predictions = predictCohort(cohort, xTest, nTest); // S x nTest x 1
 * ```
 *
 * @module
 */

export { type Cohort, fitCohort, predictCohort } from "./cohort.ts";
export {
  type CohortProgress,
  type FitCohortOptions,
  type NumericArray,
  validateOptions,
} from "./options.ts";
export {
  initCohortParameters,
  type InitSpec,
  type ParameterLayout,
  parameterLayout,
} from "./init.ts";
export {
  type BackendChoice,
  blasUnavailableReason,
  type Gemm,
  type GemmBackend,
  loadBlas,
  portableGemm,
  selectBackend,
} from "./gemm.ts";
export type { ChunkResult, CohortProblem, LossKind } from "./kernel.ts";
export { loadNative, type NativeKernel, nativeUnavailableReason } from "./native.ts";
export { type ChunkTrainer, selectTrainer } from "./trainer.ts";
export {
  Adam,
  createMlp,
  type Mlp,
  mlpBackward,
  type MlpForward,
  mlpForward,
  mlpParameterCount,
} from "./mlp64.ts";
