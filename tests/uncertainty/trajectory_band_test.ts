import { trajectoryBand } from "../../lib/uncertainty/trajectory_band.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("a trajectory band is the mean and population SD across students at each step", () => {
  // Student 0: 0, 1; student 1: 2, 3. Step 0: {0, 2}, step 1: {1, 3}.
  assertEquals(trajectoryBand(Float32Array.of(0, 1, 2, 3), 2, 2), { mean: [1, 2], sd: [1, 1] });
  assertEquals(trajectoryBand(Float32Array.of(4, 4, 4), 3, 1), { mean: [4], sd: [0] });
  assertThrows(() => trajectoryBand(Float32Array.of(1, 2, 3), 2, 2), RangeError, "2 students");
});
