/**
 * Line chart with an error band: a Monte Carlo mean with its uncertainty,
 * one line per series, optionally with the closed-form theory drawn dashed
 * over it (DESIGN.md principle 4: theory next to simulation), on linear or
 * log axes.
 *
 * @module
 */
import { logTickValues, paddedLogDomain, tickDigits } from "./axis_space.ts";
import {
  type Category,
  type Chart,
  datumRef,
  fmt,
  type FrameOptions,
  type Row,
  seriesColor,
  topLegend,
  uniqueValues,
  vlField,
} from "./chart.ts";
import { bandEdges, bandValues, chartOf, checkChart, checkNumeric, seriesOf } from "./builder.ts";
import {
  axisExponent,
  BAND_STYLE,
  DASHES,
  defaultHeight,
  exponentSuffix,
  figureWidth,
  THEORY_STYLE,
} from "./theme.ts";
import { maxOf, minOf } from "./min_max.ts";

/**
 * What {@link lineBand} draws. Fields name keys of the rows.
 *
 * @category Chart builders
 */
export interface LineBandOptions extends FrameOptions {
  /** Field on the x axis (numeric). */
  x: string;
  /** Field holding the line's value, e.g. the mean over students. */
  y: string;
  /** Field holding the band's half-width: the band is y ± band (e.g. 1.96 standard errors). */
  band?: string;
  /** Field holding the band's lower edge (with `upper`, instead of `band`). */
  lower?: string;
  /** Field holding the band's upper edge. */
  upper?: string;
  /** Field whose values split the rows into coloured series. */
  series?: string;
  /** Field(s) holding closed-form values at each row's x, drawn as dashed lines. */
  theory?: string | readonly string[];
  /** Legend label of the simulated (solid) line (default "simulation"). */
  simulationLabel?: string;
  /**
   * Draw the theory lines only for these values of `series` (default: for
   * every series); rows of the other series need no theory value.
   */
  theorySeries?: readonly Category[];
  /** Legend label per theory field (default "theory", or the field names when several). */
  theoryLabels?: Readonly<Record<string, string>>;
  /** Log-scaled x axis (every x must be > 0). */
  logX?: boolean;
  /** Log-scaled y axis (every y, band edge and theory value must be > 0). */
  logY?: boolean;
  /** Draw a point at each x (default: when there are at most 20 distinct x). */
  points?: boolean;
  /**
   * Shade the band (default true). false draws only its two edges as thin
   * lines in the series' colour: for several bands that overlap, whose
   * stacked fills would turn muddy.
   */
  bandFill?: boolean;
  /**
   * End a linear y axis on labelled ticks (default false): the domain is made
   * nice to the axis' own tick count (one tick per 40 points of height), not
   * to Vega's default of 10, so its top is always a labelled tick. Panels of
   * a facet with independent y then all reach equally high above their plots,
   * and their headers line up.
   */
  yEndsOnTicks?: boolean;
  /**
   * Power of ten the y axis labels are divided by, named in the title as
   * "(×10⁻³)". Default "auto": the house rule of `axisExponent` (only when
   * the values are below 0.01 or from 10⁴ up); 0 for none. Not on log axes.
   */
  yExponent?: number | "auto";
}

const LO = "__lower", HI = "__upper";

/**
 * A line per series with a shaded band and optional dashed theory lines.
 *
 * @throws Error when `rows` is empty, a named field is missing or not a
 *   finite number, both `band` and `lower`/`upper` (or only one edge) are
 *   given, or a value on a log axis is <= 0 (including band edges).
 *
 * @example
 * ```ts
 * const rows = [0, 0.5, 1].map((s2) => ({ s2, mean: 2 * s2, se: 0.1, theory: 2 * s2 }));
 * const chart = lineBand(rows, { x: "s2", y: "mean", band: "se", theory: "theory" });
 * ```
 */
