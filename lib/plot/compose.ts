/**
 * Multi-panel figures: charts side by side (`hconcat`), stacked (`vconcat`),
 * or one chart split into small multiples by a field (`facet`). The paper's
 * figures are often two panels side by side (e.g. linear vs NN students).
 *
 * @module
 */
import { linearTickLabels, wrapText } from "./axis_space.ts";
import { fitBandLabels } from "./band_labels.ts";
import {
  type Chart,
  type ChartLayout,
  DEFAULT_Y_AXIS_WIDTH,
  FIGURE_PADDING,
  type Row,
  titleBlock,
  uniqueValues,
  type VegaLiteSpec,
  vlField,
} from "./chart.ts";
import { checkPresent } from "./builder.ts";
import { textWidth } from "./fonts.ts";
import { fitLegends } from "./legends.ts";
import { alignPlotTops, fitSharedLegends, shareLegends } from "./panel_legends.ts";
import {
  type FigureWidth,
  figureWidth,
  FONT_SIZES,
  symbolName,
  themeConfig,
  VEGA_LITE_V5_SCHEMA,
} from "./theme.ts";

/**
 * Options of {@link hconcat}, {@link vconcat} and {@link facet}.
 *
 * @category Composition
 */
export interface ComposeOptions {
  /** Title over the whole figure. */
  title?: string;
  /** Smaller line under the title. */
  subtitle?: string;
  /** Total figure width (default "page" for side-by-side panels, "column" when stacked). */
  width?: FigureWidth;
  /** Short identifier (default "hconcat", "vconcat" or "<chart>_by_<field>"). */
  name?: string;
}

/** Gap between panels, in points (theme's concat spacing). */
const SPACING = 12;
/** Gap between facet cells, in points (theme's facet spacing). */
const FACET_SPACING = 10;
/** Overhang assumed for a chart that does not say where its x axis ends. */
const DEFAULT_OVERHANG = 8;

function checkCharts(fn: string, charts: readonly Chart[]) {
  if (!Array.isArray(charts) || charts.length === 0) {
    throw new Error(`${fn}: charts is empty; pass at least one Chart.`);
  }
  charts.forEach((c, i) => {
    if (!c || typeof c !== "object" || !c.spec || !Array.isArray(c.rows)) {
      throw new Error(
        `${fn}: charts[${i}] is not a Chart (make it with lineBand, histogram, ...).`,
      );
    }
  });
}

/** A chart's axis room: what its builder measured, or a default allowance. */
function layoutOf(chart: Chart): ChartLayout {
  return chart.layout ?? { yAxisWidth: DEFAULT_Y_AXIS_WIDTH };
}

/**
 * How far the last x tick label, centred on the plot's right edge, reaches
 * past it: half its width (Vega-Lite puts about one tick per 40 points).
 *
 * @category Composition
 */
export function xOverhang(layout: ChartLayout, plotWidth: number): number {
  if (!layout.x) return layout.yAxisWidth === DEFAULT_Y_AXIS_WIDTH ? DEFAULT_OVERHANG : 0;
  const { lo, hi, log } = layout.x;
  const last = log
    ? String(Number(hi.toPrecision(2)))
    : linearTickLabels(lo, hi, Math.ceil(plotWidth / 40)).at(-1) ?? "";
  return Math.ceil(textWidth(last, FONT_SIZES.label) / 2);
}

/**
 * A child spec for a composite: no theme, schema or autosize of its own;
 * given plot width, legends wrapped to it, title wrapped to the panel.
 */
function panelSpec(chart: Chart, plotWidth: number, panelWidth: number): VegaLiteSpec {
  const { $schema: _s, config: _c, autosize: _a, usermeta: _u, ...rest } = structuredClone(
    chart.spec,
  );
  const width = Math.max(20, Math.round(plotWidth));
  const spec: VegaLiteSpec = { ...rest, width };
  fitLegends(spec, width);
  fitBandLabels(spec, width);
  const t = spec.title as { text?: unknown } | undefined;
  if (t && typeof t.text === "string") {
    const lines = wrapText(t.text, panelWidth, FONT_SIZES.chartTitle, "bold");
    if (lines.length > 1) spec.title = { ...t, text: lines };
  }
  return spec;
}

/**
 * Distinct labels for the panels' `panel` column: each chart's name, or
 * where names repeat, its title (when that tells them apart) or its name
 * with the panel's letter, e.g. "line_band (b)".
 *
 * @category Composition
 */
export function panelNames(charts: readonly Chart[]): string[] {
  const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;
  const names = charts.map((c) => c.name);
  const titles = charts.map((c) => c.title ?? "");
  const out = charts.map((c, i) => {
    if (count(names, c.name) === 1) return c.name;
    const t = titles[i];
    if (t && count(titles, t) === 1 && !names.includes(t)) return t;
    return `${c.name} (${String.fromCharCode(97 + i)})`;
  });
  return out;
}

