/**
 * Issue 26 item 2: the report's summaries and axes over data-sized lists
 * (above ~100k values `Math.min(...v)` overflowed the call stack).
 */
import { describeField } from "../../lib/plot/distribution_summary.ts";
import { maxOf, minOf } from "../../lib/plot/min_max.ts";
import { assertEquals } from "../assert.ts";

Deno.test("describeField summarises 300,000 values without overflowing the call stack", () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => ({ x: i % 1000 }));
  const [line] = describeField(rows, "x", undefined, []);
  assertEquals(line.includes("n = 300,000") || line.includes("n = 300000"), true, line);
  assertEquals(line.includes("range [0,"), true, line);
});

Deno.test("minOf and maxOf agree with Math.min and Math.max, NaN and empty lists included", () => {
  assertEquals([minOf([3, -1, 2]), maxOf([3, -1, 2])], [-1, 3]);
  assertEquals([minOf([]), maxOf([])], [Infinity, -Infinity]);
  assertEquals([minOf([1, NaN, 0]), maxOf([1, NaN, 5])], [NaN, NaN]);
  const big = Float64Array.from({ length: 500_000 }, (_, i) => i);
  assertEquals([minOf(big), maxOf(big)], [0, 499_999]);
});
