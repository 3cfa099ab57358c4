import { assertAlmostEquals, assertThrows } from "../assert.ts";
import { fitLine } from "../../lib/plot/least_squares.ts";

Deno.test("the line through three points matches the sums worked by hand", () => {
  // x = [0, 1, 2], y = [1, 2, 6]: means 1 and 3; dx = [-1, 0, 1], dy = [-2, -1, 3];
  // Sxx = 2, Sxy = 2 + 3 = 5, Syy = 4 + 1 + 9 = 14; slope 5/2, intercept 3 - 5/2 = 0.5;
  // R² = Sxy² / (Sxx Syy) = 25 / 28.
  const fit = fitLine([0, 1, 2], [1, 2, 6]);
  assertAlmostEquals(fit.slope, 2.5, 1e-15);
  assertAlmostEquals(fit.intercept, 0.5, 1e-15);
  assertAlmostEquals(fit.r2, 25 / 28, 1e-15);
});

Deno.test("a constant y is fitted exactly (R² 1); a constant x has no slope", () => {
  const flat = fitLine([0, 1, 2], [4, 4, 4]);
  assertAlmostEquals(flat.slope, 0, 1e-15);
  assertAlmostEquals(flat.r2, 1, 0);
  assertThrows(() => fitLine([1, 1, 1], [1, 2, 3]), Error, "x is constant");
  assertThrows(() => fitLine([1, 2], [1]), Error, "same length");
});