export function lineBand(rows: readonly Row[], opts: LineBandOptions): Chart {
  const fn = "lineBand";
  const { theory, theoryRows, edges, seriesValues } = checkLineBand(fn, rows, opts);
  const width = figureWidth(opts.width);
  const yValues = [
    ...theoryRows.flatMap((r) => theory.map((t) => r[t] as number)),
    ...bandValues(rows, opts, opts.band),
  ];
  const power = checkExponent(fn, opts.yExponent, opts.logY, yValues);
  const height = opts.height ?? defaultHeight(width);
  const yLog = opts.logY ? logAxis(yValues, height) : undefined;
  const yTicks = opts.yEndsOnTicks && !opts.logY ? Math.max(2, Math.ceil(height / 40)) : 0;
  const simLabel = opts.simulationLabel ?? "simulation";
  const theoryLabel = (t: string) => opts.theoryLabels?.[t] ?? (theory.length > 1 ? t : "theory");
  const dashDomain = [simLabel, ...theory.map(theoryLabel)];
  const dashScale = {
    domain: dashDomain,
    range: dashDomain.map((_, i) => DASHES[i % DASHES.length]),
  };
  const shared: Shared = {
    x: {
      field: vlField(opts.x),
      type: "quantitative",
      title: opts.xTitle ?? opts.x,
      scale: opts.logX ? { type: "log", nice: false } : { zero: false },
      ...singleX(rows, opts),
      ...fewLogX(rows, opts),
    },
    yScale: yLog ? yLog.scale : { zero: false, ...(yTicks ? { nice: yTicks } : {}) },
    yTitle: (opts.yTitle ?? opts.y) + exponentSuffix(power),
    yAxis: yLog
      ? {
        axis: {
          values: yLog.ticks,
          tickCount: yLog.ticks.length,
          labelExpr: 'format(datum.value, "~g")',
        },
      }
      : linearAxis(yTicks, power === 0 ? undefined : exponentLabels(power, yValues)),
    color: seriesColor(opts.series, seriesValues, width),
    // One scale for both layers, a legend object each (legends are fitted in place).
    dash: () => ({
      type: "nominal",
      scale: dashScale,
      legend: topLegend(dashDomain, width),
      title: null,
    }),
  };
  const layer = edges ? bandLayers(opts, edges, shared) : [];
  layer.push(simulationLayer(rows, opts, theory.length > 0, simLabel, shared));
  if (theory.length) layer.push(...theoryLayers(opts, theory, theoryLabel, shared));
  return chartOf("line_band", rows, { layer }, opts, summarize(rows, opts, theory, seriesValues), {
    y: {
      values: yLog
        ? [...yLog.scale.domain, ...yValues]
        : power === 0
        ? yValues
        : yValues.map((v) => v / 10 ** power),
      log: opts.logY,
    },
    x: { values: rows.map((r) => r[opts.x] as number), log: opts.logX },
  });
}

/**
 * A log y axis over `values`: its domain padded so that no curve lies on the
 * axis line, and labelled ticks as dense as the plot's `height` allows, each
 * with its label (Vega thins given values to its tick count, and its log
 * format blanks all but a few labels).
 */
function logAxis(values: readonly number[], height: number) {
  const domain = paddedLogDomain(minOf(values), maxOf(values));
  return {
    scale: { type: "log", nice: false, domain },
    ticks: logTickValues(domain[0], domain[1], height),
  };
}

/** A linear y axis's options: its tick count (0: Vega's) and label expression, if any. */
function linearAxis(tickCount: number, labelExpr?: string): Record<string, unknown> {
  const axis = {
    ...(tickCount ? { tickCount } : {}),
    ...(labelExpr === undefined ? {} : { labelExpr }),
  };
  return Object.keys(axis).length ? { axis } : {};
}

/** The encodings every layer of a line-band chart shares. */
interface Shared {
  x: Record<string, unknown>;
  yScale: Record<string, unknown>;
  yTitle: string;
  yAxis: Record<string, unknown>;
  color: Record<string, unknown>;
  /** The strokeDash encoding (without its datum or field): simulation solid, theory dashed. */
  dash: () => Record<string, unknown>;
}

/**
 * The options checked; the theory fields, the rows that carry them, the
 * band's two edges as Vega expressions and the series' values.
 */
function checkLineBand(fn: string, rows: readonly Row[], opts: LineBandOptions) {
  checkChart(fn, rows, opts);
  const theory = opts.theory === undefined
    ? []
    : typeof opts.theory === "string"
    ? [opts.theory]
    : [...opts.theory];
  checkNumeric(fn, rows, "x", opts.x, opts.logX);
  checkNumeric(fn, rows, "y", opts.y, opts.logY);
  const theoryRows = theoryRowsOf(fn, rows, opts, theory);
  for (const t of theory) checkNumeric(fn, theoryRows, "theory", t, opts.logY);
  const seriesValues = seriesOf(fn, rows, "series", opts.series);
  const edges = bandEdges(fn, rows, opts, "band", opts.band);
  if (opts.band !== undefined) {
    const b = opts.band;
    rows.forEach((r, i) => {
      const h = r[b] as number;
      if (h < 0) throw new Error(`${fn}: band "${b}" must be >= 0; rows[${i}] has ${h}.`);
      if (opts.logY && !((r[opts.y] as number) - h > 0)) {
        throw new Error(
          `${fn}: on a log y axis the band's lower edge y - band must be > 0; rows[${i}] has ` +
            `${(r[opts.y] as number) - h}. Pass lower/upper computed on the log scale instead.`,
        );
      }
    });
  }
  return { theory, theoryRows, edges, seriesValues };
}

