/**
 * A `Table` of results for the paper: named columns with optional units,
 * digits or a formatter, plain rows, a caption and a note. It draws itself
 * as an HTML table (with Markdown and plain-text fallbacks) in Deno's Jupyter
 * kernel; lib/report/formats.ts turns it into CSV, Markdown, HTML, LaTeX and
 * plain text.
 *
 * @module
 */
import { type Displayable, JUPYTER_DISPLAY } from "../plot/jupyter.ts";
import type { Row } from "../plot/chart.ts";
// formats.ts imports this file's helpers too; both are only called after loading.
import { tableToHtml, tableToMarkdown, tableToText } from "./formats.ts";

/**
 * One column: which field of the rows it shows and how.
 *
 * @category Tables
 */
export interface Column {
  /** Field of the rows, and the header unless `label` is given. */
  name: string;
  /** Header text (default `name`). */
  label?: string;
  /** Unit, shown in the header as "label (unit)". */
  unit?: string;
  /** Fixed number of decimals for numbers (default: integers as they are, else 4 significant). */
  digits?: number;
  /** Custom cell text (overrides `digits`); its result is escaped like any text. */
  format?: (value: unknown, row: Row) => string;
  /** Alignment (default: right when every value is a number, else left). */
  align?: "left" | "right" | "center";
  /** Header as raw LaTeX (not escaped), e.g. "$\\sigma^2$"; default: the escaped header. */
  latex?: string;
}

/**
 * What {@link table} takes: columns (or just their names), rows, caption, note.
 *
 * @category Tables
 */
export interface TableInput {
  /** Columns in order; a string is a column of that name with default formatting. */
  columns: readonly (Column | string)[];
  /** One object per row, holding every column's field (null when missing). */
  rows: readonly Row[];
  /** Caption (above the table). */
  caption?: string;
  /** Note (below the table, small). */
  note?: string;
}

/**
 * A checked table; displays as HTML when it is a notebook cell's last expression.
 *
 * @category Tables
 */
export interface Table extends Displayable {
  /** The columns, strings expanded to `{ name }`. */
  readonly columns: readonly Column[];
  /** Copies of the rows given. */
  readonly rows: readonly Row[];
  /** Caption (above the table). */
  readonly caption?: string;
  /** Note (below the table, small). */
  readonly note?: string;
}

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

/**
 * Whether a value prints as missing (null, undefined, NaN).
 *
 * @category Tables
 */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/**
 * A cell's text before any escaping: the column's formatter, else numbers
 * with `digits` decimals (or as integers / 4 significant digits), else
 * `String(value)`; missing values give "" (each format prints its own dash).
 *
 * @category Tables
 */
export function cellText(column: Column, row: Row): string {
  const v = row[column.name];
  if (column.format) return column.format(v, row);
  if (isMissing(v)) return "";
  if (typeof v === "number") {
    if (column.digits !== undefined) return v.toFixed(column.digits);
    if (Number.isInteger(v)) return String(v);
    if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
    return String(Number(v.toPrecision(4)));
  }
  return String(v);
}

/**
 * The header text: label (or name), then " (unit)" when a unit is given.
 *
 * @category Tables
 */
export function headerText(column: Column): string {
  const label = column.label ?? column.name;
  return column.unit ? `${label} (${column.unit})` : label;
}

/**
 * The column's alignment: as given, else right when every present value is a number.
 *
 * @category Tables
 */
export function columnAlign(column: Column, rows: readonly Row[]): "left" | "right" | "center" {
  if (column.align) return column.align;
  const present = rows.map((r) => r[column.name]).filter((v) => !isMissing(v));
  return present.length > 0 && present.every((v) => typeof v === "number") ? "right" : "left";
}

function tableBundle(t: Table) {
  return {
    "text/html": tableToHtml(t),
    "text/markdown": tableToMarkdown(t),
    "text/plain": tableToText(t),
  };
}
