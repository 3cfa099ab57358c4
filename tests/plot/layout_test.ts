/**
 * Layout of figures as Vega really lays them out: page width respected,
 * plots level across panels, legends inside their panels, no text outside
 * the figure, no category label dropped, distinct panel names. Positions are
 * read from Vega's scenegraph (tests/plot/scene.ts), never from our own
 * estimates.
 */
import { assert, assertEquals } from "../assert.ts";
import {
  type Chart,
  groupedBars,
  hconcat,
  lineBand,
  renderSvg,
  vconcat,
} from "../../lib/plot/mod.ts";
import { axisExponent, COLUMN_WIDTH, exponentSuffix, PAGE_WIDTH } from "../../lib/plot/theme.ts";
import { compileChart, svgToPng } from "../../lib/plot/render.ts";
import { textWidth } from "../../lib/plot/fonts.ts";
import { wrapText, yAxisWidth, yTickLabels } from "../../lib/plot/axis_space.ts";
import { exampleCharts, mseRows, section4Figures } from "./fixtures.ts";
import { layOut, type Placed, textOf, visibleTexts } from "./scene.ts";
import { darkPixels, decodePng } from "./png_decode.ts";

/** The plot areas of an hconcat's panels, left to right. */
function cells(items: readonly Placed[]): Placed[] {
  return items.filter((p) => p.role === "scope" && /^concat_\d+_group$/.test(p.name))
    .sort((a, b) => a.ox - b.ox);
}

/** The name of the panel a scenegraph item is drawn in, if any. */
function panelOf(p: Placed): string | undefined {
  return p.path.find((n) => /^concat_\d+_group$/.test(n));
}

function leftAxis(items: readonly Placed[]): Placed {
  const axes = items.filter((p) => p.role === "axis" && p.item.orient === "left");
  assertEquals(axes.length, 1, "one left axis");
  return axes[0];
}

/** The 02 figure that clipped: a long y title at page width, five series. */
function longYTitle(): Chart {
  const rows = [];
  for (let i = 1; i <= 25; i++) {
    for (const m of ["teacher", "student 1", "student 2", "student 3", "student 4"]) {
      rows.push({ input: i, prediction: -2 + i / 6 + (m.length % 3) * 0.2, sd: 0.8, model: m });
    }
  }
  return lineBand(rows, {
    x: "input",
    y: "prediction",
    band: "sd",
    series: "model",
    xTitle: "test input (sorted by teacher prediction)",
    yTitle: "prediction ± 1 predictive SD (z-score)",
    width: "page",
    points: false,
  });
}

/** Bars whose category names are much wider than their bands at column width. */
function longLabelBars(width: "column" | "page"): Chart {
  const cats = [
    "teacher noise only",
    "student initialization",
    "bootstrap resampling of the training data",
    "all three sources combined",
    "none",
  ];
  const rows = cats.flatMap((c, i) =>
    ["inter", "intra"].map((p, j) => ({ source: c, part: p, v: 0.1 + 0.05 * i + 0.02 * j }))
  );
  return groupedBars(rows, { x: "source", y: "v", group: "part", width });
}

Deno.test("y tick labels are the ones Vega draws, and the y axis room covers Vega's axis within 1.5 pt", async () => {
  const ranges = [[0, 0.0025], [0.29, 0.36], [-2.7, 3.1], [120, 4530], [1e-5, 3e-5], [0, 1]];
  for (const [lo, hi] of ranges) {
    const chart = lineBand([{ x: 0, y: lo }, { x: 1, y: hi }], {
      x: "x",
      y: "y",
      yTitle: "Y",
      yExponent: 0,
    });
    const { items } = await layOut(chart);
    const axis = leftAxis(items);
    const drawn = items.filter((p) =>
      p.role === "axis-label" && p.path.length === axis.path.length && p.x2 <= axis.ox + 1
    ).map(textOf);
    assertEquals(drawn, yTickLabels({ values: [lo, hi] }), `labels for [${lo}, ${hi}]`);
    // From the plot's left edge (the axis group's parent origin) to the title's outer edge.
    const actual = axis.ox - axis.item.x - axis.x1;
    const est = yAxisWidth({ values: [lo, hi] });
    assert(est >= actual - 0.5 && est <= actual + 1.5, `[${lo}, ${hi}]: ${est} vs ${actual}`);
  }
});

