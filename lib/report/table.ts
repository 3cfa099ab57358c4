/**
 * A `Table` of results for the paper: named columns with optional units,
 * digits or a formatter, plain rows, a caption and a note. It draws itself
 * as an HTML table (with Markdown and plain-text fallbacks) in Deno's Jupyter
 * kernel; lib/report/formats.ts turns it into CSV, Markdown, HTML, LaTeX and
 * plain text.
 *
 * @module
 */
import { JUPYTER_DISPLAY } from "../plot/jupyter.ts";
import { tableToHtml, tableToMarkdown, tableToText } from "./formats.ts";
import type { Table, TableInput } from "./cells.ts";
export {
  cellText,
  type Column,
  columnAlign,
  headerText,
  isMissing,
  type Table,
  type TableInput,
} from "./cells.ts";

/**
 * Make a table, checking it before any output is made.
 *
 * @throws Error when `columns` or `rows` is empty, a column name repeats or
 *   is empty, `digits` is not an integer in [0, 20], or a row lacks a column
 *   (use `null` for a missing value; it prints as a dash).
 *
 * @example
 * ```ts
 * const t = table({
 *   columns: ["data", { name: "acc", label: "Accuracy", unit: "%", digits: 2 }],
 *   rows: [{ data: "Wine", acc: 97.2222 }],
 *   caption: "Student accuracy.",
 * });
 * ```
 *
 * @category Tables
 */
export function table(input: TableInput): Table {
  const fn = "table";
  if (!input || typeof input !== "object") throw new Error(`${fn}: input is required.`);
  if (!Array.isArray(input.columns) || input.columns.length === 0) {
    throw new Error(`${fn}: columns is empty; name at least one column.`);
  }
  if (!Array.isArray(input.rows) || input.rows.length === 0) {
    throw new Error(`${fn}: rows is empty; pass at least one row.`);
  }
  const columns = input.columns.map((c) => (typeof c === "string" ? { name: c } : { ...c }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (typeof c.name !== "string" || c.name === "") {
      throw new Error(`${fn}: every column needs a non-empty name.`);
    }
    if (seen.has(c.name)) throw new Error(`${fn}: column "${c.name}" is named twice.`);
    seen.add(c.name);
    if (
      c.digits !== undefined && !(Number.isInteger(c.digits) && c.digits >= 0 && c.digits <= 20)
    ) {
      throw new Error(`${fn}: column "${c.name}": digits must be an integer in [0, 20].`);
    }
  }
  input.rows.forEach((r, i) => {
    if (r === null || typeof r !== "object") {
      throw new Error(`${fn}: rows[${i}] must be an object.`);
    }
    for (const c of columns) {
      if (!(c.name in r)) {
        throw new Error(
          `${fn}: rows[${i}] has no "${c.name}"; give every row every column (null if missing).`,
        );
      }
    }
  });
  const t = {
    columns,
    rows: input.rows.map((r) => ({ ...r })),
    caption: input.caption,
    note: input.note,
  };
  Object.defineProperty(t, JUPYTER_DISPLAY, {
    enumerable: false,
    value: () => tableBundle(t as unknown as Table),
  });
  return t as unknown as Table;
}

function tableBundle(t: Table) {
  return {
    "text/html": tableToHtml(t),
    "text/markdown": tableToMarkdown(t),
    "text/plain": tableToText(t),
  };
}
