/**
 * Kernel density estimate of one numeric field, one curve per series
 * (Gaussian kernel; Vega's density transform, bandwidth by Scott's rule
 * unless given).
 *
 * @module
 */
import { type Chart, type FrameOptions, type Row, seriesColor, vlField } from "./chart.ts";
import { checkDistribution, distributionChart } from "./distribution_summary.ts";
import { figureWidth } from "./theme.ts";

/**
 * What {@link density} draws.
 *
 * @category Chart builders
 */
export interface DensityOptions extends FrameOptions {
  /** Field whose distribution is estimated. */
  x: string;
  /** Field whose values split the rows into coloured curves. */
  series?: string;
  /** Kernel bandwidth in units of x (default: Scott's rule, per series). */
  bandwidth?: number;
  /** Range [lo, hi] over which the curves are drawn (default: the data's range). */
  extent?: [number, number];
}

/**
 * Smoothed density curves of `x`, per series, each integrating to 1.
 *
 * @throws Error when `rows` is empty, `x` is missing or not a finite number,
 *   `bandwidth` is not positive, or `extent` is not an increasing pair.
 *
 * @example
 * ```ts
 * const rows = Array.from(normal(1, 500), (v) => ({ v }));
 * density(rows, { x: "v" });
 * ```
 *
 * @category Chart builders
 */
export function density(rows: readonly Row[], opts: DensityOptions): Chart {
  const fn = "density";
  const seriesValues = checkDistribution(fn, rows, opts);
  if (opts.bandwidth !== undefined && !(opts.bandwidth > 0 && Number.isFinite(opts.bandwidth))) {
    throw new Error(`${fn}: bandwidth must be a positive number; got ${opts.bandwidth}.`);
  }
  if (
    opts.extent !== undefined &&
    !(opts.extent.length === 2 && Number.isFinite(opts.extent[0]) &&
      Number.isFinite(opts.extent[1]) && opts.extent[0] < opts.extent[1])
  ) {
    throw new Error(`${fn}: extent must be [lo, hi] with lo < hi; got ${opts.extent}.`);
  }
  const width = figureWidth(opts.width);
  const dens: Record<string, unknown> = {
    density: vlField(opts.x),
    as: ["__value", "__density"],
  };
  if (opts.series) dens.groupby = [vlField(opts.series)];
  if (opts.bandwidth !== undefined) dens.bandwidth = opts.bandwidth;
  if (opts.extent !== undefined) dens.extent = [...opts.extent];
  const body = {
    transform: [dens],
    mark: { type: "line" },
    encoding: {
      x: { field: "__value", type: "quantitative", title: opts.xTitle ?? opts.x },
      y: { field: "__density", type: "quantitative", title: opts.yTitle ?? "density" },
      color: seriesColor(opts.series, seriesValues, width),
    },
  };
  const headline =
    `Density${opts.title ? ` "${opts.title}"` : ""} of ${opts.x} (Gaussian kernel, ` +
    `bandwidth ${opts.bandwidth ?? "by Scott's rule"}), ${rows.length} values.`;
  return distributionChart("density", rows, body, opts, seriesValues, headline);
}