Deno.test("by the house rule, axes of tiny or huge values are labelled in units of 10^3k", async () => {
  const cases: [number, number, number, string[]][] = [
    [0, 0.0025, -3, ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]],
    [1e-5, 3e-5, -6, ["10", "15", "20", "25", "30"]],
    [120, 45300, 3, ["0", "10", "20", "30", "40", "50"]],
    [0.29, 0.36, 0, ["0.28", "0.30", "0.32", "0.34", "0.36"]],
  ];
  for (const [lo, hi, power, labels] of cases) {
    assertEquals(axisExponent([lo, hi]), power, `power for [${lo}, ${hi}]`);
    const chart = lineBand([{ x: 0, y: lo }, { x: 1, y: hi }], { x: "x", y: "y", yTitle: "Y" });
    const { items } = await layOut(chart);
    const axis = leftAxis(items);
    const texts = items.filter((p) => p.path.length >= axis.path.length).map(textOf);
    const drawn = items.filter((p) =>
      p.role === "axis-label" && p.path.length === axis.path.length && p.x2 <= axis.ox + 1
    ).map(textOf);
    assertEquals(drawn, labels, `labels for [${lo}, ${hi}]`);
    const scaled = [lo / 10 ** power, hi / 10 ** power];
    assertEquals(drawn, yTickLabels({ values: scaled }), "the room estimate sees these labels");
    assert(texts.includes(`Y${exponentSuffix(power)}`), `title for [${lo}, ${hi}]: ${texts}`);
    const actual = axis.ox - axis.item.x - axis.x1;
    const est = yAxisWidth({ values: scaled });
    assert(est >= actual - 0.5 && est <= actual + 1.5, `[${lo}, ${hi}]: ${est} vs ${actual}`);
  }
});

Deno.test("figures of side-by-side panels fill the page width without running past it", async () => {
  const { panels, faceted } = exampleCharts();
  const figs = { ...section4Figures(), panels, faceted };
  for (const [key, chart] of Object.entries(figs)) {
    const { width } = await layOut(chart);
    assert(width <= PAGE_WIDTH + 0.5, `${key}: ${width} pt is wider than the page`);
    assert(width >= PAGE_WIDTH - 8, `${key}: ${width} pt leaves more than 8 pt unused`);
  }
});

Deno.test("no text of any figure reaches outside the figure", async () => {
  const figs: Record<string, Chart> = {
    ...exampleCharts(),
    ...section4Figures(),
    longYTitle: longYTitle(),
    barsColumn: longLabelBars("column"),
    barsPage: longLabelBars("page"),
  };
  for (const [key, chart] of Object.entries(figs)) {
    const { width, height, items } = await layOut(chart);
    for (const t of visibleTexts(items)) {
      const where = `${key}: "${textOf(t)}" at [${t.x1}, ${t.y1}]-[${t.x2}, ${t.y2}]`;
      assert(t.x1 >= -0.5 && t.y1 >= -0.5, `${where} starts outside the figure`);
      assert(
        t.x2 <= width + 0.5 && t.y2 <= height + 0.5,
        `${where} ends outside ${width}x${height}`,
      );
    }
  }
});

Deno.test("a y title longer than the plot is tall is broken into lines and leaves no ink on the PNG's edges", async () => {
  const chart = longYTitle();
  const { items } = await layOut(chart);
  const title = items.find((p) => p.role === "axis-title" && textOf(p).startsWith("prediction"));
  assert(title !== undefined);
  assert(Array.isArray(title.item.text) && title.item.text.length >= 2, "wrapped onto lines");
  const png = await decodePng(await svgToPng(await renderSvg(chart), { dpi: 144 }));
  // The left-most and top-most 2 px columns and rows of a figure with 4 pt padding stay white.
  let edge = darkPixels(png, 0, 2);
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < 2; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 3 * 128) edge++;
    }
  }
  assertEquals(edge, 0, "ink on the figure's top or left edge: something is clipped");
});

