import { assert, assertEquals, assertThrows } from "../assert.ts";
import { facet, reliabilityDiagram, renderSvg } from "../../lib/plot/mod.ts";
import { compileChart } from "../../lib/plot/render.ts";
import { sizeLegendValues } from "../../lib/plot/reliability.ts";
import { layOut } from "./scene.ts";
import { VEGA_LITE_V5_SCHEMA } from "../../lib/plot/theme.ts";

/** Bins as reliabilityBins returns them (10 bins, two of them empty), for two models. */
function binRows() {
  const rows = [];
  for (const model of ["teacher", "student"]) {
    for (let b = 0; b < 10; b++) {
      const empty = b < 2;
      const mid = (b + 0.5) / 10;
      rows.push({
        model,
        lower: b / 10,
        upper: (b + 1) / 10,
        count: empty ? 0 : 5 * (b + 1),
        confidence: empty ? NaN : mid,
        accuracy: empty ? NaN : Math.min(1, mid * (model === "teacher" ? 1.05 : 0.9)),
      });
    }
  }
  return rows;
}

Deno.test("a reliability diagram compiles without warnings and draws the diagonal, lines and points", async () => {
  const chart = reliabilityDiagram(binRows(), { count: "count", series: "model" });
  assertEquals(chart.spec.$schema, VEGA_LITE_V5_SCHEMA);
  const { warnings } = await compileChart(chart);
  assertEquals(warnings, []);
  const svg = await renderSvg(chart);
  assert(/stroke-dasharray="4,2"/.test(svg), "a dashed diagonal");
  for (const text of ["teacher", "student", "accuracy in bin"]) {
    assert(svg.includes(`>${text}<`), `missing text ${text}`);
  }
});

Deno.test("empty bins are left out when a count field is given", () => {
  const chart = reliabilityDiagram(binRows(), { count: "count", series: "model" });
  assertEquals(chart.rows.length, 16); // 20 bins, 2 empty per model
  assert(chart.rows.every((r) => (r.count as number) > 0));
});

Deno.test("the summary reports the count-weighted gap to the diagonal per model", () => {
  const rows = [
    { model: "a", confidence: 0.9, accuracy: 0.8, count: 3 },
    { model: "a", confidence: 0.5, accuracy: 0.5, count: 1 },
  ];
  const chart = reliabilityDiagram(rows, { count: "count", series: "model" });
  // (3 x 0.1 + 1 x 0) / 4 = 0.075: the expected calibration error of these bins.
  assert(
    chart.summary.includes("model = a: 2 bins, count-weighted |accuracy - confidence| = 0.075"),
  );
});

Deno.test("a reliability diagram splits into panels with facet", async () => {
  const rows = [
    ...binRows().map((r) => ({ ...r, data: "Digits" })),
    ...binRows().map((r) => ({ ...r, data: "MNIST" })),
  ];
  const chart = facet(reliabilityDiagram(rows, { count: "count", series: "model" }), "data");
  const { warnings } = await compileChart(chart);
  assertEquals(warnings, []);
  const svg = await renderSvg(chart);
  assert(svg.includes("data = MNIST"), "panel header");
});

Deno.test("values outside [min, 1], NaN outside empty bins and a bad min are refused", () => {
  assertThrows(
    () => reliabilityDiagram([{ confidence: 1.2, accuracy: 0.5 }]),
    Error,
    'confidence "confidence" must lie in [0, 1]',
  );
  assertThrows(
    () => reliabilityDiagram([{ confidence: 0.2, accuracy: 0.5 }], { min: 0.5 }),
    Error,
    "lower min",
  );
  assertThrows(
    () => reliabilityDiagram([{ confidence: NaN, accuracy: 0.5 }]),
    Error,
    "must hold finite numbers",
  );
  assertThrows(
    () => reliabilityDiagram([{ confidence: 0.2, accuracy: 0.5, n: 0 }], { count: "n" }),
    Error,
    "every bin is empty",
  );
  assertThrows(() => reliabilityDiagram([{ c: 0.5, accuracy: 0.5 }], { min: 1 }), Error, "min");
  assertThrows(() => reliabilityDiagram([]), Error, "rows is empty");
});

/** Bins of several models with counts up to `top` (the largest in the last bin). */
function bigBins(top: number, models: string[]) {
  return models.flatMap((model, k) =>
    [0.35, 0.55, 0.75, 0.95].map((c, b) => ({
      model,
      confidence: c,
      accuracy: Math.max(0, c - 0.02 * k),
      count: b === 3 ? top : 40 * (b + 1),
    }))
  );
}

