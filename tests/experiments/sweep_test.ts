import { sweep, type SweepProgress } from "../../lib/experiments/mod.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("a sweep runs every setting in order and reports each step with the steps left", async () => {
  const seen: SweepProgress<number>[] = [];
  const out = await sweep([1, 2, 3], async (x, i) => {
    await Promise.resolve();
    return x * 10 + i;
  }, { label: "level", progress: (p) => seen.push(p) });
  assertEquals(out, [10, 21, 32]);
  assertEquals(seen.map((p) => [p.index, p.total, p.item]), [[0, 3, 1], [1, 3, 2], [2, 3, 3]]);
  assertEquals(seen[2].leftSeconds, 0);
});

Deno.test("an empty sweep is refused", () => {
  assertThrows(() => sweep([], (x) => x), RangeError, "empty");
});
