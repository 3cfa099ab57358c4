/**
 * Grouped bar chart with error bars: one cluster per category on the x axis,
 * one coloured bar per group inside it, and a vertical error bar on each
 * (e.g. mean test MSE ± one standard deviation per data set and method).
 *
 * @module
 */
import { fitBandLabels } from "./band_labels.ts";
import {
  type Category,
  type Chart,
  FIGURE_PADDING,
  fmt,
  type FrameOptions,
  type Row,
  seriesColor,
  uniqueValues,
  vlField,
} from "./chart.ts";
import {
  bandEdges,
  bandValues,
  chartOf,
  checkChart,
  checkNumeric,
  checkPresent,
  seriesOf,
} from "./builder.ts";
import { exponentSuffix, figureWidth } from "./theme.ts";
import { checkExponent, exponentLabels } from "./line_band.ts";
import { minOf } from "./min_max.ts";

/**
 * What {@link groupedBars} draws. Fields name keys of the rows.
 *
 * @category Chart builders
 */
export interface GroupedBarsOptions extends FrameOptions {
  /** Field holding the category of each cluster (x axis, kept in order of appearance). */
  x: string;
  /** Field holding the bar height. */
  y: string;
  /** Field whose values are the bars inside a cluster (colour); omit for one bar per category. */
  group?: string;
  /** Field holding the error bar's half-width: the bar spans y ± error. */
  error?: string;
  /** Field holding the error bar's lower end (with `upper`, instead of `error`). */
  lower?: string;
  /** Field holding the error bar's upper end. */
  upper?: string;
  /**
   * Log-scaled y axis, for bars whose heights differ by orders of magnitude
   * (a bar of 10⁻⁴ beside one of 0.1 is invisible on a linear axis). Every
   * bar height and error-bar end must be > 0; bars rise from the bottom of
   * the axis.
   */
  logY?: boolean;
  /** Power of ten the y labels are divided by (default "auto", see lineBand's yExponent). */
  yExponent?: number | "auto";
  /**
   * Field holding the paper's value for the bar (null or absent where the
   * paper gives none): a black-edged diamond in the bar's colour over it, with
   * a legend entry `paperLabel`. Unlike `withPaper`, the values ride in the
   * chart's own rows, so the chart can still be split with `facet`.
   */
  paper?: string;
  /** Legend label of the paper's values (default "paper"), e.g. "paper (Table 3)". */
  paperLabel?: string;
}

/**
 * Bars of `y` per category `x`, split by `group`, with error bars.
 *
 * @throws Error when `rows` is empty, a named field is missing or not a
 *   finite number, or the error bar is given both ways (or half of it).
 *
 * @example
 * ```ts
 * const rows = [
 *   { data: "Wine", method: "teacher", acc: 0.97, sd: 0.01 },
 *   { data: "Wine", method: "student", acc: 0.95, sd: 0.02 },
 * ];
 * groupedBars(rows, { x: "data", y: "acc", group: "method", error: "sd" });
 * ```
 *
 * @category Chart builders
 */
export function groupedBars(rows: readonly Row[], opts: GroupedBarsOptions): Chart {
  const fn = "groupedBars";
  checkChart(fn, rows, opts);
  checkPresent(fn, rows, "x", opts.x);
  checkNumeric(fn, rows, "y", opts.y, opts.logY);
  const groups = seriesOf(fn, rows, "group", opts.group);
  const edges = bandEdges(fn, rows, opts, "error", opts.error);
  if (opts.error !== undefined && opts.logY) {
    rows.forEach((r, i) => {
      const lo = (r[opts.y] as number) - (r[opts.error as string] as number);
      if (!(lo > 0)) {
        throw new Error(
          `${fn}: on a log y axis the error bar's lower end y - error must be > 0; ` +
            `rows[${i}] has ${lo}. Pass lower/upper, or a linear axis.`,
        );
      }
    });
  }
  const width = figureWidth(opts.width);
  const categories = uniqueValues(rows, opts.x);
  const paperValues = paperOf(fn, rows, opts.paper);
  const yValues = [...bandValues(rows, opts, opts.error), ...paperValues];
  const power = checkExponent(fn, opts.yExponent, opts.logY, yValues);
  // Unstacked: a stack starts at 0, which a log scale cannot show; the bars rise from the axis.
  // The axis starts at the power of ten below the lowest value, so the shortest bar shows.
  const floor = opts.logY ? 10 ** Math.floor(Math.log10(minOf(yValues)) - 1e-9) : 0;
  const layer = barLayers(opts, categories, groups, edges, {
    yTitle: (opts.yTitle ?? opts.y) + exponentSuffix(power),
    yScale: opts.logY ? { scale: { type: "log", nice: false, domainMin: floor }, stack: null } : {},
    yAxis: power === 0 ? {} : { axis: { labelExpr: exponentLabels(power, yValues, true) } },
    color: seriesColor(opts.group, groups, width, { symbol: "square" }),
  });
  const chart = chartOf("grouped_bars", rows, { layer }, opts, summarize(rows, opts, categories), {
    y: opts.logY
      ? { values: [floor, ...yValues], log: true }
      : { values: power === 0 ? yValues : yValues.map((v) => v / 10 ** power), zero: true },
  });
  fitBandLabels(chart.spec, width - chart.layout!.yAxisWidth - 2 * FIGURE_PADDING);
  return chart;
}

