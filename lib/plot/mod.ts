/**
 * Figures for the paper and the notebooks: Vega-Lite chart builders over
 * plain rows, one paper theme, headless rendering to SVG/PNG/PDF with real
 * font metrics, display in Deno's Jupyter kernel, and all-or-nothing export.
 *
 * Grouped by `@category`: Charts (the `Chart` value and rows), Chart builders
 * (`lineBand`, `groupedBars`, `scatterFit`, `histogram`, `density`,
 * `reliabilityDiagram`), Composition (`facet`, `hconcat`, `vconcat`), Theme and
 * fonts, Rendering (SVG, PNG, PDF), Notebook display (`show`), Export (`save`).
 *
 * @example
 * ```ts
 * import { lineBand, save, show } from "./lib/plot/mod.ts";
 * const chart = lineBand(rows, { x: "sigma2", y: "variance", band: "se", theory: "theory" });
 * show(chart); // last expression of a notebook cell
 * await save(chart, "fig2_linear", { meta: { seed: 42 } });
 * ```
 *
 * @module
 */
export type { Category, Chart, ChartLayout, FrameOptions, Row, VegaLiteSpec } from "./chart.ts";
export { frame } from "./chart.ts";
export { lineBand, type LineBandOptions } from "./line_band.ts";
export { groupedBars, type GroupedBarsOptions } from "./grouped_bars.ts";
export { reliabilityDiagram, type ReliabilityOptions } from "./reliability.ts";
export { scatterFit, type ScatterFitOptions } from "./scatter_fit.ts";
export { histogram, type HistogramOptions } from "./histogram.ts";
export { density, type DensityOptions } from "./density.ts";
export { type ComposeOptions, facet, type FacetOptions, hconcat, vconcat } from "./compose.ts";
export { stackTopLegends } from "./legends.ts";
export { type PaperOptions, type PaperValue, withPaper } from "./paper.ts";
export { type FigureWidth, figureWidth, PALETTE, themeConfig } from "./theme.ts";
export { type PngOptions, type RenderOptions, renderPdf, renderPng, renderSvg } from "./render.ts";
export { display, show } from "./show.ts";
export { rowsToCsv, save, type SavedFigure, type SaveOptions } from "./save.ts";
