/**
 * Line chart with an error band: a Monte Carlo mean with its uncertainty,
 * one line per series, optionally with the closed-form theory drawn dashed
 * over it (DESIGN.md principle 4: theory next to simulation), on linear or
 * log axes.
 *
 * @module
 */
import {
  type Category,
  type Chart,
  checkNumeric,
  checkPresent,
  checkRows,
  datumRef,
  fmt,
  frame,
  type FrameOptions,
  type Row,
  seriesColor,
  topLegend,
  uniqueValues,
  vlField,
} from "./chart.ts";
import { DASHES, figureWidth } from "./theme.ts";

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
  /** Opacity of the bands (default 0.2); lower it when several bands overlap. */
  bandOpacity?: number;
  /** Outline each band with thin lines in its series' colour, so overlapping bands stay apart. */
  bandEdges?: boolean;
  /** Field holding the band's lower edge (with `upper`, instead of `band`). */
  lower?: string;
  /** Field holding the band's upper edge. */
  upper?: string;
  /** Field whose values split the rows into coloured series. */
  series?: string;
  /** Field(s) holding closed-form values at each row's x, drawn as dashed lines. */
  theory?: string | readonly string[];
  /**
   * Draw the theory lines only for these values of `series` (default: for
   * every series); rows of the other series need no theory value.
   */
  theorySeries?: readonly Category[];
  /** Legend label of the simulated (solid) line (default "simulation"). */
  simulationLabel?: string;
  /** Legend label per theory field (default "theory", or the field names when several). */
  theoryLabels?: Readonly<Record<string, string>>;
  /** Log-scaled x axis (every x must be > 0). */
  logX?: boolean;
  /** Log-scaled y axis (every y, band edge and theory value must be > 0). */
  logY?: boolean;
  /** Draw a point at each x (default: when there are at most 20 distinct x). */
  points?: boolean;
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
 *
 * @category Chart builders
 */
