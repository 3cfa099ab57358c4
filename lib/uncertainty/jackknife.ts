/**
 * Delete-one jackknife over students, for statistics computed from the same
 * students at several settings (common random numbers: student k uses the
 * same random stream at every setting). A slope or a difference across
 * settings then has correlated terms, and the jackknife over students gives
 * its standard error without assuming the settings independent.
 *
 * @module
 */
import { interStudentVariance } from "./inter_student.ts";

/**
 * A statistic over S students, with its S delete-one values.
 *
 * @category Jackknife
 */
export interface JackknifeStatistic {
  /** The statistic over all S students. */
  value: number;
  /** `deleteOne[k]`: the statistic with student k left out. */
  deleteOne: Float64Array;
}

function checkBlock(fn: string, block: ArrayLike<number>, columns: number): number {
  if (!Number.isInteger(columns) || columns < 1) {
    throw new RangeError(`${fn}: columns must be a positive integer, got ${columns}.`);
  }
  const students = block.length / columns;
  if (!Number.isInteger(students) || students < 2) {
    throw new RangeError(
      `${fn}: block length ${block.length} must be S x columns with S >= 2 students ` +
        `(columns = ${columns}); pass at least two students.`,
    );
  }
  return students;
}

/**
 * The mean over students of an S x C block (student-major), averaged over
 * the C columns, with its delete-one values.
 *
 * @throws RangeError when the block is not S x C with S >= 2.
 *
 * @category Jackknife
 */
export function jackknifeMean(block: ArrayLike<number>, columns = 1): JackknifeStatistic {
  const S = checkBlock("jackknifeMean", block, columns);
  const rowMean = new Float64Array(S);
  let total = 0;
  for (let s = 0; s < S; s++) {
    let a = 0;
    for (let c = 0; c < columns; c++) a += block[s * columns + c];
    rowMean[s] = a / columns;
    total += rowMean[s];
  }
  const deleteOne = rowMean.map((r) => (total - r) / (S - 1));
  return { value: total / S, deleteOne };
}

/**
 * The across-student population variance of an S x C block, averaged over
 * the C columns (the library's {@link interStudentVariance}, e.g. the mean
 * parameter variance of Section 5.1 with C = P, or the variance of the test
 * MSE with C = 1), with its delete-one values. Deviations are taken from the
 * full mean first, so the delete-one values stay accurate when the variance is
 * tiny against the mean.
 *
 * @throws RangeError when the block is not S x C with S >= 2.
 *
 * @category Jackknife
 */
export function jackknifeVariance(block: ArrayLike<number>, columns = 1): JackknifeStatistic {
  const S = checkBlock("jackknifeVariance", block, columns);
  const full = interStudentVariance(block, columns);
  const mean = new Float64Array(columns);
  for (let s = 0; s < S; s++) for (let c = 0; c < columns; c++) mean[c] += block[s * columns + c];
  for (let c = 0; c < columns; c++) mean[c] /= S;
  const t = new Float64Array(columns), q = new Float64Array(columns);
  for (let s = 0; s < S; s++) {
    for (let c = 0; c < columns; c++) {
      const e = block[s * columns + c] - mean[c];
      t[c] += e;
      q[c] += e * e;
    }
  }
  const deleteOne = new Float64Array(S);
  for (let k = 0; k < S; k++) {
    let v = 0;
    for (let c = 0; c < columns; c++) {
      const e = block[k * columns + c] - mean[c];
      v += (q[c] - e * e) / (S - 1) - ((t[c] - e) / (S - 1)) ** 2;
    }
    deleteOne[k] = v / columns;
  }
  return { value: full.mean, deleteOne };
}

/**
 * An estimate with its jackknife standard error.
 *
 * @category Jackknife
 */
export interface Estimate {
  /** The estimate from all students. */
  value: number;
  /** Its delete-one jackknife standard error. */
  se: number;
}

/**
 * A linear combination Σ w_i · stat_i of statistics over the same S students
 * (e.g. a slope across settings, or a difference after − before), with the
 * jackknife standard error √((S−1)/S · Σ_k (θ₍₋ₖ₎ − θ̄)²).
 *
 * @throws RangeError when `terms` is empty, weights are not finite, or the
 *   statistics do not share one number of students.
 *
 * @category Jackknife
 */
export function jackknifeCombination(
  terms: readonly { weight: number; stat: JackknifeStatistic }[],
): Estimate {
  const fn = "jackknifeCombination";
  if (!Array.isArray(terms) || terms.length === 0) {
    throw new RangeError(`${fn}: terms is empty; pass at least one statistic.`);
  }
  const S = terms[0].stat.deleteOne.length;
  for (const [i, t] of terms.entries()) {
    if (!Number.isFinite(t.weight)) {
      throw new RangeError(`${fn}: terms[${i}].weight must be finite, got ${t.weight}.`);
    }
    if (t.stat.deleteOne.length !== S) {
      throw new RangeError(
        `${fn}: terms[${i}] has ${t.stat.deleteOne.length} students, terms[0] has ${S}; ` +
          "combine statistics of the same students.",
      );
    }
  }
  let value = 0;
  const theta = new Float64Array(S);
  for (const { weight, stat } of terms) {
    value += weight * stat.value;
    for (let k = 0; k < S; k++) theta[k] += weight * stat.deleteOne[k];
  }
  let mean = 0;
  for (let k = 0; k < S; k++) mean += theta[k];
  mean /= S;
  let ss = 0;
  for (let k = 0; k < S; k++) ss += (theta[k] - mean) ** 2;
  return { value, se: Math.sqrt((S - 1) / S * ss) };
}

/**
 * The least-squares slope of a statistic against a setting x (one statistic
 * per setting, all over the same students), with its jackknife SE.
 *
 * @throws RangeError when x and stats differ in length, or x has fewer than
 *   two distinct values.
 *
 * @category Jackknife
 */
export function jackknifeSlope(
  x: readonly number[],
  stats: readonly JackknifeStatistic[],
): Estimate {
  if (x.length !== stats.length || x.length < 2) {
    throw new RangeError(
      `jackknifeSlope: x (${x.length}) and stats (${stats.length}) must have the same length >= 2.`,
    );
  }
  const xm = x.reduce((a, b) => a + b, 0) / x.length;
  const sxx = x.reduce((a, b) => a + (b - xm) ** 2, 0);
  if (!(sxx > 0)) throw new RangeError("jackknifeSlope: x needs at least two distinct values.");
  return jackknifeCombination(stats.map((stat, i) => ({ weight: (x[i] - xm) / sxx, stat })));
}
