/**
 * Test mean squared error of one model or of a cohort of students.
 *
 * @module
 */

import { checkNonEmpty, studentsOf } from "./check.ts";

/**
 * Test MSE of each of S students: mse_s = (1/m) sum_j (p_sj - y_j)^2, where
 * y is the reference the error is measured against (ground truth, or the
 * teacher's test outputs for "MSE vs teacher").
 *
 * @param predictions student-major S x m.
 * @param target the m reference values.
 * @returns Float64Array of length S.
 * @throws RangeError when the test set is empty, the lengths do not match, or
 *   a value is not finite.
 *
 * @example
 * ```ts
 * studentTestMse(new Float64Array([1, 2, 0, 0]), new Float64Array([1, 0])); // [2, 0.5]
 * ```
 *
 * @category Section 2: problem definition
 */
export function studentTestMse(
  predictions: ArrayLike<number>,
  target: ArrayLike<number>,
): Float64Array {
  const m = checkNonEmpty(target, "target", "the test set needs at least one input.");
  const s = studentsOf(predictions, m, "target.length");
  const out = new Float64Array(s);
  for (let t = 0; t < s; t++) {
    let ss = 0;
    for (let j = 0; j < m; j++) ss += (predictions[t * m + j] - target[j]) ** 2;
    out[t] = ss / m;
  }
  return out;
}

/**
 * Test MSE of one model: (1/m) sum_j (p_j - y_j)^2.
 *
 * @throws RangeError as {@link studentTestMse}; also when the lengths differ.
 *
 * @example
 * ```ts
 * testMse([1, 2], [1, 0]); // 2
 * ```
 *
 * @category Section 2: problem definition
 */
export function testMse(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
  if (prediction.length !== target.length) {
    throw new RangeError(
      `prediction.length (${prediction.length}) must equal target.length (${target.length}).`,
    );
  }
  return studentTestMse(prediction, target)[0];
}
