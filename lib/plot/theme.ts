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

/**
 * Dash patterns for lines told apart by kind (solid first), in points. Each
 * period is at most 12 pt, so a legend's 20-pt sample ({@link LEGEND_STROKE_LENGTH})
 * shows at least one and a half periods and no pattern looks solid there (the
 * old fifth pattern, [8, 3], showed one gap in a 11-pt sample and read as solid).
 */
export const DASHES: readonly number[][] = [
  [1, 0], // solid
  [5, 3], // dashed
  [1, 2], // dotted
  [6, 2, 1.5, 2], // dash-dot
  [6, 2, 1.5, 2, 1.5, 2], // dash-dot-dot
];

/** Length, in points, of the line a legend draws as the sample of a line style. */
export const LEGEND_STROKE_LENGTH = 20;

/**
 * How uncertainty bands are drawn: a light fill (overlapping fills of two
 * colours stay told apart, where 0.2 gave one muddy brown) and both edges as
 * thin lines in the series colour, so each band's extent reads even where
 * another covers it.
 */
export const BAND_STYLE = { fillOpacity: 0.12, edgeWidth: 0.7, edgeOpacity: 0.6 } as const;

/**
 * How a closed-form (theory) line is drawn: dashed in the series' colour,
 * `width` points wide, with a `coreWidth`-point dash of the same pattern in
 * `coreColor` on top, so a theory line that coincides with its simulation
 * (drawn solid, 1.5 pt) still shows as a dark dash along it.
 */
export const THEORY_STYLE = { width: 1.6, coreWidth: 0.6, coreColor: "#202020" } as const;

const GREEK: Record<string, string> = {
  alpha: "α",
  beta: "β",
  gamma: "γ",
  delta: "δ",
  epsilon: "ε",
  eta: "η",
  theta: "θ",
  kappa: "κ",
  lambda: "λ",
  mu: "μ",
  nu: "ν",
  pi: "π",
  rho: "ρ",
  sigma: "σ",
  tau: "τ",
  phi: "φ",
  chi: "χ",
  psi: "ψ",
  omega: "ω",
  Sigma: "Σ",
  Delta: "Δ",
};

const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
  "+": "⁺",
  "-": "⁻",
  "−": "⁻",
  "=": "⁼",
  "(": "⁽",
  ")": "⁾",
  "n": "ⁿ",
  "i": "ⁱ",
};
const SUBSCRIPT: Record<string, string> = {
  "0": "₀",
  "1": "₁",
  "2": "₂",
  "3": "₃",
  "4": "₄",
  "5": "₅",
  "6": "₆",
  "7": "₇",
  "8": "₈",
  "9": "₉",
  "+": "₊",
  "-": "₋",
  "−": "₋",
  "=": "₌",
  "(": "₍",
  ")": "₎",
  "a": "ₐ",
  "e": "ₑ",
  "o": "ₒ",
  "x": "ₓ",
  "h": "ₕ",
  "k": "ₖ",
  "l": "ₗ",
  "m": "ₘ",
  "n": "ₙ",
  "p": "ₚ",
  "s": "ₛ",
  "t": "ₜ",
  "i": "ᵢ",
  "j": "ⱼ",
  "r": "ᵣ",
  "u": "ᵤ",
  "v": "ᵥ",
};

function mapChars(fn: string, table: Record<string, string>, text: string): string {
  return [...String(text)].map((c) => {
    const m = table[c];
    if (m === undefined) {
      throw new Error(
        `${fn}: "${c}" in "${text}" has no Unicode ${fn === "superscript" ? "super" : "sub"}` +
          `script form; write it another way (e.g. a plain suffix or a Greek letter).`,
      );
    }
    return m;
  }).join("");
}

/**
 * `text` in Unicode superscript characters, for legend and axis notation
 * (the figures' text is plain Unicode, not TeX).
 *
 * @throws Error naming the character when one has no superscript form.
 * @example
 * ```ts
 * `σ${superscript("2")}`; // "σ²"
 * ```
 */
export function superscript(text: string | number): string {
  return mapChars("superscript", SUPERSCRIPT, String(text));
}

/**
 * `text` in Unicode subscript characters (digits, + − = ( ) and the letters
 * a e h i j k l m n o p r s t u v x: Unicode has no capital subscripts, so
 * write e.g. "σ²(teacher)" or "s²ₜ" rather than an ASCII `s_T^2`).
 *
 * @throws Error naming the character when one has no subscript form.
 * @example
 * ```ts
 * `a${subscript("t")}`; // "aₜ"
 * ```
 */
export function subscript(text: string | number): string {
  return mapChars("subscript", SUBSCRIPT, String(text));
}

/**
 * The symbol for a field or parameter name: Greek names as their letter
 * ("alpha" → "α", "sigma2" → "σ²", "sigma_2" → "σ₂"), anything else as is.
 * Facet titles use it, so panels read "α = 0.01", not "alpha = 0.01".
 */
export function symbolName(name: string): string {
  const m = /^([A-Za-z]+?)(?:_?(\d+))?$/.exec(name);
  if (!m || !(m[1] in GREEK)) return name;
  const letter = GREEK[m[1]];
  if (!m[2]) return letter;
  return name.includes("_") ? letter + subscript(m[2]) : letter + superscript(m[2]);
}

/**
 * The power of ten (a multiple of 3) that the house style divides a linear
 * axis by, given every value drawn on it: 0 when the largest magnitude is in
 * [0.01, 10⁴) (labels like 0.25 or 1,200 read fine), else the multiple of 3
 * that brings it into [1, 1000): values up to 0.0025 get labels 0.0-2.5 and
 * the title suffix "(×10⁻³)", never "0.0025" on one axis and "(×10⁻³)" on
 * another.
 */
export function axisExponent(values: readonly number[]): number {
  const big = Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
  if (big === 0 || (big >= 0.01 && big < 1e4)) return 0;
  return 3 * Math.floor(Math.log10(big) / 3);
}

/** The axis title suffix for {@link axisExponent}'s power: " (×10⁻³)"; "" for 0. */
export function exponentSuffix(power: number): string {
  return power === 0 ? "" : ` (×10${superscript(String(power).replace("-", "−"))})`;
}

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
      // Labels are fitted into columns by measuring them (legends.ts); Vega's default cut at
      // 160 px truncated long ones ("perfect calibration (accuracy = confid…").
      labelLimit: PAGE_WIDTH,
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
