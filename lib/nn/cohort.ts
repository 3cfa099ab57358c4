/**
 * Train a cohort of S small MLPs d-h-o in lockstep (DESIGN.md principle 3), and
 * predict with them. This is the compute core of Sections 4-7: every student
 * has its own targets, example weights and init; the inputs are shared, so the
 * first layer of a chunk of students is one wide matrix product.
 *
 * Memory: the cohort is cut into chunks of c students (`chunkStudents`; by
 * default c h ~ 1 MiB / (4 n) columns). Each worker holds the problem (x: n d,
 * targets, weights) plus, for its current chunk, O(n c h + d c h + 4 c P)
 * float32 numbers (activations, first-layer gradient, parameters with Adam's two
 * moments and gradients); the caller holds the results, 2 S P + S epochs +
 * S T (epochs + 1) float32 numbers.
 *
 * @module
 */

import { toRng } from "../random.ts";
import { type BackendChoice, loadBlas, selectBackend } from "./gemm.ts";
import { selectTrainer } from "./trainer.ts";
import {
  initCohortParameters,
  type InitSpec,
  type ParameterLayout,
  parameterLayout,
} from "./init.ts";
import { type ChunkResult, type CohortProblem, type LossKind, predictChunk } from "./kernel.ts";
import { loadNative } from "./native.ts";
import { sparseShare } from "./sparse.ts";
import { type FitCohortOptions, validateOptions } from "./options.ts";
import type { WorkerSetup } from "./worker.ts";

/**
 * A trained cohort: S students' parameters and training records.
 *
 * @category Cohort trainer
 */
export interface Cohort {
  /** Cohort size S. */
  students: number;
  /** Input features d. */
  d: number;
  /** Hidden width h (0: one linear layer). */
  hidden: number;
  /** Outputs o (classes for cross-entropy). */
  outputs: number;
  /** The training loss. */
  loss: LossKind;
  /** Adam epochs run. */
  epochs: number;
  /** Flattened parameter layout (PyTorch's order); P = layout.count. */
  layout: ParameterLayout;
  /** S x P parameters before training. */
  initialParameters: Float32Array;
  /** S x P parameters after training. */
  parameters: Float32Array;
  /** S x epochs: each student's training loss at the start of each epoch. */
  losses: Float32Array;
  /** S: each student's training loss after the last update. */
  finalLoss: Float32Array;
  /** The tracked flattened parameter indices (T of them). */
  track: number[];
  /** S x T x (epochs + 1): tracked parameters after each epoch (index 0: the init). */
  trajectories: Float32Array;
  /**
   * The back end that trained: the fused native kernel, or the lockstep kernel
   * on BLAS or portable matrix products.
   */
  backend: "native" | "blas" | "portable";
  /** Worker threads used (0: the calling thread). */
  workers: number;
}

/**
 * `auto` prefers the native kernel, except for networks without a hidden layer
 * (linear and logistic regression) on dense inputs, where batching the
 * students into wide OpenBLAS products is faster: measured here (2 cores, one
 * thread each), 20 logistic students on Digits (64-10, 300 epochs) took 4.4 s
 * native vs 2.8 s BLAS, 4 on the MNIST subset (784-10) 4.9 s vs 1.1 s, while
 * with a hidden layer native wins (8 Digits 64-128-10 students: 2.6 s vs
 * 15.6 s). On sparse inputs (at most half the entries off their column's
 * majority value, lib/nn/sparse.ts) the native kernel's sparse linear pass
 * wins instead (bench/sparse_inputs_bench.ts), and is then asked for outright.
 */
function resolveAuto(choice: BackendChoice, problem: CohortProblem): BackendChoice {
  if (choice !== "auto" || problem.h > 0) return choice;
  if (
    (problem.inputs ?? "auto") !== "dense" && loadNative() &&
    sparseShare(problem.x, problem.n, problem.d) <= SPARSE_SHARE
  ) {
    problem.inputs = "sparse";
    return "native";
  }
  return loadBlas() ? "blas" : "auto";
}

