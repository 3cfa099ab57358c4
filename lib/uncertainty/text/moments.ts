/**
 * Per-model embedding moments of Section 6.2 (Figure 10): the mean embedding of
 * a model's responses and the per-dimension variance, and the differences and
 * spreads built from them (Section 4.3's inter-student variance, Section 6.2's
 * delta, Table 2's comparison).
 *
 * Variances are population variances (divide by n), as in the reference code.
 *
 * @module
 */
import { Matrix } from "ml-matrix";
import { mean } from "simple-statistics";
import { checkSeries, type Embeddings, rowsOf } from "./matrix.ts";

/**
 * The mean embedding mu_j = (1/n) sum_i x_ij of n responses (n x d row-major).
 *
 * @throws RangeError on a bad shape or non-finite entries.
 * @example
 * ```ts
 * meanEmbedding(new Float64Array([1, 2, 3, 4]), 2); // Float64Array [2, 3]
 * ```
 *
 * @category Embedding moments (Sections 4.3, 6.2)
 */
export function meanEmbedding(x: Embeddings, d: number): Float64Array {
  const n = rowsOf(x, d, "x");
  return Float64Array.from(Matrix.from1DArray(n, d, x).mean("column"));
}

/**
 * The per-dimension population variance var_j = (1/n) sum_i (x_ij - mu_j)^2 of
 * n responses (n x d row-major); a single response has variance 0.
 *
 * @throws RangeError on a bad shape or non-finite entries.
 * @example
 * ```ts
 * dimensionVariance(new Float64Array([1, 2, 3, 6]), 2); // Float64Array [1, 4]
 * ```
 *
 * @category Embedding moments (Sections 4.3, 6.2)
 */
export function dimensionVariance(x: Embeddings, d: number): Float64Array {
  const n = rowsOf(x, d, "x");
  return Float64Array.from(Matrix.from1DArray(n, d, x).variance("column", { unbiased: false }));
}

/**
 * The embedding variance of a set of responses, (1/d) sum_j var_j: the
 * per-dimension variance averaged over dimensions (Table 2's per-prompt
 * variance, Section 7.3's s^2).
 *
 * @throws RangeError on a bad shape or non-finite entries.
 *
 * @category Embedding moments (Sections 4.3, 6.2)
 */
export function embeddingVariance(x: Embeddings, d: number): number {
  return mean(Array.from(dimensionVariance(x, d)));
}

/**
 * Inter-student variance of Sections 4.3 and 6.2: given the S students' mean
 * embeddings mu_s (S x d row-major, one row per student; for greedy answers to
 * one prompt, the answer's embedding itself), the population variance across
 * students of each dimension, averaged over dimensions:
 * (1/d) sum_j (1/S) sum_s (mu_sj - mean_s mu_sj)^2.
 * Average it over prompts to get the paper's per-temperature number.
 *
 * @throws RangeError on a bad shape, non-finite entries, or fewer than 2 students.
 * @example
 * ```ts
 * // two students in d = 2: variances 1 and 0, mean 0.5
 * interStudentEmbeddingVariance(new Float64Array([0, 5, 2, 5]), 2); // 0.5
 * ```
 *
 * @category Embedding moments (Sections 4.3, 6.2)
 */
export function interStudentEmbeddingVariance(studentMeans: Embeddings, d: number): number {
  rowsOf(studentMeans, d, "studentMeans", 2);
  return embeddingVariance(studentMeans, d);
}

/**
 * Section 6.2's intra-model variance difference of one student:
 * delta = (1/d) sum_j (var_T,j - var_S,j), from the teacher's and the
 * student's responses to the same prompt (n_T x d and n_S x d). Negative
 * means the student varies MORE than the teacher.
 *
 * @throws RangeError on bad shapes or non-finite entries.
 * @example
 * ```ts
 * // teacher variances [1, 4], student [0, 1]: delta = (1 + 3) / 2 = 2
 * varianceDifference(new Float64Array([1, 2, 3, 6]), new Float64Array([0, 0, 0, 2]), 2); // 2
 * ```
 *
 * @category Embedding moments (Sections 4.3, 6.2)
 */
export function varianceDifference(teacher: Embeddings, student: Embeddings, d: number): number {
  rowsOf(teacher, d, "teacher");
  rowsOf(student, d, "student");
  return embeddingVariance(teacher, d) - embeddingVariance(student, d);
}

/**
 * Table 2: the share (in [0, 1]) of prompts where the student's embedding
 * variance is strictly below the teacher's. Inputs are per-prompt embedding
 * variances (see `embeddingVariance`); ties count as not below.
 *
 * @throws RangeError when the series differ in length, are empty or hold non-finite values.
 * @example
 * ```ts
 * shareStudentBelowTeacher([0.3, 0.2, 0.1], [0.1, 0.2, 0.05]); // 2/3
 * ```
 *
 * @category Embedding moments (Sections 4.3, 6.2)
 */
export function shareStudentBelowTeacher(
  teacherVariance: ArrayLike<number>,
  studentVariance: ArrayLike<number>,
): number {
  checkSeries(teacherVariance, studentVariance, "teacherVariance", "studentVariance");
  let below = 0;
  for (let i = 0; i < teacherVariance.length; i++) {
    if (studentVariance[i] < teacherVariance[i]) below++;
  }
  return below / teacherVariance.length;
}
