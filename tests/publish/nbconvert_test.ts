/**
 * A GitHub-style render: a notebook converted to HTML by nbconvert and read
 * with every script taken out (GitHub's notebook view runs none, so a
 * Vega-Lite output draws nothing there) shows each chart as an image, from
 * the PNG that `show` puts beside the spec. Checked on a fixture built here
 * (with a twin holding a chart without its PNG, which must come out one image
 * short), and on every committed notebook that carries outputs.
 *
 * Needs a Python with nbconvert (Debian's python3-nbconvert, which the main
 * job's set-up installs); ignored with the reason without it, except under
 * CI=true, where it must run.
 */
import { assert, assertEquals } from "../assert.ts";
import { lineBand } from "../../lib/plot/mod.ts";
import { chartBundle } from "../../lib/plot/show.ts";
import { table, tableToHtml, tableToMarkdown } from "../../lib/report/mod.ts";
import { findJupyterPython } from "../../tools/run_notebooks.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

async function nbconvertPython(): Promise<{ python?: string; missing?: string }> {
  try {
    const { python } = await findJupyterPython();
    const out = await new Deno.Command(python, {
      args: ["-m", "nbconvert", "--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? { python } : { missing: `${python} has no nbconvert` };
  } catch (err) {
    return { missing: err instanceof Error ? err.message : String(err) };
  }
}
const { python, missing } = await nbconvertPython();
const ignore = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignore) console.warn(`nbconvert render tests ignored: ${missing}`);

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
}
interface Nb {
  cells: { cell_type: string; outputs?: Output[] }[];
}

/** The chart outputs of a notebook: Vega-Lite specs, SVGs or PNGs. */
function chartOutputs(nb: Nb): number {
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) =>
    Object.keys(o.data ?? {}).some((k) =>
      k.startsWith("application/vnd.vegalite") || k === "image/svg+xml" || k === "image/png"
    )
  ).length;
}

/** What nbconvert's HTML shows without scripts: its data-URL images and its tables. */
async function render(path: string): Promise<{ images: number; tables: number }> {
  if (!python) throw new Error(`cannot run nbconvert here: ${missing}`);
  const out = await new Deno.Command(python, {
    args: ["-m", "nbconvert", "--to", "html", "--stdout", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, `nbconvert failed on ${path}: ${new TextDecoder().decode(out.stderr)}`);
  const html = new TextDecoder().decode(out.stdout).replace(/<script[\s\S]*?<\/script>/gi, "");
  return {
    images: (html.match(/<img\b[^>]*\bsrc="data:image\/png;base64,[A-Za-z0-9+/=\s]{100,}"/g) ??
      []).length,
    tables: (html.match(/<table\b/g) ?? []).length,
  };
}

async function fixture(withoutPng: boolean) {
  const rows = [0, 1, 2].map((x) => ({ x, y: x * x, se: 0.1 }));
  const a = await chartBundle(lineBand(rows, { x: "x", y: "y", band: "se" }));
  const b = await chartBundle(lineBand(rows, { x: "x", y: "se" }));
  if (withoutPng) delete (b as Record<string, unknown>)["image/png"];
  const t = table({ columns: [{ name: "k" }, { name: "v" }], rows: [{ k: 1, v: 2 }] });
  const cell = (id: string, outputs: Output[], n: number) => ({
    cell_type: "code",
    id,
    metadata: {},
    execution_count: n,
    source: "show(chart)",
    outputs,
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: [
      { cell_type: "markdown", id: "m", metadata: {}, source: "# Fixture" },
      cell("a", [{ output_type: "display_data", data: a, metadata: {} } as Output], 1),
      cell("b", [{ output_type: "display_data", data: b, metadata: {} } as Output], 2),
      cell("t", [{
        output_type: "display_data",
        data: { "text/html": tableToHtml(t), "text/markdown": tableToMarkdown(t) },
        metadata: {},
      } as Output], 3),
    ],
  };
}

Deno.test({
  name: "nbconvert's HTML without scripts shows each chart as an image; a chart without PNG none",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      for (const withoutPng of [false, true]) {
        const nb = await fixture(withoutPng);
        const path = `${dir}/fixture_${withoutPng}.ipynb`;
        await Deno.writeTextFile(path, JSON.stringify(nb));
        const shown = await render(path);
        assertEquals(chartOutputs(nb), 2);
        assertEquals(shown, { images: withoutPng ? 1 : 2, tables: 1 }, `withoutPng=${withoutPng}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const withOutputs = (() => {
  try {
    return [...Deno.readDirSync(`${REPO}/notebooks`)]
      .filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((e) => e.name).sort()
      .filter((n) => chartOutputs(JSON.parse(Deno.readTextFileSync(`${REPO}/notebooks/${n}`))) > 0);
  } catch {
    return [];
  }
})();
if (withOutputs.length === 0) {
  console.warn("committed-notebook render test ignored: no notebook in notebooks/ has outputs");
}

Deno.test({
  name: "every committed notebook with outputs shows each of its charts in nbconvert's HTML",
  ignore: ignore || withOutputs.length === 0,
  async fn() {
    const short: string[] = [];
    for (const name of withOutputs) {
      const path = `${REPO}/notebooks/${name}`;
      const charts = chartOutputs(JSON.parse(await Deno.readTextFile(path)));
      const { images } = await render(path);
      if (images !== charts) short.push(`${name}: ${images} image(s) for ${charts} chart(s)`);
    }
    assertEquals(short, []);
  },
});
