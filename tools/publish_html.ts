/**
 * Publish the executed notebooks as self-contained HTML pages, with an index
 * of every exported figure and table.
 *
 * ```sh
 * deno task notebooks && deno task html     # smoke run -> build/docs/
 * deno task reproduce && deno task html     # default run -> docs/ (committed)
 * ```
 *
 * Reads the executed copies in `build/notebooks/` (`--in DIR`) and writes
 * one page per notebook plus `index.html` to `docs/` when every notebook
 * was run at the default or paper scale, else to `build/docs/` (as smoke
 * figures go to build/figures/, never to the committed folder); `--out DIR`
 * overrides. Each page needs nothing beside it: charts are PNGs in data
 * URLs (the notebooks' own, rendered with the pinned fonts), maths is
 * typeset by KaTeX with its fonts inlined, tables are HTML. The index lists
 * every figure and table saved by the run (`figures/` or `build/figures/`)
 * with the paper figure or table it rebuilds, its scale and seed, and the
 * run time and git commit of the notebook that made it.
 *
 * Exit status 0, or 2 with a message when there is nothing to publish.
 *
 * @module
 */
import { svgToPng } from "../lib/plot/render.ts";
import { writeFilesAtomically } from "../lib/plot/write_files.ts";
import { base64 } from "./publish/markdown.ts";
import {
  escapeHtml,
  type Notebook,
  notebookPage,
  PAGE_CSS,
  runLine,
  shortCommit,
} from "./publish/page.ts";

const REPO = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");

/**
 * What the current exports rebuild where their names do not say it (from
 * docs/protocols.md's section notes). A notebook can record it itself instead:
 * `save(chart, name, { meta: { seed, paper: "Figure 8" } })` puts `paper=...`
 * in the stamp, which wins.
 */
const KNOWN: [RegExp, string][] = [
  [/^05_bootstrap_/, "Figure 8 (Section 5.2)"],
  [/^05_init_/, "Figure 6, Appendix D Figure 12 (Section 5.1)"],
  [/^05_theorem51_check$/, "Theorem 5.1"],
  [/^06_reliability_/, "Section 6.1 calibration (added here: no paper figure)"],
  [/^06_calibration$/, "Section 6.1 calibration (added here: no paper table)"],
  [/^02_theorem41_/, "Theorem 4.1 (Section 2 illustration)"],
  [/^05_llm_init_/, "Figure 6, language models (Section 5.1), as a table"],
  [/^06_entropy_comparison$/, "Tables 3 and 4 (Appendix E), cell by cell beside the paper's"],
  [/^07_table_(?:test_mse|gains|label_error)$/, "Figure 11 (Section 7.2), as a table"],
];

/** Where the paper puts the figures and tables of its appendices (docs/protocols.md). */
const APPENDIX: Record<string, string> = {
  "Figure 12": " (Appendix D)",
  "Table 2": " (Appendix C)",
  "Table 3": " (Appendix E)",
  "Table 4": " (Appendix E)",
  "Table 5": " (Appendix F)",
};

/**
 * The paper's figure, table or theorem a saved file rebuilds: the stamp's
 * `paper` field if recorded; else a known name; else read from the name
 * (`04_fig2_...` is Figure 2, `06_table3_...` Table 3, `07_theorem73_...`
 * Theorem 7.3); else the section of its notebook prefix, marked as added.
 */
export function paperReference(name: string, stamp: Record<string, string> = {}): string {
  if (stamp.paper) return stamp.paper;
  for (const [re, ref] of KNOWN) if (re.test(name)) return ref;
  const fig = /(?:^|_)fig(\d+)([a-z]*)(?:_|$)/.exec(name);
  if (fig) {
    // Panel letters: `fig4ab` is Figure 4 (a, b), `fig4c` Figure 4 (c).
    const panels = fig[2] ? ` (${[...fig[2]].join(", ")})` : "";
    return `Figure ${fig[1]}${panels}${APPENDIX[`Figure ${fig[1]}`] ?? ""}`;
  }
  const tab = /(?:^|_)table(\d+)(?:_|$)/.exec(name);
  if (tab) return `Table ${tab[1]}${APPENDIX[`Table ${tab[1]}`] ?? ""}`;
  const thm = /(?:^|_)theorem(\d)(\d+)(?:_|$)/.exec(name);
  if (thm) return `Theorem ${thm[1]}.${thm[2]}`;
  if (/^08_/.test(name)) return "Section 8: the companion DLF paper (no figure of this paper)";
  const sec = /^0?(\d+)_/.exec(name);
  return sec ? `Section ${Number(sec[1])} (added here: no paper figure)` : "—";
}

