import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  density,
  facet,
  groupedBars,
  hconcat,
  histogram,
  lineBand,
  renderSvg,
  scatterFit,
} from "../../lib/plot/mod.ts";
import { compileChart } from "../../lib/plot/render.ts";
import { DASHES, VEGA_LITE_V5_SCHEMA } from "../../lib/plot/theme.ts";
import { exampleCharts, noiseRows } from "./fixtures.ts";

Deno.test("every builder's spec compiles with Vega-Lite without warnings and renders to SVG", async () => {
  for (const [key, chart] of Object.entries(exampleCharts())) {
    const { vega, warnings } = await compileChart(chart);
    assertEquals(warnings, [], `${key} warnings`);
    assert(Array.isArray(vega.marks), `${key} compiles to Vega marks`);
    const svg = await renderSvg(chart);
    assert(svg.startsWith("<svg"), `${key} renders an SVG`);
    assert(/<path|<line|<rect/.test(svg), `${key} draws marks`);
    assert(svg.includes("<text"), `${key} draws text`);
  }
});

Deno.test("every spec declares the Vega-Lite 5 schema for JupyterLab's renderer and carries its data inline", () => {
  for (const [key, chart] of Object.entries(exampleCharts())) {
    assertEquals(chart.spec.$schema, VEGA_LITE_V5_SCHEMA, key);
    const json = JSON.stringify(chart.spec);
    assert(!json.includes('"url"'), `${key} loads no data from a URL`);
    assert(chart.rows.length > 0 && chart.summary.length > 0, key);
  }
});

Deno.test("the line chart draws the titles, the legend labels and a dashed theory line", async () => {
  const svg = await renderSvg(exampleCharts().line);
  for (
    const text of ["Inter-student variance", "Variance across students", "linear", "NN", "theory"]
  ) {
    assert(svg.includes(`>${text}<`), `missing text ${text}`);
  }
  assert(svg.includes(`stroke-dasharray="${DASHES[1].join(",")}"`), "a dashed line");
});

Deno.test("a chart given no rows throws an error naming the rows argument", () => {
  const o = { x: "a", y: "b" };
  for (
    const build of [
      () => lineBand([], o),
      () => groupedBars([], o),
      () => scatterFit([], o),
      () => histogram([], { x: "a" }),
      () => density([], { x: "a" }),
    ]
  ) {
    assertThrows(build, Error, "rows is empty");
  }
  assertThrows(() => hconcat([]), Error, "charts is empty");
});

Deno.test("a missing or non-numeric field is reported with the option, field and row", () => {
  const rows = [{ s: 1, v: 2 }, { s: 2, v: "x" }];
  assertThrows(
    () => lineBand(rows, { x: "s", y: "v" }),
    Error,
    'y "v" must hold finite numbers; rows[1]',
  );
  assertThrows(() => lineBand(rows, { x: "t", y: "v" }), Error, 'x "t" is missing from rows[0]');
  assertThrows(
    () => lineBand([{ s: 1, v: 1, lo: 0, hi: 2 }], { x: "s", y: "v", lower: "lo" }),
    Error,
    "lower and upper go together",
  );
});

Deno.test("a log axis refuses values at or below zero, band edges included", () => {
  const rows = [{ k: 1, v: 0.1, se: 0.2 }, { k: 2, v: 0.05, se: 0.01 }];
  assertThrows(
    () => lineBand(rows, { x: "k", y: "v", band: "se", logY: true }),
    Error,
    "lower edge",
  );
  assertThrows(
    () => lineBand([{ k: 0, v: 1 }], { x: "k", y: "v", logX: true }),
    Error,
    "> 0 on a log axis",
  );
});

Deno.test("the scatter fit reports the least-squares slope and R² of a known line", async () => {
  // y = 0.5 x + 0.1 exactly, then one point moved: slope and R² by hand below.
  const rows = [0, 1, 2, 3].map((s) => ({ s, v: 0.5 * s + 0.1 }));
  const exact = scatterFit(rows, { x: "s", y: "v" });
  assertAlmostEquals(exact.stats!.slope, 0.5, 1e-12);
  assertAlmostEquals(exact.stats!.intercept, 0.1, 1e-12);
  assertAlmostEquals(exact.stats!.r2, 1, 1e-12);
  // Points (0,0), (1,1), (2,1): mean x = 1, mean y = 2/3, Sxy = 1, Sxx = 2 -> slope 1/2,
  // intercept 1/6; residuals -1/6, 1/3, -1/6 -> SSres = 1/6; SStot = 2/3 -> R² = 3/4.
  const fit = scatterFit([{ s: 0, v: 0 }, { s: 1, v: 1 }, { s: 2, v: 1 }], { x: "s", y: "v" });
  assertAlmostEquals(fit.stats!.slope, 0.5, 1e-12);
  assertAlmostEquals(fit.stats!.intercept, 1 / 6, 1e-12);
  assertAlmostEquals(fit.stats!.r2, 0.75, 1e-12);
  assert((await renderSvg(fit)).includes("slope = 0.5, R² = 0.750"));
  assertThrows(
    () => scatterFit([{ s: 1, v: 1 }, { s: 1, v: 2 }], { x: "s", y: "v" }),
    Error,
    "constant",
  );
});

Deno.test("numeric series keep their type in the colour domain, so every series is drawn", async () => {
  // A domain of strings ("0.1") would not match numeric data (0.1) and draw nothing.
  const rows = [0.1, 1].flatMap((alpha) => [1, 2].map((k) => ({ alpha, k, v: alpha * k })));
  const chart = lineBand(rows, { x: "k", y: "v", series: "alpha" });
  const svg = await renderSvg(chart);
  assert(
    svg.includes('stroke="#0072B2"') && svg.includes('stroke="#D55E00"'),
    "both colours drawn",
  );
});

Deno.test("facet splits by a field and labels the panels; scatterFit cannot be faceted", async () => {
  const chart = facet(lineBand(noiseRows(), { x: "s2", y: "mean" }), "model");
  const svg = await renderSvg(chart);
  assert(svg.includes(">model = linear<") && svg.includes(">model = NN<"));
  const sc = scatterFit(noiseRows(), { x: "s2", y: "mean" });
  assertThrows(() => facet(sc, "model"), Error, "hconcat");
});

Deno.test("hconcat keeps each panel's rows, tagged with the panel's name", () => {
  const { line, scatter } = exampleCharts();
  const both = hconcat([line, scatter]);
  assertEquals(both.rows.length, line.rows.length + scatter.rows.length);
  assertEquals(both.rows[0].panel, "line_band");
  assertEquals(both.rows[both.rows.length - 1].panel, "scatter_fit");
});
