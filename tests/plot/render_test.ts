import * as fontkit from "fontkit";
import { assert, assertEquals } from "../assert.ts";
import { lineBand, renderPdf, renderPng, renderSvg } from "../../lib/plot/mod.ts";
import { chartView, svgToPng } from "../../lib/plot/render.ts";
import { fontFiles } from "../../lib/plot/fonts.ts";
import { readPngText } from "../../lib/plot/png_chunks.ts";
import { exampleCharts } from "./fixtures.ts";
import { darkPixels, decodePng } from "./png_decode.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

function findText(node: Any, role: string, out: Any[] = []): Any[] {
  if (node?.marktype === "text" && node.role === role) out.push(...node.items);
  for (const it of node?.items ?? []) if (it.items) findText(it, role, out);
  return out;
}

Deno.test("text is laid out with DejaVu Sans's real advance widths, not Vega's 45%-wide estimate", async () => {
  const title = "Teacher noise variance (fraction of Var y)";
  const chart = lineBand([{ a: 1, b: 1 }, { a: 2, b: 3 }], { x: "a", y: "b", xTitle: title });
  const view = await chartView(chart);
  const items = findText(view.scenegraph().root, "axis-title").filter((i: Any) => i.text === title);
  view.finalize();
  assertEquals(items.length, 1);
  const { fontSize } = items[0];
  const measured = items[0].bounds.width();
  // Independent reference: fontkit's layout of the same string in the font file.
  const font = fontkit.openSync(fontFiles().regular) as Any;
  const expected = font.layout(title).advanceWidth / font.unitsPerEm * fontSize;
  assert(Math.abs(measured / expected - 1) < 0.03, `measured ${measured} vs fontkit ${expected}`);
  const vegaEstimate = 0.8 * title.length * fontSize; // Vega's canvas-less default
  assert(
    vegaEstimate / measured > 1.3,
    `estimate ${vegaEstimate} should be far wider than ${measured}`,
  );
});

Deno.test("the SVG is sized in points and records the run stamp when asked", async () => {
  const svg = await renderSvg(exampleCharts().bars, { meta: { seed: 7, scale: "smoke" } });
  assert(/^<svg[^>]* width="[\d.]+pt" height="[\d.]+pt"/.test(svg), svg.slice(0, 200));
  assert(svg.includes("<metadata>scale=smoke, seed=7</metadata>"));
  const width = Number(/width="([\d.]+)pt"/.exec(svg)![1]);
  assert(Math.abs(width - 3.3 * 72) < 2, `a column-wide figure is 3.3 in wide; got ${width} pt`);
});

Deno.test("the PNG really draws text: the title band has ink only when the SVG has text", async () => {
  const chart = lineBand([{ a: 1, b: 1 }, { a: 2, b: 3 }], {
    x: "a",
    y: "b",
    title: "BIG TITLE HERE",
  });
  const svg = await renderSvg(chart);
  const noText = svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, "");
  assert(noText.length < svg.length);
  const withText = await decodePng(await svgToPng(svg, { dpi: 144 }));
  const without = await decodePng(await svgToPng(noText, { dpi: 144 }));
  assertEquals([withText.width, withText.height], [without.width, without.height]);
  // The title sits in the top ~14 pt of the figure: at 2 px/pt, rows 0..28.
  const inkTitle = darkPixels(withText, 0, 28), inkBlank = darkPixels(without, 0, 28);
  assertEquals(inkBlank, 0, "no text, no ink in the title band");
  assert(inkTitle > 300, `the title should leave ink; got ${inkTitle} dark pixels`);
});

Deno.test("the PNG is the figure size times dpi / 72 and carries the stamp in tEXt chunks", async () => {
  const chart = exampleCharts().scatter;
  const svg = await renderSvg(chart);
  const w = Number(/width="([\d.]+)pt"/.exec(svg)![1]);
  const png = await renderPng(chart, { dpi: 300, meta: { seed: 11, scale: "default" } });
  const img = await decodePng(png);
  assertEquals(img.width, Math.round(w * 300 / 72));
  const text = Object.fromEntries(readPngText(png));
  assertEquals(text.scale, "default");
  assertEquals(text.seed, "11");
});

/** A string entry of the PDF's info dictionary (pdfkit writes each as an indirect object). */
function infoEntry(raw: string, key: string): string | undefined {
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw);
  if (!ref) return new RegExp(`/${key} \\(([^)]*)\\)`).exec(raw)?.[1];
  return new RegExp(`\\b${ref[1]} 0 obj\\s*\\(([^)]*)\\)`).exec(raw)?.[1];
}

async function inflate(bytes: Uint8Array): Promise<string> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new TextDecoder("latin1").decode(await new Response(s).arrayBuffer());
}

Deno.test("the PDF is a vector PDF with DejaVu Sans embedded, text drawn and the stamp in its info", async () => {
  const pdf = await renderPdf(exampleCharts().line, { meta: { seed: 5, scale: "paper" } });
  const raw = new TextDecoder("latin1").decode(pdf);
  assert(raw.startsWith("%PDF-"));
  assert(/\/FontName \/[A-Z]{6}\+DejaVuSans/.test(raw), "DejaVu Sans embedded as a subset");
  assert(!/\/Subtype \/Image/.test(raw), "no raster images: vector only");
  // Page content streams are deflated; text is drawn between BT and ET with Tf and TJ/Tj.
  let content = "";
  for (const m of raw.matchAll(/\/Length (\d+)\s*\/Filter \/FlateDecode\s*>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const bytes = pdf.subarray(start, start + Number(m[1]));
    try {
      content += await inflate(bytes);
    } catch {
      // font programs etc. that are not zlib streams
    }
  }
  assert(/BT[\s\S]*?Tf[\s\S]*?T[Jj][\s\S]*?ET/.test(content), "text operators in the page");
  const textOps = content.match(/\bT[Jj]\b/g)?.length ?? 0;
  assert(textOps >= 10, `title, axis titles, ticks and legend: got ${textOps} text ops`);
  assertEquals(infoEntry(raw, "Scale"), "paper");
  assertEquals(infoEntry(raw, "Seed"), "5");
});

Deno.test("rendering is deterministic: the same chart gives the same SVG and PDF bytes", async () => {
  const { hist } = exampleCharts();
  assertEquals(await renderSvg(hist), await renderSvg(hist));
  assertEquals(await renderPdf(hist), await renderPdf(hist));
});