/** One exported figure or table in the index. */
export interface Entry {
  name: string;
  kind: "figure" | "table";
  scale: string;
  seed: string;
  /** The git commit its file records, if any. */
  commit?: string;
  /** The paper figure or table it rebuilds ({@link paperReference}). */
  paper: string;
  /** The notebook (file name without .ipynb) whose prefix it carries, if published. */
  chapter?: string;
}

function readStampFromCsv(path: string): Record<string, string> {
  try {
    const first = Deno.readTextFileSync(path).split("\n", 1)[0];
    if (!first.startsWith("# ")) return {};
    return Object.fromEntries(
      first.slice(2).split(", ").map((p) => {
        const i = p.indexOf("=");
        return [p.slice(0, i), p.slice(i + 1)];
      }),
    );
  } catch {
    return {};
  }
}

/** Every figure (a `.vl.json`) and table (a `.md` with a `.csv`) in `dir`, by name. */
export function listExports(dir: string, chapters: readonly string[]): Entry[] {
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
  } catch {
    return [];
  }
  const set = new Set(names);
  const out: Entry[] = [];
  for (const n of names) {
    let name: string, kind: Entry["kind"];
    if (n.endsWith(".vl.json")) name = n.slice(0, -8), kind = "figure";
    else if (n.endsWith(".md") && set.has(n.replace(/\.md$/, ".csv"))) {
      name = n.slice(0, -3), kind = "table";
    } else continue;
    const stamp = readStampFromCsv(`${dir}/${name}.csv`);
    const prefix = name.split("_")[0];
    out.push({
      name,
      kind,
      scale: stamp.scale ?? "?",
      seed: stamp.seed ?? "?",
      commit: stamp.commit,
      paper: paperReference(name, stamp),
      chapter: chapters.find((c) => c.split("_")[0] === prefix),
    });
  }
  return out;
}

interface Chapter {
  file: string;
  slug: string;
  title: string;
  nb: Notebook;
  charts: number;
  tables: number;
}

