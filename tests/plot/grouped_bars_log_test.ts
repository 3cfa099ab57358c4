import { assert, assertEquals, assertThrows } from "../assert.ts";
import { groupedBars, renderSvg } from "../../lib/plot/mod.ts";
import { compileChart } from "../../lib/plot/render.ts";

const ROWS = [
  { source: "noise", part: "inter", v: 0.009, e: 0.0002 },
  { source: "noise", part: "intra", v: 0.27, e: 0.002 },
  { source: "init", part: "inter", v: 0.0011, e: 0.0001 },
  { source: "init", part: "intra", v: 0.0006, e: 0.0001 },
];

Deno.test("bars on a log y axis compile without warnings, unstacked, rising from the bottom", async () => {
  const chart = groupedBars(ROWS, { x: "source", y: "v", group: "part", error: "e", logY: true });
  const { warnings } = await compileChart(chart);
  assertEquals(warnings, []);
  const bar = (chart.spec.layer as Record<string, Record<string, Record<string, unknown>>>[])[0];
  const scale = bar.encoding.y.scale as { type: string; domainMin: number };
  assertEquals(scale.type, "log");
  // The axis starts below the smallest bar (0.0006), so every bar has a visible height.
  assert(scale.domainMin < 0.0006, `domainMin ${scale.domainMin}`);
  assertEquals(bar.encoding.y.stack, null);
  // The smallest bar (450 times below the largest) is drawn with a visible height.
  const svg = await renderSvg(chart);
  const heights = [...svg.matchAll(/roledescription="bar" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)h/g)]
    .map((m) => Number(m[1]));
  assert(heights.length === 4, `bars drawn: ${heights.length}`);
  assert(Math.min(...heights) > 10, `smallest bar height ${Math.min(...heights)}`);
});

Deno.test("a log y axis refuses bars or error bars that reach zero", () => {
  assertThrows(
    () => groupedBars([{ x: "a", v: 0 }], { x: "x", y: "v", logY: true }),
    Error,
    "> 0 on a log axis",
  );
  assertThrows(
    () => groupedBars([{ x: "a", v: 1, e: 1 }], { x: "x", y: "v", error: "e", logY: true }),
    Error,
    "lower end",
  );
});
