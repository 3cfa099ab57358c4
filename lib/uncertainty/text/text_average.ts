/**
 * Text averaging and text variance weighting (Section 7.3): a text cannot be
 * averaged, so among k responses to one question keep the one whose sentence
 * embedding is closest (cosine) to a target embedding:
 *
 * - averaging: the target is the mean of the k teacher embeddings (the UMVUE of
 *   the teacher's mean output, Thm 7.2, applied in embedding space);
 * - variance weighting: the target is a_T μ_T + a_S μ_S (Thm 7.3's
 *   inverse-variance weights a_T = s_S² / (s_T² + s_S²), a_S = 1 − a_T), where
 *   μ_T, s_T² come from the k teacher embeddings and μ_S, s_S² from k responses
 *   of the untrained student; s² is the per-dimension variance averaged over
 *   dimensions. Variances divide by k (the reference code's convention), and
 *   the weights are 1/(s² + 1e-8), normalised, as in the reference code.
 *
 * @module
 */

/** An embedding: one vector of d numbers. */
export type Embedding = ArrayLike<number>;

function checkSet(name: string, e: readonly Embedding[], d?: number): number {
  if (e.length === 0) throw new RangeError(`${name} must hold at least one embedding.`);
  const dim = d ?? e[0].length;
  if (dim === 0) throw new RangeError(`${name}[0] is empty; embeddings need at least one number.`);
  e.forEach((x, i) => {
    if (x.length !== dim) {
      throw new RangeError(
        `${name}[${i}] has ${x.length} numbers, expected ${dim}; embed all texts with one encoder.`,
      );
    }
    for (let j = 0; j < dim; j++) {
      if (!isFinite(x[j])) {
        throw new RangeError(`${name}[${i}][${j}] is ${x[j]}; embeddings must be finite.`);
      }
    }
  });
  return dim;
}

/** Mean of a set of embeddings, per dimension. */
export function meanEmbedding(e: readonly Embedding[]): Float64Array {
  const d = checkSet("embeddings", e);
  const m = new Float64Array(d);
  for (const x of e) for (let j = 0; j < d; j++) m[j] += x[j];
  for (let j = 0; j < d; j++) m[j] /= e.length;
  return m;
}

/** Per-dimension variance (dividing by k), averaged over dimensions: the s² of Section 7.3. */
export function meanDimensionVariance(e: readonly Embedding[]): number {
  const d = checkSet("embeddings", e);
  const m = meanEmbedding(e);
  let s = 0;
  for (const x of e) for (let j = 0; j < d; j++) s += (x[j] - m[j]) ** 2;
  return s / (e.length * d);
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosine(a: Embedding, b: Embedding): number {
  if (a.length !== b.length) {
    throw new RangeError(`vectors differ in length (${a.length} vs ${b.length}).`);
  }
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * Index of the embedding closest by cosine to `target` (the first on ties).
 *
 * @throws RangeError for an empty set or mismatched lengths.
 */
export function closestByCosine(e: readonly Embedding[], target: Embedding): number {
  checkSet("embeddings", e, target.length);
  let best = 0, bestCos = -Infinity;
  e.forEach((x, i) => {
    const c = cosine(x, target);
    if (c > bestCos) {
      bestCos = c;
      best = i;
    }
  });
  return best;
}

/** What `textAverage` and `textVarianceWeighting` return. */
export interface TextChoice {
  /** Index of the chosen response among the k. */
  index: number;
  /** The target embedding the choice was closest to. */
  target: Float64Array;
}

/**
 * Text averaging (Section 7.3): the index of the response whose embedding is
 * closest by cosine to the mean of the k embeddings.
 *
 * @param embeddings the k responses' embeddings (one question).
 * @throws RangeError for an empty set, mismatched lengths or non-finite values.
 * @example
 * ```ts
 * const { index } = textAverage(await embedder.embed(responses));
 * const label = responses[index];
 * ```
 */
export function textAverage(embeddings: readonly Embedding[]): TextChoice {
  const target = meanEmbedding(embeddings);
  return { index: closestByCosine(embeddings, target), target };
}

/** What `textVarianceWeighting` returns in addition to the choice. */
export interface VarianceWeightedChoice extends TextChoice {
  /** Weight of the teacher mean, s_S² / (s_T² + s_S²) (with 1e-8 regularisation). */
  teacherWeight: number;
  /** Weight of the student mean, 1 − teacherWeight. */
  studentWeight: number;
  /** s_T²: the teacher responses' per-dimension variance, averaged over dimensions. */
  teacherVariance: number;
  /** s_S²: the student responses' per-dimension variance, averaged over dimensions. */
  studentVariance: number;
}

/**
 * Text variance weighting (Section 7.3, Thm 7.3): the index of the teacher
 * response closest by cosine to a_T μ_T + a_S μ_S.
 *
 * @param teacher embeddings of the k teacher responses (the candidates).
 * @param student embeddings of the student's own k responses (T = 1.0 in the paper).
 * @throws RangeError for empty sets, mismatched lengths or non-finite values.
 * @example
 * ```ts
 * const c = textVarianceWeighting(await embed(teacherAnswers), await embed(studentAnswers));
 * const label = teacherAnswers[c.index];
 * ```
 */
export function textVarianceWeighting(
  teacher: readonly Embedding[],
  student: readonly Embedding[],
): VarianceWeightedChoice {
  const d = checkSet("teacher", teacher);
  checkSet("student", student, d);
  const muT = meanEmbedding(teacher), muS = meanEmbedding(student);
  const sT = meanDimensionVariance(teacher), sS = meanDimensionVariance(student);
  const wT = 1 / (sT + 1e-8), wS = 1 / (sS + 1e-8);
  const aT = wT / (wT + wS), aS = 1 - aT;
  const target = new Float64Array(d);
  for (let j = 0; j < d; j++) target[j] = aT * muT[j] + aS * muS[j];
  return {
    index: closestByCosine(teacher, target),
    target,
    teacherWeight: aT,
    studentWeight: aS,
    teacherVariance: sT,
    studentVariance: sS,
  };
}
