/**
 * The house style every builder inherits (lib/plot/theme.ts): Greek facet
 * titles, Unicode notation, dash patterns told apart in a legend, bands with
 * edges, a log scale for bars, independent y ranges for facets, and the
 * reliability diagram's size legend, diagonal note and collision-free ticks.
 */
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { facet, groupedBars, lineBand, reliabilityDiagram, renderSvg } from "../../lib/plot/mod.ts";
import { BAND_STYLE, DASHES, subscript, superscript, symbolName } from "../../lib/plot/theme.ts";
import { LEGEND_STROKE_LENGTH } from "../../lib/plot/theme.ts";
import { DIAGONAL_LABEL } from "../../lib/plot/reliability.ts";
import { kRows } from "./fixtures.ts";
import { layOut, textOf, visibleTexts } from "./scene.ts";

Deno.test("parameter names become symbols: alpha is α, sigma2 is σ², other names stay", () => {
  assertEquals(
    ["alpha", "sigma2", "sigma_2", "lambda", "data", "k", "alphabet"].map(symbolName),
    ["α", "σ²", "σ₂", "λ", "data", "k", "alphabet"],
  );
  assertEquals(`s${superscript("2")}, 10${superscript("−3")}, a${subscript("t")}`, "s², 10⁻³, aₜ");
  assertThrows(() => subscript("T"), Error, `"T"`);
});

/** Which of n half-point steps of a line dashed by `pattern` are drawn. */
function inked(pattern: readonly number[], length: number): boolean[] {
  const period = pattern.reduce((a, b) => a + b, 0);
  return Array.from({ length: length * 2 }, (_, i) => {
    let t = (i / 2 + 0.25) % period;
    for (let k = 0; k < pattern.length; k++) {
      if (t < pattern[k]) return k % 2 === 0;
      t -= pattern[k];
    }
    return true;
  });
}

Deno.test("every dash pattern shows at least two gaps in a legend's sample, and no two look alike", () => {
  const samples = DASHES.map((d) => inked(d, LEGEND_STROKE_LENGTH));
  assert(samples[0].every(Boolean), "the first is solid");
  samples.slice(1).forEach((s, i) => {
    const gaps = s.filter((on, j) => !on && (j === 0 || s[j - 1])).length;
    assert(gaps >= 2, `pattern ${JSON.stringify(DASHES[i + 1])} shows ${gaps} gap(s)`);
  });
  for (let a = 0; a < samples.length; a++) {
    for (let b = a + 1; b < samples.length; b++) {
      const differ = samples[a].filter((v, j) => v !== samples[b][j]).length / samples[a].length;
      assert(differ >= 0.15, `${DASHES[a]} and ${DASHES[b]} differ in ${differ} of the sample`);
    }
  }
});

Deno.test("a band is a light fill with both edges drawn as thin lines", async () => {
  const svg = await renderSvg(
    lineBand(kRows(), { x: "k", y: "variance", band: "se", series: "alpha", logX: true }),
  );
  assert(svg.includes(`opacity="${BAND_STYLE.fillOpacity}"`), "light fill");
  const edges = svg.match(new RegExp(`stroke-width="${BAND_STYLE.edgeWidth}"`, "g")) ?? [];
  assertEquals(edges.length, 4, "two edges for each of two series");
});

Deno.test("facet panels are titled with the parameter's symbol, or the value alone", async () => {
  const chart = lineBand(kRows(), { x: "k", y: "variance", band: "se", logX: true });
  const titled = visibleTexts((await layOut(facet(chart, "alpha"))).items).map(textOf);
  assert(titled.includes("α = 0.1") && titled.includes("α = 1"), titled.join(" | "));
  const bare = visibleTexts((await layOut(facet(chart, "alpha", { label: null }))).items)
    .map(textOf);
  assert(bare.includes("0.1") && !bare.some((t) => t.includes("=")), bare.join(" | "));
  assertThrows(() => facet(chart, "alpha", { y: "own" as never }), Error, "y must be");
});

Deno.test("facet y: independent gives each panel its own y range and axis", async () => {
  const rows = [0.01, 1].flatMap((alpha) =>
    [1, 2, 4, 8].map((k) => ({ alpha, k, v: alpha * (1 + 1 / k), se: alpha * 0.05 }))
  );
  const chart = lineBand(rows, { x: "k", y: "v", band: "se", logX: true, yExponent: 0 });
  const count = (svg: string) => (svg.match(/aria-label="Y-axis/g) ?? []).length;
  assertEquals(count(await renderSvg(facet(chart, "alpha"))), 1);
  const own = await renderSvg(facet(chart, "alpha", { y: "independent" }));
  assertEquals(count(own), 2);
  // The small panel's axis reads in its own range (0.0100-0.0210), not 0-2.1.
  const labels = [...own.matchAll(/role-axis-label[^]*?<\/g>/g)].map((m) => m[0]);
  assert(labels.some((g) => g.includes(">0.011<") || g.includes(">0.012<")), "own range");
});

Deno.test("bars on a log y axis all show, the shortest rising a decade from the axis", async () => {
  const rows = [
    { s: "init, NN", part: "a", v: 2e-4 },
    { s: "noise", part: "a", v: 0.1 },
  ];
  const { items } = await layOut(groupedBars(rows, { x: "s", y: "v", group: "part", logY: true }));
  const bars = items.filter((p) => p.marktype === "rect" && p.role === "mark");
  assertEquals(bars.length, 2);
  for (const b of bars) assert(b.y2 - b.y1 > 10, `a bar ${b.y2 - b.y1} pt tall`);
  assertThrows(
    () => groupedBars([{ s: "a", v: 0 }], { x: "s", y: "v", logY: true }),
    Error,
    "> 0 on a log axis",
  );
});

Deno.test("a faceted reliability diagram names its diagonal, has a size legend, and no colliding ticks", async () => {
  const rows = ["A", "B"].flatMap((data) =>
    [0.05, 0.25, 0.45, 0.65, 0.85, 0.95].map((c, i) => ({
      data,
      confidence: c,
      accuracy: Math.min(1, c + 0.05),
      count: 10 * (i + 1),
    }))
  );
  const { items } = await layOut(
    facet(reliabilityDiagram(rows, { count: "count" }), "data", { columns: 2 }),
  );
  const texts = visibleTexts(items);
  const words = texts.map(textOf);
  assert(words.includes(DIAGONAL_LABEL), "the diagonal's legend entry");
  assert(words.includes("examples in bin"), "the size legend's title");
  const ticks = texts.filter((p) => p.role === "axis-label");
  for (let i = 0; i < ticks.length; i++) {
    for (let j = i + 1; j < ticks.length; j++) {
      const a = ticks[i], b = ticks[j];
      const overlap = a.x1 < b.x2 - 0.5 && b.x1 < a.x2 - 0.5 && a.y1 < b.y2 - 0.5 &&
        b.y1 < a.y2 - 0.5;
      assert(!overlap, `tick labels "${textOf(a)}" and "${textOf(b)}" overlap`);
    }
  }
});
