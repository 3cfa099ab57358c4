/**
 * The paper's own numbers drawn beside ours: a reference point (or a
 * horizontal rule) per value the paper reports, in black, named "paper" in
 * a legend of its own, so a reader compares the two without a table.
 *
 * @module
 */
import type { Category, Chart, Row, VegaLiteSpec } from "./types.ts";
import { specAndLayers } from "./spec_walk.ts";

/**
 * One number the paper reports: at `x` (an x-axis value of the chart; omit
 * it for a horizontal rule across the plot), value `y`, optionally for one
 * `series` (drawn in that series' colour, with a black outline).
 *
 * @category Charts
 */
export interface PaperValue {
  /** Where on the x axis (a number or category of the chart's x field); none: a rule. */
  readonly x?: number | string;
  /** The paper's value, in the units of the chart's y axis. */
  readonly y: number;
  /** The series (a value of the chart's colour field) the value belongs to. */
  readonly series?: Category;
}

/** Options of {@link withPaper}. */
export interface PaperOptions {
  /** The legend's label (default "paper"); say which table or figure when it helps. */
  readonly label?: string;
}

/** The field that marks a row as the paper's (it holds the legend label). */
const PAPER = "__paper";

/** The layer (or the single view) that draws the chart's x and y, with their encodings. */
function mainView(spec: VegaLiteSpec): Record<string, Record<string, unknown>> {
  for (const s of specAndLayers(spec)) {
    const enc = s.encoding as Record<string, Record<string, unknown>> | undefined;
    if (enc?.x?.field !== undefined && enc?.y?.field !== undefined) return enc;
  }
  throw new Error(
    "withPaper: the chart has no view with both an x and a y field; apply it to a single " +
      "panel (before hconcat/vconcat/facet).",
  );
}

/**
 * Add the paper's values to a one-panel chart: black-edged diamonds at
 * (x, y), or dashed black rules at y when `x` is omitted, with a legend entry
 * "paper". The x and y scales are shared with the chart's (its log axes
 * included), so the values must be drawable there.
 *
 * @throws Error when `values` is empty, a y is not finite (or not > 0 on a log
 *   y axis), a value names a series while the chart has no colour field, or the
 *   chart is composed of several panels.
 *
 * @example
 * ```ts
 * const chart = withPaper(lineBand(rows, { x: "k", y: "acc" }), [{ x: 1, y: 0.319 }]);
 * ```
 *
 * @category Charts
 */
export function withPaper(
  chart: Chart,
  values: readonly PaperValue[],
  opts: PaperOptions = {},
): Chart {
  const spec = structuredClone(chart.spec) as VegaLiteSpec;
  if (spec.hconcat || spec.vconcat || spec.facet || spec.concat) mainView({}); // throws
  if (!values.length) throw new Error("withPaper: no values given; pass at least one.");
  const enc = mainView(spec);
  const logY = (enc.y.scale as { type?: string } | undefined)?.type === "log";
  const color = enc.color as Record<string, unknown> | undefined;
  values.forEach((v, i) => {
    if (!Number.isFinite(v.y) || (logY && !(v.y > 0))) {
      throw new Error(`withPaper: values[${i}].y must be a finite number (> 0 on a log axis).`);
    }
    if (v.series !== undefined && color?.field === undefined) {
      throw new Error(`withPaper: values[${i}] names a series, but the chart has no colour field.`);
    }
  });
  const label = opts.label ?? "paper";
  // The chart's own field names, so the scales' domains (and their sort orders) unite.
  const [xf, yf, cf] = [enc.x.field, enc.y.field, color?.field] as string[];
  const rows: Row[] = values.map((v) => ({
    [xf]: v.x ?? null,
    [yf]: v.y,
    ...(cf === undefined ? {} : { [cf]: v.series ?? null }),
    [PAPER]: label,
  }));
  const x = { ...enc.x, axis: undefined, title: undefined };
  const legend = {
    orient: "top",
    direction: "horizontal",
    title: null,
    columns: 1,
    // Vega-Lite strokes a filled point's legend symbol with "transparent": set it outright.
    encode: {
      symbols: {
        update: {
          fill: { value: "#ffffff" },
          stroke: { value: "#000000" },
          strokeWidth: { value: 1.5 },
          opacity: { value: 1 },
        },
      },
    },
  };
  // The series' own colour encoding (one scale, one legend); a filled point takes it as its fill.
  const fill = color?.field === undefined ? {} : { color };
  const points = rows.filter((r) => r[xf] !== null), rules = rows.filter((r) => r[xf] === null);
  const layers: VegaLiteSpec[] = [];
  if (rules.length) {
    layers.push({
      data: { values: rules },
      mark: { type: "rule", strokeWidth: 1, color: "#000000" },
      encoding: {
        y: { field: yf, type: "quantitative", scale: enc.y.scale },
        strokeDash: {
          datum: label,
          type: "nominal",
          scale: { domain: [label], range: [[2, 2]] },
          legend: { ...legend, symbolType: "stroke", symbolStrokeColor: "#000000" },
        },
      },
    });
  }
  if (points.length) {
    layers.push({
      data: { values: points },
      mark: {
        type: "point",
        filled: true,
        size: 46,
        stroke: "#000000",
        strokeWidth: 1.1,
        ...(color?.field === undefined ? { fill: "#ffffff" } : {}),
      },
      encoding: {
        x,
        y: { field: yf, type: "quantitative", scale: enc.y.scale },
        ...fill,
        shape: {
          datum: label,
          type: "nominal",
          scale: { domain: [label], range: ["diamond"] },
          legend,
        },
        ...(enc.xOffset ? { xOffset: enc.xOffset } : {}),
      },
    });
  }
  const body = spec.layer
    ? { ...spec, layer: [...(spec.layer as VegaLiteSpec[]), ...layers] }
    : wrapSingle(spec, layers);
  const lines = values.map((v) =>
    `${v.series !== undefined ? `${v.series} ` : ""}${v.x !== undefined ? `at ${v.x}: ` : ""}${v.y}`
  );
  return {
    ...chart,
    spec: body,
    summary: `${chart.summary}\nThe paper's values (${label}): ${lines.join("; ")}.`,
  } as Chart;
}

/** A single-view spec turned into a layer of its own plus `layers`, its frame kept outside. */
function wrapSingle(spec: VegaLiteSpec, layers: VegaLiteSpec[]): VegaLiteSpec {
  const { mark, encoding, transform, params, ...outer } = spec;
  const own: VegaLiteSpec = { mark, encoding };
  if (transform) own.transform = transform;
  if (params) own.params = params;
  return { ...outer, layer: [own, ...layers] };
}
