/**
 * Rendering a {@link Chart} headless: Vega-Lite 6 compiles the spec, Vega
 * lays it out with real font metrics and writes SVG; resvg rasterizes the SVG
 * to PNG and pdfkit + svg-to-pdfkit turn it into a vector PDF, both with the
 * DejaVu Sans files pinned (no system fonts), so text looks the same on any
 * machine.
 *
 * All sizes are in points: the SVG's width and height carry a `pt` unit, the
 * PDF page is exactly the figure, and a PNG's pixel size is the figure size
 * times `dpi / 72`.
 *
 * The heavy modules (vega, vega-lite, resvg's native addon, pdfkit) load on
 * first use, so importing lib/mod.ts stays cheap and needs no FFI permission.
 *
 * @module
 */
import type { Chart } from "./chart.ts";
import { FONT_FAMILY, fontFiles, installFontMetrics } from "./fonts.ts";
import { addPngChunks } from "./png_chunks.ts";
import { type RunMeta, runStamp, stampLine } from "./run_meta.ts";

/**
 * Options shared by the renderers.
 *
 * @category Rendering
 */
export interface RenderOptions {
  /** Record this run stamp (scale, seed, ...) in the output's metadata. */
  meta?: RunMeta;
}

/**
 * Options of {@link renderPng}.
 *
 * @category Rendering
 */
export interface PngOptions extends RenderOptions {
  /** Pixels per point (default 300 / 72, i.e. 300 dpi). Overrides `dpi`. */
  scale?: number;
  /** Dots per inch (default 300). */
  dpi?: number;
}

// deno-lint-ignore no-explicit-any
type Any = any;

/**
 * A laid-out Vega view (vega's `View`; typed loosely so vega loads lazily).
 *
 * @category Rendering
 */
export type VegaView = Any;

let vegaModules: Promise<{ vega: Any; vl: Any }> | undefined;

function loadVega() {
  vegaModules ??= (async () => {
    const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
    installFontMetrics(vega);
    return { vega, vl };
  })();
  return vegaModules;
}

/**
 * The result of {@link compileChart}.
 *
 * @category Rendering
 */
export interface Compiled {
  /** The Vega spec. */
  vega: Record<string, unknown>;
  /** Vega-Lite's warnings (the builders' specs compile without any). */
  warnings: string[];
}

/**
 * Compile the chart's spec with Vega-Lite 6 to a Vega spec, collecting
 * Vega-Lite's warnings instead of printing them.
 *
 * @throws Error when Vega-Lite rejects the spec.
 *
 * @category Rendering
 */
export async function compileChart(chart: Chart): Promise<Compiled> {
  checkChart(chart);
  const { vl } = await loadVega();
  const warnings: string[] = [];
  let lvl = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...m: unknown[]) {
      throw new Error(`vega-lite: ${m.map(String).join(" ")}`);
    },
    warn(...m: unknown[]) {
      warnings.push(m.map(String).join(" "));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { vega: vl.compile(chart.spec, { logger }).spec, warnings };
}

/**
 * A Vega view of the chart, laid out (run) and ready to export; for tests and
 * inspection. Vega-Lite's warnings, if any, are printed with console.warn.
 * Call `view.finalize()` when done.
 *
 * @category Rendering
 */
export async function chartView(chart: Chart): Promise<VegaView> {
  const { vega } = await loadVega();
  const { vega: vg, warnings } = await compileChart(chart);
  for (const w of warnings) console.warn(`vega-lite (${chart.name}): ${w}`);
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  await view.runAsync();
  return view;
}

