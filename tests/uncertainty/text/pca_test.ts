// The first principal component's scores (lib/uncertainty/text/pca.ts; Figure 4c).
import { firstComponentScores } from "../../../lib/uncertainty/text/mod.ts";
import { assertAlmostEquals, assertThrows } from "../../assert.ts";

Deno.test("first principal component: scores of points on a line are their signed positions", () => {
  const pts = [-2, -1, 0, 1, 2].map((t) => [3 * t, 4 * t, 1]);
  const s = firstComponentScores(pts);
  const want = [-10, -5, 0, 5, 10];
  s.forEach((x, i) => assertAlmostEquals(Math.abs(x), Math.abs(want[i]), 1e-9));
  assertAlmostEquals(s[0] + s[4], 0, 1e-9);
});

Deno.test("first principal component: the axis of most spread wins, whatever the other axes do", () => {
  // Spread 3 along (1, 0, 0), 1 along (0, 1, 0), none along z: the scores are the x offsets.
  const pts = [[3, 0, 5], [-3, 0, 5], [0, 1, 5], [0, -1, 5]];
  const s = firstComponentScores(pts);
  [3, -3, 0, 0].forEach((x, i) => assertAlmostEquals(Math.abs(s[i]), Math.abs(x), 1e-9));
  assertAlmostEquals(s[0], -s[1], 1e-12);
});

Deno.test("first principal component: no row or ragged rows are refused", () => {
  assertThrows(() => firstComponentScores([]), RangeError, "empty");
  assertThrows(() => firstComponentScores([[1, 2], [1]]), RangeError, "dimensions");
});