Deno.test("side-by-side plots start at the same height, and so do the panel titles", async () => {
  for (const [key, chart] of Object.entries(section4Figures())) {
    const { items } = await layOut(chart);
    const cs = cells(items);
    assert(cs.length >= 2, `${key}: panels found`);
    for (const c of cs) assertEquals(c.oy, cs[0].oy, `${key}: plot tops differ`);
    const titles = items.filter((p) =>
      p.role === "title-text" && /^concat_\d+_group$/.test(p.path.at(-1) ?? "") &&
      textOf(p).trim() !== ""
    );
    if (key !== "mixed") assertEquals(titles.length, 2, `${key}: both panel titles found`);
    for (const t of titles) {
      assert(Math.abs(t.y1 - titles[0].y1) < 0.6, `${key}: title "${textOf(t)}" is not level`);
    }
  }
});

Deno.test("a panel's own legends stay within its plot's width, stacked without overlapping", async () => {
  // The panel asks for the full page width; inside hconcat its legends wrap to the panel.
  const rows = mseRows(1, true).map((r) => ({ ...r, who: `${r["MSE against"]} (long label)` }));
  const chart = hconcat([
    lineBand(rows, { x: "sigma2", y: "value", series: "who", theory: "theory", width: "page" }),
    lineBand(rows, { x: "sigma2", y: "value", series: "MSE against", width: "page" }),
  ]);
  const { items, width } = await layOut(chart);
  const cs = cells(items);
  const legends = items.filter((p) => p.role === "legend");
  assert(legends.length >= 2, "legends drawn");
  for (const l of legends) {
    const cell = cs.find((c) => c.name === panelOf(l));
    const right = cell ? cell.ox + cell.item.width : width;
    assert(l.x2 <= right + 1, `legend ends at ${l.x2}, past ${right}`);
  }
  const inFirst = legends.filter((l) => panelOf(l) === cs[0].name).sort((a, b) => a.y1 - b.y1);
  assertEquals(inFirst.length, 2, "series and line-style legends in the first panel");
  assert(inFirst[1].y1 >= inFirst[0].y2, "the two legends are stacked, not side by side");
  assert(Math.abs(inFirst[1].x1 - inFirst[0].x1) < 0.5, "stacked legends start at the same x");
  assert(width <= PAGE_WIDTH + 0.5, `figure ${width} pt wide`);
});

Deno.test("an untitled line-style legend sits under a titled series legend, left-aligned", async () => {
  const { items } = await layOut(exampleCharts().line);
  const legends = items.filter((p) => p.role === "legend").sort((a, b) => a.y1 - b.y1);
  assertEquals(legends.length, 2);
  assert(legends[1].y1 >= legends[0].y2, "stacked");
  assert(Math.abs(legends[1].x1 - legends[0].x1) < 0.5, "left edges level");
});

function legendLabels(items: readonly Placed[], legend: Placed): string[] {
  return items.filter((p) =>
    p.role === "legend-label" && p.y1 >= legend.y1 - 0.5 && p.y2 <= legend.y2 + 0.5 &&
    p.path.length === legend.path.length
  ).map(textOf);
}

Deno.test("panels that share series get one legend above the figure, each entry once", async () => {
  const { items } = await layOut(section4Figures().mse);
  const legends = items.filter((p) => p.role === "legend");
  assert(legends.every((l) => panelOf(l) === undefined), "no legend inside a panel");
  const labels = legends.map((l) => legendLabels(items, l).sort());
  assertEquals(labels.sort((a, b) => a.length - b.length || a[0].localeCompare(b[0])), [
    ["closed form", "simulation"],
    ["ground truth", "teacher's outputs"],
  ]);
  const top = Math.min(...cells(items).map((c) => c.oy));
  for (const l of legends) assert(l.y2 < top, "shared legends sit above the plots");
});

