/**
 * Input checks for class probabilities and class labels, shared by the
 * classification measures of Section 6.1 (entropy, calibration) and by the
 * distillation targets (internal).
 *
 * Layout: probabilities are row-major with the classes last, `p[r*C + c]`,
 * for n x C (one model) or S x n x C (S models: S*n rows) alike.
 *
 * @module
 */

/**
 * Default tolerance on |sum_c p_c - 1| for one row: 1e-6, loose enough for the
 * float32 softmax outputs of the cohort trainer (each probability carries a
 * relative rounding error of a few times 2^-24 ~ 6e-8, so a row's sum is off
 * by well under 1e-6 for the class counts of the paper's data sets, C <= 10).
 */
export const ROW_SUM_TOLERANCE = 1e-6;

/** Throw unless `classes` is an integer >= 1; `name` is the argument's name. */
export function checkClasses(classes: number, name = "classes"): void {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(
      `${name} must be an integer >= 1 (the number of classes C), got ${classes}.`,
    );
  }
}

/** The class of the largest of the C scores a[o..o+C) (the lowest on ties, as numpy's argmax). */
export function rowArgmax(a: ArrayLike<number>, o: number, classes: number): number {
  let best = 0, top = a[o];
  for (let c = 1; c < classes; c++) {
    if (a[o + c] > top) {
      top = a[o + c];
      best = c;
    }
  }
  return best;
}

/**
 * Validate a row-major rows x C array of finite scores and return the number
 * of rows (>= 1). `name` is the argument's name in error messages.
 */
export function rowsOf(a: ArrayLike<number>, classes: number, name: string): number {
  checkClasses(classes);
  if (a.length === 0 || a.length % classes !== 0) {
    throw new RangeError(
      `${name}.length (${a.length}) must be a positive multiple of classes (${classes}): ` +
        `pass row-major n x C (or S x n x C) values with the classes last.`,
    );
  }
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new RangeError(
        `${name}[${i}] (row ${Math.floor(i / classes)}, class ${i % classes}) is ${a[i]}: ` +
          `every entry must be finite.`,
      );
    }
  }
  return a.length / classes;
}

/**
 * Validate row-major probabilities: every entry in [0, 1 + tolerance] and
 * every row summing to 1 within `tolerance` (absolute, which for a sum of 1
 * is also relative). Returns the number of rows.
 *
 * @throws RangeError naming `name`, the row and the fix.
 */
export function checkProbabilities(
  p: ArrayLike<number>,
  classes: number,
  name: string,
  tolerance = ROW_SUM_TOLERANCE,
): number {
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new RangeError(`tolerance must be a finite number >= 0, got ${tolerance}.`);
  }
  const rows = rowsOf(p, classes, name);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = p[r * classes + c];
      if (v < 0 || v > 1 + tolerance) {
        throw new RangeError(
          `${name}[${r * classes + c}] (row ${r}, class ${c}) is ${v}: probabilities must ` +
            `lie in [0, 1] (pass softmax outputs, not logits).`,
        );
      }
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= tolerance)) {
      throw new RangeError(
        `${name} row ${r} sums to ${sum}, not 1 (tolerance ${tolerance}): pass probabilities ` +
          `whose rows sum to 1, with the classes last (row-major n x C, C = ${classes}).`,
      );
    }
  }
  return rows;
}

/**
 * Validate `count` class labels: integers in [0, classes - 1] (or >= 0 when
 * `classes` is undefined). `name` is the argument's name in error messages.
 */
export function checkLabels(
  labels: ArrayLike<number>,
  count: number,
  name: string,
  classes?: number,
): void {
  if (labels.length !== count) {
    throw new RangeError(
      `${name}.length (${labels.length}) must equal the number of examples (${count}).`,
    );
  }
  const top = classes === undefined ? Infinity : classes - 1;
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y > top) {
      throw new RangeError(
        `${name}[${i}] is ${y}: labels must be integers in [0, ${
          classes === undefined ? "inf" : top
        }]${classes === undefined ? "" : ` (classes = ${classes})`}.`,
      );
    }
  }
}
