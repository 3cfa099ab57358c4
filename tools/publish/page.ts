/**
 * One executed notebook as a self-contained HTML page: Markdown cells with
 * maths typeset (KaTeX, fonts inlined), code cells as code, and outputs as
 * the reader should see them: charts as PNG images (the PNG `show` put in
 * the notebook, drawn at its recorded density, or for a notebook holding an
 * SVG output, that SVG rasterized here; either way with the pinned fonts, so
 * no browser font can change them and no sanitiser can blank them), tables
 * as HTML, text as text.
 *
 * @module
 */
import { readPngDpi } from "../../lib/plot/png_chunks.ts";
import { svgSize, svgToPng } from "../../lib/plot/render.ts";
import { base64, katexCss, markdownToHtml } from "./markdown.ts";

/** The parts of an nbformat 4 notebook the page reads. */
export interface Notebook {
  cells: Cell[];
  metadata: { kd_run?: RunRecord; [k: string]: unknown };
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** What tools/execute_notebook.py records about a run in `metadata.kd_run`. */
export interface RunRecord {
  scale?: string;
  commit?: string;
  started?: string;
  seconds?: number;
  complete?: boolean;
}

/** A chart found in a notebook's outputs. */
export interface PageChart {
  /** Anchor on the page. */
  id: string;
  /** The chart's text summary (its alt text). */
  summary: string;
  /** PNG bytes as drawn on the page. */
  png: Uint8Array;
  /** Size in CSS pixels (= the figure's points times 4/3). */
  width: number;
  height: number;
}

/** A page and what it holds. */
export interface Page {
  /** The notebook's first heading. */
  title: string;
  html: string;
  charts: PageChart[];
  tables: number;
  /** The charts the notebook means to show ({@link expectedCharts}), recorded on the page. */
  expectedCharts: number;
}

const joined = (t: unknown) => Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "";

/** `s` with &, <, > and " escaped for HTML text and attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Pixels per point of the PNGs on the pages: 2, sharp on high-density screens. */
export const PAGE_PNG_SCALE = 2;

/** The page's style: a readable column, quiet code, tables with rules. */
export const PAGE_CSS = `
body{font-family:"DejaVu Sans",system-ui,sans-serif;color:#222;margin:0;line-height:1.5}
main,header.run,nav.top{max-width:52rem;margin:0 auto;padding:0 1.2rem}
nav.top{font-size:.85rem;padding-top:.8rem}
header.run{font-size:.8rem;color:#555;border-bottom:1px solid #ddd;padding-bottom:.4rem}
h1{font-size:1.7rem;margin-top:1rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
pre{background:#f6f6f6;padding:.5rem .7rem;overflow-x:auto;font-size:.8rem;line-height:1.35}
pre.code{border-left:3px solid #0072B2}pre.out{background:#fff;border-left:3px solid #ccc}
pre.error{background:#fff3f0;border-left:3px solid #D55E00}
figure.chart{margin:1rem 0;overflow-x:auto}figure.chart img{display:block;max-width:100%;height:auto}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}
th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd}thead th{border-bottom:2px solid #555}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}
td{font-variant-numeric:tabular-nums}
.katex-display{overflow-x:auto;overflow-y:hidden}
div.html,div.md,section.md{overflow-x:auto}
`;

/** A commit as 12 hex digits, keeping a "-dirty" mark (files differed from it); "unknown" if none. */
export function shortCommit(commit: string | undefined): string {
  if (!commit) return "unknown";
  return commit.slice(0, 12) + (commit.endsWith("-dirty") ? "-dirty" : "");
}

/** One line saying how the page was made: scale, commit, start and run time. */
export function runLine(run: RunRecord | undefined): string {
  if (!run) return "run: not recorded (executed by an older runner)";
  const parts = [
    `scale ${run.scale ?? "?"}`,
    `commit ${shortCommit(run.commit)}`,
    `run ${run.started ?? "?"}`,
    `${run.seconds ?? "?"} s`,
  ];
  if (run.complete === false) parts.push("INCOMPLETE: a cell failed");
  return parts.join(" · ");
}

async function chartFigure(svg: string, summary: string, id: string): Promise<PageChart> {
  const png = await svgToPng(svg, { scale: PAGE_PNG_SCALE });
  const { width, height } = svgSize(svg);
  return {
    id,
    summary,
    png,
    width: Math.round(width * 4 / 3),
    height: Math.round(height * 4 / 3),
  };
}

/**
 * A chart the notebook shows as a PNG (`chartBundle`'s, base64): drawn at
 * its recorded density (CSS pixels = pixels × 96 / dpi), or at its pixel
 * size when it records none.
 */
function pngChart(b64: string, summary: string, id: string): PageChart {
  const png = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  const view = new DataView(png.buffer);
  const w = view.getUint32(16), h = view.getUint32(20);
  const k = 96 / (readPngDpi(png) ?? 96);
  return { id, summary, png, width: Math.round(w * k), height: Math.round(h * k) };
}

/** Whether an output is a chart: a PNG, an SVG or a Vega-Lite spec. */
function isChart(o: Output): boolean {
  const d = o.data ?? {};
  return "image/png" in d || "image/svg+xml" in d ||
    Object.keys(d).some((k) => k.startsWith("application/vnd.vegalite"));
}

/**
 * The charts a notebook means to show: over its code cells, the larger of
 * the cell's chart outputs and its calls of `show(...)` or `display(...)`
 * (comments aside). A `show(chart)` that is not its cell's last expression
 * shows nothing, and the page, recording this count, then fails the browser
 * test; a loop showing several charts is counted by its outputs.
 */
export function expectedCharts(nb: Notebook): number {
  let n = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const code = joined(cell.source).replace(/\/\/[^\n]*/g, "");
    const calls = (code.match(/(?<![\w.$])(?:show|display)\(/g) ?? []).length;
    n += Math.max(calls, (cell.outputs ?? []).filter(isChart).length);
  }
  return n;
}

function chartHtml(c: PageChart): string {
  return `<figure class="chart" id="${c.id}"><img src="data:image/png;base64,${base64(c.png)}"` +
    ` width="${c.width}" height="${c.height}" alt="${escapeHtml(c.summary)}"></figure>`;
}

/** The page of an executed notebook. `slug` prefixes the charts' anchors. */
export async function notebookPage(nb: Notebook, slug: string, nav: string): Promise<Page> {
  const body: string[] = [];
  const charts: PageChart[] = [];
  let tables = 0, title = slug;
  for (const cell of nb.cells) {
    const src = joined(cell.source);
    if (cell.cell_type === "markdown") {
      const h = /^#\s+(.+)$/m.exec(src);
      if (h && title === slug) title = h[1].replace(/\$([^$]*)\$/g, "$1").trim();
      body.push(`<section class="md">${markdownToHtml(src)}</section>`);
      continue;
    }
    if (cell.cell_type !== "code") continue;
    if (src.trim()) body.push(`<pre class="code"><code>${escapeHtml(src)}</code></pre>`);
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "stream") {
        body.push(`<pre class="out">${escapeHtml(joined(o.text).replace(ANSI, ""))}</pre>`);
      } else if (o.output_type === "error") {
        const tb = (o.traceback ?? []).join("\n").replace(ANSI, "");
        body.push(`<pre class="error">${escapeHtml(tb || `${o.ename}: ${o.evalue}`)}</pre>`);
      } else if (o.data) {
        const d = o.data;
        if (typeof d["image/svg+xml"] === "string" || Array.isArray(d["image/svg+xml"])) {
          const id = `${slug}-chart-${charts.length + 1}`;
          const c = await chartFigure(joined(d["image/svg+xml"]), joined(d["text/plain"]), id);
          charts.push(c);
          body.push(chartHtml(c));
        } else if (d["text/html"] !== undefined) {
          const html = joined(d["text/html"]);
          if (/<table[\s>]/.test(html)) tables++;
          body.push(`<div class="html">${html}</div>`);
        } else if (d["text/markdown"] !== undefined) {
          const md = joined(d["text/markdown"]);
          if (/^\|.*\|\s*$/m.test(md)) tables++;
          body.push(`<div class="md">${markdownToHtml(md)}</div>`);
        } else if (typeof d["image/png"] === "string" || Array.isArray(d["image/png"])) {
          const id = `${slug}-chart-${charts.length + 1}`;
          const b64 = joined(d["image/png"]).replace(/\s/g, "");
          const c = pngChart(b64, joined(d["text/plain"]), id);
          charts.push(c);
          body.push(chartHtml(c));
        } else if (d["text/plain"] !== undefined) {
          body.push(
            `<pre class="out">${escapeHtml(joined(d["text/plain"]).replace(ANSI, ""))}</pre>`,
          );
        }
      }
    }
  }
  const expected = expectedCharts(nb);
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${katexCss(body.join("\n"))}</style>
<style>${PAGE_CSS}</style>
</head><body>
<nav class="top">${nav}</nav>
<header class="run">${escapeHtml(runLine(nb.metadata.kd_run))}</header>
<main data-expected-charts="${expected}">
${body.join("\n")}
</main>
</body></html>
`;
  return { title, html, charts, tables, expectedCharts: expected };
}