/** `auto` trains on the sparse form when at most this share of entries remains (as the kernel). */
const SPARSE_SHARE = 0.5;

/** Default bytes of hidden activations per chunk (n x c h float32). */
const CHUNK_BYTES = 1024 * 1024;
/** Below this many row-unit-epochs (S n max(h, o) epochs), `auto` uses no worker. */
const INLINE_WORK = 2e7;

function hardwareThreads(): number {
  const n = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  return n && n > 0 ? n : 1;
}

/** Train the chunks on a pool of `workers` threads, storing each chunk's result as it arrives. */
async function trainInWorkers(
  setup: WorkerSetup,
  chunks: [number, number][],
  workers: number,
  store: (first: number, count: number, initial: Float32Array, r: ChunkResult) => void,
): Promise<void> {
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const give = (w: Worker) => {
        if (next < chunks.length) {
          const [first, count] = chunks[next++];
          w.postMessage({ type: "chunk", first, count });
        }
      };
      const stop = (err: Error) => {
        if (!failed) {
          failed = true;
          reject(err);
        }
      };
      for (let k = 0; k < workers; k++) {
        const w = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
        pool.push(w);
        w.onmessage = (e: MessageEvent) => {
          const msg = e.data;
          if (failed) return;
          if (msg.type === "ready") give(w);
          else if (msg.type === "error") stop(new Error(`cohort worker failed: ${msg.message}`));
          else if (msg.type === "result") {
            store(msg.first, msg.count, msg.initial, msg.result);
            if (++finished === chunks.length) resolve();
            else give(w);
          }
        };
        w.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          stop(new Error(`cohort worker failed: ${e.message}`));
        };
        w.postMessage(setup);
      }
    });
  } finally {
    for (const w of pool) w.terminate();
  }
}

/**
 * Train S students with full-batch Adam (PyTorch's defaults: betas 0.9, 0.999,
 * eps 1e-8, bias correction, no weight decay) for `epochs` epochs.
 *
 * Student s starts from `init` drawn from `toRng(seed).child(s)`, so it is the
 * same student whatever S, the chunking or the number of workers (bit for bit
 * with the native and portable back ends; with BLAS to float32 rounding). The
 * back ends agree to float32 tolerance, not bit for bit: they sum in different
 * orders, and the native one fuses multiply-adds.
 *
 * @throws RangeError (as a rejected promise, before any training) naming the
 *   argument: S < 1, epochs < 1, lr <= 0, shapes that do not fit, non-finite
 *   inputs, targets or weights, labels out of range (see `validateOptions`);
 *   Error when `backend: "native"` or `"blas"` is asked for and cannot load.
 * @example
 * ```ts
 * const cohort = await fitCohort({
 *   x, n: 404, d: 13, hidden: 16, outputs: 1, loss: "mse", targets: y,
 *   students: 1000, epochs: 200, lr: 0.01, seed: 42,
 *   onProgress: ({ studentsDone, students }) => console.log(studentsDone, "/", students),
 * });
 * const yhat = predictCohort(cohort, xTest, 102); // 1000 x 102 x 1
 * ```
 *
 * @category Cohort trainer
 */
