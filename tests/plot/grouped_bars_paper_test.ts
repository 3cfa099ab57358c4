/**
 * groupedBars' `paper` field: the paper's value as a diamond centred over its
 * bar, at the bar chart's own y scale (checked in Vega's laid-out scene), in
 * a faceted chart too, with a legend entry; bad values refused.
 */
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { facet, groupedBars } from "../../lib/plot/mod.ts";
import { layOut, type Placed } from "./scene.ts";

const rows = ["Wine", "Digits"].flatMap((data) =>
  ["All", "Correct"].flatMap((group) =>
    ["teacher", "student"].map((model, k) => ({
      data,
      group,
      model,
      entropy: 0.2 + 0.1 * k,
      // The paper gives no value for Wine's Correct group (a gap must be allowed).
      paper: data === "Wine" && group === "Correct" ? null : 0.4 + 0.1 * k,
    }))
  )
);
const cx = (p: Placed) => (p.x1 + p.x2) / 2;

Deno.test("a paper value sits centred over its bar at its own height, in every facet panel", async () => {
  const bars = groupedBars(rows, {
    x: "group",
    y: "entropy",
    group: "model",
    paper: "paper",
    paperLabel: "paper (Table 3)",
  });
  const { items } = await layOut(facet(bars, "data", { label: null }));
  const diamonds = items.filter((p) => p.marktype === "symbol" && p.role === "mark");
  assertEquals(diamonds.length, 6, "one per bar with a paper value (2 of 8 have none)");
  const rects = items.filter((p) => p.marktype === "rect" && p.role === "mark" && p.item.datum);
  for (const d of diamonds) {
    const { data, group, model, paper } = d.item.datum;
    const bar = rects.find((r) =>
      r.item.datum.data === data && r.item.datum.group === group && r.item.datum.model === model
    )!;
    assert(Math.abs(cx(d) - cx(bar)) < 0.5, `${data} ${group} ${model}: centred on its bar`);
    // Bars rise from 0: a bar of height h spans (y2 - y1); the paper's y is paper / entropy of it.
    const zero = bar.y2, perUnit = (bar.y2 - bar.y1) / bar.item.datum.entropy;
    const y = (d.y1 + d.y2) / 2;
    assert(Math.abs(y - (zero - paper * perUnit)) < 0.5, `${data} ${group} ${model}: at ${paper}`);
  }
  const labels = items.filter((p) => p.role === "legend-label").map((p) => p.item.text);
  assert(labels.includes("paper (Table 3)"), `legend: ${labels}`);
  assert(bars.summary.includes("(paper (Table 3): 0.4)"), bars.summary);
});

Deno.test("a paper value that is not a finite number, or none at all, is refused", () => {
  const bad = rows.map((r, i) => ({ ...r, paper: i === 0 ? "0.4" : r.paper }));
  assertThrows(
    () => groupedBars(bad, { x: "group", y: "entropy", group: "model", paper: "paper" }),
    Error,
    "must be a finite number or null",
  );
  const none = rows.map((r) => ({ ...r, paper: null }));
  assertThrows(
    () => groupedBars(none, { x: "group", y: "entropy", group: "model", paper: "paper" }),
    Error,
    "holds no value",
  );
});

Deno.test("the bars' colour legend keeps plain squares beside the paper's diamond", async () => {
  const bars = groupedBars(rows, { x: "group", y: "entropy", group: "model", paper: "paper" });
  const { items } = await layOut(bars);
  const symbols = items.filter((p) => p.role === "legend-symbol");
  const squares = symbols.filter((p) => p.item.shape === "square");
  assertEquals(squares.length, 2, symbols.map((p) => p.item.shape).join());
  for (const s of squares) assert(s.item.stroke !== "#000000", `edged square ${s.item.stroke}`);
  assertEquals(symbols.filter((p) => p.item.shape === "diamond").length, 1);
});
