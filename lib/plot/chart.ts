/**
 * The `Chart` value every builder returns, and the spec pieces the builders
 * share.
 *
 * @module
 */
import { AXIS_GEOMETRY, wrapText, yAxisWidth, type YExtent, yTopOverhang } from "./axis_space.ts";
import { textWidth } from "./fonts.ts";
import { fitLegends, topLegend } from "./legends.ts";
import { specAndLayers } from "./spec_walk.ts";
import {
  defaultHeight,
  type FigureWidth,
  figureWidth,
  FONT_SIZES,
  PALETTE,
  themeConfig,
  VEGA_LITE_V5_SCHEMA,
} from "./theme.ts";
import { maxOf, minOf } from "./min_max.ts";
import type { Category, ChartLayout, Row, VegaLiteSpec } from "./types.ts";
export type { Category, Chart, ChartLayout, Row, VegaLiteSpec } from "./types.ts";

/** The extents a builder hands to {@link frame}: the y values drawn, and the x values if numeric. */
export interface FrameExtents {
  /** Every y value drawn and the y scale's kind. */
  y: YExtent;
  /** Every x value drawn, for a quantitative x axis. */
  x?: { values: readonly number[]; log?: boolean };
}

/**
 * Options every single-panel builder takes.
 *
 * @category Charts
 */
export interface FrameOptions {
  /** Chart title, drawn above the plot (omit for paper figures with a caption). */
  title?: string;
  /** Smaller line under the title. */
  subtitle?: string;
  /** Total figure width: "column" (3.3 in, default), "page" (6.9 in) or points. */
  width?: FigureWidth;
  /** Plot height in points (default from the width). */
  height?: number;
  /** Title of the x axis (default: the field name). */
  xTitle?: string;
  /** Title of the y axis (default: the field name). */
  yTitle?: string;
  /** Short identifier for the chart (default: the builder's kind). */
  name?: string;
}

/** A field name as Vega-Lite reads it: dots and brackets escaped (they mean nesting). */
export function vlField(name: string): string {
  return name.replace(/([.[\]\\])/g, "\\$1");
}

/** A Vega expression reading `name` from the datum, whatever characters it holds. */
export function datumRef(name: string): string {
  return `datum[${JSON.stringify(name)}]`;
}

/**
 * Distinct values of `field` in order of first appearance, as the rows hold
 * them (a scale domain must match the data's type: 1 is not "1"); values
 * whose text is the same count once.
 */
export function uniqueValues(rows: readonly Row[], field: string): Category[] {
  const seen = new Map<string, Category>();
  for (const r of rows) {
    const v = r[field] as Category;
    if (!seen.has(String(v))) seen.set(String(v), v);
  }
  return [...seen.values()];
}

export { legendColumns, topLegend } from "./legends.ts";

/**
 * The colour encoding of the rows' `field`: palette colour i for `values[i]`
 * (the field's distinct values, e.g. from {@link uniqueValues}) and a legend
 * above the plot with `symbol` marks, titled `title` (default: the field's
 * name; `null` for none). Without a field every mark takes the first palette
 * colour.
 *
 * @example
 * ```ts
 * const values = uniqueValues(rows, "method");
 * const color = seriesColor("method", values, width, { symbol: "square" });
 * ```
 */
export function seriesColor(
  field: string | undefined,
  values: Category[],
  width: number,
  legend: { symbol?: "stroke" | "square" | "circle"; title?: string | null } = {},
): Record<string, unknown> {
  if (!field) return { value: PALETTE[0] };
  return {
    field: vlField(field),
    type: "nominal",
    scale: { domain: values, range: PALETTE.slice(0, values.length) },
    legend: topLegend(
      values,
      width,
      legend.title === undefined ? field : legend.title,
      legend.symbol,
    ),
  };
}

/** Room left for a y axis when the chart does not say (labels of ~5 characters and a title). */
export const DEFAULT_Y_AXIS_WIDTH = 44;

/** The theme's padding around a whole figure, in points. */
export const FIGURE_PADDING = 4;

/**
 * Wrap a single-view (or layered) body into a full spec with the theme:
 * v5 `$schema`, inline data, title, and `autosize: fit-x` so that the whole
 * figure, axes and legend included, is `width` points wide and the plot
 * itself `height` points tall. From `extents` the y axis's tick labels are
 * measured (so legends are wrapped to the plot's real width; without them a
 * default allowance), a y title longer than the plot is tall is broken into
 * lines, and the returned layout lets multi-panel figures split a page exactly.
 */
export function frame(
  rows: readonly Row[],
  body: VegaLiteSpec,
  opts: FrameOptions,
  extents?: FrameExtents,
): { spec: VegaLiteSpec; layout: ChartLayout } {
  const width = figureWidth(opts.width);
  const height = opts.height ?? defaultHeight(width);
  if (!(height > 0) || !Number.isFinite(height)) {
    throw new Error(`height must be a positive number of points; got ${opts.height}.`);
  }
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_V5_SCHEMA,
    data: { values: rows.map((r) => ({ ...r })) },
    width,
    height,
    autosize: { type: "fit-x", contains: "padding" },
    ...body,
    config: themeConfig(),
  };
  const lines = wrapYTitle(spec, height);
  const yAxis = extents ? yAxisWidth(extents.y, lines) : DEFAULT_Y_AXIS_WIDTH;
  fitLegends(spec, width - yAxis - 2 * FIGURE_PADDING);
  const title = titleBlock(opts.title, opts.subtitle);
  if (title) spec.title = title;
  const xs = extents?.x?.values.filter(Number.isFinite) ?? [];
  const layout: ChartLayout = {
    yAxisWidth: Math.ceil(yAxis + 0.5),
    yTopOverhang: extents ? yTopOverhang(extents.y) : Math.ceil(0.5 * FONT_SIZES.label),
    ...(xs.length ? { x: { lo: minOf(xs), hi: maxOf(xs), log: extents?.x?.log ?? false } } : {}),
  };
  return { spec, layout };
}

/**
 * Break the y axis titles in `spec` (in place) into lines no longer than
 * the plot's height; return how many lines the longest has (0 if none).
 */
function wrapYTitle(spec: VegaLiteSpec, plotHeight: number): number {
  let most = 0;
  for (const s of specAndLayers(spec)) {
    const y = (s.encoding as Record<string, Record<string, unknown>> | undefined)?.y;
    if (!y || typeof y.title !== "string" || y.title === "") continue;
    const room = Math.max(40, plotHeight - 2 * AXIS_GEOMETRY.titlePadding);
    const lines = textWidth(y.title, FONT_SIZES.title) > room
      ? wrapText(y.title, room, FONT_SIZES.title)
      : [y.title];
    if (lines.length > 1) y.title = lines;
    most = Math.max(most, lines.length);
  }
  return most;
}

/** A Vega-Lite title block, or undefined when there is neither title nor subtitle. */
export function titleBlock(title?: string, subtitle?: string) {
  if (!title && !subtitle) return undefined;
  if (!title) {
    // Vega draws no subtitle under an empty title: set the subtitle alone, in its own style.
    return {
      text: subtitle as string,
      fontSize: FONT_SIZES.label,
      fontWeight: "normal",
      color: "#555555",
    };
  }
  return subtitle ? { text: title, subtitle } : { text: title };
}

/** A compact number for summaries: 4 significant digits, no trailing zeros. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}