export async function fitCohort(opts: FitCohortOptions): Promise<Cohort> {
  const problem = validateOptions(opts);
  const { n, d, h, o, epochs } = problem;
  const S = opts.students;
  const root = toRng(opts.seed);
  const init: InitSpec = opts.init ?? { kind: "torch" };
  const backend = selectTrainer(resolveAuto(opts.backend ?? "auto", problem));
  const layout = parameterLayout(d, h, o);
  const P = layout.count;
  const T = problem.track.length;
  const perStudentCols = h > 0 ? h : o;
  const chunk = opts.chunkStudents ??
    Math.max(1, Math.floor(CHUNK_BYTES / (4 * n * perStudentCols)));
  const chunks: [number, number][] = [];
  for (let a = 0; a < S; a += chunk) chunks.push([a, Math.min(chunk, S - a)]);
  let workers = opts.workers ?? "auto";
  if (workers === "auto") {
    workers = S * n * perStudentCols * epochs < INLINE_WORK
      ? 0
      : Math.min(hardwareThreads(), chunks.length);
  }
  workers = Math.min(workers, chunks.length);

  const cohort: Cohort = {
    students: S,
    d,
    hidden: h,
    outputs: o,
    loss: problem.loss,
    epochs,
    layout,
    initialParameters: new Float32Array(S * P),
    parameters: new Float32Array(S * P),
    losses: new Float32Array(S * epochs),
    finalLoss: new Float32Array(S),
    track: Array.from(problem.track),
    trajectories: new Float32Array(S * T * (epochs + 1)),
    backend: backend.name,
    workers,
  };
  let done = 0;
  const store = (first: number, count: number, initial: Float32Array, r: ChunkResult) => {
    cohort.initialParameters.set(initial, first * P);
    cohort.parameters.set(r.parameters, first * P);
    cohort.losses.set(r.losses, first * epochs);
    cohort.finalLoss.set(r.finalLoss, first);
    cohort.trajectories.set(r.trajectories, first * T * (epochs + 1));
    done += count;
    opts.onProgress?.({ studentsDone: done, students: S });
  };

  if (workers === 0) {
    for (const [first, count] of chunks) {
      const start = initCohortParameters(init, d, h, o, root, first, count, S);
      const initial = start.slice();
      store(first, count, initial, backend.train(problem, first, count, start));
      await Promise.resolve();
    }
    return cohort;
  }

  const setup: WorkerSetup = {
    type: "setup",
    problem,
    init,
    // The worker rebuilds the root stream from its seed and path (an Rng is not cloneable).
    seed: root.seed,
    path: [...root.path],
    students: S,
    backend: backend.name,
  };
  await trainInWorkers(setup, chunks, workers, store);
  return cohort;
}

/**
 * Outputs of every student of a cohort on new inputs x (m x d, row-major):
 * an S x m x o Float32Array; for a cross-entropy cohort, softmax class
 * probabilities (set `probabilities: false` for the logits).
 *
 * @throws RangeError when x does not have m x d finite entries.
 * @example
 * ```ts
 * const probs = predictCohort(cohort, xTest, mTest); // S x m x classes
 * ```
 *
 * @category Cohort trainer
 */
export function predictCohort(
  cohort: Pick<Cohort, "students" | "d" | "hidden" | "outputs" | "loss" | "parameters">,
  x: Float32Array | Float64Array | ArrayLike<number>,
  m: number,
  options: { probabilities?: boolean; backend?: BackendChoice } = {},
): Float32Array {
  const { students: S, d, hidden: h, outputs: o } = cohort;
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(`m must be an integer >= 1, got ${m}.`);
  }
  if (x.length !== m * d) {
    throw new RangeError(`x must have m x d = ${m} x ${d} = ${m * d} entries, got ${x.length}.`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`x[${i}] is ${x[i]}; x must be finite.`);
  }
  const P = parameterLayout(d, h, o).count;
  if (cohort.parameters.length !== S * P) {
    throw new RangeError(
      `cohort.parameters must have S x P = ${S * P} entries, got ${cohort.parameters.length}.`,
    );
  }
  const { gemm } = selectBackend(options.backend ?? "auto");
  const probs = options.probabilities ?? cohort.loss === "cross-entropy";
  const xf = Float32Array.from(x);
  const out = new Float32Array(S * m * o);
  const chunk = Math.max(1, Math.floor(CHUNK_BYTES / (4 * m * (h > 0 ? h : o))));
  for (let a = 0; a < S; a += chunk) {
    const c = Math.min(chunk, S - a);
    const flat = cohort.parameters.subarray(a * P, (a + c) * P);
    out.set(predictChunk({ d, h, o }, flat, c, xf, m, probs, gemm), a * m * o);
  }
  return out;
}
