/**
 * What the histogram and density builders share: their opening checks, and
 * the text summary (count, mean, standard deviation and range of a field, per
 * series).
 *
 * @module
 */
import {
  type Category,
  type Chart,
  fmt,
  type FrameOptions,
  type Row,
  type VegaLiteSpec,
} from "./chart.ts";
import { chartOf, checkChart, checkNumeric, seriesOf } from "./builder.ts";
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

/** The fields a distribution chart reads. */
type DistributionFields = FrameOptions & { x: string; series?: string };

/** The checks both builders open with (rows, opts, x numeric, series present); the series' values. */
export function checkDistribution(
  fn: string,
  rows: readonly Row[],
  opts: DistributionFields,
): Category[] {
  checkChart(fn, rows, opts);
  checkNumeric(fn, rows, "x", opts.x);
  return seriesOf(fn, rows, "series", opts.series);
}

/** The finished chart: `body` framed, summarised by `headline` and {@link describeField}'s lines. */
export function distributionChart(
  kind: string,
  rows: readonly Row[],
  body: VegaLiteSpec,
  opts: DistributionFields,
  seriesValues: readonly Category[],
  headline: string,
): Chart {
  const lines = [headline, ...describeField(rows, opts.x, opts.series, seriesValues)];
  return chartOf(kind, rows, body, opts, lines.join("\n"));
}
