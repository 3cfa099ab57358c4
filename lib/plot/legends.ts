/**
 * Top legends: wrapped into as many columns as fit the plot's width, found
 * again in a finished spec (to refit them inside a multi-panel figure), and
 * their height as Vega lays them out.
 *
 * @module
 */
import type { Category, Chart, VegaLiteSpec } from "./types.ts";
import { textWidth } from "./fonts.ts";
import { specAndLayers } from "./spec_walk.ts";
import { FONT_SIZES, LEGEND_STROKE_LENGTH } from "./theme.ts";

/** Room a legend entry takes besides its label and symbol: gap to the label, column padding. */
const LEGEND_ENTRY_EXTRA = 4 + 6;
/** Width of a square or circle legend symbol, with slack (a stroke is LEGEND_STROKE_LENGTH). */
const SYMBOL_WIDTH = 12;

/** Width, in points, of a legend's symbol of this type. */
export function symbolWidth(symbol: unknown): number {
  return symbol === "stroke" ? LEGEND_STROKE_LENGTH : SYMBOL_WIDTH;
}

/**
 * How many legend columns fit in `width` points: labels are measured with
 * the real font, plus the symbol (`symbol`: "stroke" for a line sample, else
 * a square or circle) and padding (Vega gives every column the widest
 * entry's width).
 */
export function legendColumns(
  labels: readonly Category[],
  width: number,
  symbol: unknown = "stroke",
): number {
  const extra = LEGEND_ENTRY_EXTRA + symbolWidth(symbol);
  const item = (s: Category) => textWidth(String(s), FONT_SIZES.label) + extra;
  const widest = Math.max(...labels.map(item));
  return Math.max(1, Math.min(labels.length, Math.floor((width + 6) / widest)));
}

/** One legend of a spec: the encoding that owns it, its channel, labels and title. */
export interface LegendRef {
  /** The channel's encoding object (mutable: `legend` and `scale` may be rewritten). */
  encoding: Record<string, unknown>;
  /** Channel name: "color", "strokeDash", ... */
  channel: string;
  /** The scale's domain (the labels the legend lists). */
  labels: Category[];
  /** The legend's title, or null. */
  title: string | null;
}

/**
 * The top legends drawn by our builders in `spec` (encodings with a legend
 * object that has `columns` and an explicit scale domain), one per encoding.
 */
export function topLegends(spec: VegaLiteSpec): LegendRef[] {
  const out: LegendRef[] = [];
  for (const s of specAndLayers(spec)) {
    const enc = s.encoding as Record<string, Record<string, unknown>> | undefined;
    for (const [channel, e] of Object.entries(enc ?? {})) {
      const legend = e?.legend as Record<string, unknown> | null | undefined;
      const domain = (e?.scale as { domain?: unknown } | undefined)?.domain;
      if (!legend || legend.columns === undefined || !Array.isArray(domain)) continue;
      const title = (legend.title ?? null) as string | null;
      out.push({ encoding: e, channel, labels: domain as Category[], title });
    }
  }
  return out;
}

/** Rewrite every top legend's column count in `spec` (in place) so it fits `width` points. */
export function fitLegends(spec: VegaLiteSpec, width: number): void {
  for (const l of topLegends(spec)) {
    const legend = l.encoding.legend as Record<string, unknown>;
    l.encoding.legend = {
      ...legend,
      columns: legendColumns(l.labels, width, legend.symbolType),
    };
  }
}

/**
 * Height, in points, Vega gives a top legend of `labels` in `columns`
 * columns: rows 16 pt apart for line samples (`symbol` "stroke", the
 * theme's 20 pt strokes), 9 pt for squares and circles, less 1 pt; a title
 * adds 13 pt. (Measured in Vega's laid-out scene; tests/plot/panel_titles_test.ts.)
 */
export function legendHeight(
  labels: number,
  columns: number,
  titled: boolean,
  symbol: unknown = "stroke",
): number {
  const rows = Math.ceil(labels / Math.max(1, columns));
  return (titled ? 13 : 0) + (symbol === "stroke" ? 16 : 9) * rows - 1;
}

/**
 * A legend placed above the plot, wrapped to fit the figure width. `symbol`
 * is "stroke" for lines (a short line in the series' colour and dash) or
 * "square" for filled marks.
 */
export function topLegend(
  labels: readonly Category[],
  width: number,
  title: string | null = null,
  symbol: "stroke" | "square" | "circle" = "stroke",
) {
  return {
    orient: "top",
    direction: "horizontal",
    columns: legendColumns(labels, width, symbol),
    title,
    symbolType: symbol,
    symbolOpacity: 1,
    // Vega draws a stroke symbol sqrt(symbolSize) long: long enough to show every dash pattern.
    ...(symbol === "stroke"
      ? { symbolStrokeWidth: 1.5, symbolSize: LEGEND_STROKE_LENGTH ** 2 }
      : {}),
  };
}

/**
 * Stack a chart's top legends one under the other (colour, then line style),
 * left-aligned, rather than side by side: for a figure whose legends are too
 * wide to share a row. Changes the chart's config in place and returns it.
 *
 * @example
 * ```ts
 * const chart = stackTopLegends(lineBand(rows, { x: "k", y: "v", series: "method", theory: "law" }));
 * ```
 *
 * @category Composition
 */
export function stackTopLegends(chart: Chart): Chart {
  const config = chart.spec.config as Record<string, unknown>;
  config.legend = {
    ...(config.legend as object),
    layout: { top: { direction: "vertical", anchor: "start" } },
  };
  return chart;
}
