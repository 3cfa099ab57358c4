/**
 * How much room a y axis takes beside its plot, worked out before Vega lays
 * the figure out: the tick labels Vega will draw for the data's range (its
 * default nice domain, ticks and number format), measured with DejaVu Sans's
 * real advance widths, plus ticks, paddings and the rotated title. Multi-panel
 * figures cannot use Vega's `autosize: fit`, so they split the page with this.
 *
 * @module
 */
import { textWidth } from "./fonts.ts";
import { FONT_SIZES } from "./theme.ts";
import { maxOf, minOf } from "./min_max.ts";

/** Axis geometry of the theme (themeConfig's axis block), in points. */
export const AXIS_GEOMETRY = { tickSize: 3, labelPadding: 2, titlePadding: 4 } as const;

/** The y values a chart draws and how its y scale treats them. */
export interface YExtent {
  /** Every y value drawn (lines, band edges, theory curves, bar tops, error bars). */
  values: readonly number[];
  /** Log-scaled y axis (no nice domain: Vega-Lite's `nice: false` in the builders). */
  log?: boolean;
  /** The scale includes 0 (Vega-Lite's default for bars). */
  zero?: boolean;
}

const E10 = Math.sqrt(50), E5 = Math.sqrt(10), E2 = Math.sqrt(2);

/** The "nice" tick step (1, 2 or 5 times a power of ten) for about `count` ticks over [lo, hi]. */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = Math.floor(Math.log10(raw));
  const err = raw / 10 ** power;
  const factor = err >= E10 ? 10 : err >= E5 ? 5 : err >= E2 ? 2 : 1;
  return factor * 10 ** power;
}

/** Round [lo, hi] outwards to multiples of the tick step for `count` ticks, until stable. */
export function niceDomain(lo: number, hi: number, count = 10): [number, number] {
  let a = lo, b = hi, prev = NaN;
  for (let i = 0; i < 10; i++) {
    const step = tickStep(a, b, count);
    if (step === prev) break;
    a = Math.floor(a / step) * step;
    b = Math.ceil(b / step) * step;
    prev = step;
  }
  return [a, b];
}

