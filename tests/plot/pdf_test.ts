/**
 * The exported PDFs hold the whole figure: the page is the SVG's size in
 * points and the drawing, rasterized by poppler, covers the same box as the
 * SVG rasterized by resvg (so the axes, their titles and the legends at the
 * edges are on the page, not cut off). Ignored when poppler-utils is absent.
 */
import { assert, assertEquals } from "../assert.ts";
import { svgSize, svgToPdf, svgToPng } from "../../lib/plot/render.ts";
import { renderSvg } from "../../lib/plot/render.ts";
import { decodePng } from "./png_decode.ts";
import { exampleCharts, section4Figures } from "./fixtures.ts";
import { HAVE_POPPLER, inkBox, pdfPage, pdfPageSize } from "./poppler.ts";

/** Pixels per point of the comparison (144 dpi). */
const SCALE = 2;
/**
 * Points the two rasterizers' ink boxes may differ by: anti-aliasing of an
 * edge stroke or glyph differs by a pixel or two; the cropping bug moved the
 * right and bottom edges by a third of the figure (over 60 pt).
 */
const TOLERANCE_PT = 2;

async function checkPdfAgainstSvg(svg: string, pdfPath: string, label: string) {
  const size = svgSize(svg);
  const page = await pdfPageSize(pdfPath);
  assert(
    Math.abs(page.width - size.width) < 0.5 && Math.abs(page.height - size.height) < 0.5,
    `${label}: PDF page ${page.width} x ${page.height} pt, SVG ${size.width} x ${size.height} pt`,
  );
  const pdfImg = await pdfPage(pdfPath, 72 * SCALE);
  const pngImg = await decodePng(await svgToPng(svg, { scale: SCALE }));
  const a = inkBox(pdfImg), b = inkBox(pngImg);
  assert(a && b, `${label}: a rendering is blank`);
  for (const side of ["left", "top", "right", "bottom"] as const) {
    const d = Math.abs(a[side] - b[side]) / SCALE;
    assert(
      d <= TOLERANCE_PT,
      `${label}: the PDF's drawing ends ${d} pt from the SVG's on the ${side} ` +
        `(PDF ${JSON.stringify(a)}, SVG ${JSON.stringify(b)})`,
    );
  }
  // Axes titles sit at the left and bottom edges, a title or legend at the top.
  const h = pdfImg.height / SCALE;
  assert(a.left / SCALE <= 12, `${label}: nothing drawn within 12 pt of the left edge`);
  assert(a.top / SCALE <= 12, `${label}: nothing drawn within 12 pt of the top edge`);
  assert(h - a.bottom / SCALE <= 12, `${label}: nothing drawn within 12 pt of the bottom edge`);
  // Same amount of dark ink, within 15% (different anti-aliasing, same marks: poppler gives the
  // 0.6-pt dark dashes drawn over theory lines more coverage than resvg, 1.109 on Theorem 7.3's
  // figure, where they run the length of every curve).
  const ratio = a.count / b.count;
  assert(ratio > 0.9 && ratio < 1.15, `${label}: ink PDF/SVG = ${ratio.toFixed(3)}`);
}

Deno.test({
  name: "every builder's PDF has the SVG's page size and all of its drawing",
  ignore: !HAVE_POPPLER,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const charts = { ...exampleCharts(), ...section4Figures() };
      for (const [name, chart] of Object.entries(charts)) {
        const svg = await renderSvg(chart);
        await Deno.writeFile(`${dir}/${name}.pdf`, await svgToPdf(svg));
        await checkPdfAgainstSvg(svg, `${dir}/${name}.pdf`, name);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const FIGURES = new URL("../../figures/", import.meta.url).pathname;

function committedFigures(): string[] {
  try {
    return [...Deno.readDirSync(FIGURES)].filter((e) => e.name.endsWith(".pdf"))
      .map((e) => e.name.slice(0, -4)).sort();
  } catch {
    return [];
  }
}

Deno.test({
  name: "every committed PDF in figures/ matches its SVG: page size and drawing (not cropped)",
  ignore: !HAVE_POPPLER || committedFigures().length === 0,
  async fn() {
    const names = committedFigures();
    for (const name of names) {
      const svg = await Deno.readTextFile(`${FIGURES}${name}.svg`);
      await checkPdfAgainstSvg(svg, `${FIGURES}${name}.pdf`, `figures/${name}`);
    }
    assertEquals(names.length > 0, true);
  },
});
