/**
 * Rewrite every exported figure's PDF from its committed SVG, without
 * rerunning the notebooks.
 *
 * ```sh
 * deno task pdfs              # figures/*.svg -> figures/*.pdf
 * deno task pdfs build/figures
 * ```
 *
 * The SVG is what `save` rendered the PDF from, and it records the run stamp
 * (`<metadata>scale=..., seed=...</metadata>`), so the new PDF carries the
 * same scale and seed; its Title is the figure's file name. Each PDF is
 * written all or nothing (a temporary file renamed into place). Used once to
 * replace the PDFs cropped by the svg-to-pdfkit unit bug (see `userUnitRoot`
 * in lib/plot/render.ts); a notebook run rewrites them anyway.
 *
 * @module
 */
import { svgToPdf } from "../lib/plot/render.ts";
import type { RunMeta, Scale } from "../lib/plot/run_meta.ts";
import { writeFilesAtomically } from "../lib/plot/write_files.ts";

/** The run stamp an SVG made by `renderSvg` records, as RunMeta (empty when it has none). */
export function svgStamp(svg: string): RunMeta {
  const m = /<metadata>([^<]*)<\/metadata>/.exec(svg);
  if (!m) return {};
  const meta: RunMeta = {};
  for (const part of m[1].split(", ")) {
    const eq = part.indexOf("=");
    if (eq < 1) continue;
    const k = part.slice(0, eq), v = part.slice(eq + 1).replace(/&amp;/g, "&");
    if (k === "scale") meta.scale = v as Scale;
    else meta[k] = v;
  }
  return meta;
}

async function main(args: string[]): Promise<number> {
  const dir = args[0] ?? "figures";
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".svg"))
    .map((e) => e.name).sort();
  if (names.length === 0) {
    console.error(`error: no .svg files in ${dir}; give the folder of saved figures.`);
    return 2;
  }
  for (const name of names) {
    const base = name.slice(0, -".svg".length);
    const svg = await Deno.readTextFile(`${dir}/${name}`);
    const pdf = await svgToPdf(svg, { meta: svgStamp(svg), title: base });
    await writeFilesAtomically(dir, [{ name: `${base}.pdf`, data: pdf }]);
    console.log(`${dir}/${base}.pdf`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
