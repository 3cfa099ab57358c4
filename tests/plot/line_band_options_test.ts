/** lineBand's theorySeries option. (Band style and facet's independent y are in style_test.ts.) */
import { lineBand } from "../../lib/plot/mod.ts";
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
  });
  const layers = chart.spec.layer as Layer[];
  const theory = layers.find((l) => l.transform?.some((t) => "fold" in t))!;
  assertEquals(theory.transform![0], { filter: { field: "method", oneOf: ["avg"] } });
  // Without the option every row needs the theory field.
  assertThrows(
    () => lineBand(rows, { x: "k", y: "v", series: "method", theory: "law" }),
    Error,
    'theory "law" is missing',
  );
});

Deno.test("theorySeries refuses bad values with the fix", () => {
  const base = { x: "k", y: "v", series: "method", theory: "law" };
  assertThrows(() => lineBand(rows, { ...base, theorySeries: ["none"] }), Error, "theorySeries");
  assertThrows(
    () => lineBand(rows, { ...base, series: undefined, theorySeries: ["avg"] }),
    Error,
    "series",
  );
});
