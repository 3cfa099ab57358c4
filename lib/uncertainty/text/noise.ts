/**
 * Noise transfer of Appendix F (Table 5) and Table 1's noise columns: the noise
 * of a prompt's responses, the fit of student noise on teacher noise across
 * prompts, and systematic noise.
 *
 * @module
 */
import {
  linearRegression,
  linearRegressionLine,
  mean,
  rSquared,
  variance,
} from "simple-statistics";
import { checkSeries, type Embeddings, rowsOf } from "./matrix.ts";

/**
 * Appendix F's noise of one prompt: the mean pairwise cosine distance
 * 1 - cos(x_i, x_k) over all n(n-1)/2 unordered pairs of the prompt's n
 * response embeddings (n x d row-major). 0 when all responses point the same
 * way; up to 2 for opposite ones.
 *
 * @throws RangeError on a bad shape, non-finite entries, fewer than 2
 *   responses, or an all-zero embedding.
 * @example
 * ```ts
 * // three responses in d = 2: pairs have cosines 0, 1, 0, so distances 1, 0, 1
 * responseNoise(new Float64Array([1, 0, 0, 1, 0, 2]), 2); // 2/3
 * ```
 *
 * @category Noise transfer (Appendix F)
 */
export function responseNoise(x: Embeddings, d: number): number {
  const n = rowsOf(x, d, "x", 2);
  const unit = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
    if (s === 0) {
      throw new RangeError(`x row ${i} is all zeros: its cosine distance is undefined.`);
    }
    const r = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) unit[i * d + j] = x[i * d + j] * r;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      let c = 0;
      for (let j = 0; j < d; j++) c += unit[i * d + j] * unit[k * d + j];
      total += 1 - c;
    }
  }
  return total / (n * (n - 1) / 2);
}

/**
 * Least-squares line of student noise on teacher noise (Appendix F, Table 5).
 *
 * @category Noise transfer (Appendix F)
 */
export interface NoiseTransfer {
  /** Slope b of student = a + b * teacher. */
  slope: number;
  /** Intercept a. */
  intercept: number;
  /** Coefficient of determination R^2 = 1 - SS_res / SS_tot (0 when the student noise is constant). */
  r2: number;
  /** Mean student noise over prompts (Table 5's "avg noise"). */
  meanStudentNoise: number;
  /** Mean teacher noise over prompts. */
  meanTeacherNoise: number;
  /** Number of prompts. */
  n: number;
}

/**
 * Appendix F: fit student noise against teacher noise across prompts by
 * ordinary least squares and report slope, intercept and R^2 (Table 5).
 *
 * @throws RangeError when the series differ in length, hold fewer than 3
 *   prompts or non-finite values, or the teacher noise is the same on every prompt.
 * @example
 * ```ts
 * noiseTransfer([0.1, 0.2, 0.3], [0.5, 0.6, 0.7]); // slope 1, intercept 0.4, r2 1
 * ```
 *
 * @category Noise transfer (Appendix F)
 */
export function noiseTransfer(
  teacherNoise: ArrayLike<number>,
  studentNoise: ArrayLike<number>,
): NoiseTransfer {
  checkSeries(teacherNoise, studentNoise, "teacherNoise", "studentNoise", 3);
  const n = teacherNoise.length;
  const xs = Array.from(teacherNoise), ys = Array.from(studentNoise);
  if (variance(xs) === 0) {
    throw new RangeError(
      `teacherNoise is the same on every prompt: the slope is undefined. Use prompts whose ` +
        `teacher noise varies.`,
    );
  }
  const points = xs.map((x, i) => [x, ys[i]]);
  const { m: slope, b: intercept } = linearRegression(points);
  const r2 = variance(ys) === 0
    ? 0
    : rSquared(points, linearRegressionLine({ m: slope, b: intercept }));
  return { slope, intercept, r2, meanStudentNoise: mean(ys), meanTeacherNoise: mean(xs), n };
}

/**
 * Systematic noise (Appendix F, Tables 1 and 5): the student's average noise
 * over prompts minus the Direct-FT baseline's average noise, i.e. the noise
 * the student carries beyond what fine-tuning on ground truth gives. The two
 * series may cover different prompt counts.
 *
 * @throws RangeError when a series is empty or holds non-finite values.
 * @example
 * ```ts
 * systematicNoise([0.7, 0.6], [0.5, 0.5, 0.5]); // 0.15
 * ```
 *
 * @category Noise transfer (Appendix F)
 */
export function systematicNoise(
  studentNoise: ArrayLike<number>,
  directFtNoise: ArrayLike<number>,
): number {
  const checked = (a: ArrayLike<number>, name: string) => {
    if (a.length === 0) throw new RangeError(`${name} is empty: pass one noise value per prompt.`);
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        throw new RangeError(`${name}[${i}] is ${a[i]}: every entry must be finite.`);
      }
    }
    return Array.from(a);
  };
  return mean(checked(studentNoise, "studentNoise")) -
    mean(checked(directFtNoise, "directFtNoise"));
}
