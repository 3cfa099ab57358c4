import { fmt, markdown, pm, prose } from "../../lib/report/mod.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("numbers print with three significant digits, scientific outside [1e-3, 1e5)", () => {
  assertEquals(fmt(0.008834), "0.00883");
  assertEquals(fmt(2.2e-19, 2), "2.2×10⁻¹⁹");
  assertEquals(fmt(123456.7), "1.23×10⁵");
  assertEquals(fmt(1000), "1,000");
  assertEquals(fmt(1234.5, 5), "1,234.5");
  assertEquals(fmt(null), "–");
});

Deno.test("a mean prints to the decimal place of its standard error's second digit", () => {
  assertEquals(pm(0.0088341, 0.000123), "0.00883 ± 0.00012");
  assertEquals(pm(12.3456, 0.5), "12.35 ± 0.50");
  assertEquals(pm(1234.5, 56), "1,235 ± 56");
});

Deno.test("prose formats numbers and renders as Markdown", () => {
  const p = prose`slope ${1.01234} with R² ${0.99512}; ${"text"} and ${markdown("**bold**")}`;
  assertEquals(p.markdown, "slope 1.01 with R² 0.995; text and **bold**");
  const bundle = p[Symbol.for("Jupyter.display") as never] as unknown as () => Record<
    string,
    string
  >;
  assertEquals(bundle()["text/markdown"], p.markdown);
  assertThrows(() => prose`${{ a: 1 }}`, TypeError, "format it first");
});