/** The shaded band between `edges`, and both edges as thin lines. */
function bandLayers(
  opts: LineBandOptions,
  edges: [string, string],
  shared: Shared,
): Record<string, unknown>[] {
  const { x, yScale, color } = shared;
  const transform = [{ calculate: edges[0], as: LO }, { calculate: edges[1], as: HI }];
  const layer: Record<string, unknown>[] = opts.bandFill === false ? [] : [{
    transform,
    mark: { type: "area", opacity: BAND_STYLE.fillOpacity, line: false },
    encoding: {
      x,
      y: { field: LO, type: "quantitative", scale: yScale, title: shared.yTitle, ...shared.yAxis },
      y2: { field: HI },
      color,
    },
  }];
  // Both edges as thin lines: overlapping bands stay told apart.
  for (const edge of [LO, HI]) {
    layer.push({
      transform,
      mark: { type: "line", strokeWidth: BAND_STYLE.edgeWidth, opacity: BAND_STYLE.edgeOpacity },
      encoding: {
        x,
        y: { field: edge, type: "quantitative", scale: yScale },
        color,
        ...(opts.series ? { detail: { field: vlField(opts.series) } } : {}),
      },
    });
  }
  return layer;
}

/** The simulated line (with points when there are few x), named in the dash legend beside theory. */
function simulationLayer(
  rows: readonly Row[],
  opts: LineBandOptions,
  withTheory: boolean,
  simLabel: string,
  shared: Shared,
): Record<string, unknown> {
  const showPoints = opts.points ?? uniqueValues(rows, opts.x).length <= 20;
  return {
    mark: showPoints ? { type: "line", point: true } : { type: "line" },
    encoding: {
      x: shared.x,
      y: {
        field: vlField(opts.y),
        type: "quantitative",
        scale: shared.yScale,
        title: shared.yTitle,
        ...shared.yAxis,
      },
      color: shared.color,
      ...(withTheory ? { strokeDash: { datum: simLabel, ...shared.dash() } } : {}),
    },
  };
}

/**
 * The theory fields folded into one dashed line each (only for `theorySeries`
 * when given), in the series' colour, with a thin dark dash of the same
 * pattern on top: where the theory coincides with the simulation (a theorem
 * that holds exactly), the dark dash still shows along the solid line.
 */
function theoryLayers(
  opts: LineBandOptions,
  theory: string[],
  theoryLabel: (t: string) => string,
  shared: Shared,
): Record<string, unknown>[] {
  const kind = theory.reduceRight(
    (acc, t) =>
      `${datumRef("__curve")} === ${JSON.stringify(t)} ? ${
        JSON.stringify(theoryLabel(t))
      } : ${acc}`,
    JSON.stringify(theoryLabel(theory[0])),
  );
  const transform = [
    ...(opts.theorySeries
      ? [{ filter: { field: vlField(opts.series!), oneOf: [...opts.theorySeries] } }]
      : []),
    { fold: theory.map(vlField), as: ["__curve", "__value"] },
    { calculate: kind, as: "__kind" },
  ];
  const y = { field: "__value", type: "quantitative", scale: shared.yScale };
  return [{
    transform,
    mark: { type: "line", strokeWidth: THEORY_STYLE.width },
    encoding: {
      x: shared.x,
      y,
      color: shared.color,
      strokeDash: { field: "__kind", ...shared.dash() },
    },
  }, {
    transform,
    mark: { type: "line", strokeWidth: THEORY_STYLE.coreWidth, color: THEORY_STYLE.coreColor },
    encoding: {
      x: shared.x,
      y,
      ...(opts.series ? { detail: { field: vlField(opts.series) } } : {}),
      // The same scale and legend as the coloured dash (one legend, no conflicting properties).
      strokeDash: { field: "__kind", ...shared.dash() },
    },
  }];
}

/**
 * The power of ten for the y axis: `yExponent` checked, or the house rule's
 * for "auto"/undefined (0 on a log axis).
 *
 * @throws Error when `yExponent` is not "auto" or an integer, or is non-zero on a log axis.
 */
export function checkExponent(
  fn: string,
  yExponent: number | "auto" | undefined,
  log: boolean | undefined,
  values: readonly number[],
): number {
  if (yExponent === undefined || yExponent === "auto") return log ? 0 : axisExponent(values);
  if (!Number.isInteger(yExponent) || Math.abs(yExponent) > 30) {
    throw new Error(
      `${fn}: yExponent must be "auto" or an integer power of ten; got ${yExponent}.`,
    );
  }
  if (log && yExponent !== 0) {
    throw new Error(`${fn}: yExponent applies to a linear y axis; drop it or logY.`);
  }
  return yExponent;
}