function panelRows(charts: readonly Chart[]): Row[] {
  const names = panelNames(charts);
  return charts.flatMap((c, i) => c.rows.map((r) => ({ panel: names[i], ...r })));
}

/** Plot widths that make `n` panels side by side fill `total` points exactly. */
function splitWidth(layouts: ChartLayout[], total: number): number {
  const n = layouts.length;
  const fixed = 2 * FIGURE_PADDING + SPACING * (n - 1) +
    layouts.reduce((a, l) => a + l.yAxisWidth, 0);
  let plot = (total - fixed) / n;
  for (let k = 0; k < 3; k++) {
    const over = layouts.reduce((a, l) => a + xOverhang(l, plot), 0);
    plot = Math.floor((total - fixed - over) / n);
  }
  return plot;
}

function compose(
  kind: "hconcat" | "vconcat",
  charts: readonly Chart[],
  opts: ComposeOptions,
): Chart {
  checkCharts(kind, charts);
  const n = charts.length;
  const total = figureWidth(opts.width ?? (kind === "hconcat" ? "page" : "column"));
  const layouts = charts.map(layoutOf);
  const plots = kind === "hconcat" ? layouts.map(() => splitWidth(layouts, total)) : layouts.map(
    (l) => Math.floor(total - 2 * FIGURE_PADDING - l.yAxisWidth - xOverhang(l, total - 60)),
  );
  const panels = charts.map((c, i) => panelSpec(c, plots[i], plots[i] + layouts[i].yAxisWidth));
  const resolve = shareLegends(panels);
  const shared = new Set(
    Object.entries((resolve?.scale ?? {}) as Record<string, string>)
      .filter(([, v]) => v === "shared").map(([k]) => k),
  );
  fitSharedLegends(panels, shared, total - 2 * FIGURE_PADDING);
  if (kind === "hconcat") {
    alignPlotTops(panels, shared, layouts.map((l) => l.yTopOverhang ?? 4));
  }
  const spec: Record<string, unknown> = {
    $schema: VEGA_LITE_V5_SCHEMA,
    [kind]: panels,
    config: themeConfig(),
  };
  if (resolve) spec.resolve = resolve;
  const title = titleBlock(opts.title, opts.subtitle);
  if (title) spec.title = title;
  const summary = [
    `${n} panels ${kind === "hconcat" ? "side by side" : "stacked"}` +
    `${opts.title ? ` ("${opts.title}")` : ""}:`,
    ...charts.map((c, i) => `(${String.fromCharCode(97 + i)}) ${c.summary}`),
  ].join("\n");
  return { name: opts.name ?? kind, title: opts.title, spec, rows: panelRows(charts), summary };
}

/**
 * Charts side by side, sharing the figure width (default the full page
 * width). The rows are the panels' rows with a leading `panel` field holding
 * each chart's name.
 *
 * @throws Error when `charts` is empty or holds something that is not a Chart.
 *
 * @example
 * ```ts
 * hconcat([lineBand(linRows, opts), lineBand(nnRows, opts)], { title: "Figure 2" });
 * ```
 *
 * @category Composition
 */
export function hconcat(charts: readonly Chart[], opts: ComposeOptions = {}): Chart {
  return compose("hconcat", charts, opts);
}

/**
 * Charts stacked top to bottom, each the full figure width (default one
 * column). Rows as in {@link hconcat}.
 *
 * @throws Error when `charts` is empty or holds something that is not a Chart.
 *
 * @category Composition
 */
export function vconcat(charts: readonly Chart[], opts: ComposeOptions = {}): Chart {
  return compose("vconcat", charts, opts);
}

/**
 * Options of {@link facet}.
 *
 * @category Composition
 */
export interface FacetOptions extends ComposeOptions {
  /** Panels per row (default: all in one row). */
  columns?: number;
  /**
   * How each panel is titled: "<label> = <value>". Default: the field's
   * symbol (`symbolName`: "alpha" → "α", "sigma2" → "σ²"), so panels read
   * "α = 0.01". `null` titles panels by the value alone. A value with line
   * breaks ("\n") is set on as many lines.
   */
  label?: string | null;
  /**
   * "shared" (default): one y range for all panels, axis on the left only.
   * "independent": each panel its own y range and axis, for panels whose
   * values differ by orders of magnitude (on a shared range the small ones
   * are flat lines).
   */
  y?: "shared" | "independent";
}

/** A facet header's label expression: "<label> = <value>", split into lines at line breaks. */
function headerLabel(label: string | null, multiline: boolean): { labelExpr?: string } {
  const text = `${label === null ? "" : `${JSON.stringify(`${label} = `)} + `}(datum.label)`;
  if (!multiline) return label === null ? {} : { labelExpr: text };
  // A value with line breaks ("MNIST\nECE 0.01") is set on several lines.
  return { labelExpr: `split(${text}, "\\n")` };
}