/** The bars, clustered by x and offset by group, and the error bars over them. */
function barLayers(
  opts: GroupedBarsOptions,
  categories: Category[],
  groups: Category[],
  edges: [string, string] | undefined,
  y: { yTitle: string; yScale: object; yAxis: object; color: Record<string, unknown> },
): Record<string, unknown>[] {
  const x = {
    field: vlField(opts.x),
    type: "nominal",
    sort: categories,
    title: opts.xTitle ?? opts.x,
    axis: { labelAngle: 0, ticks: false },
    scale: { paddingInner: 0.2, paddingOuter: 0.1 },
  };
  const xOffset = opts.group
    ? { xOffset: { field: vlField(opts.group), type: "nominal", sort: groups } }
    : {};
  const layer: Record<string, unknown>[] = [{
    mark: { type: "bar" },
    encoding: {
      x,
      ...xOffset,
      y: {
        field: vlField(opts.y),
        type: "quantitative",
        title: y.yTitle,
        ...y.yScale,
        ...y.yAxis,
      },
      color: y.color,
    },
  }];
  if (edges) {
    layer.push({
      transform: [{ calculate: edges[0], as: "__lower" }, { calculate: edges[1], as: "__upper" }],
      mark: { type: "rule", color: "#222222", strokeWidth: 1 },
      encoding: {
        x,
        ...xOffset,
        y: { field: "__lower", type: "quantitative", ...y.yScale },
        y2: { field: "__upper" },
      },
    });
  }
  if (opts.paper !== undefined) {
    const label = opts.paperLabel ?? "paper";
    layer.push({
      transform: [{ filter: `isValid(datum[${JSON.stringify(opts.paper)}])` }],
      mark: { type: "point", filled: true, size: 46, stroke: "#000000", strokeWidth: 1.1 },
      encoding: {
        x,
        ...xOffset,
        y: { field: vlField(opts.paper), type: "quantitative", ...y.yScale },
        // The bars' colour scale, without a legend of its own (the bars' squares stay unedged).
        ...(opts.group ? { color: { ...y.color, legend: null } } : { fill: { value: "#ffffff" } }),
        shape: {
          datum: label,
          type: "nominal",
          scale: { domain: [label], range: ["diamond"] },
          legend: {
            orient: "top",
            direction: "horizontal",
            title: null,
            columns: 1,
            symbolFillColor: "#ffffff",
            symbolStrokeColor: "#000000",
            symbolStrokeWidth: 1.5,
          },
        },
      },
    });
  }
  return layer;
}

/** The paper's values in `field` (null or absent: none for that bar); each must be finite. */
function paperOf(fn: string, rows: readonly Row[], field: string | undefined): number[] {
  if (field === undefined) return [];
  const out: number[] = [];
  rows.forEach((r, i) => {
    const v = r[field];
    if (v === null || v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new Error(
        `${fn}: paper "${field}" must be a finite number or null; rows[${i}] has ${v}.`,
      );
    }
    out.push(v);
  });
  if (out.length === 0) {
    throw new Error(`${fn}: paper "${field}" holds no value in any row; omit the option.`);
  }
  return out;
}

/** One line for the chart, then one per category with its bars' heights (± error). */
function summarize(rows: readonly Row[], opts: GroupedBarsOptions, categories: Category[]): string {
  const lines = [
    `Bar chart${opts.title ? ` "${opts.title}"` : ""}: ${opts.y} per ${opts.x}` +
    `${opts.group ? ` and ${opts.group}` : ""} (${rows.length} bars` +
    `${opts.error ? `, error bars ± ${opts.error}` : opts.lower ? ", error bars" : ""}).`,
  ];
  for (const c of categories) {
    const cells = rows.filter((r) => String(r[opts.x]) === String(c)).map((r) =>
      `${opts.group ? `${r[opts.group]} ` : ""}${fmt(r[opts.y] as number)}` +
      (opts.error ? ` ± ${fmt(r[opts.error] as number)}` : "") +
      (opts.paper && typeof r[opts.paper] === "number"
        ? ` (${opts.paperLabel ?? "paper"}: ${fmt(r[opts.paper] as number)})`
        : "")
    );
    lines.push(`${c}: ${cells.join("; ")}.`);
  }
  return lines.join("\n");
}