Deno.test("different line styles of different panels get different dashes in the shared legend", async () => {
  const { items } = await layOut(section4Figures().fits);
  const symbols = items.filter((p) => p.role === "legend-symbol");
  const labels = items.filter((p) => p.role === "legend-label").map(textOf);
  assertEquals(labels, ["simulation", "Theorem 4.1", "linear fit", "quadratic fit"]);
  const dashes = symbols.map((s) => JSON.stringify(s.item.strokeDash ?? null));
  assertEquals(new Set(dashes).size, 4, `dashes ${dashes.join(" ")}`);
});

Deno.test("every category label under grouped bars is drawn, wrapped or angled, never dropped", async () => {
  for (const width of ["column", "page"] as const) {
    const chart = longLabelBars(width);
    const { items } = await layOut(chart);
    const drawn = visibleTexts(items).filter((p) => p.role === "axis-label").map(textOf);
    for (const c of new Set(chart.rows.map((r) => String(r.source)))) {
      assert(drawn.includes(c), `${width}: "${c}" not drawn (drawn: ${drawn.join(" | ")})`);
    }
  }
  const svg = await renderSvg(longLabelBars("page"));
  assert(svg.includes("bootstrap resampling") && svg.includes("of the training data"));
});

Deno.test("panel names in a figure's rows are distinct: names, else titles, else lettered", () => {
  const rows = [{ x: 0, y: 1 }, { x: 1, y: 2 }];
  const names = (c: Chart) => [...new Set(c.rows.map((r) => r.panel))];
  const plain = hconcat([lineBand(rows, { x: "x", y: "y" }), lineBand(rows, { x: "x", y: "y" })]);
  assertEquals(names(plain), ["line_band (a)", "line_band (b)"]);
  const titled = hconcat([
    lineBand(rows, { x: "x", y: "y", title: "Linear" }),
    lineBand(rows, { x: "x", y: "y", title: "Neural" }),
  ]);
  assertEquals(names(titled), ["Linear", "Neural"]);
  const named = hconcat([
    lineBand(rows, { x: "x", y: "y", name: "lin", title: "Same" }),
    lineBand(rows, { x: "x", y: "y", name: "nn", title: "Same" }),
  ]);
  assertEquals(names(named), ["lin", "nn"]);
});

Deno.test("stacked panels fit the column, and a bar legend is not merged into a line legend", async () => {
  const { line, bars } = exampleCharts();
  const chart = vconcat([line, bars]);
  const { width, items } = await layOut(chart);
  assert(width <= COLUMN_WIDTH + 0.5, `${width} pt is wider than a column`);
  const legends = items.filter((p) => p.role === "legend");
  const symbolsIn = (l: Placed) =>
    items.filter((p) =>
      p.role === "legend-symbol" && p.y1 >= l.y1 - 0.5 && p.y2 <= l.y2 + 0.5 &&
      p.path.length === l.path.length
    ).map((p) => String(p.item.shape));
  // Bars show squares, lines show strokes; no legend mixes the two.
  const shapes = legends.map((l) => [...new Set(symbolsIn(l))].join(","));
  assertEquals(shapes.sort(), ["square", "stroke", "stroke"], "bar, line-colour, line-style");
});

Deno.test("wrapText breaks at spaces into lines no wider than asked, keeping every word", () => {
  const text = "prediction ± 1 predictive SD (z-score)";
  for (const max of [40, 80, 120, 1000]) {
    const lines = wrapText(text, max, 9);
    assertEquals(lines.join(" "), text);
    for (const l of lines) {
      assert(!l.includes(" ") || textWidth(l, 9) <= max, `"${l}" wider than ${max} pt`);
    }
    if (max === 1000) assertEquals(lines.length, 1);
  }
});

Deno.test("multi-panel figures with shared and own legends compile without Vega-Lite warnings", async () => {
  for (const [key, chart] of Object.entries(section4Figures())) {
    const { warnings } = await compileChart(chart);
    assertEquals(warnings, [], `${key} warnings`);
  }
});
