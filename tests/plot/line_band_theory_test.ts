/**
 * lineBand's theory lines, log y axis and unshaded bands, checked where Vega
 * really draws them (the laid-out scenegraph): a theory that equals its
 * simulation still shows, a log axis spanning about a decade labels its
 * ticks, the lowest curve stays off the axis line, and `bandFill: false`
 * leaves only the band's edges.
 */
import { lineBand } from "../../lib/plot/mod.ts";
import { THEORY_STYLE } from "../../lib/plot/theme.ts";
import { logTickValues, paddedLogDomain } from "../../lib/plot/axis_space.ts";
import { assert, assertEquals } from "../assert.ts";
import { layOut, type Placed } from "./scene.ts";

/** The line items drawn in `stroke` (Vega keeps one item per point of a line). */
const linesIn = (items: Placed[], stroke: string) =>
  items.filter((p) => p.marktype === "line" && p.item.stroke === stroke);

Deno.test("a theory line equal to its simulation still shows: a dark dash on top of it", async () => {
  // Theorem 5.1's case: the simulation is the closed form, point for point.
  const rows = [1, 2, 3, 4].map((m) => ({ m, mse: 0.28, theory: 0.28 }));
  const chart = lineBand(rows, { x: "m", y: "mse", theory: "theory" });
  const { items } = await layOut(chart);
  const dark = linesIn(items, THEORY_STYLE.coreColor);
  assert(dark.length > 0, "no dark theory dash drawn");
  const dash = dark[0].item.strokeDash as number[];
  assert(Array.isArray(dash) && dash.length >= 2 && dash[1] > 0, `not dashed: ${dash}`);
  // Drawn after (on top of) every line of the simulation.
  const lines = items.filter((p) => p.marktype === "line");
  const firstDark = lines.findIndex((p) => p.item.stroke === THEORY_STYLE.coreColor);
  const lastSolid = lines.findLastIndex((p) =>
    p.item.stroke !== THEORY_STYLE.coreColor && !(p.item.strokeDash?.[1] > 0)
  );
  assert(firstDark > lastSolid, `dark dash at ${firstDark}, solid line at ${lastSolid}`);
  // On the simulated line: the same y on the plot at every x.
  const solidYs = lines.filter((p) => !(p.item.strokeDash?.[1] > 0)).map((p) => p.item.y);
  for (const p of dark) assert(solidYs.includes(p.item.y), `dark dash at y ${p.item.y}`);
});

Deno.test("a log y axis over a decade and a half labels 0.6 and 0.8, and pads its floor", async () => {
  // Theorem 7.3's shape: variances from 0.2 (the lowest minimum) to 4.
  const rows = [0, 0.25, 0.5, 0.75, 1].flatMap((a) => [
    { a, v: a * a + (1 - a) ** 2 * 4 + 0.2 * (1 - a) * a, s: "4" },
    { a, v: 0.2 + 0.8 * a * a, s: "0.25" },
  ]);
  const chart = lineBand(rows, { x: "a", y: "v", series: "s", logY: true, height: 200 });
  const { items } = await layOut(chart);
  const labels = items.filter((p) => p.role === "axis-label").map((p) => String(p.item.text));
  for (const want of ["0.2", "0.4", "0.6", "0.8", "1", "2", "4"]) {
    assert(labels.includes(want), `no label ${want}: ${labels.join(", ")}`);
  }
  // The lowest point (0.2) sits above the plot's bottom edge, not on the axis line.
  const plotBottom = 200;
  const lowest = Math.max(...items.filter((p) => p.marktype === "line").map((p) => p.item.y));
  assert(plotBottom - lowest >= 2, `lowest curve ${plotBottom - lowest} pt above the axis`);
});

Deno.test("log ticks are the densest set whose closest two labels keep the gap", () => {
  for (const [lo, hi, length] of [[0.19, 4.2, 200], [0.19, 4.2, 60], [1e-4, 0.03, 150]]) {
    const ticks = logTickValues(lo, hi, length);
    const perDecade = length / Math.log10(hi / lo);
    const gaps = ticks.slice(1).map((v, i) => Math.log10(v / ticks[i]) * perDecade);
    assert(ticks.length >= 2, `${ticks}`);
    assert(ticks.every((v) => v >= lo && v <= hi), `${ticks} outside [${lo}, ${hi}]`);
    // Several labels per decade: the gap holds; one per decade is the sparsest there is.
    if (ticks.some((v) => !Number.isInteger(Math.log10(v)))) {
      assert(Math.min(...gaps) >= 12, `${ticks}: gaps ${gaps}`);
    }
  }
  // 200 points over 1.34 decades leave 149 per decade: 5 to 6 (0.079 decades) is 11.8 pt
  // apart, too close; 8 to 10 (0.097) is 14.4 pt: the set 1, 2, 3, 4, 6, 8 fits.
  assertEquals(logTickValues(0.19, 4.2, 200), [0.2, 0.3, 0.4, 0.6, 0.8, 1, 2, 3, 4]);
  const [a, b] = paddedLogDomain(0.2, 4);
  assert(a < 0.2 && b > 4 && a > 0.18 && b < 4.5, `${a}, ${b}`);
});

Deno.test("bandFill: false draws the band's two edges and no shading", () => {
  const rows = [1, 2, 3].flatMap((k) => [
    { k, v: 1 / k, sd: 0.1, method: "a" },
    { k, v: 1.1 / k, sd: 0.1, method: "b" },
  ]);
  const marks = (fill?: boolean) =>
    (lineBand(rows, { x: "k", y: "v", band: "sd", series: "method", bandFill: fill })
      .spec.layer as { mark: { type: string } }[]).map((l) => l.mark.type);
  assertEquals(marks().filter((t) => t === "area").length, 1);
  assertEquals(marks(false).filter((t) => t === "area").length, 0);
  assertEquals(marks(false).filter((t) => t === "line").length, 3); // two edges, the mean
});

Deno.test("yEndsOnTicks puts a labelled tick at the top of every linear y axis", async () => {
  // Figure 11's first two panels (default run): Vega's default nice domain ended 0.2802 above
  // its last label, 0.280, in one and on its label, 0.290, in the other: their headers differed.
  const ranges = [[0.2745, 0.2802], [0.2709, 0.2890]];
  const topLabelGap = async (lo: number, hi: number, ends: boolean) => {
    const rows = [1, 2, 3].map((k, i) => ({ k, v: [lo, (lo + hi) / 2, hi][i] }));
    const chart = lineBand(rows, { x: "k", y: "v", height: 147, yEndsOnTicks: ends });
    const { items } = await layOut(chart);
    const ys = items.filter((p) => p.role === "axis-label" && p.item.align === "right")
      .map((p) => p.item.y as number);
    return Math.min(...ys); // 0: the top label sits on the plot's top edge
  };
  const before = await Promise.all(ranges.map(([lo, hi]) => topLabelGap(lo, hi, false)));
  assert(before.some((g) => g > 1), `Vega's default already ends on a label: ${before}`);
  for (const [lo, hi] of ranges) assertEquals(await topLabelGap(lo, hi, true), 0);
});
