import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";
import { marked } from "marked";
import {
  saveTable,
  table,
  tableToCsv,
  tableToHtml,
  tableToLatex,
  tableToMarkdown,
  tableToText,
} from "../../lib/report/mod.ts";
import { latexEscape } from "../../lib/report/formats.ts";

function small() {
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "acc", label: "Accuracy", unit: "%", digits: 2 },
      { name: "delta", digits: 3 },
      { name: "n" },
    ],
    rows: [
      { data: "Wine", acc: 97.2222, delta: -0.0125, n: 36 },
      { data: "Breast_cancer & co", acc: 95.6, delta: null, n: 114 },
    ],
    caption: "Student accuracy (50% split).",
    note: "Mean over 5 seeds; delta = student - teacher.",
  });
}

Deno.test("a small table writes the exact CSV, with raw values and the stamp line", () => {
  assertEquals(
    tableToCsv(small(), { seed: 9, scale: "default" }),
    "# scale=default, seed=9\n" +
      "data,acc,delta,n\n" +
      "Wine,97.2222,-0.0125,36\n" +
      "Breast_cancer & co,95.6,,114\n",
  );
});

Deno.test("a small table writes the exact Markdown, aligned and escaped", () => {
  assertEquals(
    tableToMarkdown(small(), { seed: 9, scale: "default" }),
    [
      "<!-- scale=default, seed=9 -->",
      "**Student accuracy (50% split).**",
      "",
      "| Data set | Accuracy (%) | delta | n |",
      "| :--- | ---: | ---: | ---: |",
      "| Wine | 97.22 | -0.013 | 36 |",
      "| Breast_cancer & co | 95.60 | – | 114 |",
      "",
      "*Mean over 5 seeds; delta = student - teacher.*",
      "",
    ].join("\n"),
  );
});

Deno.test("a small table writes the exact booktabs LaTeX, with special characters escaped", () => {
  assertEquals(
    tableToLatex(small(), { meta: { seed: 9, scale: "default" }, label: "tab:acc" }),
    [
      "% scale=default, seed=9",
      "\\begin{table}[t]",
      "  \\centering",
      "  \\caption{Student accuracy (50\\% split).}",
      "  \\label{tab:acc}",
      "  \\begin{tabular}{lrrr}",
      "    \\toprule",
      "    Data set & Accuracy (\\%) & delta & n \\\\",
      "    \\midrule",
      "    Wine & 97.22 & $-$0.013 & 36 \\\\",
      "    Breast\\_cancer \\& co & 95.60 & -- & 114 \\\\",
      "    \\bottomrule",
      "  \\end{tabular}",
      "  \\par\\smallskip{\\footnotesize Mean over 5 seeds; delta = student - teacher.\\par}",
      "\\end{table}",
      "",
    ].join("\n"),
  );
});

Deno.test("every LaTeX special character is escaped to its literal form", () => {
  assertEquals(
    latexEscape("\\ & % $ # _ { } ~ ^"),
    "\\textbackslash{} \\& \\% \\$ \\# \\_ \\{ \\} \\textasciitilde{} \\textasciicircum{}",
  );
});