/**
 * A Vega label expression showing an axis value divided by 10^power with the
 * decimals Vega would give the divided values (`values`: every value drawn,
 * `zero`: the scale includes 0), so "0.0, 0.5, ..., 2.5 (×10⁻³)" reads like
 * any other axis.
 */
export function exponentLabels(power: number, values: readonly number[], zero = false): string {
  const scaled = values.filter(Number.isFinite).map((v) => v / 10 ** power);
  let lo = minOf(scaled), hi = maxOf(scaled);
  if (zero) lo = Math.min(lo, 0), hi = Math.max(hi, 0);
  const digits = tickDigits(lo, hi);
  return `format(datum.value / ${10 ** power}, ",.${digits}f")`;
}

function summarize(
  rows: readonly Row[],
  opts: LineBandOptions,
  theory: string[],
  series: Category[],
): string {
  const lines = [
    `Line chart${opts.title ? ` "${opts.title}"` : ""}: ${opts.y} against ${opts.x}` +
    `${opts.logX ? " (log x)" : ""}${opts.logY ? " (log y)" : ""}, ${rows.length} rows.`,
  ];
  const groups = opts.series ? series : [undefined];
  for (const g of groups) {
    const rs = rows
      .filter((r) => g === undefined || String(r[opts.series as string]) === String(g))
      .slice()
      .sort((a, b) => (a[opts.x] as number) - (b[opts.x] as number));
    const first = rs[0], last = rs[rs.length - 1];
    lines.push(
      `${g === undefined ? "" : `${opts.series} = ${g}: `}${opts.y} goes from ` +
        `${fmt(first[opts.y] as number)} at ${opts.x} = ${fmt(first[opts.x] as number)} to ` +
        `${fmt(last[opts.y] as number)} at ${opts.x} = ${fmt(last[opts.x] as number)} ` +
        `(${rs.length} points).`,
    );
  }
  if (opts.band) lines.push(`Band: ${opts.y} ± ${opts.band}.`);
  else if (opts.lower) lines.push(`Band: from ${opts.lower} to ${opts.upper}.`);
  if (theory.length) {
    lines.push(
      `Dashed: ${theory.join(", ")} (closed form)` +
        `${opts.theorySeries ? `, for ${opts.theorySeries.join(", ")} only` : ""}.`,
    );
  }
  return lines.join("\n");
}

/** The rows that carry theory values: all, or those of `theorySeries`. */
function theoryRowsOf(
  fn: string,
  rows: readonly Row[],
  opts: LineBandOptions,
  theory: string[],
): readonly Row[] {
  if (opts.theorySeries === undefined) return rows;
  if (!theory.length || opts.series === undefined || !Array.isArray(opts.theorySeries)) {
    throw new Error(
      `${fn}: theorySeries needs theory, series and a list of series values; pass all three.`,
    );
  }
  const keep = new Set(opts.theorySeries.map(String));
  const out = rows.filter((r) => keep.has(String(r[opts.series!])));
  if (!out.length) {
    throw new Error(
      `${fn}: no row has ${opts.series} in theorySeries (${[...keep].join(", ")}); ` +
        "pass values the series field holds.",
    );
  }
  return out;
}

/**
 * One distinct x (a sweep of one level, as at smoke scale): a domain of ±10% around it (±1 at
 * 0) with that one value as the axis's only tick, labelled as the rows hold it (Vega would
 * otherwise label a zero-width domain "1.000000").
 */
function singleX(rows: readonly Row[], opts: LineBandOptions): Record<string, unknown> {
  const xs = uniqueValues(rows, opts.x) as number[];
  if (xs.length !== 1 || opts.logX) return {};
  const x = xs[0], d = x === 0 ? 1 : Math.abs(x) * 0.1;
  return { scale: { zero: false, domain: [x - d, x + d] }, axis: { values: [x], format: "~g" } };
}

/**
 * A log x axis over at most 8 distinct x (a sweep of a few sizes, as 1, 2, 5, 10, 20): its
 * ticks and labels at exactly those values, so every level drawn is named (Vega's own log
 * ticks can drop one of them, e.g. "10" beside "9").
 */
function fewLogX(rows: readonly Row[], opts: LineBandOptions): Record<string, unknown> {
  const xs = uniqueValues(rows, opts.x) as number[];
  if (!opts.logX || xs.length > 8) return {};
  return { axis: { values: [...xs].sort((a, b) => a - b), format: "~g", labelOverlap: false } };
}
