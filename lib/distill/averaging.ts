/**
 * Averaging k teacher responses per input: the first correction of Section 7
 * of the paper. The mean of k i.i.d. responses has 1/k of the noise variance
 * of one (Theorem 7.1) and, for Gaussian noise, is the UMVUE of the teacher's
 * output (Theorem 7.2).
 *
 * Layout: responses are S x k x n (`responses[(s*k + j)*n + i]`, as
 * `noisyTeacherResponses` makes them) or k x n (the case S = 1); the outputs
 * are S x n student-major.
 *
 * @module
 */

/**
 * Per-input summary of k teacher responses, from {@link averageTeacherResponses}.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface AveragedResponses {
  /** The mean of the k responses per input, S x n student-major: the averaged labels. */
  readonly mean: Float64Array;
  /**
   * The variance of the k responses per input, S x n, dividing by k - ddof:
   * ddof 0 is numpy's default `np.var` (the population variance of the k
   * values), ddof 1 the unbiased sample variance of one response. This is the
   * spread of ONE response; the variance of the mean is this divided by k.
   */
  readonly variance: Float64Array;
  /** The degrees-of-freedom correction used (0 or 1). */
  readonly ddof: 0 | 1;
  /** Number of label sets S. */
  readonly students: number;
  /** Responses per input k. */
  readonly k: number;
  /** Inputs n. */
  readonly n: number;
}

/** Validate an S x k x n (or k x n) response array and return S. */
export function responseSets(responses: ArrayLike<number>, k: number, n: number): number {
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`k must be an integer >= 1 (responses per input), got ${k}.`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`n must be an integer >= 1 (number of inputs), got ${n}.`);
  }
  const len = responses?.length;
  if (!(len > 0) || len % (k * n) !== 0) {
    throw new RangeError(
      `responses.length (${len}) must be a positive multiple of k x n = ${k} x ${n}: ` +
        `responses are S x k x n (or k x n), responses[(s*k + j)*n + i].`,
    );
  }
  for (let t = 0; t < len; t++) {
    if (!Number.isFinite(responses[t])) {
      throw new RangeError(`responses[${t}] is ${responses[t]}: every response must be finite.`);
    }
  }
  return len / (k * n);
}

/**
 * The per-input mean of k teacher responses (the averaged distillation
 * labels of Section 7.2) and the per-input variance of the responses.
 *
 * @param responses S x k x n or k x n, finite.
 * @param k responses per input (>= 1).
 * @param n number of inputs (>= 1).
 * @param options.ddof 0 (default, numpy's `np.var`) or 1 (unbiased; needs k >= 2).
 * @throws RangeError naming the argument when k or n is not an integer >= 1,
 *   the length is not a multiple of k x n, a response is not finite, ddof is
 *   not 0 or 1, or ddof = 1 with k = 1.
 *
 * @example
 * ```ts
 * // k = 3 responses for n = 2 inputs (one label set).
 * const r = averageTeacherResponses([1, 10, 2, 20, 3, 30], 3, 2);
 * r.mean;     // Float64Array [2, 20]
 * r.variance; // Float64Array [2/3, 200/3]  (ddof 0)
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function averageTeacherResponses(
  responses: ArrayLike<number>,
  k: number,
  n: number,
  options: { readonly ddof?: 0 | 1 } = {},
): AveragedResponses {
  const ddof = options.ddof ?? 0;
  if (ddof !== 0 && ddof !== 1) throw new RangeError(`options.ddof must be 0 or 1, got ${ddof}.`);
  const s = responseSets(responses, k, n);
  if (ddof === 1 && k < 2) {
    throw new RangeError(
      "options.ddof = 1 needs k >= 2 responses per input: one response has no sample variance. " +
        "Use ddof 0 (variance 0) or draw more responses.",
    );
  }
  const mean = new Float64Array(s * n);
  const variance = new Float64Array(s * n);
  for (let t = 0; t < s; t++) {
    const o = t * n;
    for (let j = 0; j < k; j++) {
      const r = (t * k + j) * n;
      for (let i = 0; i < n; i++) mean[o + i] += responses[r + i];
    }
    for (let i = 0; i < n; i++) mean[o + i] /= k;
    for (let j = 0; j < k; j++) {
      const r = (t * k + j) * n;
      for (let i = 0; i < n; i++) variance[o + i] += (responses[r + i] - mean[o + i]) ** 2;
    }
    for (let i = 0; i < n; i++) variance[o + i] /= k - ddof;
  }
  return { mean, variance, ddof, students: s, k, n };
}

/**
 * The first k of kMax responses per input of every run: from the layout of
 * `noisyTeacherResponses` with kMax (runs x kMax x n, draw j of run r for
 * input i at (r kMax + j) n + i) to the same layout with k, so one set of
 * draws serves every k (common random numbers along k).
 *
 * @throws RangeError when k is not in 1..kMax or the lengths do not fit.
 *
 * @example
 * ```ts
 * firstResponses(new Float64Array([1, 2, 3, 4]), 2, 1, 2); // Float64Array [1, 2]
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function firstResponses(
  all: Float64Array,
  kMax: number,
  k: number,
  n: number,
): Float64Array {
  if (!(Number.isInteger(k) && k >= 1 && k <= kMax) || all.length % (kMax * n) !== 0) {
    throw new RangeError(
      `firstResponses: need 1 <= k <= kMax and all.length a multiple of kMax · n; got k ${k}, ` +
        `kMax ${kMax}, n ${n}, length ${all.length}.`,
    );
  }
  const runs = all.length / (kMax * n), out = new Float64Array(runs * k * n);
  for (let r = 0; r < runs; r++) out.set(all.subarray(r * kMax * n, (r * kMax + k) * n), r * k * n);
  return out;
}