Deno.test("a table displays in Jupyter as HTML, with Markdown and plain-text fallbacks", () => {
  const t = small();
  const bundle = (t as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assertEquals(Object.keys(bundle).sort(), ["text/html", "text/markdown", "text/plain"]);
  assertEquals(bundle["text/html"], tableToHtml(t));
  assertEquals(bundle["text/markdown"], tableToMarkdown(t));
  assertEquals(
    bundle["text/plain"],
    [
      "Student accuracy (50% split).",
      "Data set            Accuracy (%)   delta    n",
      "------------------  ------------  ------  ---",
      "Wine                       97.22  -0.013   36",
      "Breast_cancer & co         95.60       –  114",
      "Mean over 5 seeds; delta = student - teacher.",
      "",
    ].join("\n"),
  );
  assertEquals(tableToText(t), bundle["text/plain"]);
  assertEquals(Object.keys(t), ["columns", "rows", "caption", "note"], "plain data otherwise");
});

Deno.test("a bad table is refused before any output, naming the problem", () => {
  assertThrows(() => table({ columns: [], rows: [{}] }), Error, "columns is empty");
  assertThrows(() => table({ columns: ["a"], rows: [] }), Error, "rows is empty");
  assertThrows(() => table({ columns: ["a", "a"], rows: [{ a: 1 }] }), Error, "named twice");
  assertThrows(() => table({ columns: ["a", "b"], rows: [{ a: 1 }] }), Error, 'rows[0] has no "b"');
  assertThrows(
    () => table({ columns: [{ name: "a", digits: 1.5 }], rows: [{ a: 1 }] }),
    Error,
    "digits",
  );
});

Deno.test("saveTable writes .csv, .md and .tex with the stamp, or nothing when it cannot", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const paths = await saveTable(small(), "table3", { dir, meta: { seed: 4, scale: "paper" } });
    assertEquals((await Deno.readTextFile(paths.csv)).split("\n")[0], "# scale=paper, seed=4");
    assertEquals(
      (await Deno.readTextFile(paths.md)).split("\n")[0],
      "<!-- scale=paper, seed=4 -->",
    );
    const tex = await Deno.readTextFile(paths.tex);
    assertEquals(tex.split("\n")[0], "% scale=paper, seed=4");
    assertEquals(tex.includes("\\label{tab:table3}"), true);
    await Deno.mkdir(`${dir}/t2.tex`);
    await assertRejects(() => saveTable(small(), "t2", { dir }), Error, "not a regular file");
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assertEquals(names.sort(), ["t2.tex", "table3.csv", "table3.md", "table3.tex"]);
    await assertRejects(() => saveTable(small(), "a/b", { dir }), Error, "no slashes");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a small table writes the exact HTML, escaped, numbers right-aligned on one line", () => {
  const r = 'style="text-align: right; white-space: nowrap"', l = 'style="text-align: left"';
  const h = 'style="text-align: right"';
  assertEquals(
    tableToHtml(small()),
    [
      '<table class="kd-table">',
      "<caption>Student accuracy (50% split).</caption>",
      `<thead><tr><th ${l}>Data set</th><th ${h}>Accuracy (%)</th><th ${h}>delta</th>` +
      `<th ${h}>n</th></tr></thead>`,
      "<tbody>",
      `<tr><td ${l}>Wine</td><td ${r}>97.22</td><td ${r}>-0.013</td><td ${r}>36</td></tr>`,
      `<tr><td ${l}>Breast_cancer &amp; co</td><td ${r}>95.60</td><td ${r}>–</td>` +
      `<td ${r}>114</td></tr>`,
      "</tbody>",
      `<tfoot><tr><td colspan="4" style="text-align: left"><em>Mean over 5 seeds; ` +
      "delta = student - teacher.</em></td></tr></tfoot>",
      "</table>",
      "",
    ].join("\n"),
  );
});

/** Cells per row of the first table in `html` (header row first). */
function cellsPerRow(html: string): number[] {
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1].match(/<t[hd][ >]/g)?.length ?? 0
  );
}

Deno.test("a pipe inside a cell stays in its cell in Markdown and HTML (|x − y| headers)", () => {
  const t = table({
    columns: [{ name: "k" }, { name: "gap", label: "Max |student − teacher|" }, "note"],
    rows: [{ k: 1, gap: 2.2e-19, note: "a|b \\ <c>" }],
  });
  const md = tableToMarkdown(t);
  assert(!md.includes("\\|"), "no backslash-escaped pipe, which some renderers split at");
  // A CommonMark/GFM renderer sees three columns in every row and the original text.
  const html = marked.parse(md, { async: false }) as string;
  assertEquals(cellsPerRow(html), [3, 3]);
  assert(html.includes("Max |student − teacher|"), html);
  assert(html.includes("a|b \\ &lt;c&gt;"), html);
  // Rows split at unescaped pipes only: 3 cells plus the two empty ends.
  for (const line of md.trim().split("\n")) assertEquals(line.split("|").length, 5, line);
  const own = tableToHtml(t);
  assertEquals(cellsPerRow(own), [3, 3]);
  assert(own.includes('<th style="text-align: right">Max |student − teacher|</th>'), own);
  assert(own.includes("2.200e-19"), "numbers as the Markdown shows them");
});
