/**
 * Means with standard errors over independent units (students, questions,
 * seeds): the mean and SE of numbers, the two-way SE of a `[student][question]`
 * grid (across students and across questions), a difference paired over
 * shared units, and trend tests for "rises (falls) with the setting", paired
 * over units or from independent arm means. The language-model chapters
 * (Sections 4.3, 5.1, 6.2, 7.3) report every number with these.
 *
 * @module
 */

/**
 * A mean with its standard error (sd / √n).
 *
 * @category Standard errors over units
 */
export interface MeanSe {
  mean: number;
  se: number;
  n: number;
}

/**
 * Mean and standard error of numbers (se is NaN for fewer than 2).
 *
 * @category Standard errors over units
 */
export function meanSe(xs: readonly number[]): MeanSe {
  const n = xs.length;
  if (n === 0) throw new RangeError("xs must hold at least one number.");
  const m = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean: m, se: NaN, n };
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
  return { mean: m, se: Math.sqrt(v / n), n };
}

/**
 * A mean with its SE two ways: across students (or models) and across
 * questions.
 *
 * @category Standard errors over units
 */
export interface TwoWaySe {
  /** The grand mean. */
  mean: number;
  /** SE across students: sd of the per-student values / √S (NaN for one student). */
  seStudents: number;
  /** SE across questions: sd of the per-question values / √Q (NaN for one question). */
  seQuestions: number;
  /** Per-student values (each averaged over questions). */
  perStudent: number[];
  /** Per-question values (each averaged over students). */
  perQuestion: number[];
}

/**
 * The grand mean of a \`[student][question]\` grid of values with its SE
 * across students and across questions ({@link TwoWaySe}).
 *
 * @category Standard errors over units
 */
export function twoWaySe(m: number[][]): TwoWaySe {
  const S = m.length, Q = m[0].length;
  const perStudent = m.map((r) => r.reduce((a, b) => a + b, 0) / Q);
  const perQuestion = Array.from({ length: Q }, (_, q) => m.reduce((a, r) => a + r[q], 0) / S);
  const s = meanSe(perStudent), qq = meanSe(perQuestion);
  return { mean: s.mean, seStudents: s.se, seQuestions: qq.se, perStudent, perQuestion };
}

/**
 * Mean and SE of a − b over paired units (questions two arms share).
 *
 * @throws RangeError for different lengths or no unit.
 *
 * @category Standard errors over units
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): MeanSe {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `pairedDifference: a and b must hold the same number (>= 1) of values, got ${a.length} and ${b.length}.`,
    );
  }
  return meanSe(a.map((x, i) => x - b[i]));
}

/**
 * A slope with its SE and z = slope / SE.
 *
 * @category Standard errors over units
 */
export interface SlopeTest {
  slope: number;
  se: number;
  z: number;
}

function olsSlope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

function checkX(fn: string, x: readonly number[]): void {
  if (x.length < 2 || !x.every(isFinite) || new Set(x).size < 2) {
    throw new RangeError(`${fn}: x needs at least 2 distinct finite values, got [${x}].`);
  }
}

/**
 * Trend test paired over units (e.g. questions every arm shares): each unit's
 * least-squares slope of its values on `x`, then the mean slope and its SE
 * across units. A shared hard question then moves every arm alike and drops
 * out of the slope.
 *
 * @param x the arm settings (temperatures, perturbation scales).
 * @param perUnit `[unit][arm]` values.
 * @throws RangeError for fewer than 2 distinct x, fewer than 2 units or ragged rows.
 *
 * @category Standard errors over units
 */
export function slopeAcrossUnits(
  x: readonly number[],
  perUnit: readonly (readonly number[])[],
): SlopeTest {
  checkX("slopeAcrossUnits", x);
  if (perUnit.length < 2) {
    throw new RangeError(`slopeAcrossUnits: needs at least 2 units, got ${perUnit.length}.`);
  }
  perUnit.forEach((r, i) => {
    if (r.length !== x.length) {
      throw new RangeError(
        `slopeAcrossUnits: perUnit[${i}] holds ${r.length} values, x ${x.length}.`,
      );
    }
  });
  const m = meanSe(perUnit.map((r) => olsSlope(x, r)));
  return { slope: m.mean, se: m.se, z: m.mean / m.se };
}

/**
 * Trend test of independent arm means: the ordinary least-squares slope of
 * `means` on `x` (the same estimate as the mean of per-unit slopes when the
 * arms share units), with its SE from the arms' independent SEs,
 * SE² = Σ cᵢ² seᵢ², cᵢ = (xᵢ − x̄)/Σ(x − x̄)². For arms with their own students.
 *
 * @throws RangeError for fewer than 2 distinct x, mismatched lengths or an SE
 *   that is negative or not finite.
 *
 * @category Standard errors over units
 */
export function slopeOfMeans(
  x: readonly number[],
  means: readonly number[],
  ses: readonly number[],
): SlopeTest {
  checkX("slopeOfMeans", x);
  if (means.length !== x.length || ses.length !== x.length) {
    throw new RangeError("slopeOfMeans: x, means and ses must have the same length.");
  }
  ses.forEach((s, i) => {
    if (!(s >= 0 && isFinite(s))) {
      throw new RangeError(`slopeOfMeans: ses[${i}] = ${s}; every SE must be finite and >= 0.`);
    }
  });
  const n = x.length, mx = x.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
  const c = x.map((xi) => (xi - mx) / sxx);
  const slope = c.reduce((a, ci, i) => a + ci * means[i], 0);
  const se = Math.sqrt(c.reduce((a, ci, i) => a + ci * ci * ses[i] * ses[i], 0));
  return { slope, se, z: slope / se };
}