function checkChart(chart: Chart) {
  if (!chart || typeof chart !== "object" || !chart.spec || typeof chart.spec !== "object") {
    throw new Error("chart must be a Chart made by one of the builders (lineBand, ...).");
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

/**
 * The chart as an SVG document, sized in points, with the run stamp (when
 * `meta` is given) in a `<metadata>` element.
 *
 * @throws Error when the spec does not compile.
 *
 * @category Rendering
 */
export async function renderSvg(chart: Chart, opts: RenderOptions = {}): Promise<string> {
  const view = await chartView(chart);
  try {
    const svg: string = await view.toSVG();
    const open = svg.indexOf(">") + 1;
    let head = svg.slice(0, open)
      .replace(/ width="([\d.]+)"/, ' width="$1pt"')
      .replace(/ height="([\d.]+)"/, ' height="$1pt"');
    if (opts.meta) {
      head += `<metadata>${escapeXml(stampLine(opts.meta))}</metadata>`;
    }
    return head + svg.slice(open);
  } finally {
    view.finalize();
  }
}

/**
 * Width and height, in points, of an SVG made by {@link renderSvg}.
 *
 * @category Rendering
 */
export function svgSize(svg: string): { width: number; height: number } {
  const tag = svg.slice(0, svg.indexOf(">"));
  const w = /\bwidth="([\d.]+)(pt)?"/.exec(tag), h = /\bheight="([\d.]+)(pt)?"/.exec(tag);
  if (!w || !h) throw new Error("svgSize: svg has no width/height on its root element.");
  return { width: Number(w[1]), height: Number(h[1]) };
}

/**
 * Rasterize an SVG made by {@link renderSvg} to PNG with the pinned fonts,
 * on white, at `scale` pixels per point. The run stamp goes into tEXt
 * chunks, the density into a pHYs chunk.
 *
 * @category Rendering
 */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  const scale = pngScale(opts);
  const { Resvg } = await import("@resvg/resvg-js");
  const f = fontFiles();
  const { width } = svgSize(svg);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: Math.max(1, Math.round(width * scale)) },
    background: "white",
    font: {
      fontFiles: [f.regular, f.bold, f.oblique, f.boldOblique],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  const png = new Uint8Array(resvg.render().asPng());
  const text: [string, string][] = [["Software", "kd-uncertainty toolkit (lib/plot)"]];
  if (opts.meta) text.push(...runStamp(opts.meta));
  return addPngChunks(png, text, scale * 72);
}

function pngScale(opts: PngOptions): number {
  if (opts.scale !== undefined) {
    if (!(opts.scale > 0) || !Number.isFinite(opts.scale) || opts.scale > 50) {
      throw new Error(`renderPng: scale must be in (0, 50] pixels per point; got ${opts.scale}.`);
    }
    return opts.scale;
  }
  const dpi = opts.dpi ?? 300;
  if (!(dpi > 0) || !Number.isFinite(dpi) || dpi > 3600) {
    throw new Error(`renderPng: dpi must be in (0, 3600]; got ${opts.dpi}.`);
  }
  return dpi / 72;
}

/**
 * The chart as a PNG (default 300 dpi).
 *
 * @throws Error when the spec does not compile or `scale`/`dpi` is out of range.
 *
 * @category Rendering
 */
export async function renderPng(chart: Chart, opts: PngOptions = {}): Promise<Uint8Array> {
  pngScale(opts);
  return svgToPng(await renderSvg(chart), opts);
}

/**
 * Convert an SVG made by {@link renderSvg} to a one-page vector PDF the size
 * of the figure, with the DejaVu Sans faces embedded (subset). The run stamp
 * goes into the document info (Subject and Keywords, plus one entry per key).
 *
 * @category Rendering
 */
export async function svgToPdf(
  svg: string,
  opts: RenderOptions & { title?: string } = {},
): Promise<Uint8Array> {
  const [{ default: PDFDocument }, { default: SVGtoPDF }] = await Promise.all([
    import("pdfkit"),
    import("svg-to-pdfkit"),
  ]);
  const { width, height } = svgSize(svg);
  const info: Record<string, unknown> = {
    Title: opts.title ?? "figure",
    Creator: "kd-uncertainty toolkit (lib/plot)",
  };
  if (opts.meta) {
    const stamp = runStamp(opts.meta);
    info.Subject = stamp.map(([k, v]) => `${k}=${v}`).join(", ");
    info.Keywords = info.Subject;
    for (const [k, v] of stamp) info[k[0].toUpperCase() + k.slice(1)] = v;
  }
  // A fixed CreationDate makes pdfkit's file ID, and so the whole file, a function of the
  // content; the date itself is then left out rather than recorded falsely.
  info.CreationDate = new Date(0);
  const doc = new PDFDocument({ size: [width, height], margin: 0, info, autoFirstPage: true });
  delete doc.info.CreationDate;
  // pdfkit drafts XMP metadata from CreationDate at the end, but writes it only for PDF >= 1.4.
  if (String(doc.version) === "1.3") doc._addInfo = () => {};
  const f = fontFiles();
  doc.registerFont("sans", f.regular);
  doc.registerFont("sans-bold", f.bold);
  doc.registerFont("sans-oblique", f.oblique);
  doc.registerFont("sans-bold-oblique", f.boldOblique);
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve, reject) => {
    doc.on("data", (c: Uint8Array) => chunks.push(new Uint8Array(c)));
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  // Vega writes solid lines of a dashed scale as dasharray "1,0", which pdfkit rejects.
  const solid = svg.replace(/ stroke-dasharray="1,\s*0"/g, "");
  SVGtoPDF(doc, userUnitRoot(solid), 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family: string, bold: boolean, italic: boolean) =>
      bold ? (italic ? "sans-bold-oblique" : "sans-bold") : (italic ? "sans-oblique" : "sans"),
  });
  doc.end();
  await done;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * The SVG with its root width and height as bare numbers (user units).
 *
 * renderSvg writes `width="480pt"` beside `viewBox="0 0 480 ..."`, so one user
 * unit is one point. svg-to-pdfkit with `assumePt` takes one user unit as one
 * PDF point but still converts a `pt` length to CSS pixels (x 96/72), so the
 * drawing came out 4/3 too large and the page, sized from the viewBox, cut off
 * its right and bottom quarter. With bare numbers the root's size, the
 * viewBox and the page all agree.
 */
export function userUnitRoot(svg: string): string {
  const open = svg.indexOf(">");
  if (open < 0) return svg;
  const head = svg.slice(0, open)
    .replace(/\bwidth="([\d.]+)pt"/, 'width="$1"')
    .replace(/\bheight="([\d.]+)pt"/, 'height="$1"');
  return head + svg.slice(open);
}

/**
 * The chart as a one-page vector PDF.
 *
 * @throws Error when the spec does not compile.
 *
 * @category Rendering
 */
export async function renderPdf(chart: Chart, opts: RenderOptions = {}): Promise<Uint8Array> {
  return svgToPdf(await renderSvg(chart), { ...opts, title: chart.title ?? chart.name });
}
