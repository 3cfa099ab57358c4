/**
 * Tables of results: shown as Markdown in notebooks, exported as CSV,
 * Markdown and LaTeX (booktabs) for the paper.
 *
 * @example
 * ```ts
 * import { saveTable, table } from "./lib/report/mod.ts";
 * const t = table({ columns: ["data", { name: "acc", unit: "%", digits: 2 }], rows });
 * t; // last expression of a notebook cell: drawn as a Markdown table
 * await saveTable(t, "table3", { meta: { seed: 1 } });
 * ```
 *
 * @module
 */
export {
  cellText,
  type Column,
  columnAlign,
  headerText,
  isMissing,
  type Table,
  table,
  type TableInput,
} from "./table.ts";
export {
  latexEscape,
  type LatexOptions,
  mdEscape,
  tableToCsv,
  tableToHtml,
  tableToLatex,
  tableToMarkdown,
  tableToText,
} from "./formats.ts";
export { type SavedTable, saveTable, type SaveTableOptions } from "./save_table.ts";
