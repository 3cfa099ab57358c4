/**
 * Showing a {@link Chart} in a notebook: as a Vega-Lite 5 spec for
 * JupyterLab's own renderer, our SVG rendering beside it (drawn where no
 * Vega-Lite renderer exists, e.g. GitHub, nbconvert's HTML, VS Code without
 * the extension), and the text summary.
 *
 * @module
 */
import type { Chart } from "./chart.ts";
import { type Displayable, displayable, jupyterApi, type MediaBundle } from "./jupyter.ts";
import { renderSvg } from "./render.ts";

/**
 * The chart's MIME bundle: `application/vnd.vegalite.v5+json` (the spec),
 * `image/svg+xml` (rendered here with the pinned fonts) and `text/plain`
 * (the summary).
 *
 * @throws Error when the spec does not compile.
 *
 * @category Notebook display
 */
export async function chartBundle(chart: Chart): Promise<MediaBundle> {
  return {
    "application/vnd.vegalite.v5+json": chart.spec,
    "image/svg+xml": await renderSvg(chart),
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
