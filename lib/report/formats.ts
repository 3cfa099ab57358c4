/**
 * A {@link Table} as text: CSV (raw values, for reuse), Markdown (for
 * notebooks and READMEs), LaTeX (booktabs, for the paper) and aligned plain
 * text. Given a `meta`, each starts with a comment recording the run scale
 * and seed.
 *
 * @module
 */
import { csvFormatRows } from "d3-dsv";
import { type RunMeta, stampLine } from "../plot/run_meta.ts";
import { cellText, columnAlign, headerText, isMissing, type Table } from "./cells.ts";

/**
 * CSV: a header of column names, then the raw values (numbers at full
 * precision, missing values empty; formatters and digits are not applied).
 * With `meta`, a first line `# scale=..., seed=...`.
 *
 * @category Table formats
 */
export function tableToCsv(t: Table, meta?: RunMeta): string {
  const rows = [
    t.columns.map((c) => c.name),
    ...t.rows.map((r) =>
      t.columns.map((c) => {
        const v = r[c.name];
        return isMissing(v) ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
      })
    ),
  ];
  return `${meta ? `# ${stampLine(meta)}\n` : ""}${csvFormatRows(rows)}\n`;
}

/**
 * Text made safe inside a Markdown table cell. A pipe is written as the HTML
 * entity `&#124;`, not as `\|`: GitHub reads both, but other renderers
 * (nbconvert's mistune, some marked versions) split the row at `\|`, so a
 * header like "Max |student − teacher|" became three columns. The entity is
 * decoded only after the row is split, by every CommonMark renderer.
 * Backslashes are doubled, `<` is written `&lt;` (not read as HTML), and line
 * breaks become spaces.
 */
export function mdEscape(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "&#124;").replace(/</g, "&lt;")
    .replace(/\r?\n/g, " ");
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/**
 * HTML: a `<table>` with the caption in `<caption>`, a header row (which may
 * wrap), one row per row (numbers kept on one line), and the note in a `<tfoot>` row.
 * Notebooks show this (no Markdown parser between the cells and the page,
 * so no character can split a row); alignment is in `style` attributes,
 * which nbconvert's and classic Notebook's sanitisers keep.
 */
export function tableToHtml(t: Table): string {
  const align = t.columns.map((c) => columnAlign(c, t.rows));
  // Numbers stay on one line ("2.2e-19" broke at the hyphen); headers may wrap.
  const td = (tag: string, text: string, j: number) =>
    `<${tag} style="text-align: ${align[j]}${
      tag === "td" && align[j] === "right" ? "; white-space: nowrap" : ""
    }">${htmlEscape(text)}</${tag}>`;
  const out = ['<table class="kd-table">'];
  if (t.caption) out.push(`<caption>${htmlEscape(t.caption)}</caption>`);
  out.push(
    `<thead><tr>${t.columns.map((c, j) => td("th", headerText(c), j)).join("")}</tr></thead>`,
  );
  out.push("<tbody>");
  for (const r of t.rows) {
    const cells = t.columns.map((c, j) => {
      const s = cellText(c, r);
      return td("td", s === "" && isMissing(r[c.name]) ? "–" : s, j);
    });
    out.push(`<tr>${cells.join("")}</tr>`);
  }
  out.push("</tbody>");
  if (t.note) {
    out.push(
      `<tfoot><tr><td colspan="${t.columns.length}" style="text-align: left">` +
        `<em>${htmlEscape(t.note)}</em></td></tr></tfoot>`,
    );
  }
  out.push("</table>");
  return out.join("\n") + "\n";
}

/**
 * Markdown (GitHub tables): the caption in bold above, the note in italics
 * below, missing values as "–". With `meta`, a first line
 * `<!-- scale=..., seed=... -->`.
 *
 * @category Table formats
 */
