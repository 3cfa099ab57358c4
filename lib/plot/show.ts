/**
 * Showing a {@link Chart} in a notebook: as a Vega-Lite 5 spec for
 * JupyterLab's own renderer, a PNG rendering beside it (drawn wherever no
 * Vega-Lite renderer exists: classic Notebook, nbconvert's HTML, GitHub,
 * VS Code without the extension), and the text summary.
 *
 * Why a PNG and not an SVG beside the spec: every route that sanitises HTML
 * blanks an inline SVG (nbconvert's HTML export keeps only its text, 21 of
 * 21 charts; classic Notebook drops it from an untrusted notebook), while an
 * image is shown everywhere, trusted or not. The PNG is rasterized from our
 * SVG with the pinned fonts, at 2 pixels per point (sharp on high-density
 * screens); `save` still writes the SVG and PDF for papers.
 *
 * @module
 */
import type { Chart } from "./chart.ts";
import { type Displayable, displayable, jupyterApi, type MediaBundle } from "./jupyter.ts";
import { renderSvg, svgToPng } from "./render.ts";

/** Pixels per point of the PNG a notebook shows (144 dpi). */
export const NOTEBOOK_PNG_SCALE = 2;

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * The chart's MIME bundle: `application/vnd.vegalite.v5+json` (the spec),
 * `image/png` (base64, rendered here with the pinned fonts, recording its
 * density in a pHYs chunk) and `text/plain` (the summary).
 *
 * @throws Error when the spec does not compile.
 *
 * @category Notebook display
 */
export async function chartBundle(chart: Chart): Promise<MediaBundle> {
  const png = await svgToPng(await renderSvg(chart), { scale: NOTEBOOK_PNG_SCALE });
  return {
    "application/vnd.vegalite.v5+json": chart.spec,
    "image/png": base64(png),
    "text/plain": chart.summary,
  };
}

/**
 * A displayable wrapper of the chart: make it a cell's last expression and
 * Deno's kernel draws the chart. Outside Jupyter it is harmless; printing it
 * prints the summary.
 *
 * @example
 * ```ts
 * show(lineBand(rows, { x: "s2", y: "mse", band: "se" })); // last line of a cell
 * ```
 *
 * @category Notebook display
 */
export function show(chart: Chart): Displayable & { chart: Chart; toString(): string } {
  if (!chart || typeof chart !== "object" || !chart.spec) {
    throw new Error("show: chart must be a Chart made by one of the builders.");
  }
  return Object.assign(displayable(chart.summary, () => chartBundle(chart)), { chart });
}

/**
 * Draw the chart now, from anywhere in a cell (`await display(chart)`), via
 * `Deno.jupyter.display`. Outside Jupyter it prints the summary instead.
 * Returns whether it was drawn in a notebook.
 *
 * @throws Error when the spec does not compile.
 *
 * @category Notebook display
 */
export async function display(chart: Chart): Promise<boolean> {
  const api = jupyterApi();
  if (!api) {
    console.log(chart.summary);
    return false;
  }
  await api.display(await chartBundle(chart), { raw: true });
  return true;
}
