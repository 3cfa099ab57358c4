/**
 * Noisy teacher responses: the teacher output uncertainty of Section 4 of the
 * paper. Each response is the teacher's output plus Gaussian noise,
 * y~_i = mu_i + eps_i with eps_i ~ N(0, sigma2), drawn independently for every
 * input, every response and every student.
 *
 * Layouts: labels are student-major S x n (`labels[s*n + i]`); k responses per
 * input are S x k x n (`responses[(s*k + j)*n + i]`).
 *
 * Reproducibility: student s draws from its own child stream
 * `toRng(seed).child(s)`, in the order response j = 0..k-1, input i = 0..n-1.
 * Student 17's labels are therefore the same in a cohort of 10 or of 10,000,
 * and `noisyTeacherLabels` is exactly the k = 1 case of `noisyTeacherResponses`.
 *
 * @module
 */

import { type Seed, toRng } from "../random.ts";

/**
 * The teacher's noise level: an absolute variance sigma2, or a fraction of
 * the population variance of the training targets, as in Section 4.2
 * (sigma2 = fraction * Var(yTrain), i.e. noise std = sqrt(fraction) * std(yTrain)).
 *
 * @category Section 4: teacher output uncertainty
 */
export type TeacherNoise =
  | { readonly variance: number }
  | { readonly fraction: number; readonly yTrain: ArrayLike<number> };

/**
 * The noise grid of Section 4.2 (Figure 2), as fractions of Var(y_train):
 * 0, 0.1, ..., 1.0, 1.25, 1.5, 1.75, 2.0 (15 levels).
 *
 * @example
 * ```ts
 * teacherNoiseGrid().length; // 15
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function teacherNoiseGrid(): number[] {
  const grid: number[] = [];
  for (let i = 0; i <= 10; i++) grid.push(i / 10);
  grid.push(1.25, 1.5, 1.75, 2);
  return grid;
}

/**
 * The noise variance sigma2 a {@link TeacherNoise} stands for. A fraction
 * uses the population variance (divide by n) of `yTrain`, numpy's default.
 *
 * @throws RangeError when the variance or fraction is negative or not finite,
 *   or `yTrain` is empty or not finite.
 *
 * @example
 * ```ts
 * noiseVariance({ variance: 0.5 });                          // 0.5
 * noiseVariance({ fraction: 2, yTrain: [1, 3] });            // 2 * 1 = 2
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function noiseVariance(noise: TeacherNoise): number {
  if ("variance" in noise) {
    const v = noise.variance;
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`noise.variance must be a finite number >= 0, got ${v}.`);
    }
    return v;
  }
  const { fraction, yTrain } = noise;
  if (!(Number.isFinite(fraction) && fraction >= 0)) {
    throw new RangeError(`noise.fraction must be a finite number >= 0, got ${fraction}.`);
  }
  const n = yTrain.length;
  if (n === 0) throw new RangeError("noise.yTrain is empty: pass the training targets.");
  let mean = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(yTrain[i])) {
      throw new RangeError(`noise.yTrain[${i}] is ${yTrain[i]}: targets must be finite.`);
    }
    mean += yTrain[i];
  }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (yTrain[i] - mean) ** 2;
  return fraction * (ss / n);
}

/**
 * Options of {@link noisyTeacherResponses} and {@link noisyTeacherLabels}.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface TeacherNoiseDraws {
  /** Number of students S (independent label sets), an integer >= 1. */
  readonly students: number;
  /** Generator or seed; student s uses its child stream s. */
  readonly seed: Seed;
}

function checkMu(mu: ArrayLike<number>): void {
  if (mu.length === 0) throw new RangeError("mu is empty: pass the teacher's outputs.");
  for (let i = 0; i < mu.length; i++) {
    if (!Number.isFinite(mu[i])) {
      throw new RangeError(`mu[${i}] is ${mu[i]}: teacher outputs must be finite.`);
    }
  }
}

