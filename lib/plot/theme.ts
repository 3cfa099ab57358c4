/**
 * The one theme every figure uses: sized for a paper, in points (the spec's
 * units are points: 1 unit = 1/72 in, so a 238-unit wide chart prints 3.3 in
 * wide in the PDF), DejaVu Sans at 8-10 pt, the Okabe-Ito colour-blind-safe
 * palette, no grid, no frame.
 *
 * @module
 */
import { FONT_FAMILY } from "./fonts.ts";

/**
 * The URL Vega-Lite 5 (JupyterLab 4's renderer) recognizes; our specs use only v5 features.
 *
 * @category Theme and fonts
 */
export const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/**
 * Width of one column of a two-column paper: 3.3 in, in points.
 *
 * @category Theme and fonts
 */
export const COLUMN_WIDTH = 3.3 * 72;
/**
 * Width of a figure spanning both columns (`figure*`): 6.9 in, in points.
 *
 * @category Theme and fonts
 */
export const PAGE_WIDTH = 6.9 * 72;

/**
 * A figure width: one paper column, the full page, or a number of points.
 *
 * @category Theme and fonts
 */
export type FigureWidth = "column" | "page" | number;

/**
 * The figure width in points.
 *
 * @throws Error when `width` is a number that is not finite and positive.
 *
 * @category Theme and fonts
 */
export function figureWidth(width: FigureWidth = "column"): number {
  if (width === "column") return COLUMN_WIDTH;
  if (width === "page") return PAGE_WIDTH;
  if (typeof width !== "number" || !(width > 0) || !Number.isFinite(width)) {
    throw new Error(`width must be "column", "page" or a positive number of points; got ${width}.`);
  }
  return width;
}

/** Default plot height for a figure width: a 3:2-ish panel, capped for the page width. */
export function defaultHeight(width: number): number {
  return Math.round(Math.min(width * 0.62, 170));
}

/**
 * Okabe & Ito's eight colours (Color Universal Design, 2008), ordered so the
 * first few are distinct under all common colour-vision deficiencies and in
 * greyscale; yellow, the faintest on white, comes last.
 *
 * @category Theme and fonts
 */
export const PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#000000", // black
  "#F0E442", // yellow
];

/** Dash patterns for lines told apart by kind (solid first). */
export const DASHES: readonly number[][] = [[1, 0], [4, 2], [1, 2], [6, 2, 1, 2], [8, 3]];

/** Font sizes in points. */
export const FONT_SIZES = { label: 8, title: 9, chartTitle: 10 } as const;

/** Gap, in points, between top legends stacked above one plot. */
export const LEGEND_GAP = 3;

const INK = "#222222";
const MUTED = "#555555";

/**
 * The Vega-Lite `config` block of the theme (valid for Vega-Lite 5 and 6).
 *
 * @category Theme and fonts
 */
export function themeConfig(): Record<string, unknown> {
  return {
    font: FONT_FAMILY,
    background: "white",
    padding: 4,
    view: { stroke: null },
    range: { category: [...PALETTE] },
    title: {
      fontSize: FONT_SIZES.chartTitle,
      fontWeight: "bold",
      color: INK,
      subtitleFontSize: FONT_SIZES.label,
      subtitleColor: MUTED,
      anchor: "start",
      offset: 4,
    },
    axis: {
      grid: false,
      labelFontSize: FONT_SIZES.label,
      titleFontSize: FONT_SIZES.title,
      titleFontWeight: "normal",
      labelColor: INK,
      titleColor: INK,
      domainColor: MUTED,
      tickColor: MUTED,
      tickSize: 3,
      labelPadding: 2,
      titlePadding: 4,
      labelFlush: false,
      labelOverlap: "greedy",
      labelSeparation: 3,
    },
    axisY: { tickCount: 5 },
    legend: {
      labelFontSize: FONT_SIZES.label,
      titleFontSize: FONT_SIZES.label,
      titleFontWeight: "normal",
      labelColor: INK,
      titleColor: INK,
      symbolSize: 40,
      symbolStrokeWidth: 1.5,
      rowPadding: 1,
      columnPadding: 6,
      padding: 0,
      offset: 6,
      // Several top legends (e.g. series colour and line style) stack, left-aligned, instead
      // of sitting side by side and running past the plot's width.
      layout: { top: { direction: "vertical", anchor: "start", margin: LEGEND_GAP } },
    },
    header: {
      labelFontSize: FONT_SIZES.title,
      titleFontSize: FONT_SIZES.title,
      labelColor: INK,
      titleFontWeight: "normal",
    },
    line: { strokeWidth: 1.5 },
    point: { size: 14, filled: true },
    bar: { binSpacing: 0.5 },
    concat: { spacing: 12 },
    facet: { spacing: 10 },
  };
}
