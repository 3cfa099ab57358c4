/**
 * Exporting a {@link Chart} for a paper: SVG, PDF, PNG, the Vega-Lite spec
 * and the data behind it, written all or nothing, each recording the run
 * scale and seed it was made at.
 *
 * @module
 */
import { csvFormat } from "d3-dsv";
import type { Chart, Row } from "./chart.ts";
import { type PngOptions, renderSvg, svgToPdf, svgToPng } from "./render.ts";
import { exportTarget, type RunMeta, stampLine } from "./run_meta.ts";
import { writeFilesAtomically } from "./write_files.ts";

/**
 * The steps {@link save} renders with; replace one to use another renderer.
 *
 * @category Export
 */
export interface Renderers {
  /** The chart to SVG text, recording `meta` (default: renderSvg). */
  svg(chart: Chart, meta: RunMeta): Promise<string>;
  /** That SVG to PDF bytes (default: svgToPdf). */
  pdf(svg: string, meta: RunMeta, title: string): Promise<Uint8Array>;
  /** That SVG to PNG bytes (default: svgToPng). */
  png(svg: string, meta: RunMeta, opts: PngOptions): Promise<Uint8Array>;
}

const DEFAULT_RENDERERS: Renderers = {
  svg: (chart, meta) => renderSvg(chart, { meta }),
  pdf: (svg, meta, title) => svgToPdf(svg, { meta, title }),
  png: (svg, meta, opts) => svgToPng(svg, { ...opts, meta }),
};

/**
 * Options of {@link save}.
 *
 * @category Export
 */
export interface SaveOptions {
  /** Target folder (default `figuresDir()`: build/figures for smoke runs, else figures/). */
  dir?: string;
  /** Seed and extra fields to record; the scale defaults to `runScale()`. */
  meta?: RunMeta;
  /** PNG resolution (default 300 dpi). */
  png?: Omit<PngOptions, "meta">;
  /** Replace a rendering step (e.g. another rasterizer). */
  renderers?: Partial<Renderers>;
}

/**
 * The paths {@link save} wrote.
 *
 * @category Export
 */
export interface SavedFigure {
  /** Path of `<name>.svg`. */
  svg: string;
  /** Path of `<name>.pdf`. */
  pdf: string;
  /** Path of `<name>.png`. */
  png: string;
  /** Path of `<name>.vl.json` (the Vega-Lite spec). */
  spec: string;
  /** Path of `<name>.csv` (the rows). */
  csv: string;
}

/**
 * The rows as CSV (d3-dsv's `csvFormat`; columns in order of first
 * appearance), after a first comment line `# scale=..., seed=...`. Skip that
 * line when reading, e.g. `csvParse(text.replace(/^#.*\n/, ""))`.
 *
 * @category Export
 */
export function rowsToCsv(rows: readonly Row[], meta: RunMeta = {}): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k), columns.push(k);
  }
  const plain = rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of columns) {
      const v = r[c];
      o[c] = v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v;
    }
    return o;
  });
  return `# ${stampLine(meta)}\n${csvFormat(plain as never[], columns as never[])}\n`;
}

/**
 * Write `<dir>/<name>.svg`, `.pdf`, `.png`, `.vl.json` and `.csv`, all or
 * none. Everything is rendered in memory first; then the files are written
 * to temporaries in `dir` and renamed into place; on any failure nothing new
 * is left and older files of the same names are kept.
 *
 * Each file records the run scale (`runScale()` unless `meta.scale`) and
 * `meta.seed` ("unset" if omitted): SVG in `<metadata>`, PDF in its document
 * info (Subject, Keywords, Scale, Seed), PNG in tEXt chunks `scale` and
 * `seed`, the spec in `usermeta`, and the CSV in a leading comment line
 * `# scale=..., seed=...`.
 *
 * @throws Error when `name` is not a plain file name, the chart has no rows,
 *   the spec does not compile, or writing fails.
 *
 * @example
 * ```ts
 * await save(chart, "fig2_linear", { meta: { seed: 42 } });
 * ```
 *
 * @category Export
 */
export async function save(
  chart: Chart,
  name: string,
  opts: SaveOptions = {},
): Promise<SavedFigure> {
  if (!chart || typeof chart !== "object" || !chart.spec) {
    throw new Error("save: chart must be a Chart made by one of the builders.");
  }
  if (!Array.isArray(chart.rows) || chart.rows.length === 0) {
    throw new Error(`save: chart "${chart.name}" has no rows; there is no data to save.`);
  }
  const meta: RunMeta = { ...opts.meta, scale: opts.meta?.scale };
  const { stamp, dir } = exportTarget("save", name, meta, opts.dir); // checked before any work
  const r = { ...DEFAULT_RENDERERS, ...opts.renderers };
  const svg = await r.svg(chart, meta);
  const [pdf, png] = await Promise.all([
    r.pdf(svg, meta, chart.title ?? chart.name),
    r.png(svg, meta, opts.png ?? {}),
  ]);
  const spec = {
    ...chart.spec,
    usermeta: { ...(chart.spec.usermeta as object), run: Object.fromEntries(stamp) },
  };
  const files = [
    { name: `${name}.svg`, data: svg },
    { name: `${name}.pdf`, data: pdf },
    { name: `${name}.png`, data: png },
    { name: `${name}.vl.json`, data: JSON.stringify(spec, null, 1) + "\n" },
    { name: `${name}.csv`, data: rowsToCsv(chart.rows, meta) },
  ];
  const [s, p, g, j, c] = await writeFilesAtomically(dir, files);
  return { svg: s, pdf: p, png: g, spec: j, csv: c };
}
