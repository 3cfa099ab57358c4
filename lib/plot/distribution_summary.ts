/**
 * The text summary shared by the histogram and density builders: count,
 * mean, standard deviation and range of a field, per series.
 *
 * @module
 */
import { type Category, fmt, type Row } from "./chart.ts";
import { maxOf, minOf } from "./min_max.ts";

/** One line per series (or one line in all): n, mean, sample sd, min, max of `field`. */
export function describeField(
  rows: readonly Row[],
  field: string,
  series: string | undefined,
  seriesValues: readonly Category[],
): string[] {
  const groups = series ? seriesValues : [undefined];
  return groups.map((g) => {
    const v = rows
      .filter((r) => g === undefined || String(r[series as string]) === String(g))
      .map((r) => r[field] as number);
    const n = v.length;
    const mean = v.reduce((s, a) => s + a, 0) / n;
    const sd = n > 1 ? Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / (n - 1)) : 0;
    return `${g === undefined ? "" : `${series} = ${g}: `}n = ${n}, mean ${fmt(mean)}, ` +
      `sd ${fmt(sd)}, range [${fmt(minOf(v))}, ${fmt(maxOf(v))}].`;
  });
}
