import { assert, assertEquals } from "../assert.ts";
import { display, renderSvg, show } from "../../lib/plot/mod.ts";
import { JUPYTER_DISPLAY } from "../../lib/plot/jupyter.ts";
import { readPngDpi } from "../../lib/plot/png_chunks.ts";
import { svgSize } from "../../lib/plot/render.ts";
import { VEGA_LITE_V5_SCHEMA } from "../../lib/plot/theme.ts";
import { darkPixels, decodePng } from "./png_decode.ts";
import { exampleCharts } from "./fixtures.ts";

Deno.test("show returns what Deno's kernel displays: a Vega-Lite 5 spec, a PNG and a text summary", async () => {
  const chart = exampleCharts().bars;
  const shown = show(chart);
  // Deno's kernel looks for this exact symbol on a cell's last value.
  const method = (shown as unknown as Record<symbol, () => Promise<Record<string, unknown>>>)[
    Symbol.for("Jupyter.display")
  ];
  assertEquals(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const bundle = await method.call(shown);
  assertEquals(Object.keys(bundle).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/png",
    "text/plain",
  ]);
  const spec = bundle["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
  assertEquals(spec.$schema, VEGA_LITE_V5_SCHEMA);
  assertEquals(JSON.parse(JSON.stringify(spec)), spec, "the spec survives JSON");
  // The PNG is the chart at 2 px per point (144 dpi recorded), drawn: not blank.
  const png = Uint8Array.from(atob(String(bundle["image/png"])), (c) => c.charCodeAt(0));
  assertEquals(readPngDpi(png), 144);
  const img = await decodePng(png);
  const { width } = svgSize(await renderSvg(chart));
  assertEquals(img.width, Math.round(width * 2));
  assert(darkPixels(img) > 0.01 * img.width * img.height, "the PNG has drawn content");
  assertEquals(bundle["text/plain"], chart.summary);
});

Deno.test("outside Jupyter, show is harmless and display prints the summary instead", async () => {
  const chart = exampleCharts().scatter;
  assertEquals(String(show(chart)), chart.summary);
  assertEquals(Deno.inspect(show(chart)), chart.summary);
  const logged: unknown[] = [];
  const original = console.log;
  console.log = (...a: unknown[]) => logged.push(...a);
  try {
    assertEquals(await display(chart), false);
  } finally {
    console.log = original;
  }
  assertEquals(logged, [chart.summary]);
});