export function tableToMarkdown(t: Table, meta?: RunMeta): string {
  const out: string[] = [];
  if (meta) out.push(`<!-- ${stampLine(meta).replace(/--/g, "- -")} -->`);
  if (t.caption) out.push(`**${mdEscape(t.caption)}**`, "");
  out.push(`| ${t.columns.map((c) => mdEscape(headerText(c))).join(" | ")} |`);
  out.push(
    `| ${
      t.columns.map((c) => {
        const a = columnAlign(c, t.rows);
        return a === "right" ? "---:" : a === "center" ? ":---:" : ":---";
      }).join(" | ")
    } |`,
  );
  for (const r of t.rows) {
    out.push(
      `| ${
        t.columns.map((c) => {
          const s = cellText(c, r);
          return s === "" && isMissing(r[c.name]) ? "–" : mdEscape(s);
        }).join(" | ")
      } |`,
    );
  }
  if (t.note) out.push("", `*${mdEscape(t.note)}*`);
  return out.join("\n") + "\n";
}

const TEX_SPECIALS: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "&": "\\&",
  "%": "\\%",
  "$": "\\$",
  "#": "\\#",
  "_": "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
};

/**
 * Text escaped for LaTeX: `\ & % $ # _ { } ~ ^` become their literal forms.
 *
 * @example
 * ```ts
 * latexEscape("50% of x_1"); // "50\\% of x\\_1"
 * ```
 *
 * @category Table formats
 */
export function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (ch) => TEX_SPECIALS[ch]);
}

/**
 * Options of {@link tableToLatex}.
 *
 * @category Table formats
 */
export interface LatexOptions {
  /** Record the run stamp in a first `%` comment line. */
  meta?: RunMeta;
  /** `\label{...}` of the table (e.g. "tab:entropy"). */
  label?: string;
  /** Float placement (default "t"). */
  placement?: string;
}

/**
 * A LaTeX `table` float with a booktabs `tabular` (needs
 * `\usepackage{booktabs}`): caption and label on top, `\toprule`, header,
 * `\midrule`, rows, `\bottomrule`, and the note in small type below. Text is
 * escaped; a numeric cell's leading minus is typeset as `$-$`; missing values
 * print as "--" (an en dash).
 *
 * @category Table formats
 */
export function tableToLatex(t: Table, opts: LatexOptions = {}): string {
  const align = t.columns.map((c) => columnAlign(c, t.rows)[0]).join("");
  const out: string[] = [];
  if (opts.meta) out.push(`% ${stampLine(opts.meta)}`);
  out.push(`\\begin{table}[${opts.placement ?? "t"}]`, "  \\centering");
  if (t.caption) out.push(`  \\caption{${latexEscape(t.caption)}}`);
  if (opts.label) out.push(`  \\label{${opts.label}}`);
  out.push(`  \\begin{tabular}{${align}}`, "    \\toprule");
  out.push(`    ${t.columns.map((c) => c.latex ?? latexEscape(headerText(c))).join(" & ")} \\\\`);
  out.push("    \\midrule");
  for (const r of t.rows) {
    const cells = t.columns.map((c) => {
      const v = r[c.name];
      const s = cellText(c, r);
      if (s === "" && isMissing(v)) return "--";
      const e = latexEscape(s);
      return typeof v === "number" && !c.format && e.startsWith("-") ? `$-$${e.slice(1)}` : e;
    });
    out.push(`    ${cells.join(" & ")} \\\\`);
  }
  out.push("    \\bottomrule", "  \\end{tabular}");
  if (t.note) out.push(`  \\par\\smallskip{\\footnotesize ${latexEscape(t.note)}\\par}`);
  out.push("\\end{table}");
  return out.join("\n") + "\n";
}

/**
 * Aligned plain text: caption, header, a rule, rows, note (missing values as "–").
 *
 * @category Table formats
 */
export function tableToText(t: Table): string {
  const header = t.columns.map(headerText);
  const body = t.rows.map((r) =>
    t.columns.map((c) => {
      const s = cellText(c, r);
      return s === "" && isMissing(r[c.name]) ? "–" : s.replace(/\r?\n/g, " ");
    })
  );
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
  const aligns = t.columns.map((c) => columnAlign(c, t.rows));
  const line = (cells: string[]) =>
    cells.map((s, j) => aligns[j] === "right" ? s.padStart(widths[j]) : s.padEnd(widths[j]))
      .join("  ").trimEnd();
  const out: string[] = [];
  if (t.caption) out.push(t.caption);
  out.push(line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line));
  if (t.note) out.push(t.note);
  return out.join("\n") + "\n";
}
