/**
 * Exporting a {@link Table}: `.csv`, `.md` and `.tex`, written all or
 * nothing, each recording the run scale and seed.
 *
 * @module
 */
import { exportTarget, type RunMeta } from "../plot/run_meta.ts";
import { writeFilesAtomically } from "../plot/write_files.ts";
import { tableToCsv, tableToLatex, tableToMarkdown } from "./formats.ts";
import type { Table } from "./table.ts";

/**
 * Options of {@link saveTable}.
 *
 * @category Tables
 */
export interface SaveTableOptions {
  /** Target folder (default `figuresDir()`: build/figures for smoke runs, else figures/). */
  dir?: string;
  /** Seed and extra fields to record; the scale defaults to `runScale()`. */
  meta?: RunMeta;
}

/**
 * The paths {@link saveTable} wrote.
 *
 * @category Tables
 */
export interface SavedTable {
  /** Path of `<name>.csv`. */
  csv: string;
  /** Path of `<name>.md`. */
  md: string;
  /** Path of `<name>.tex`. */
  tex: string;
}

/**
 * Write `<dir>/<name>.csv`, `.md` and `.tex` (LaTeX label `tab:<name>`), all
 * or none. The stamp is a first comment line in each: `# ...` (CSV),
 * `<!-- ... -->` (Markdown), `% ...` (TeX).
 *
 * @throws Error when `name` is not a plain file name, `t` is not a table, or
 *   writing fails (nothing new is then left behind).
 *
 * @example
 * ```ts
 * await saveTable(t, "table3_logistic", { meta: { seed: 1 } });
 * ```
 *
 * @category Tables
 */
export async function saveTable(
  t: Table,
  name: string,
  opts: SaveTableOptions = {},
): Promise<SavedTable> {
  if (!t || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
    throw new Error("saveTable: t must be a Table made by table().");
  }
  const meta: RunMeta = { ...opts.meta };
  const { dir } = exportTarget("saveTable", name, meta, opts.dir);
  const [csv, md, tex] = await writeFilesAtomically(dir, [
    { name: `${name}.csv`, data: tableToCsv(t, meta) },
    { name: `${name}.md`, data: tableToMarkdown(t, meta) },
    { name: `${name}.tex`, data: tableToLatex(t, { meta, label: `tab:${name}` }) },
  ]);
  return { csv, md, tex };
}
