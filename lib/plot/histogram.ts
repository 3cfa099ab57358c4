/**
 * Histogram of one numeric field, optionally overlaid per series, as counts
 * or as a density (counts / (n · bin width), so series of different sizes
 * compare and the bars integrate to 1).
 *
 * @module
 */
import { type Chart, type FrameOptions, type Row, seriesColor, vlField } from "./chart.ts";
import { checkDistribution, distributionChart } from "./distribution_summary.ts";
import { figureWidth } from "./theme.ts";

/**
 * What {@link histogram} draws.
 *
 * @category Chart builders
 */
export interface HistogramOptions extends FrameOptions {
  /** Field whose values are binned. */
  x: string;
  /** Field whose values split the rows into overlaid, coloured histograms. */
  series?: string;
  /** Upper bound on the number of bins (Vega picks "nice" edges; default 20). */
  maxBins?: number;
  /** "count" (default) or "density" (each series integrates to 1). */
  stat?: "count" | "density";
}

/**
 * Binned counts (or densities) of `x`; with `series`, semi-transparent
 * overlaid histograms on shared bins.
 *
 * @throws Error when `rows` is empty, `x` is missing or not a finite number,
 *   `maxBins` is not an integer >= 2, or `stat` is not "count"/"density".
 *
 * @example
 * ```ts
 * const rows = Array.from(normal(1, 500), (v) => ({ v }));
 * histogram(rows, { x: "v", stat: "density" });
 * ```
 *
 * @category Chart builders
 */
export function histogram(rows: readonly Row[], opts: HistogramOptions): Chart {
  const fn = "histogram";
  const seriesValues = checkDistribution(fn, rows, opts);
  const maxBins = opts.maxBins ?? 20;
  if (!Number.isInteger(maxBins) || maxBins < 2) {
    throw new Error(`${fn}: maxBins must be an integer >= 2; got ${opts.maxBins}.`);
  }
  const stat = opts.stat ?? "count";
  if (stat !== "count" && stat !== "density") {
    throw new Error(`${fn}: stat must be "count" or "density"; got ${opts.stat}.`);
  }
  const width = figureWidth(opts.width);
  const groupby = opts.series ? [vlField(opts.series)] : [];
  const transform: Record<string, unknown>[] = [
    { bin: { maxbins: maxBins }, field: vlField(opts.x), as: ["__bin0", "__bin1"] },
    { aggregate: [{ op: "count", as: "__count" }], groupby: ["__bin0", "__bin1", ...groupby] },
  ];
  if (stat === "density") {
    transform.push(
      { joinaggregate: [{ op: "sum", field: "__count", as: "__total" }], groupby },
      {
        calculate: 'datum["__count"] / (datum["__total"] * (datum["__bin1"] - datum["__bin0"]))',
        as: "__density",
      },
    );
  }
  const body = {
    transform,
    mark: { type: "bar", opacity: opts.series ? 0.55 : 1 },
    encoding: {
      x: {
        field: "__bin0",
        type: "quantitative",
        bin: { binned: true },
        title: opts.xTitle ?? opts.x,
      },
      x2: { field: "__bin1" },
      y: {
        field: stat === "density" ? "__density" : "__count",
        type: "quantitative",
        stack: null,
        title: opts.yTitle ?? (stat === "density" ? "density" : "count"),
      },
      color: seriesColor(opts.series, seriesValues, width, { symbol: "square" }),
    },
  };
  const headline =
    `Histogram${opts.title ? ` "${opts.title}"` : ""} of ${opts.x} (${stat}, at most ` +
    `${maxBins} bins), ${rows.length} values.`;
  return distributionChart("histogram", rows, body, opts, seriesValues, headline);
}