Deno.test("the dot-size legend's labels lie inside the figure, with counts up to 1,500 and more", async () => {
  const seven = ["Teachers", "Standard KD", "small-Ens", "Hydra", "EnD²", "Proxy-EnD²", "DLF"];
  for (const top of [1_500, 1_537, 9_999, 14_000]) {
    // As notebook 08 draws MNIST's (one column wide, seven models) and as 06 facets its panels.
    const charts = [
      reliabilityDiagram(bigBins(top, seven), { count: "count", series: "model", title: "t" }),
      facet(
        reliabilityDiagram(
          ["Digits", "MNIST", "Covertype"].flatMap((data) =>
            bigBins(top, ["teacher", "student"]).map((r) => ({ ...r, data }))
          ),
          { count: "count", series: "model", height: 100 },
        ),
        "data",
        { width: "page" },
      ),
    ];
    for (const chart of charts) {
      const { width, items } = await layOut(chart);
      const labels = items.filter((p) => p.marktype === "text" && p.role === "legend-label");
      const counts = labels.filter((p) => /^[\d,]+$/.test(String(p.item.text)));
      assert(counts.length >= 2, `size legend labels: ${counts.map((p) => p.item.text)}`);
      for (const p of [...labels, ...items.filter((p) => p.role === "legend-title")]) {
        assert(p.x1 >= 0 && p.x2 <= width, `"${p.item.text}" spans ${p.x1}..${p.x2} of ${width}`);
      }
      assert(!counts.some((p) => p.item.text === "0"), "no entry for an empty bin");
    }
  }
});

Deno.test("the size legend's counts are round, at most three and never above the largest bin", () => {
  assertEquals(sizeLegendValues(1_537), [500, 1_000, 1_500]);
  assertEquals(sizeLegendValues(1_500), [500, 1_000, 1_500]);
  assertEquals(sizeLegendValues(14_000), [5_000, 10_000]);
  assertEquals(sizeLegendValues(340), [100, 200, 300]);
  assertEquals(sizeLegendValues(9_999), [2_000, 4_000, 6_000]);
  assertEquals(sizeLegendValues(2), [1, 2]);
});

Deno.test("facet headers of one row of panels sit level, though a big dot pokes over one panel's top", async () => {
  // MNIST's last bin holds 15,000 examples at accuracy 0.999: its dot reaches over the plot.
  const rows = ["Digits", "MNIST", "Covertype"].flatMap((data, k) =>
    ["a", "b"].flatMap((model) =>
      [0.35, 0.995].map((c, b) => ({
        data,
        model,
        confidence: c,
        accuracy: b ? (k === 1 ? 0.999 : 0.8) : 0.3,
        count: b ? (k === 1 ? 15_000 : 100) : 40,
      }))
    )
  );
  const chart = facet(reliabilityDiagram(rows, { count: "count", series: "model" }), "data", {
    label: null,
  });
  const { items } = await layOut(chart);
  const headers = items.filter((p) =>
    p.marktype === "text" && ["Digits", "MNIST", "Covertype"].includes(String(p.item.text))
  );
  assertEquals(headers.length, 3);
  const tops = headers.map((p) => p.y1);
  // Before, a wrapped facet put MNIST's header 3.8 pt above the others.
  assert(Math.max(...tops) - Math.min(...tops) < 0.01, `header tops ${tops}`);
});

Deno.test("a facet value with a line break is a header of two lines; one without keeps 'field = value'", async () => {
  const rows = ["Digits\nECE: teacher 0.016", "MNIST\nECE: teacher 0.020"].flatMap((data) =>
    binRows().map((r) => ({ ...r, data }))
  );
  const two = await layOut(facet(reliabilityDiagram(rows, { count: "count" }), "data", {
    label: null,
  }));
  const texts = two.items.filter((p) => p.marktype === "text").map((p) => p.item.text);
  assert(
    texts.some((t) => Array.isArray(t) && t.join("|") === "MNIST|ECE: teacher 0.020"),
    JSON.stringify(texts),
  );
  const plain = facet(reliabilityDiagram(binRows(), { count: "count" }), "model");
  const header = (plain.spec.facet as { column: { header: { labelExpr: string } } }).column.header;
  assertEquals(header.labelExpr, '"model = " + (datum.label)');
});
