/**
 * Smallest and largest of a data-sized list without spreading it into
 * `Math.min(...v)` (a call with one argument per value overflows the call
 * stack above about 100,000 values).
 *
 * @module
 */

/**
 * The smallest value of `values` (Infinity for an empty list; NaN if any value is NaN, as `Math.min`).
 *
 * @category Chart builders
 */
export function minOf(values: Iterable<number>): number {
  let lo = Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    else if (Number.isNaN(v)) return NaN;
  }
  return lo;
}

/**
 * The largest value of `values` (-Infinity for an empty list; NaN if any value is NaN, as `Math.max`).
 *
 * @category Chart builders
 */
export function maxOf(values: Iterable<number>): number {
  let hi = -Infinity;
  for (const v of values) {
    if (v > hi) hi = v;
    else if (Number.isNaN(v)) return NaN;
  }
  return hi;
}