/**
 * Small multiples: the chart redrawn once per value of `field`, in a grid of
 * `columns` panels per row (default: all in one row), sharing the x axis and,
 * unless `y: "independent"`, the y axis. Columns are spaced so that the last
 * x tick label of a panel never runs into the first of the next.
 *
 * @throws Error when the chart has no rows, `field` is missing from a row,
 *   `columns` is not a positive integer, `y` is neither "shared" nor
 *   "independent", or the chart draws data of its own in a layer (as
 *   scatterFit's fitted line does: fit each panel separately and use
 *   {@link hconcat} instead).
 *
 * @example
 * ```ts
 * facet(lineBand(rows, { x: "k", y: "variance", band: "se" }), "alpha", { columns: 2 });
 * // panels titled "α = 0.01", "α = 0.1", ...
 * ```
 *
 * @category Composition
 */
export function facet(chart: Chart, field: string, opts: FacetOptions = {}): Chart {
  checkCharts("facet", [chart]);
  if (chart.rows.length === 0) throw new Error("facet: chart has no rows.");
  checkPresent("facet", chart.rows, "field", field);
  const layers = (chart.spec.layer as Record<string, unknown>[] | undefined) ?? [];
  if (layers.some((l) => "data" in l)) {
    throw new Error(
      `facet: chart "${chart.name}" has a layer with its own data, which cannot be faceted; ` +
        `build one chart per panel and combine them with hconcat.`,
    );
  }
  const yMode = opts.y ?? "shared";
  if (yMode !== "shared" && yMode !== "independent") {
    throw new Error(`facet: y must be "shared" or "independent"; got ${JSON.stringify(opts.y)}.`);
  }
  const values = uniqueValues(chart.rows, field);
  const columns = opts.columns ?? values.length;
  if (!Number.isInteger(columns) || columns < 1) {
    throw new Error(`facet: columns must be a positive integer; got ${opts.columns}.`);
  }
  const total = figureWidth(opts.width ?? (columns > 1 ? "page" : "column"));
  const layout = layoutOf(chart);
  const independent = yMode === "independent";
  // Room between columns: the last x label of one panel and the first of the next, each
  // centred on its panel's edge, plus a gap; with independent y, also the next panel's axis.
  let outer = (total - 2 * FIGURE_PADDING - layout.yAxisWidth) / columns;
  let spacing = FACET_SPACING;
  for (let k = 0; k < 3; k++) {
    const labels = 2 * xOverhang(layout, outer) + 4;
    spacing = Math.max(FACET_SPACING, labels) + (independent ? layout.yAxisWidth : 0);
    // Vega-Lite moves a shared y axis into a row header, 3 pt left of the cells.
    const fixed = 2 * FIGURE_PADDING + layout.yAxisWidth + 3 + spacing * (columns - 1);
    outer = Math.floor((total - fixed) / columns - xOverhang(layout, outer));
  }
  const { $schema: _s, config: _c, autosize: _a, data, title: _t, usermeta: _u, ...inner } =
    structuredClone(chart.spec);
  fitLegends(inner, total - 2 * FIGURE_PADDING - layout.yAxisWidth);
  fitBandLabels(inner, Math.max(20, outer));
  const label = opts.label === undefined ? symbolName(field) : opts.label;
  const by = {
    field: vlField(field),
    type: "nominal",
    header: {
      title: null,
      ...headerLabel(label, values.some((v) => String(v).includes("\n"))),
    },
    sort: values,
  };
  // One row of panels: a column facet, whose headers Vega lays out in one band, level with each
  // other. (A wrapped facet titles each cell above its own bounds, so a dot reaching over a
  // panel's top edge lifted that panel's header.)
  const oneRow = columns >= values.length;
  const spec: Record<string, unknown> = {
    $schema: VEGA_LITE_V5_SCHEMA,
    data,
    facet: oneRow ? { column: by } : by,
    ...(oneRow ? {} : { columns }),
    spacing: { column: Math.ceil(spacing), row: FACET_SPACING },
    spec: { ...inner, width: Math.max(20, Math.round(outer)) },
    ...(independent
      ? { resolve: { scale: { y: "independent" }, axis: { y: "independent" } } }
      : {}),
    config: themeConfig(),
  };
  const title = titleBlock(opts.title ?? chart.title, opts.subtitle);
  if (title) spec.title = title;
  return {
    name: opts.name ?? `${chart.name}_by_${field}`,
    title: opts.title ?? chart.title,
    spec,
    rows: chart.rows,
    summary: `Faceted by ${field} (${values.length} panels: ${[...values].join(", ")}` +
      `${independent ? "; each panel its own y range" : ""}).\n` + chart.summary,
  };
}
