/**
 * The paper's values on a chart (lib/plot/paper.ts): drawn where the chart's
 * own scales put that (x, y) — checked against Vega's laid-out scene, not the
 * spec — in the series' colour, with a "paper" legend entry; bad input refused.
 */
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { groupedBars, hconcat, lineBand, withPaper } from "../../lib/plot/mod.ts";
import { layOut, type Placed } from "./scene.ts";

const rows = [1, 2, 3, 4].flatMap((k) =>
  ["a", "b"].map((s) => ({ k, v: 1 / k + (s === "a" ? 0 : 0.25), se: 0.04, s }))
);
const centre = (p: Placed) => [(p.x1 + p.x2) / 2, (p.y1 + p.y2) / 2];
/** Symbols of the marks (not legends), with their data row. */
const marks = (items: Placed[]) =>
  items.filter((p) => p.marktype === "symbol" && p.role === "mark" && p.item.datum);
const legendLabels = (items: Placed[]) =>
  items.filter((p) => p.marktype === "text" && p.role === "legend-label").map((p) => p.item.text);

Deno.test("a paper value sits exactly on the simulated point with the same (x, y), log axis too", async () => {
  for (const logY of [false, true]) {
    const base = lineBand(rows, { x: "k", y: "v", band: "se", series: "s", logY });
    const at = rows.find((r) => r.k === 3 && r.s === "b")!;
    const chart = withPaper(base, [{ x: 3, y: at.v, series: "b" }]);
    const { items } = await layOut(chart);
    const paper = marks(items).filter((p) => p.item.datum.__paper !== undefined);
    assertEquals(paper.length, 1);
    const sim = marks(items).find((p) => p.item.datum.k === 3 && p.item.datum.s === "b")!;
    const [px, py] = centre(paper[0]), [sx, sy] = centre(sim);
    assert(Math.abs(px - sx) < 0.5 && Math.abs(py - sy) < 0.5, `${px},${py} vs ${sx},${sy}`);
    assertEquals(paper[0].item.fill, "#D55E00", "series b's colour");
    assert(legendLabels(items).includes("paper"), "a legend entry 'paper'");
  }
});

Deno.test("on grouped bars a paper value sits over its series' bar; without x it is a rule", async () => {
  const bars = withPaper(groupedBars(rows, { x: "k", y: "v", group: "s" }), [
    { x: 2, y: 0.8, series: "b" },
  ]);
  const { items } = await layOut(bars);
  const paper = marks(items).find((p) => p.item.datum.__paper && p.item.datum.v === 0.8)!;
  const bar = items.find((p) =>
    p.marktype === "rect" && p.role === "mark" && p.item.datum?.k === 2 && p.item.datum?.s === "b"
  )!;
  assert(Math.abs(centre(paper)[0] - centre(bar)[0]) < 0.5, "centred on series b's bar");
  const ruled = withPaper(lineBand(rows, { x: "k", y: "v", series: "s" }), [{ y: 0.6 }]);
  const laid = await layOut(ruled);
  const rule = laid.items.find((p) =>
    p.marktype === "rule" && p.item.datum?.__paper !== undefined
  )!;
  const point = marks(laid.items).find((p) => p.item.datum.k === 1)!;
  const last = marks(laid.items).find((p) => p.item.datum.k === 4)!;
  assert(rule.x1 <= centre(point)[0] && rule.x2 >= centre(last)[0], "spans the plot");
  assert(legendLabels(laid.items).includes("paper"));
  assert(ruled.summary.includes("The paper's values (paper): 0.6"), ruled.summary);
});

Deno.test("withPaper refuses what it cannot draw", () => {
  const plain = lineBand(rows.filter((r) => r.s === "a"), { x: "k", y: "v" });
  assertThrows(() => withPaper(plain, []), Error, "no values");
  assertThrows(() => withPaper(plain, [{ x: 1, y: 1, series: "a" }]), Error, "no colour field");
  const log = lineBand(rows, { x: "k", y: "v", series: "s", logY: true });
  assertThrows(() => withPaper(log, [{ x: 1, y: 0 }]), Error, "> 0 on a log axis");
  assertThrows(() => withPaper(plain, [{ x: 1, y: NaN }]), Error, "finite");
  const both = hconcat([plain, log]);
  assertThrows(() => withPaper(both, [{ y: 1 }]), Error, "single panel");
});

Deno.test("on a chart without series the paper's legend diamond is drawn (black outline)", async () => {
  const chart = withPaper(lineBand(rows.filter((r) => r.s === "a"), { x: "k", y: "v" }), [
    { x: 2, y: 0.7 },
  ]);
  const { items } = await layOut(chart);
  const symbols = items.filter((p) => p.marktype === "symbol" && p.role === "legend-symbol");
  assertEquals(symbols.length, 1);
  assertEquals([symbols[0].item.stroke, symbols[0].item.strokeWidth], ["#000000", 1.5]);
});

Deno.test("a line chart of one x value labels that value as the rows hold it", async () => {
  const { items } = await layOut(lineBand([{ k: 1, v: 0.5 }], { x: "k", y: "v" }));
  const xLabels = items.filter((p) => p.marktype === "text" && p.role === "axis-label")
    .map((p) => String(p.item.text)).filter((t) => !t.startsWith("0."));
  assertEquals(xLabels, ["1"]);
});

Deno.test("a log x axis over a few sizes names each of them", async () => {
  const sizes = [1, 2, 5, 10, 20].map((q) => ({ q, v: 2.5 + 0.01 * q }));
  const { items } = await layOut(lineBand(sizes, { x: "q", y: "v", logX: true }));
  const labels = items.filter((p) => p.marktype === "text" && p.role === "axis-label")
    .map((p) => String(p.item.text)).filter((t) => !t.startsWith("2."));
  assertEquals(labels, ["1", "2", "5", "10", "20"]);
});