/** Format `v` with `digits` decimals, thousands grouped by commas and a true minus sign. */
function fixed(v: number, digits: number): string {
  const s = Math.abs(v).toFixed(digits);
  const [int, frac] = s.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const neg = v < 0 && Number(s) !== 0;
  return `${neg ? "\u2212" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/**
 * The tick labels of a linear axis over [lo, hi] as Vega draws them by
 * default: the domain made nice, about `count` ticks, fixed decimals for the
 * step (e.g. 0.0000, 0.0005, ..., 0.0025), commas for thousands.
 */
export function linearTickLabels(lo: number, hi: number, count = 5): string[] {
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const [a, b] = niceDomain(lo, hi);
  const step = tickStep(a, b, count);
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out: string[] = [];
  const first = Math.ceil(a / step - 1e-9), last = Math.floor(b / step + 1e-9);
  for (let i = first; i <= last && out.length < 100; i++) out.push(fixed(i * step, digits));
  return out;
}

/** Decimals Vega's default format gives the tick labels of a linear axis over [lo, hi]. */
export function tickDigits(lo: number, hi: number, count = 5): number {
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const [a, b] = niceDomain(lo, hi);
  return Math.max(0, -Math.floor(Math.log10(tickStep(a, b, count)) + 1e-9));
}

/** Labels a log axis over [lo, hi] (both > 0) may draw: 1, 2 and 5 times powers of ten. */
export function logTickLabels(lo: number, hi: number): string[] {
  const out: string[] = [];
  const k0 = Math.floor(Math.log10(lo)), k1 = Math.ceil(Math.log10(hi));
  for (let k = k0; k <= k1 && out.length < 100; k++) {
    for (const d of [1, 2, 5]) {
      const v = d * 10 ** k;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(String(Number(v.toPrecision(6))));
    }
  }
  return out.length ? out : [String(Number(lo.toPrecision(3))), String(Number(hi.toPrecision(3)))];
}

/**
 * Where a log axis over [lo, hi] (both > 0), `length` points long, puts its
 * labelled ticks: the densest of the mantissa sets 1; 1, 2, 5; 1, 2, 3, 5;
 * 1, 2, 3, 4, 6, 8; 1, 2, 3, 4, 5, 6, 8 (times powers of ten) whose closest
 * two ticks are at least `gap` points apart (an 8-pt label and Vega's 3-pt
 * label separation, with 1 pt to spare), so an axis spanning a decade or two
 * still labels 0.6 and 0.8 between 0.4 and 1 (Vega's default culls them).
 *
 * @example
 * ```ts
 * logTickValues(0.19, 4.2, 200); // [0.2, 0.3, 0.4, 0.6, 0.8, 1, 2, 3, 4]
 * ```
 */
export function logTickValues(lo: number, hi: number, length: number, gap = 12): number[] {
  // Ordered from sparse to dense: each set's closest pair is closer than the last's.
  const sets = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 6, 8], [1, 2, 3, 4, 5, 6, 8]];
  const perDecade = length / Math.max(1e-12, Math.log10(hi / lo));
  const valuesOf = (set: number[]) => {
    const out: number[] = [];
    const k0 = Math.floor(Math.log10(lo)), k1 = Math.ceil(Math.log10(hi));
    for (let k = k0; k <= k1 && out.length < 200; k++) {
      for (const d of set) {
        const v = Number((d * 10 ** k).toPrecision(6));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  };
  let best = valuesOf(sets[0]);
  for (const set of sets.slice(1)) {
    const vs = valuesOf(set);
    const closest = Math.min(...vs.slice(1).map((v, i) => Math.log10(v / vs[i]) * perDecade));
    if (vs.length > 1 && closest >= gap) best = vs;
  }
  return best.length >= 2 ? best : valuesOf(sets[1]);
}

/**
 * The domain of a log axis drawing `lo`..`hi`: widened on each side by
 * `fraction` of its span in decades (at least 2% of a factor), so the lowest
 * and the highest curve never lie on the axis lines.
 */
export function paddedLogDomain(lo: number, hi: number, fraction = 0.03): [number, number] {
  const pad = Math.max(Math.log10(1.02), fraction * Math.log10(hi / lo));
  return [lo / 10 ** pad, hi * 10 ** pad];
}

/** The y tick labels for the extent (linear or log). */
export function yTickLabels(y: YExtent): string[] {
  const vs = y.values.filter((v) => Number.isFinite(v) && (!y.log || v > 0));
  if (vs.length === 0) return ["0.0", "1.0"];
  let lo = minOf(vs), hi = maxOf(vs);
  if (y.log) return logTickLabels(lo, hi);
  if (y.zero) lo = Math.min(lo, 0), hi = Math.max(hi, 0);
  return linearTickLabels(lo, hi);
}

/**
 * How far the top y tick label reaches above the plot: about half a label's
 * height when a tick sits at the top of the (nice) domain, else 0.
 */
export function yTopOverhang(y: YExtent): number {
  const vs = y.values.filter((v) => Number.isFinite(v) && (!y.log || v > 0));
  if (vs.length === 0 || y.log) return 0;
  let lo = minOf(vs), hi = maxOf(vs);
  if (y.zero) lo = Math.min(lo, 0), hi = Math.max(hi, 0);
  if (lo === hi) return 0;
  const [a, b] = niceDomain(lo, hi);
  const step = tickStep(a, b, 5);
  const top = Math.floor(b / step + 1e-9) * step;
  // A label is centred on its tick: Vega's text bounds reach round(0.8 h) - 0.3 h above it.
  return Math.abs(top - b) < 1e-9 * Math.max(1, Math.abs(b))
    ? Math.ceil(0.5 * FONT_SIZES.label)
    : 0;
}

/** Height Vega gives a line of text set at `fontSize`, and the step between lines. */
export function textHeight(fontSize: number, lines = 1): number {
  // Vega's text bounds: 0.8 h above the anchor plus 0.21 h below it for the first line,
  // then (fontSize + 2) per extra line.
  return Math.round(0.8 * fontSize) + 0.21 * fontSize + (lines - 1) * (fontSize + 2);
}

/**
 * Width, in points, of a left y axis: from the plot's left edge to the
 * outside of its rotated title (`titleLines` lines; 0 for no title).
 *
 * @example
 * ```ts
 * yAxisWidth({ values: [0, 0.0025] }, 1); // labels "0.0000".."0.0025": ~ 45 pt
 * ```
 */
export function yAxisWidth(y: YExtent, titleLines = 1): number {
  const labels = yTickLabels(y);
  const widest = Math.max(0, ...labels.map((s) => textWidth(s, FONT_SIZES.label)));
  const g = AXIS_GEOMETRY;
  const title = titleLines > 0 ? g.titlePadding + textHeight(FONT_SIZES.title, titleLines) : 0;
  return g.tickSize + g.labelPadding + widest + title;
}

/**
 * Break `text` at spaces into lines no wider than `maxWidth` points at
 * `fontSize` and `weight` (a word wider than that gets a line of its own).
 */
export function wrapText(
  text: string,
  maxWidth: number,
  fontSize: number,
  weight: "normal" | "bold" = "normal",
): string[] {
  const words = text.split(/\s+/).filter((w) => w !== "");
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && textWidth(next, fontSize, weight) > maxWidth) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines.length ? lines : [text];
}
