/**
 * The options of `fitCohort` and their validation: every check runs before
 * any training, and each error names the argument and the fix.
 *
 * @module
 */

import { Rng, type Seed } from "../random.ts";
import type { BackendChoice } from "./gemm.ts";
import { type InitSpec, parameterLayout } from "./init.ts";
import type { CohortProblem, LossKind } from "./kernel.ts";

/**
 * Numbers the options accept: typed arrays or plain arrays.
 *
 * @category Cohort trainer
 */
export type NumericArray = Float32Array | Float64Array | ArrayLike<number>;

/**
 * Progress of a cohort run, reported after each chunk of students.
 *
 * @category Cohort trainer
 */
export interface CohortProgress {
  /** Students whose training has finished. */
  studentsDone: number;
  /** The cohort size S. */
  students: number;
}

/**
 * Options of `fitCohort`. Shapes are row-major; S is `students`.
 *
 * @category Cohort trainer
 */
export interface FitCohortOptions {
  /** Shared inputs, n x d row-major. */
  x: NumericArray;
  /** Number of rows n of x. */
  n: number;
  /** Number of input features d. */
  d: number;
  /** Hidden width h; 0 means one linear layer (linear or logistic regression). */
  hidden: number;
  /** Outputs o: targets per row for `mse`, classes for `cross-entropy`. */
  outputs: number;
  /**
   * `mse`: torch's MSELoss (mean over n x o); `cross-entropy`: softmax cross-entropy
   * with integer labels (mean over n). Weighted: sum_i w_i l_i / sum_i w_i.
   */
  loss: LossKind;
  /**
   * `mse`: n x o (shared by all students) or S x n x o targets.
   * `cross-entropy`: n (shared) or S x n integer labels in [0, outputs).
   */
  targets: NumericArray | Int32Array;
  /**
   * Optional example weights, n (shared) or S x n, finite and >= 0 with a positive
   * sum per student. Bootstrap counts as weights equal training on the resample.
   */
  weights?: NumericArray;
  /** Cohort size S >= 1. */
  students: number;
  /** Full-batch Adam epochs (>= 1). */
  epochs: number;
  /** Adam learning rate (> 0). */
  lr: number;
  /**
   * Seed of the students' streams: student s uses `toRng(seed).child(s)` (for a
   * number, `new Rng(seed).child(s)`; for an `Rng`, its child s, whatever has
   * been drawn from it).
   */
  seed: Seed;
  /** Init (default `{ kind: "torch" }`, PyTorch's nn.Linear default). */
  init?: InitSpec;
  /** Flattened parameter indices to record after every epoch (see `parameterLayout`). */
  track?: readonly number[];
  /**
   * Back end (default `auto`: the native kernel where it builds, else OpenBLAS
   * where it loads, else portable TypeScript). `native`, `blas` or `portable`
   * force one; forcing one that cannot load rejects with the reason.
   */
  backend?: BackendChoice;
  /**
   * Native kernel only: train on the inputs' sparse form (columns shifted by
   * their majority value, rows as lists of the other entries; see
   * lib/nn/sparse.ts) always (`sparse`), never (`dense`), or (`auto`, the
   * default) when at most 35% of the entries remain, as on standardized MNIST.
   * The two forms agree to float32 rounding, not bit for bit.
   */
  inputs?: "auto" | "dense" | "sparse";
  /**
   * Worker threads: 0 trains on the calling thread; default `auto`: none for
   * small jobs, else one per core (`navigator.hardwareConcurrency`).
   */
  workers?: number | "auto";
  /** Students per chunk (default: about 1 MiB of hidden activations per chunk). */
  chunkStudents?: number;
  /** Called after each chunk with the number of students done. */
  onProgress?: (progress: CohortProgress) => void;
}

function fail(message: string): never {
  throw new RangeError(message);
}

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    fail(`${name} must be an integer >= ${min}, got ${String(v)}.`);
  }
  return v;
}

function checkFinite(name: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      fail(`${name}[${i}] is ${a[i]}; ${name} must be finite. Remove or impute missing values.`);
    }
  }
}

function checkTargets(
  opts: FitCohortOptions,
  S: number,
  n: number,
  o: number,
): { targets: Float32Array | Int32Array; targetsShared: boolean } {
  const t = opts.targets;
  if (!t) fail("targets is required.");
  if (opts.loss === "mse") {
    if (t.length !== n * o && t.length !== S * n * o) {
      fail(
        `targets must have n x o = ${n * o} (shared) or S x n x o = ${
          S * n * o
        } entries for mse, got ${t.length}.`,
      );
    }
    checkFinite("targets", t);
    return { targets: Float32Array.from(t), targetsShared: t.length === n * o };
  }
  if (t.length !== n && t.length !== S * n) {
    fail(
      `targets must hold n = ${n} (shared) or S x n = ${
        S * n
      } labels for cross-entropy, got ${t.length}.`,
    );
  }
  for (let i = 0; i < t.length; i++) {
    if (!Number.isInteger(t[i]) || t[i] < 0 || t[i] >= o) {
      fail(`targets[${i}] = ${t[i]} is not a class label in [0, ${o - 1}] (outputs = ${o}).`);
    }
  }
  return { targets: Int32Array.from(t), targetsShared: t.length === n };
}

