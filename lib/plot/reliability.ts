/**
 * Reliability diagram: a classifier's accuracy against its confidence, bin by
 * bin, next to the diagonal of perfect calibration (accuracy = confidence).
 * One line per model (e.g. teacher and student), points sized by how many
 * test examples fall in the bin, for the calibration views of Section 6.1.
 *
 * The rows are the bins of `reliabilityBins` (lib/uncertainty/calibration.ts)
 * with a field naming the model: a point above the diagonal is a bin where the
 * model is right more often than it is confident (under-confident), below it
 * over-confident.
 *
 * @module
 */
import {
  type Category,
  type Chart,
  DEFAULT_Y_AXIS_WIDTH,
  FIGURE_PADDING,
  fmt,
  type FrameOptions,
  type Row,
  seriesColor,
  topLegend,
  vlField,
} from "./chart.ts";
import { chartOf, checkChart, checkNumeric, seriesOf } from "./builder.ts";
import { textWidth } from "./fonts.ts";
import { figureWidth, FONT_SIZES } from "./theme.ts";

/**
 * The legend entry of the dashed diagonal.
 *
 * @category Chart builders
 */
export const DIAGONAL_LABEL = "perfect calibration (accuracy = confidence)";

/**
 * What {@link reliabilityDiagram} draws. Fields name keys of the rows.
 *
 * @category Chart builders
 */
export interface ReliabilityOptions extends FrameOptions {
  /** Field holding the bin's mean confidence (x axis, in [0, 1]). Default "confidence". */
  confidence?: string;
  /** Field holding the bin's accuracy (y axis, in [0, 1]). Default "accuracy". */
  accuracy?: string;
  /**
   * Field holding the bin's number of examples: sizes the points, and rows with
   * count 0 (the empty bins `reliabilityBins` returns with NaN confidence and
   * accuracy) are left out. Omit to draw every row, all of one size.
   */
  count?: string;
  /** Field whose values are the models compared (colour); omit for one model. */
  series?: string;
  /** Lower end of both axes (default 0; e.g. 1/C, the lowest possible confidence). */
  min?: number;
  /** Title of the dot-size legend (default "examples in bin"); only with `count`. */
  countTitle?: string;
}

/**
 * Accuracy against confidence per bin, one coloured line with points per
 * `series`, over the dashed diagonal y = x (named in the legend: "perfect
 * calibration"); with `count`, dot areas follow the bins' sizes, with a
 * size legend. Both axes run from `min` (default
 * 0) to 1. Can be split into panels with `facet` (the diagonal is drawn from
 * each panel's own rows).
 *
 * @throws Error when `rows` is empty (or holds only empty bins), a named field
 *   is missing or not a finite number (after empty bins are left out), a
 *   confidence or accuracy lies outside [min, 1], a count is negative, or `min`
 *   is not in [0, 1).
 *
 * @example
 * ```ts
 * const rows = [
 *   ...reliabilityBins(pTeacher, yTest, 10, { bins: 10 }).map((b) => ({ ...b, model: "teacher" })),
 *   ...reliabilityBins(pStudent, yTest, 10, { bins: 10 }).map((b) => ({ ...b, model: "student" })),
 * ];
 * reliabilityDiagram(rows, { count: "count", series: "model" });
 * ```
 *
 * @category Chart builders
 */
export function reliabilityDiagram(rows: readonly Row[], opts: ReliabilityOptions = {}): Chart {
  const fn = "reliabilityDiagram";
  checkChart(fn, rows, opts, "must be an object");
  const conf = opts.confidence ?? "confidence";
  const acc = opts.accuracy ?? "accuracy";
  const min = opts.min ?? 0;
  if (typeof min !== "number" || !(min >= 0 && min < 1)) {
    throw new Error(`${fn}: min must be a number in [0, 1) (e.g. 0 or 1/C); got ${min}.`);
  }
  const kept = nonEmptyBins(fn, rows, opts.count);
  checkNumeric(fn, kept, "confidence", conf);
  checkNumeric(fn, kept, "accuracy", acc);
  for (const [arg, field] of [["confidence", conf], ["accuracy", acc]]) {
    kept.forEach((r) => {
      const v = r[field] as number;
      if (v < min - 1e-9 || v > 1 + 1e-9) {
        throw new Error(
          `${fn}: ${arg} "${field}" must lie in [${fmt(min)}, 1]; a row has ${v}` +
            (min > 0 ? " (lower min to show it)." : "."),
        );
      }
    });
  }
  const seriesValues = seriesOf(fn, kept, "series", opts.series);
  const maxCount = opts.count === undefined
    ? 0
    : Math.max(...kept.map((r) => r[opts.count as string] as number));
  const layer = reliabilityLayers(opts, conf, acc, min, seriesValues, maxCount);
  const summary = summarize(kept, conf, acc, opts.count, opts.series, seriesValues, opts.title);
  const height = opts.height ?? figureWidth(opts.width) * 0.62;
  return chartOf("reliability", kept, { layer }, { ...opts, height }, summary, {
    y: { values: [min, 1] },
    x: { values: [min, 1] },
  });
}

/** The rows with a count above 0 (all rows without a count field). */
function nonEmptyBins(fn: string, rows: readonly Row[], count: string | undefined): readonly Row[] {
  if (count === undefined) return rows;
  checkNumeric(fn, rows, "count", count);
  rows.forEach((r, i) => {
    if ((r[count] as number) < 0) {
      throw new Error(`${fn}: count "${count}" must be >= 0; rows[${i}] has ${r[count]}.`);
    }
  });
  const kept = rows.filter((r) => (r[count] as number) > 0);
  if (kept.length === 0) {
    throw new Error(`${fn}: every bin is empty (count 0); there is nothing to draw.`);
  }
  return kept;
}

