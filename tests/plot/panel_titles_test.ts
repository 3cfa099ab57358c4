/**
 * Side-by-side panels with titles and legends of their own of different
 * heights: the plots start level and so do the titles (lib/plot/panel_legends.ts
 * alignPlotTops), checked in Vega's laid-out scene.
 */
import { assert, assertEquals } from "../assert.ts";
import { groupedBars, hconcat, lineBand } from "../../lib/plot/mod.ts";
import { legendHeight, topLegends } from "../../lib/plot/legends.ts";
import { layOut } from "./scene.ts";

Deno.test("titles of side-by-side panels sit level when one panel's own legend is taller", async () => {
  const one = [1, 2, 3].map((T) => ({ T, v: T, model: "students" }));
  // Its own series field (another legend title), with three entries: a taller legend.
  const three = [1, 2, 3].flatMap((T) =>
    ["students (greedy)", "teacher (sampled at T)", "untrained student base"].map((who, k) => ({
      T,
      v: T + k,
      "answers of": who,
    }))
  );
  const chart = hconcat([
    lineBand(one, { x: "T", y: "v", series: "model", title: "(a) one", width: "column" }),
    lineBand(one, { x: "T", y: "v", series: "model", title: "(b) one", width: "column" }),
    lineBand(three, { x: "T", y: "v", series: "answers of", title: "three", width: "column" }),
  ], { width: "page" });
  const { items } = await layOut(chart);
  const titles = items.filter((p) => p.role === "title-text");
  assertEquals(titles.map((p) => p.item.text), ["(a) one", "(b) one", "three"]);
  const tops = titles.map((p) => p.y1);
  assert(Math.max(...tops) - Math.min(...tops) < 0.5, `title tops ${tops}`);
  // The plots (the y axis domain lines' tops) start level as before.
  // The plots (each panel's group origin: its plot area's top-left) start level as before.
  const plots = items.filter((p) => /^concat_\d_group$/.test(p.name));
  assertEquals(plots.length, 3);
  const plotTops = plots.map((p) => p.oy);
  assert(Math.max(...plotTops) - Math.min(...plotTops) < 0.5, `plot tops ${plotTops}`);
});

Deno.test("legendHeight is the height Vega lays a top legend out at, for lines and for bars", async () => {
  const names = ["students (greedy)", "teacher (sampled at T)", "untrained student base"];
  for (const n of [1, 2, 3]) {
    const rows = [1, 2, 3].flatMap((T) =>
      names.slice(0, n).map((who, k) => ({ T, v: T + k, who }))
    );
    for (
      const chart of [
        lineBand(rows, { x: "T", y: "v", series: "who", width: 120 }),
        groupedBars(rows, { x: "T", y: "v", group: "who", width: 120 }),
      ]
    ) {
      const { items } = await layOut(chart);
      const laid = items.filter((p) => p.role === "legend").map((p) => p.y2 - p.y1);
      const [ref] = topLegends(chart.spec);
      const legend = ref.encoding.legend as { columns: number; symbolType: string };
      const est = legendHeight(n, legend.columns, ref.title !== null, legend.symbolType);
      assertEquals(laid.length, 1);
      assert(
        Math.abs(laid[0] - est) < 0.5,
        `${legend.symbolType}, ${n} rows: ${laid[0]} vs ${est}`,
      );
    }
  }
});