async function indexPage(chapters: Chapter[], entries: Entry[], exportsDir: string) {
  const rows: string[] = [];
  for (const e of entries) {
    const ch = chapters.find((c) => c.slug === e.chapter);
    const run = ch?.nb.metadata.kd_run;
    let thumb = "";
    if (e.kind === "figure") {
      try {
        const svg = await Deno.readTextFile(`${exportsDir}/${e.name}.svg`);
        const png = await svgToPng(svg, { scale: 1 });
        thumb = `<img class="thumb" src="data:image/png;base64,${base64(png)}" alt="${
          escapeHtml(e.name)
        }">`;
      } catch {
        thumb = "";
      }
    }
    rows.push(
      `<tr id="${escapeHtml(e.name)}"><td>${thumb}<div><code>${
        escapeHtml(e.name)
      }</code></div></td>` +
        `<td>${e.kind}</td><td>${escapeHtml(e.paper)}</td>` +
        `<td>${ch ? `<a href="${ch.slug}.html">${escapeHtml(ch.title)}</a>` : "—"}</td>` +
        `<td>${escapeHtml(e.scale)}</td><td>${escapeHtml(e.seed)}</td>` +
        `<td>${run?.seconds ?? "?"} s</td><td><code>${
          escapeHtml(shortCommit(e.commit ?? run?.commit))
        }</code></td></tr>`,
    );
  }
  const chapterList = chapters.map((c) =>
    `<li><a href="${c.slug}.html">${escapeHtml(c.title)}</a> — ${c.charts} chart(s), ${c.tables} ` +
    `table(s); ${escapeHtml(runLine(c.nb.metadata.kd_run))}</li>`
  ).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>How Is Uncertainty Propagated in Knowledge Distillation? — executed chapters</title>
<style>${PAGE_CSS}
main{max-width:70rem}img.thumb{width:240px;height:auto;display:block}
</style>
</head><body><main data-expected-charts="0">
<h1>Executed chapters</h1>
<p>Each chapter is a notebook of this repository, executed headless and published as one
self-contained page (charts, tables and formulas need no network).</p>
<ul>
${chapterList}
</ul>
<h2>Every figure and table</h2>
<table class="index">
<thead><tr><th>file</th><th>kind</th><th>rebuilds</th><th>chapter</th><th>scale</th><th>seed</th>
<th>chapter run time</th><th>commit</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table>
</main></body></html>
`;
}

/**
 * Where pages go and where the figures they index are, for notebooks run at
 * `scales`: docs/ and figures/ when every one ran at the default or paper
 * scale (the committed folders), else build/docs/ and build/figures/ (a smoke
 * run, or notebooks without a recorded scale, never overwrite committed pages).
 */
export function publishTarget(scales: readonly string[], repo = REPO) {
  const committed = scales.length > 0 &&
    scales.every((s) => s === "default" || s === "paper");
  return committed
    ? { pages: `${repo}/docs`, exports: `${repo}/figures` }
    : { pages: `${repo}/build/docs`, exports: `${repo}/build/figures` };
}

/** Publish as the command line says; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  let inDir = `${REPO}/build/notebooks`, outDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=") ? args[i].split(/=(.*)/s) : [args[i]];
    const value = () => inline ?? args[++i];
    if (flag === "--in") inDir = value();
    else if (flag === "--out") outDir = value();
    else {
      console.error(`error: unknown argument ${args[i]}; use --in DIR and --out DIR.`);
      return 2;
    }
  }
  let files: string[] = [];
  try {
    files = [...Deno.readDirSync(inDir)].filter((e) => e.isFile && e.name.endsWith(".ipynb"))
      .map((e) => e.name).sort();
  } catch {
    // reported below
  }
  if (files.length === 0) {
    console.error(
      `error: no executed notebooks in ${inDir}; run \`deno task notebooks\` (smoke) or ` +
        "`deno task reproduce` (default) first, or pass --in DIR.",
    );
    return 2;
  }
  const notebooks = files.map((f) => ({
    file: f,
    slug: f.replace(/\.ipynb$/, ""),
    nb: JSON.parse(Deno.readTextFileSync(`${inDir}/${f}`)) as Notebook,
  }));
  const scales = new Set(notebooks.map((n) => n.nb.metadata.kd_run?.scale ?? "unknown"));
  const target = publishTarget([...scales]);
  const out = outDir ?? target.pages;
  const exportsDir = target.exports;
  const nav = (self: string) =>
    `<a href="index.html">All chapters and figures</a> · ` +
    notebooks.map((n) =>
      n.slug === self ? `<b>${n.slug}</b>` : `<a href="${n.slug}.html">${n.slug}</a>`
    )
      .join(" · ");
  const chapters: Chapter[] = [];
  const pages: { name: string; data: string }[] = [];
  for (const n of notebooks) {
    const page = await notebookPage(n.nb, n.slug, nav(n.slug));
    pages.push({ name: `${n.slug}.html`, data: page.html });
    chapters.push({ ...n, title: page.title, charts: page.charts.length, tables: page.tables });
    console.log(`${n.slug}.html: ${page.charts.length} chart(s), ${page.tables} table(s)`);
    if (page.charts.length < page.expectedCharts) {
      console.log(
        `  warning: the notebook calls show()/display() for ${page.expectedCharts} chart(s) but ` +
          `displays ${page.charts.length}: a show() that is not its cell's last expression shows ` +
          "nothing (use `await display(chart)` there)",
      );
    }
  }
  const entries = listExports(exportsDir, chapters.map((c) => c.slug));
  pages.push({ name: "index.html", data: await indexPage(chapters, entries, exportsDir) });
  await writeFilesAtomically(out, pages);
  console.log(
    `published ${chapters.length} chapter(s) and an index of ${entries.length} figure(s)/table(s) ` +
      `(scale ${[...scales].join(", ")}) to ${out}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