/** The diagonal, then a line and dots (sized by the bin's count) per series. */
function reliabilityLayers(
  opts: ReliabilityOptions,
  conf: string,
  acc: string,
  min: number,
  seriesValues: Category[],
  maxCount: number,
): Record<string, unknown>[] {
  const width = figureWidth(opts.width);
  const domain = [min, 1];
  const x = {
    field: vlField(conf),
    type: "quantitative",
    title: opts.xTitle ?? "confidence (mean max. probability in bin)",
    scale: { domain, nice: false },
  };
  const y = {
    field: vlField(acc),
    type: "quantitative",
    title: opts.yTitle ?? "accuracy in bin",
    scale: { domain, nice: false },
  };
  const color = seriesColor(opts.series, seriesValues, width, { title: null });
  // Dot area is proportional to the bin's number of examples, and a legend says so.
  const size = opts.count !== undefined
    ? {
      size: {
        field: vlField(opts.count),
        type: "quantitative",
        scale: { type: "sqrt", range: [6, 80], zero: true },
        legend: sizeLegend(
          opts.countTitle ?? "examples in bin",
          maxCount,
          width - DEFAULT_Y_AXIS_WIDTH - 2 * FIGURE_PADDING,
        ),
      },
    }
    : {};
  return [
    {
      // One row per panel (so it also works under facet), drawn as the diagonal y = x.
      transform: [{ aggregate: [{ op: "count", as: "__n" }] }],
      // Its legend entry says what the dashed line means.
      mark: { type: "rule", color: "#999999", strokeWidth: 1 },
      encoding: {
        x: { datum: min, type: "quantitative", scale: { domain, nice: false } },
        y: { datum: min, type: "quantitative", scale: { domain, nice: false } },
        x2: { datum: 1 },
        y2: { datum: 1 },
        strokeDash: {
          datum: DIAGONAL_LABEL,
          type: "nominal",
          scale: { domain: [DIAGONAL_LABEL], range: [[4, 2]] },
          legend: { ...topLegend([DIAGONAL_LABEL], width), symbolStrokeColor: "#999999" },
        },
      },
    },
    {
      mark: { type: "line", strokeWidth: 1.2, opacity: 0.8 },
      encoding: {
        x,
        y,
        color,
        ...(opts.series ? { detail: { field: vlField(opts.series) } } : {}),
      },
    },
    {
      mark: { type: "point", filled: true, opacity: 0.9 },
      encoding: { x, y, color, ...size },
    },
  ];
}

/** Widest dot of the size legend (the size range's 80 square points), with its stroke. */
const SIZE_SYMBOL = Math.sqrt(80) + 2;
/** Room a size-legend entry takes besides its label: dot, gap to the label, column padding. */
const SIZE_ENTRY_EXTRA = SIZE_SYMBOL + 4 + 6;

/**
 * Two or three round counts in (0, max] for the dot-size legend (an empty
 * bin is never drawn, so no entry for 0): multiples of 1, 2 or 5 times a
 * power of ten, e.g. 500, 1,000, 1,500 for a largest bin of 1,537.
 */
export function sizeLegendValues(max: number): number[] {
  if (!(max > 0)) return [];
  if (max < 2) return [max];
  // The largest round step with at least two multiples up to max.
  const p = 10 ** Math.floor(Math.log10(max / 2));
  const step = [5, 2, 1].map((k) => k * p).find((s) => Math.floor(max / s) >= 2) as number;
  return [1, 2, 3].map((k) => k * step).filter((v) => v <= max);
}

/**
 * The dot-size legend: round counts (see {@link sizeLegendValues}), its
 * title left of the dots when all of it fits `room` points, else the title
 * above them (and, if still too wide, the smallest and largest count only),
 * so no label runs past the figure's edge (it used to cut "1,500" to "1,5").
 */
function sizeLegend(title: string, max: number, room: number): Record<string, unknown> {
  const label = (v: number) => v.toLocaleString("en-US");
  const wide = (vs: number[]) =>
    vs.reduce((a, v) => a + textWidth(label(v), FONT_SIZES.label) + SIZE_ENTRY_EXTRA, 0);
  let values = sizeLegendValues(max);
  const titleWidth = textWidth(title, FONT_SIZES.label) + 6;
  const left = titleWidth + wide(values) <= room;
  if (!left && wide(values) > room && values.length > 2) values = [values[0], values.at(-1)!];
  return {
    orient: "top",
    direction: "horizontal",
    title,
    titleOrient: left ? "left" : "top",
    symbolType: "circle",
    symbolFillColor: "#777777",
    symbolStrokeColor: "#777777",
    values,
    labelExpr: "format(datum.value, ',')",
  };
}

function summarize(
  rows: readonly Row[],
  conf: string,
  acc: string,
  count: string | undefined,
  series: string | undefined,
  values: readonly unknown[],
  title: string | undefined,
): string {
  const lines = [
    `Reliability diagram${title ? ` "${title}"` : ""}: ${acc} against ${conf} in ` +
    `${rows.length} non-empty bins, with the diagonal of perfect calibration.`,
  ];
  for (const g of series ? values : [undefined]) {
    const rs = rows.filter((r) => g === undefined || String(r[series as string]) === String(g));
    let n = 0, gap = 0;
    for (const r of rs) {
      const w = count ? (r[count] as number) : 1;
      n += w;
      gap += w * Math.abs((r[acc] as number) - (r[conf] as number));
    }
    lines.push(
      `${g === undefined ? "" : `${series} = ${g}: `}${rs.length} bins, ` +
        `${count ? "count-weighted" : "mean"} |${acc} - ${conf}| = ${fmt(gap / n)}.`,
    );
  }
  return lines.join("\n");
}
