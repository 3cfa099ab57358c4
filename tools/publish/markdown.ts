/**
 * Markdown with TeX maths to HTML, offline: the `$...$` and `$$...$$` spans
 * are taken out before the Markdown is parsed (so `_` and `*` inside them
 * are not read as emphasis), typeset by KaTeX to HTML, and put back. Code
 * spans and fenced blocks keep their dollars.
 *
 * @module
 */
import katex from "katex";
import { marked } from "marked";
import { createRequire } from "node:module";

/**
 * `$$...$$`, or `$...$` within one paragraph: an inline formula may run across
 * a source line break (as Jupyter's own renderer allows), not across a blank
 * line. Read line by line, a formula broken across lines stayed raw TeX and its
 * closing `$` opened a formula with the next one's opening `$` (Section 7's
 * "Pilot design" paragraph, Section 8's Proxy-EnD² bullet).
 */
const MATH = /\$\$([\s\S]+?)\$\$|\$((?:\\\$|[^$\n]|\n(?![ \t]*\n))+?)\$/g;
/** Placeholder for the i-th maths span: letters only, so Markdown leaves it alone. */
const slot = (i: number) =>
  `KDMATHSLOT${String.fromCharCode(...[...String(i)].map((d) => 65 + +d))}X`;

/**
 * TeX to KaTeX HTML (with MathML for screen readers). TeX KaTeX cannot read
 * (an unknown command, unbalanced braces) becomes a red
 * `<span class="katex-error">` holding the source and, in its title, the
 * error: visible on the page and caught by the browser test, where KaTeX's
 * own fallback would draw an unknown command as plausible red text.
 */
export function texToHtml(tex: string, display: boolean): string {
  try {
    return katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      output: "htmlAndMathml",
    });
  } catch (err) {
    const esc = (s: string) =>
      s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const msg = err instanceof Error ? err.message : String(err);
    return `<span class="katex-error" style="color:#cc0000" title="${esc(msg)}">${esc(tex)}</span>`;
  }
}

/** Split `md` into code (fenced blocks, inline code spans) and prose, in order. */
function splitCode(md: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = [];
  const re = /(^|\n)(```|~~~)[\s\S]*?\n\2[^\n]*|`+[^`]*?`+/g;
  let last = 0;
  for (const m of md.matchAll(re)) {
    if (m.index > last) out.push({ code: false, text: md.slice(last, m.index) });
    out.push({ code: true, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < md.length) out.push({ code: false, text: md.slice(last) });
  return out;
}

/**
 * Markdown (GitHub flavour, as Jupyter writes it) with `$...$` and
 * `$$...$$` maths, as HTML with the maths typeset by KaTeX.
 *
 * @example
 * ```ts
 * markdownToHtml("The variance $\\sigma^2$ grows."); // "<p>The variance <span class=\"katex\">..."
 * ```
 */
export function markdownToHtml(md: string): string {
  const maths: string[] = [];
  const protectedMd = splitCode(md).map(({ code, text }) =>
    code ? text : text.replace(MATH, (_m, display: string | undefined, inline: string) => {
      maths.push(texToHtml((display ?? inline).trim(), display !== undefined));
      return slot(maths.length - 1);
    })
  ).join("");
  const html = marked.parse(protectedMd, { async: false, gfm: true }) as string;
  return html.replace(/KDMATHSLOT([A-J]+)X/g, (_m, code: string) => {
    const i = Number([...code].map((c) => c.charCodeAt(0) - 65).join(""));
    return maths[i];
  });
}

let sheet: { rules: string; faces: Map<string, string[]>; uses: Map<string, string[]> } | undefined;

/** KaTeX's style sheet split into its rules, its font faces by family, and each family's classes. */
function katexSheet() {
  if (sheet) return sheet;
  const require = createRequire(import.meta.url);
  const path = require.resolve("katex/dist/katex.min.css");
  const dir = path.slice(0, path.lastIndexOf("/"));
  const text = Deno.readTextFileSync(path);
  const faces = new Map<string, string[]>();
  const rules = text.replace(/@font-face\{[^}]*\}/g, (face) => {
    const family = /font-family:([\w-]+)/.exec(face)?.[1] ?? "";
    const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(face);
    if (!woff2) return "";
    const data = base64(Deno.readFileSync(`${dir}/${woff2[1]}`));
    // WOFF2 only: every current browser reads it; the WOFF and TTF fallbacks are dropped.
    const inlined = face.replace(
      /src:[^;}]*/,
      `src:url(data:font/woff2;base64,${data}) format("woff2")`,
    );
    faces.set(family, [...(faces.get(family) ?? []), inlined]);
    return "";
  });
  const uses = new Map<string, string[]>();
  for (const m of rules.matchAll(/([^{}]+)\{[^}]*font-family:(KaTeX_\w+)[^}]*\}/g)) {
    const classes = [...m[1].matchAll(/\.([\w-]+)/g)].map((c) => c[1]).filter((c) => c !== "katex");
    uses.set(m[2], [...(uses.get(m[2]) ?? []), ...classes]);
  }
  sheet = { rules, faces, uses };
  return sheet;
}

/**
 * KaTeX's style sheet with the WOFF2 fonts that `html` (a page's KaTeX
 * output) can use inlined as data URLs, so the page draws its maths with no
 * network and no files beside it. A font family is kept when a class that
 * selects it occurs in `html` (KaTeX_Main, the base font, always); without
 * `html`, every family is kept.
 */
export function katexCss(html?: string): string {
  const { rules, faces, uses } = katexSheet();
  const present = new Set<string>();
  if (html !== undefined) {
    for (const m of html.matchAll(/class="([^"]*)"/g)) {
      for (const c of m[1].split(/\s+/)) present.add(c);
    }
  }
  const kept = [...faces.entries()].filter(([family]) =>
    html === undefined || family === "KaTeX_Main" ||
    (uses.get(family) ?? []).some((c) => present.has(c))
  );
  return kept.flatMap(([, f]) => f).join("") + rules;
}

/** Standard base64 of bytes. */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
