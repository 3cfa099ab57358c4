/**
 * Distillation targets for classification (Section 6.1 of the paper).
 *
 * - Hard labels: the student is trained on the teacher's argmax labels on the
 *   training inputs, as in Section 6.1 and Appendix E (Tables 3 and 4).
 * - Soft labels with a temperature: the usual alternative (Hinton et al.),
 *   softmax(z / T) of the teacher's logits z, or, from probabilities only,
 *   p^(1/T) renormalised (the same thing, since softmax(log p / T) = p^(1/T) / sum).
 *
 * Layout: row-major with the classes last, `p[r*C + c]`; an n x C array (one
 * teacher) and an S x n x C array (S teachers, S*n rows) are treated alike, and
 * the outputs keep the row order (S x n labels, S x n x C soft targets).
 *
 * @module
 */

import { checkProbabilities, rowArgmax, rowsOf } from "../uncertainty/probabilities.ts";

/**
 * The teacher's hard labels: the argmax over the classes of each row. Ties go
 * to the lowest class index, as numpy's `argmax`. The scores may be
 * probabilities or logits (the argmax is the same); they must be finite.
 *
 * @param scores row-major rows x C (n x C, or S x n x C for S teachers).
 * @param classes the number of classes C.
 * @returns one label per row (n, or S x n student-major).
 * @throws RangeError when `classes` is not an integer >= 1, `scores.length` is
 *   not a positive multiple of it, or an entry is not finite.
 *
 * @example
 * ```ts
 * hardLabels([0.1, 0.7, 0.2, 0.4, 0.2, 0.4], 3); // Int32Array [1, 0] (tie: lowest)
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function hardLabels(scores: ArrayLike<number>, classes: number): Int32Array {
  const rows = rowsOf(scores, classes, "scores");
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = rowArgmax(scores, r * classes, classes);
  return out;
}

function checkTemperature(temperature: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(
      `temperature must be a finite number > 0, got ${temperature} (T = 1 leaves the ` +
        `teacher's probabilities unchanged; larger T flattens them).`,
    );
  }
}

/** Row-wise softmax of a[r*C + c] * scale, max-subtracted for stability. */
function scaledSoftmax(a: ArrayLike<number>, classes: number, rows: number, scale: number) {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let top = -Infinity;
    for (let c = 0; c < classes; c++) top = Math.max(top, a[o + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      // (a - top) * scale: -Infinity (a zero probability) gives exp = 0.
      const e = Math.exp((a[o + c] - top) * scale);
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[o + c] /= sum;
  }
  return out;
}

/**
 * Soft distillation targets from the teacher's logits: softmax(z / T) per row,
 * q_c = exp(z_c / T) / sum_k exp(z_k / T). T = 1 gives the teacher's own
 * probabilities; T -> infinity tends to the uniform distribution 1/C; T -> 0
 * tends to the one-hot of the argmax. Computed with the row maximum
 * subtracted, so large logits do not overflow.
 *
 * @param logits row-major rows x C (n x C or S x n x C), finite.
 * @param classes the number of classes C.
 * @param temperature T > 0 (default 1).
 * @returns rows x C probabilities (each row sums to 1).
 * @throws RangeError for a bad shape, a non-finite logit or a temperature
 *   that is not a finite number > 0.
 *
 * @example
 * ```ts
 * softLabels([0, Math.log(3)], 2);    // [0.25, 0.75]
 * softLabels([0, Math.log(3)], 2, 2); // [1/(1+√3), √3/(1+√3)] ≈ [0.366, 0.634]
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function softLabels(
  logits: ArrayLike<number>,
  classes: number,
  temperature = 1,
): Float64Array {
  checkTemperature(temperature);
  const rows = rowsOf(logits, classes, "logits");
  return scaledSoftmax(logits, classes, rows, 1 / temperature);
}

/**
 * Soft distillation targets from the teacher's probabilities when its logits
 * are not at hand: q_c = p_c^(1/T) / sum_k p_k^(1/T), which equals
 * softmax(z / T) for any logits z with softmax(z) = p. Computed in log space,
 * exp((log p_c - max_k log p_k) / T), so small T does not underflow a row to 0.
 *
 * A zero probability stays zero at every finite T, so as T grows the targets
 * tend to the uniform distribution over the classes with p_c > 0 (all C
 * classes when every p_c > 0).
 *
 * @param probabilities row-major rows x C, entries in [0, 1], rows summing to
 *   1 within `tolerance` (default 1e-6, enough for float32 softmax outputs).
 * @param classes the number of classes C.
 * @param temperature T > 0 (default 1: the input, renormalised).
 * @throws RangeError for a bad shape, entries outside [0, 1], rows that do
 *   not sum to 1, or a temperature that is not a finite number > 0.
 *
 * @example
 * ```ts
 * softLabelsFromProbabilities([0.25, 0.75], 2, 2); // ∝ [0.5, √0.75] ≈ [0.366, 0.634]
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function softLabelsFromProbabilities(
  probabilities: ArrayLike<number>,
  classes: number,
  temperature = 1,
  tolerance?: number,
): Float64Array {
  checkTemperature(temperature);
  const rows = checkProbabilities(probabilities, classes, "probabilities", tolerance);
  const logs = new Float64Array(probabilities.length);
  for (let i = 0; i < logs.length; i++) logs[i] = Math.log(probabilities[i]);
  return scaledSoftmax(logs, classes, rows, 1 / temperature);
}
