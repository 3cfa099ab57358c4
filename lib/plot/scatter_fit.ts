/**
 * Scatter plot with its least-squares line, the slope and R² reported in the
 * subtitle and returned in `chart.stats` (e.g. inter-student variance
 * against teacher noise variance, where the paper's Theorem 4.1 predicts a
 * straight line for linear students).
 *
 * @module
 */
import { type Chart, fmt, type FrameOptions, type Row, seriesColor, vlField } from "./chart.ts";
import { chartOf, checkChart, checkNumeric, seriesOf } from "./builder.ts";
import { fitLine } from "./least_squares.ts";
import { figureWidth } from "./theme.ts";
import { maxOf, minOf } from "./min_max.ts";

/**
 * What {@link scatterFit} draws. Fields name keys of the rows.
 *
 * @category Chart builders
 */
export interface ScatterFitOptions extends FrameOptions {
  /** Field on the x axis (the regressor). */
  x: string;
  /** Field on the y axis (the response). */
  y: string;
  /** Field whose values colour the points (one line is still fitted to all points). */
  series?: string;
}

/**
 * Points of (x, y) and the ordinary least-squares line through them, drawn
 * over the range of x. `chart.stats` holds `slope`, `intercept`, `r2`, `n`.
 * The subtitle reads "slope = …, R² = …" unless `subtitle` is given.
 *
 * @throws Error when `rows` is empty or holds fewer than 2 rows, a field is
 *   missing or not a finite number, or x is constant.
 *
 * @example
 * ```ts
 * const rows = [0, 1, 2, 3].map((s) => ({ s, v: 0.5 * s + 0.1 }));
 * scatterFit(rows, { x: "s", y: "v" }).stats; // { slope: 0.5, intercept: 0.1, r2: 1, n: 4 }
 * ```
 *
 * @category Chart builders
 */
export function scatterFit(rows: readonly Row[], opts: ScatterFitOptions): Chart {
  const fn = "scatterFit";
  checkChart(fn, rows, opts);
  checkNumeric(fn, rows, "x", opts.x);
  checkNumeric(fn, rows, "y", opts.y);
  const seriesValues = seriesOf(fn, rows, "series", opts.series);
  if (rows.length < 2) throw new Error(`${fn}: rows must hold at least 2 points to fit a line.`);
  const xs = rows.map((r) => r[opts.x] as number), ys = rows.map((r) => r[opts.y] as number);
  const fit = fitLine(xs, ys);
  const x0 = minOf(xs), x1 = maxOf(xs);
  const width = figureWidth(opts.width);
  const xEnc = {
    field: vlField(opts.x),
    type: "quantitative",
    title: opts.xTitle ?? opts.x,
    scale: { zero: false },
  };
  const yTitle = opts.yTitle ?? opts.y;
  const layer = [
    {
      mark: { type: "point", filled: true, opacity: 0.7 },
      encoding: {
        x: xEnc,
        y: { field: vlField(opts.y), type: "quantitative", title: yTitle, scale: { zero: false } },
        color: seriesColor(opts.series, seriesValues, width, { symbol: "circle" }),
      },
    },
    {
      data: {
        values: [
          { __x: x0, __fit: fit.intercept + fit.slope * x0 },
          { __x: x1, __fit: fit.intercept + fit.slope * x1 },
        ],
      },
      mark: { type: "line", color: "#222222", strokeWidth: 1.2 },
      encoding: {
        x: { field: "__x", type: "quantitative" },
        y: { field: "__fit", type: "quantitative" },
      },
    },
  ];
  const subtitle = opts.subtitle ?? `slope = ${fmt(fit.slope)}, R² = ${fit.r2.toFixed(3)}`;
  const extents = {
    y: { values: [...ys, fit.intercept + fit.slope * x0, fit.intercept + fit.slope * x1] },
    x: { values: xs },
  };
  const summary = `Scatter${opts.title ? ` "${opts.title}"` : ""}: ${opts.y} against ${opts.x}, ` +
    `${rows.length} points. Least-squares line: ${opts.y} = ${fmt(fit.intercept)} + ` +
    `${fmt(fit.slope)} × ${opts.x}, R² = ${fit.r2.toFixed(3)}.`;
  return chartOf("scatter_fit", rows, { layer }, { ...opts, subtitle }, summary, extents, {
    ...fit,
  });
}
