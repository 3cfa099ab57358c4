/** lineBand's theorySeries, bandOpacity and bandEdges options, facet's independentY. */
import { facet, lineBand } from "../../lib/plot/mod.ts";
import { assertEquals, assertThrows } from "../assert.ts";

const rows = [1, 2, 4].flatMap((k) => [
  { k, v: 1 / k, se: 0.01, method: "avg", law: 1 / k },
  { k, v: 0.5 / k, se: 0.01, method: "oracle" }, // no theory value: not drawn for this series
]);

type Layer = { transform?: Record<string, unknown>[]; mark: { opacity?: number } };

Deno.test("theorySeries draws the theory line for the named series only", () => {
  const chart = lineBand(rows, {
    x: "k",
    y: "v",
    band: "se",
    series: "method",
    theory: "law",
    theorySeries: ["avg"],
    bandOpacity: 0.1,
  });
  const layers = chart.spec.layer as Layer[];
  const theory = layers.find((l) => l.transform?.some((t) => "fold" in t))!;
  assertEquals(theory.transform![0], { filter: { field: "method", oneOf: ["avg"] } });
  assertEquals(layers[0].mark.opacity, 0.1);
  const edged = lineBand(rows, { x: "k", y: "v", band: "se", series: "method", bandEdges: true });
  const area = (edged.spec.layer as (Layer & { encoding: Record<string, unknown> })[])[0];
  assertEquals(area.mark.opacity, undefined); // fillOpacity instead, so the edges stay visible
  assertEquals(area.encoding.stroke, area.encoding.color);
  // Without the option every row needs the theory field.
  assertThrows(
    () => lineBand(rows, { x: "k", y: "v", series: "method", theory: "law" }),
    Error,
    'theory "law" is missing',
  );
});

Deno.test("theorySeries and bandOpacity refuse bad values with the fix", () => {
  const base = { x: "k", y: "v", series: "method", theory: "law" };
  assertThrows(() => lineBand(rows, { ...base, theorySeries: ["none"] }), Error, "theorySeries");
  assertThrows(
    () => lineBand(rows, { ...base, series: undefined, theorySeries: ["avg"] }),
    Error,
    "series",
  );
  assertThrows(
    () => lineBand(rows, { ...base, theorySeries: ["avg"], band: "se", bandOpacity: 0 }),
    Error,
    "bandOpacity",
  );
});

Deno.test("facet with independentY gives every panel its own y scale", () => {
  const chart = lineBand(rows.map((r) => ({ ...r, law: 1 })), { x: "k", y: "v", series: "method" });
  assertEquals(facet(chart, "method", { independentY: true }).spec.resolve, {
    scale: { y: "independent" },
  });
  assertEquals(facet(chart, "method").spec.resolve, undefined);
});
