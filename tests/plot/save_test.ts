import { csvParse } from "d3-dsv";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { save } from "../../lib/plot/mod.ts";
import { readPngText } from "../../lib/plot/png_chunks.ts";
import { exampleCharts } from "./fixtures.ts";

const EXTS = ["svg", "pdf", "png", "vl.json", "csv"];

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("save writes the SVG, PDF, PNG, spec and CSV, each recording scale and seed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = exampleCharts().line;
    const paths = await save(chart, "fig_a", { dir, meta: { seed: 42, scale: "smoke" } });
    assertEquals(await listDir(dir), EXTS.map((e) => `fig_a.${e}`).sort());
    assertEquals(paths.csv, `${dir}/fig_a.csv`);
    const svg = await Deno.readTextFile(paths.svg);
    assert(svg.includes("<metadata>scale=smoke, seed=42</metadata>"));
    const pdf = new TextDecoder("latin1").decode(await Deno.readFile(paths.pdf));
    assert(pdf.startsWith("%PDF-") && pdf.includes("/Seed"));
    const text = Object.fromEntries(readPngText(await Deno.readFile(paths.png)));
    assertEquals([text.scale, text.seed], ["smoke", "42"]);
    const spec = JSON.parse(await Deno.readTextFile(paths.spec));
    assertEquals(spec.usermeta.run, { scale: "smoke", seed: "42" });
    const csv = await Deno.readTextFile(paths.csv);
    assertEquals(csv.split("\n")[0], "# scale=smoke, seed=42");
    const rows = csvParse(csv.replace(/^#.*\n/, ""));
    assertEquals(rows.columns, ["model", "s2", "mean", "se", "theory"]);
    assertEquals(rows.length, chart.rows.length);
    assertEquals(Number(rows[3].s2), chart.rows[3].s2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a save that fails midway leaves no new files and keeps the old ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = exampleCharts().bars;
    await save(chart, "old", { dir, meta: { seed: 1 } });
    const before = await Deno.readTextFile(`${dir}/old.csv`);
    const failing = {
      png: () => Promise.reject(new Error("rasterizer exploded")),
    };
    await assertRejects(() => save(chart, "new", { dir, renderers: failing }), Error, "exploded");
    await assertRejects(
      () => save(exampleCharts().hist, "old", { dir, meta: { seed: 2 }, renderers: failing }),
      Error,
      "exploded",
    );
    assertEquals(await listDir(dir), EXTS.map((e) => `old.${e}`).sort());
    assertEquals(await Deno.readTextFile(`${dir}/old.csv`), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a save onto an unwritable target (a folder in the way) writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/fig.png`);
    await assertRejects(
      () => save(exampleCharts().scatter, "fig", { dir }),
      Error,
      "not a regular file",
    );
    assertEquals(await listDir(dir), ["fig.png"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save refuses names with slashes and charts without rows before rendering", async () => {
  const chart = exampleCharts().scatter;
  await assertRejects(
    () => save(chart, "../escape", { dir: "/nonexistent" }),
    Error,
    "name must be",
  );
  await assertRejects(() => save(chart, "a/b", { dir: "/nonexistent" }), Error, "no slashes");
  await assertRejects(
    () => save({ ...chart, rows: [] }, "empty", { dir: "/nonexistent" }),
    Error,
    "has no rows",
  );
});
