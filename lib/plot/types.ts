/**
 * The types every chart builder and consumer shares (a row, a spec, a chart and its layout), in
 * a module of their own so that the builders' helpers (legends, the spec walk) need not import
 * chart.ts, which imports them.
 *
 * @module
 */

/**
 * One row of plain data: field name to value.
 *
 * @category Charts
 */
export type Row = Record<string, unknown>;

/**
 * A Vega-Lite specification as plain JSON.
 *
 * @category Charts
 */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * A figure: the Vega-Lite spec (data inline, Vega-Lite 5 compatible), the
 * rows behind it, a short name, and a one-paragraph text summary. `stats`
 * holds numbers a builder computed (e.g. a fitted slope and R²).
 *
 * @category Charts
 */
export interface Chart {
  /** Short identifier (a builder's kind unless given); not used as a file name by itself. */
  readonly name: string;
  /** The title drawn above the chart, if any. */
  readonly title?: string;
  /** The Vega-Lite spec: v5 `$schema`, the theme in `config`, data inline. */
  readonly spec: VegaLiteSpec;
  /** The rows the chart draws (what `save` writes as CSV). */
  readonly rows: readonly Row[];
  /** A few sentences saying what the chart shows, with key numbers. */
  readonly summary: string;
  /** Numbers the builder computed, e.g. scatterFit's slope, intercept, r2 and n. */
  readonly stats?: Readonly<Record<string, number>>;
  /** Room the axes take beside the plot, for multi-panel layout (builders fill it in). */
  readonly layout?: ChartLayout;
}

/**
 * What a builder knows about its axes before Vega lays them out, so that
 * {@link hconcat} and friends can split a page between panels exactly.
 *
 * @category Charts
 */
export interface ChartLayout {
  /** Points from the plot's left edge to the outer edge of the y axis title. */
  readonly yAxisWidth: number;
  /** Points the top y tick label reaches above the plot (0 when no tick sits at the top). */
  readonly yTopOverhang?: number;
  /** The x axis's data range and scale, when it is quantitative (for the last label's overhang). */
  readonly x?: { readonly lo: number; readonly hi: number; readonly log: boolean };
}

/**
 * A category value as rows hold it (strings, numbers, booleans).
 *
 * @category Charts
 */
export type Category = string | number | boolean | null;
