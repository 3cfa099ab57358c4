/**
 * What a table is (its columns, rows, caption and note) and how one cell or header prints: the
 * shared ground of table.ts, which makes and displays tables, and formats.ts, which writes them
 * out, so that neither imports the other's module for it.
 *
 * @module
 */
import type { Displayable } from "../plot/jupyter.ts";
import type { Row } from "../plot/chart.ts";

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
