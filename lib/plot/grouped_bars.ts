/**
 * Grouped bar chart with error bars: one cluster per category on the x axis,
 * one coloured bar per group inside it, and a vertical error bar on each
 * (e.g. mean test MSE ± one standard deviation per data set and method).
 *
 * @module
 */
import { fitBandLabels } from "./band_labels.ts";
import {
  type Chart,
  checkNumeric,
  checkPresent,
  checkRows,
  FIGURE_PADDING,
  fmt,
  frame,
  type FrameOptions,
  type Row,
  seriesColor,
  uniqueValues,
  vlField,
} from "./chart.ts";
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
  checkRows(fn, rows);
  if (!opts || typeof opts !== "object") throw new Error(`${fn}: opts is required.`);
  checkPresent(fn, rows, "x", opts.x);
  checkNumeric(fn, rows, "y", opts.y, opts.logY);
  if (opts.group !== undefined) checkPresent(fn, rows, "group", opts.group);
  if (opts.error !== undefined && (opts.lower !== undefined || opts.upper !== undefined)) {
    throw new Error(`${fn}: give either error (a half-width) or lower and upper, not both.`);
  }
  if ((opts.lower === undefined) !== (opts.upper === undefined)) {
    throw new Error(`${fn}: lower and upper go together; pass both or neither.`);
  }
  let edges: [string, string] | undefined;
  if (opts.error !== undefined) {
    checkNumeric(fn, rows, "error", opts.error);
    if (opts.logY) {
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
    const y = JSON.stringify(opts.y), e = JSON.stringify(opts.error);
    edges = [`datum[${y}] - datum[${e}]`, `datum[${y}] + datum[${e}]`];
  } else if (opts.lower !== undefined && opts.upper !== undefined) {
    checkNumeric(fn, rows, "lower", opts.lower, opts.logY);
    checkNumeric(fn, rows, "upper", opts.upper, opts.logY);
    edges = [`datum[${JSON.stringify(opts.lower)}]`, `datum[${JSON.stringify(opts.upper)}]`];
  }

  const width = figureWidth(opts.width);
  const categories = uniqueValues(rows, opts.x);
  const groups = opts.group ? uniqueValues(rows, opts.group) : [];
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
  const yValues = rows.flatMap((r) => {
    const y = r[opts.y] as number;
    if (opts.error !== undefined) {
      const e = r[opts.error] as number;
      return [y, y - e, y + e];
    }
    if (opts.lower !== undefined && opts.upper !== undefined) {
      return [y, r[opts.lower] as number, r[opts.upper] as number];
    }
    return [y];
  });
  const power = checkExponent(fn, opts.yExponent, opts.logY, yValues);
  // Unstacked: a stack starts at 0, which a log scale cannot show; the bars rise from the axis.
  // The axis starts at the power of ten below the lowest value, so the shortest bar shows.
  const floor = opts.logY ? 10 ** Math.floor(Math.log10(minOf(yValues)) - 1e-9) : 0;
  const yScale = opts.logY
    ? { scale: { type: "log", nice: false, domainMin: floor }, stack: null }
    : {};
  const yAxis = power === 0 ? {} : { axis: { labelExpr: exponentLabels(power, yValues, true) } };
  const color = seriesColor(opts.group, groups, width, { symbol: "square" });
  const layer: Record<string, unknown>[] = [{
    mark: { type: "bar" },
    encoding: {
      x,
      ...xOffset,
      y: {
        field: vlField(opts.y),
        type: "quantitative",
        title: (opts.yTitle ?? opts.y) + exponentSuffix(power),
        ...yScale,
        ...yAxis,
      },
      color,
    },
  }];
  if (edges) {
    layer.push({
      transform: [{ calculate: edges[0], as: "__lower" }, { calculate: edges[1], as: "__upper" }],
      mark: { type: "rule", color: "#222222", strokeWidth: 1 },
      encoding: {
        x,
        ...xOffset,
        y: { field: "__lower", type: "quantitative", ...yScale },
        y2: { field: "__upper" },
      },
    });
  }
  const { spec, layout } = frame(rows, { layer }, opts, {
    y: opts.logY
      ? { values: [floor, ...yValues], log: true }
      : { values: power === 0 ? yValues : yValues.map((v) => v / 10 ** power), zero: true },
  });
  fitBandLabels(spec, width - layout.yAxisWidth - 2 * FIGURE_PADDING);
  const lines = [
    `Bar chart${opts.title ? ` "${opts.title}"` : ""}: ${opts.y} per ${opts.x}` +
    `${opts.group ? ` and ${opts.group}` : ""} (${rows.length} bars` +
    `${opts.error ? `, error bars ± ${opts.error}` : opts.lower ? ", error bars" : ""}).`,
  ];
  for (const c of categories) {
    const cells = rows.filter((r) => String(r[opts.x]) === String(c)).map((r) =>
      `${opts.group ? `${r[opts.group]} ` : ""}${fmt(r[opts.y] as number)}` +
      (opts.error ? ` ± ${fmt(r[opts.error] as number)}` : "")
    );
    lines.push(`${c}: ${cells.join("; ")}.`);
  }
  return {
    name: opts.name ?? "grouped_bars",
    title: opts.title,
    spec,
    rows,
    summary: lines.join("\n"),
    layout,
  };
}
