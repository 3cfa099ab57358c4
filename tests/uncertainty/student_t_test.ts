/** Student's t upper tail and the t-equivalent SE (lib/uncertainty/student_t.ts). */
import { tEquivalentSe } from "../../lib/uncertainty/mod.ts";
import { studentTUpper } from "../../lib/uncertainty/student_t.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

Deno.test("Student's t tail and the SE that makes a normal test a t test", () => {
  // Tables: t(0.975; 1) = 12.706, t(0.975; 4) = 2.776, t(0.975; 30) = 2.042; t(0.95; 2) = 2.920.
  assertAlmostEquals(studentTUpper(12.706, 1), 0.025, 1e-5);
  assertAlmostEquals(studentTUpper(2.776, 4), 0.025, 1e-4);
  assertAlmostEquals(studentTUpper(2.042, 30), 0.025, 1e-4);
  assertAlmostEquals(studentTUpper(2.92, 2), 0.05, 1e-4);
  assertAlmostEquals(studentTUpper(0, 5), 0.5, 1e-12);
  assertAlmostEquals(studentTUpper(-2.776, 4), 0.975, 1e-4);
  // The widened SE: a t of 2.776 on 4 df becomes a z of about 1.96; many df change nothing much.
  assertAlmostEquals(2.776 / tEquivalentSe(2.776, 1, 4), 1.96, 0.01);
  assertAlmostEquals(tEquivalentSe(2, 1, 10_000), 1, 0.01);
  assertEquals(tEquivalentSe(0, 0.5, 4), 0.5);
  assertEquals(tEquivalentSe(-3, 1, 4), tEquivalentSe(3, 1, 4));
});

Deno.test("the t tail on 4 degrees of freedom is its closed form", () => {
  // P(T_4 > 3) = (1 − sin θ (1 + cos²θ / 2)) / 2 with tan θ = 3/2: (1 − (3/√13)(15/13)) / 2.
  assertAlmostEquals(studentTUpper(3, 4), (1 - (3 / Math.sqrt(13)) * (15 / 13)) / 2, 1e-12);
});

Deno.test("a degrees-of-freedom count below 1 or not an integer is refused, naming df", () => {
  assertThrows(() => studentTUpper(1, 0), RangeError, "df");
  assertThrows(() => studentTUpper(1, 2.5), RangeError, "df");
});
