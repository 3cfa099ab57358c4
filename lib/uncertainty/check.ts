/**
 * Input checks shared by the uncertainty measures (internal).
 *
 * @module
 */

/** Throw unless every entry of `a` is finite, naming the first bad entry. */
export function checkFinite(a: ArrayLike<number>, name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new RangeError(`${name}[${i}] is ${a[i]}: every entry must be finite.`);
    }
  }
}

/** Throw unless `a` is non-empty (`hint` says what to pass) and finite; returns its length. */
export function checkNonEmpty(a: ArrayLike<number>, name: string, hint: string): number {
  if (a.length === 0) throw new RangeError(`${name} is empty: ${hint}`);
  checkFinite(a, name);
  return a.length;
}

/**
 * Validate student-major S x m predictions against a test-set size m (a
 * positive integer) and return S.
 */
export function studentsOf(predictions: ArrayLike<number>, m: number, what: string): number {
  if (m === 0) {
    throw new RangeError(`the test set is empty (${what} = 0): pass at least one test input.`);
  }
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(
      `${what} must be a positive integer, the number of test inputs (predictions are ` +
        `student-major S x ${what}); got ${m}.`,
    );
  }
  if (predictions.length === 0 || predictions.length % m !== 0) {
    throw new RangeError(
      `predictions.length (${predictions.length}) must be a positive multiple of ${what} (${m}): ` +
        `predictions are student-major S x m.`,
    );
  }
  checkFinite(predictions, "predictions");
  return predictions.length / m;
}