export function lineBand(rows: readonly Row[], opts: LineBandOptions): Chart {
  const fn = "lineBand";
  checkRows(fn, rows);
  if (!opts || typeof opts !== "object") throw new Error(`${fn}: opts is required.`);
  const theory = opts.theory === undefined
    ? []
    : typeof opts.theory === "string"
    ? [opts.theory]
    : [...opts.theory];
  checkNumeric(fn, rows, "x", opts.x, opts.logX);
  checkNumeric(fn, rows, "y", opts.y, opts.logY);
  if (opts.series !== undefined) checkPresent(fn, rows, "series", opts.series);
  const theoryRows = theoryRowsOf(fn, rows, opts, theory);
  for (const t of theory) checkNumeric(fn, theoryRows, "theory", t, opts.logY);
  if (opts.band !== undefined && (opts.lower !== undefined || opts.upper !== undefined)) {
    throw new Error(`${fn}: give either band (a half-width) or lower and upper, not both.`);
  }
  if ((opts.lower === undefined) !== (opts.upper === undefined)) {
    throw new Error(`${fn}: lower and upper go together; pass both or neither.`);
  }
  if (opts.bandOpacity !== undefined && !(opts.bandOpacity > 0 && opts.bandOpacity <= 1)) {
    throw new Error(`${fn}: bandOpacity must be in (0, 1]; got ${opts.bandOpacity}.`);
  }
  let edges: [string, string] | undefined;
  if (opts.band !== undefined) {
    checkNumeric(fn, rows, "band", opts.band);
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
    edges = [
      `${datumRef(opts.y)} - ${datumRef(b)}`,
      `${datumRef(opts.y)} + ${datumRef(b)}`,
    ];
  } else if (opts.lower !== undefined && opts.upper !== undefined) {
    checkNumeric(fn, rows, "lower", opts.lower, opts.logY);
    checkNumeric(fn, rows, "upper", opts.upper, opts.logY);
    edges = [datumRef(opts.lower), datumRef(opts.upper)];
  }

  const width = figureWidth(opts.width);
  const xEnc = {
    field: vlField(opts.x),
    type: "quantitative",
    title: opts.xTitle ?? opts.x,
    scale: opts.logX ? { type: "log", nice: false } : { zero: false },
  };
  const yScale = opts.logY ? { type: "log", nice: false } : { zero: false };
  const seriesValues = opts.series ? uniqueValues(rows, opts.series) : [];
  const color = seriesColor(opts.series, seriesValues, width);
  const simLabel = opts.simulationLabel ?? "simulation";
  const theoryLabel = (t: string) => opts.theoryLabels?.[t] ?? (theory.length > 1 ? t : "theory");
  const dashDomain = [simLabel, ...theory.map(theoryLabel)];
  const dashScale = {
    domain: dashDomain,
    range: dashDomain.map((_, i) => DASHES[i % DASHES.length]),
  };
  const showPoints = opts.points ?? uniqueValues(rows, opts.x).length <= 20;

  const layer: Record<string, unknown>[] = [];
  if (edges) {
    layer.push({
      transform: [{ calculate: edges[0], as: LO }, { calculate: edges[1], as: HI }],
      mark: opts.bandEdges
        ? {
          type: "area",
          fillOpacity: opts.bandOpacity ?? 0.2,
          strokeWidth: 0.6,
          strokeOpacity: 0.8,
          line: false,
        }
        : { type: "area", opacity: opts.bandOpacity ?? 0.2, line: false },
      encoding: {
        x: xEnc,
        y: { field: LO, type: "quantitative", scale: yScale, title: opts.yTitle ?? opts.y },
        y2: { field: HI },
        color,
        ...(opts.bandEdges ? { stroke: color } : {}),
      },
    });
  }
  const simLine: Record<string, unknown> = {
    mark: showPoints ? { type: "line", point: true } : { type: "line" },
    encoding: {
      x: xEnc,
      y: {
        field: vlField(opts.y),
        type: "quantitative",
        scale: yScale,
        title: opts.yTitle ?? opts.y,
      },
      color,
      ...(theory.length
        ? {
          strokeDash: {
            datum: simLabel,
            type: "nominal",
            scale: dashScale,
            legend: topLegend(dashDomain, width),
            title: null,
          },
        }
        : {}),
    },
  };
  layer.push(simLine);
  if (theory.length) {
    const kind = theory.reduceRight(
      (acc, t) =>
        `${datumRef("__curve")} === ${JSON.stringify(t)} ? ${
          JSON.stringify(theoryLabel(t))
        } : ${acc}`,
      JSON.stringify(theoryLabel(theory[0])),
    );
    layer.push({
      transform: [
        ...(opts.theorySeries
          ? [{ filter: { field: vlField(opts.series!), oneOf: [...opts.theorySeries] } }]
          : []),
        { fold: theory.map(vlField), as: ["__curve", "__value"] },
        { calculate: kind, as: "__kind" },
      ],
      mark: { type: "line", strokeWidth: 1.2 },
      encoding: {
        x: xEnc,
        y: { field: "__value", type: "quantitative", scale: yScale },
        color,
        strokeDash: {
          field: "__kind",
          type: "nominal",
          scale: dashScale,
          legend: topLegend(dashDomain, width),
          title: null,
        },
      },
    });
  }

  const yValues = theoryRows.flatMap((r) => theory.map((t) => r[t] as number));
  yValues.push(...rows.flatMap((r) => {
    const y = r[opts.y] as number;
    const out = [y];
    if (opts.band !== undefined) {
      out.push(y - (r[opts.band] as number), y + (r[opts.band] as number));
    }
    if (opts.lower !== undefined && opts.upper !== undefined) {
      out.push(r[opts.lower] as number, r[opts.upper] as number);
    }
    return out;
  }));
  const { spec, layout } = frame(rows, { layer }, opts, {
    y: { values: yValues, log: opts.logY },
    x: { values: rows.map((r) => r[opts.x] as number), log: opts.logX },
  });
  return {
    name: opts.name ?? "line_band",
    title: opts.title,
    spec,
    rows,
    summary: summarize(rows, opts, theory, seriesValues),
    layout,
  };
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
