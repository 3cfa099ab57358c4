/**
 * Prose from values: the numbers a notebook quotes in its text come from the
 * run, never from the keyboard. {@link prose} is a tagged template whose
 * interpolated numbers are formatted consistently and which draws itself as
 * Markdown in Deno's Jupyter kernel; {@link fmt} and {@link pm} format single
 * numbers the same way for tables and logs.
 *
 * @module
 */
import { type Displayable, JUPYTER_DISPLAY } from "../plot/jupyter.ts";
import { superscript } from "../plot/theme.ts";

/**
 * A number with `digits` significant digits (default 3), in plain notation
 * for magnitudes in [1e-3, 1e5) and in scientific notation (×10ⁿ with
 * Unicode superscripts) outside it; thousands get a thin separator-free
 * comma ("1,000"). NaN prints "NaN"; null/undefined print "–".
 *
 * @example
 * ```ts
 * fmt(0.008834); // "0.00883"
 * fmt(2.2e-19); // "2.2×10⁻¹⁹"
 * fmt(1000); // "1,000"
 * ```
 *
 * @category Prose from values
 */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return "–";
  if (!Number.isFinite(v)) return String(v);
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) {
    throw new RangeError(`fmt: digits must be an integer in [1, 17], got ${digits}.`);
  }
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return v.toLocaleString("en-US");
  if (a >= 1e-3 && a < 1e5) {
    const s = String(Number(v.toPrecision(digits)));
    return a >= 1000 ? Number(s).toLocaleString("en-US", { maximumFractionDigits: 20 }) : s;
  }
  const [m, e] = v.toExponential(digits - 1).split("e");
  return `${Number(m)}×10${superscript(Number(e))}`;
}

/**
 * "mean ± se": the mean to the precision its standard error supports (the
 * SE with 2 significant digits, the mean to the same decimal place).
 *
 * @example
 * ```ts
 * pm(0.0088341, 0.000123); // "0.00883 ± 0.00012"
 * pm(12.3456, 0.5); // "12.35 ± 0.50"
 * ```
 *
 * @category Prose from values
 */
export function pm(mean: number, se: number): string {
  if (!Number.isFinite(mean) || !Number.isFinite(se) || se <= 0) {
    return `${fmt(mean)} ± ${fmt(se, 2)}`;
  }
  const place = Math.floor(Math.log10(se)) - 1; // decimal place of the SE's 2nd digit
  if (place >= -8 && place < 0) {
    return `${mean.toFixed(-place)} ± ${se.toFixed(-place)}`;
  }
  if (place >= 0 && place < 6) {
    const r = 10 ** place;
    return `${fmt(Math.round(mean / r) * r, 6)} ± ${fmt(Math.round(se / r) * r, 6)}`;
  }
  return `${fmt(mean, 3)} ± ${fmt(se, 2)}`;
}

/**
 * Markdown text that draws itself as Markdown in a notebook and prints as text elsewhere.
 *
 * @category Prose from values
 */
export interface Prose extends Displayable {
  /** The Markdown source. */
  readonly markdown: string;
}

/**
 * Wrap Markdown text so that a notebook cell ending with it renders it.
 *
 * @category Prose from values
 */
export function markdown(text: string): Prose {
  if (typeof text !== "string") throw new TypeError("markdown: text must be a string.");
  return {
    markdown: text,
    [JUPYTER_DISPLAY]: () => ({ "text/markdown": text, "text/plain": text }),
    toString: () => text,
    [Symbol.for("Deno.customInspect")]: () => text,
  } as Prose;
}

/**
 * A tagged template for a notebook's text: numbers are formatted with
 * {@link fmt} (3 significant digits), strings inserted as they are, and the
 * result renders as Markdown when it is a cell's last expression.
 *
 * @throws TypeError when an interpolated value is an object other than a
 *   {@link Prose} (a likely mistake: format it first).
 *
 * @example
 * ```ts
 * prose`The students disagree ${ratio} times less than each is unsure (${pm(m, se)}).`;
 * ```
 *
 * @category Prose from values
 */
export function prose(parts: TemplateStringsArray, ...values: unknown[]): Prose {
  let out = parts[0];
  values.forEach((v, i) => {
    let s: string;
    if (typeof v === "number") s = fmt(v);
    else if (typeof v === "string") s = v;
    else if (v === null || v === undefined) s = "–";
    else if (typeof v === "object" && "markdown" in (v as object)) s = (v as Prose).markdown;
    else throw new TypeError(`prose: value ${i + 1} is a ${typeof v}; format it first.`);
    out += s + parts[i + 1];
  });
  return markdown(out);
}
