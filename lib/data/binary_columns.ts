/**
 * Binary columns of a design: where a bootstrap resample can make the design rank deficient.
 *
 * @module
 */

/**
 * The columns of a row-major n x d design that take exactly two distinct values, each with
 * the count of its rarer value. A bootstrap resample of m rows leaves such a column constant
 * with probability (1 − q)^m + q^m (q: the rarer value's share), making an OLS design with an
 * intercept rank deficient (Section 5.2's Theorem 5.1 check).
 *
 * @throws RangeError when `x` does not hold n x d values or `names` does not name d columns.
 *
 * @example
 * ```ts
 * binaryColumns(Float64Array.of(0, 1.5, 1, 2.5, 0, 3.5), 3, 2, ["chas", "rm"]);
 * // [{ feature: "chas", rare: 1 }]
 * ```
 *
 * @category Preparation (the paper's protocols)
 */
export function binaryColumns(
  x: Float64Array,
  n: number,
  d: number,
  names: readonly string[],
): { feature: string; rare: number }[] {
  if (x.length !== n * d || names.length !== d) {
    throw new RangeError(
      `binaryColumns: x holds ${x.length} values and names ${names.length} columns; ` +
        `an n x d design needs ${n * d} and ${d}.`,
    );
  }
  const out: { feature: string; rare: number }[] = [];
  for (let j = 0; j < d; j++) {
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(x[i * d + j], (counts.get(x[i * d + j]) ?? 0) + 1);
    if (counts.size === 2) out.push({ feature: names[j], rare: Math.min(...counts.values()) });
  }
  return out;
}