function checkWeights(
  w: NumericArray | undefined,
  S: number,
  n: number,
): { weights: Float32Array | null; weightsShared: boolean } {
  if (w === undefined) return { weights: null, weightsShared: false };
  if (w.length !== n && w.length !== S * n) {
    fail(`weights must have n = ${n} (shared) or S x n = ${S * n} entries, got ${w.length}.`);
  }
  checkFinite("weights", w);
  for (let i = 0; i < w.length; i++) {
    if (w[i] < 0) fail(`weights[${i}] = ${w[i]} is negative; weights must be >= 0.`);
  }
  const weightsShared = w.length === n;
  const rows = weightsShared ? 1 : S;
  for (let s = 0; s < rows; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w[s * n + i];
    if (!(sum > 0)) {
      fail(`weights of student ${s} sum to 0; give each student a positive weight.`);
    }
  }
  return { weights: Float32Array.from(w), weightsShared };
}

function checkTrackAndInit(opts: FitCohortOptions, S: number, P: number): Int32Array {
  const track = Int32Array.from(opts.track ?? []);
  for (let i = 0; i < track.length; i++) {
    if (!Number.isInteger(opts.track![i]) || track[i] < 0 || track[i] >= P) {
      fail(`track[${i}] = ${opts.track![i]} is not a parameter index in [0, ${P - 1}].`);
    }
  }
  const init = opts.init ?? { kind: "torch" };
  const kinds = ["torch", "kaiming", "perturbed", "fixed"];
  if (!init || !kinds.includes(init.kind)) {
    fail(`init.kind must be one of ${kinds.join(", ")}, got ${String(init?.kind)}.`);
  }
  if (init.kind === "perturbed" && !(Number.isFinite(init.scale) && init.scale >= 0)) {
    fail(`init.scale must be a finite number >= 0, got ${init.scale}.`);
  }
  if (init.kind === "fixed") {
    const len = init.parameters?.length;
    if (len !== P && len !== S * P) {
      fail(`init.parameters must have P = ${P} or S x P = ${S * P} entries, got ${len}.`);
    }
    checkFinite("init.parameters", init.parameters);
  }
  return track;
}

function checkRunOptions(opts: FitCohortOptions): void {
  if (opts.workers !== undefined && opts.workers !== "auto") checkInt("workers", opts.workers, 0);
  if (opts.chunkStudents !== undefined) checkInt("chunkStudents", opts.chunkStudents, 1);
  const backends = ["auto", "native", "blas", "portable"];
  if (opts.backend !== undefined && !backends.includes(opts.backend)) {
    fail(`backend must be one of ${backends.join(", ")}, got ${String(opts.backend)}.`);
  }
  const inputs = ["auto", "dense", "sparse"];
  if (opts.inputs !== undefined && !inputs.includes(opts.inputs)) {
    fail(`inputs must be one of ${inputs.join(", ")}, got ${String(opts.inputs)}.`);
  }
}

/**
 * Check the options and build the kernel's problem. Throws RangeError naming
 * the argument for: a bad S, epochs, lr, hidden, outputs, n or d; a length of x,
 * targets or weights that fits none of the accepted shapes; non-finite inputs,
 * targets or weights; labels that are not integers in [0, outputs); negative
 * weights or a student whose weights sum to 0; track indices outside [0, P);
 * an unknown loss; a bad init.
 *
 * @category Cohort trainer
 */
export function validateOptions(opts: FitCohortOptions): CohortProblem {
  if (opts === null || typeof opts !== "object") fail("options must be an object.");
  const S = checkInt("students", opts.students, 1);
  const epochs = checkInt("epochs", opts.epochs, 1);
  if (typeof opts.lr !== "number" || !(opts.lr > 0) || !Number.isFinite(opts.lr)) {
    fail(`lr must be a finite number > 0, got ${String(opts.lr)}.`);
  }
  const n = checkInt("n", opts.n, 1);
  const d = checkInt("d", opts.d, 1);
  const h = checkInt("hidden", opts.hidden, 0);
  const o = checkInt("outputs", opts.outputs, 1);
  if (!(opts.seed instanceof Rng)) {
    const seed: unknown = opts.seed;
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0) {
      fail(`seed must be an integer >= 0 or an Rng, got ${String(seed)}.`);
    }
  }
  if (opts.loss !== "mse" && opts.loss !== "cross-entropy") {
    fail(`loss must be "mse" or "cross-entropy", got ${String(opts.loss)}.`);
  }
  if (opts.loss === "cross-entropy" && o < 2) {
    fail(`outputs must be >= 2 classes for cross-entropy, got ${o}.`);
  }
  if (!opts.x || opts.x.length !== n * d) {
    fail(`x must have n x d = ${n} x ${d} = ${n * d} entries, got ${opts.x?.length}.`);
  }
  checkFinite("x", opts.x);
  const { targets, targetsShared } = checkTargets(opts, S, n, o);
  const { weights, weightsShared } = checkWeights(opts.weights, S, n);
  const track = checkTrackAndInit(opts, S, parameterLayout(d, h, o).count);
  checkRunOptions(opts);
  return {
    x: Float32Array.from(opts.x),
    n,
    d,
    h,
    o,
    loss: opts.loss,
    targets,
    targetsShared,
    weights,
    weightsShared,
    epochs,
    lr: opts.lr,
    track,
    ...(opts.inputs === undefined ? {} : { inputs: opts.inputs }),
  };
}
