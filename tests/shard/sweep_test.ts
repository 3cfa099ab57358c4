import { sweep, type SweepProgress } from "../../tools/sweep.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";

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

Deno.test("with lanes, steps overlap up to the lane count and results keep the settings' order", async () => {
  let inFlight = 0, most = 0;
  const seen: number[] = [];
  // Later settings finish sooner, so completion order differs from the settings' order.
  const delays = [30, 5, 20, 1, 10];
  const out = await sweep(delays, async (ms, i) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    return i * 100 + ms;
  }, { lanes: 2, progress: (p) => seen.push(p.index) });
  assertEquals(out, [30, 105, 220, 301, 410]);
  assertEquals(most, 2);
  assertEquals(seen.length, 5);
  assertEquals([...seen].sort(), [0, 1, 2, 3, 4]);
  assert(seen.join() !== "0,1,2,3,4", `steps finished in the settings' order: ${seen}`);
});

Deno.test("with lanes, a failing step rejects the sweep and no further step starts", async () => {
  const started: number[] = [];
  await assertRejects(
    () =>
      sweep([0, 1, 2, 3, 4, 5], async (x) => {
        started.push(x);
        await new Promise((r) => setTimeout(r, x === 1 ? 1 : 20));
        if (x === 1) throw new Error("step 1 failed");
        return x;
      }, { lanes: 2, progress: false }),
    Error,
    "step 1 failed",
  );
  await new Promise((r) => setTimeout(r, 60));
  assertEquals(started, [0, 1]);
});

Deno.test("a lane count that is not a positive integer is refused before any step", () => {
  let ran = 0;
  for (const lanes of [0, 1.5, -1, NaN]) {
    assertThrows(() => sweep([1], () => ran++, { lanes }), RangeError, "lanes");
  }
  assertEquals(ran, 0);
});
