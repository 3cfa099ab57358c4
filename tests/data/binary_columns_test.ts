import { binaryColumns } from "../../lib/data/binary_columns.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("binary columns are those with two distinct values, with the rarer value's count", () => {
  // 4 rows x 3 columns: a binary column (1 of 4 ones), a constant one, a continuous one.
  const x = Float64Array.of(0, 5, 0.1, 1, 5, 0.2, 0, 5, 0.3, 0, 5, 0.4);
  assertEquals(binaryColumns(x, 4, 3, ["chas", "c", "rm"]), [{ feature: "chas", rare: 1 }]);
  assertThrows(() => binaryColumns(x, 4, 2, ["a", "b"]), RangeError, "n x d");
});