/**
 * The most values {@link noisyTeacherResponses} makes in one call: S x k x n
 * <= 2^30 (1,073,741,824 numbers, 8 GiB as float64). Section 7's paper scale
 * needs at most 1000 x 50 x n with n a few thousand; a larger request is
 * almost always a wrong argument (or should be drawn a block of students at a
 * time, which gives the same numbers: student s always uses child stream s).
 *
 * @category Section 4: teacher output uncertainty
 */
export const MAX_TEACHER_RESPONSES = 2 ** 30;

function checkInt(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${v}.`);
  }
}

/**
 * k noisy teacher responses per input for each of S students:
 * `out[(s*k + j)*n + i] = mu[i] + sqrt(sigma2) * z`, z standard normal,
 * shape S x k x n.
 *
 * @param mu the teacher's outputs on the n training inputs.
 * @param noise the noise level (absolute variance or fraction of Var(yTrain)).
 * @param draws students S, responses per input k (default 1), seed (a number or an `Rng`).
 * @throws RangeError naming the argument when mu is empty or not finite, the
 *   noise is negative, or k or students is not an integer >= 1; and, before
 *   allocating, when S x k x n exceeds {@link MAX_TEACHER_RESPONSES} (saying the
 *   size), or when the memory for it cannot be had.
 *
 * @example
 * ```ts
 * const mu = new Float64Array([1, 2, 3]);
 * const r = noisyTeacherResponses(mu, { variance: 0.1 }, { students: 4, k: 5, seed: 42 });
 * r.length; // 4 * 5 * 3
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function noisyTeacherResponses(
  mu: ArrayLike<number>,
  noise: TeacherNoise,
  draws: TeacherNoiseDraws & { readonly k?: number },
): Float64Array {
  checkMu(mu);
  const sigma2 = noiseVariance(noise);
  const k = draws.k ?? 1;
  checkInt(k, "k");
  checkInt(draws.students, "students");
  const n = mu.length, s = draws.students;
  const size = s * k * n;
  const shape = `students x k x n = ${s} x ${k} x ${n} = ${size.toExponential(3)} values ` +
    `(${(size * 8 / 2 ** 30).toPrecision(3)} GiB)`;
  if (size > MAX_TEACHER_RESPONSES) {
    throw new RangeError(
      `noisyTeacherResponses: ${shape} exceeds the limit of ${MAX_TEACHER_RESPONSES} values ` +
        "(MAX_TEACHER_RESPONSES, 8 GiB): pass fewer students or responses, or draw the students " +
        "in blocks (student s draws from child stream s of the seed, so blocks give the same numbers).",
    );
  }
  let out: Float64Array;
  try {
    out = new Float64Array(size);
  } catch (err) {
    throw new RangeError(
      `noisyTeacherResponses: cannot allocate ${shape} on this machine: pass fewer students ` +
        "or responses, or draw the students in blocks.",
      { cause: err },
    );
  }
  const root = toRng(draws.seed);
  const sd = Math.sqrt(sigma2);
  for (let t = 0; t < s; t++) {
    const r = root.child(t);
    for (let j = 0; j < k; j++) {
      const off = (t * k + j) * n;
      for (let i = 0; i < n; i++) out[off + i] = mu[i] + sd * r.normal();
    }
  }
  return out;
}

/**
 * One noisy label set per student (the k = 1 case): S x n student-major,
 * `labels[s*n + i] = mu[i] + eps`, eps ~ N(0, sigma2). These are the
 * distillation targets of the Section 4 students.
 *
 * @throws RangeError as {@link noisyTeacherResponses}.
 *
 * @example
 * ```ts
 * const labels = noisyTeacherLabels(mu, { fraction: 0.5, yTrain }, { students: 1000, seed: 7 });
 * const students = fitOls(xTrain, d, labels); // 1,000 linear students at once
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function noisyTeacherLabels(
  mu: ArrayLike<number>,
  noise: TeacherNoise,
  draws: TeacherNoiseDraws,
): Float64Array {
  return noisyTeacherResponses(mu, noise, { students: draws.students, seed: draws.seed, k: 1 });
}
