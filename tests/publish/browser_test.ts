/**
 * The published pages, opened in a real browser (Debian's headless
 * Chromium): every chart drawn, every table whole, every formula typeset.
 * Ignored when Chromium is absent.
 *
 * Pages checked: one built here from a notebook holding a real chart (as an
 * SVG output, as older runs wrote, and as show()'s PNG bundle), a
 * table with pipes in its header and TeX (always, plus a broken twin that
 * must fail, so the checks can fail); then the pages of the notebooks
 * executed in build/notebooks/ (by `deno task notebooks`), published to a
 * temporary folder; then the committed pages in docs/, if any, each showing
 * as many charts as its notebook in notebooks/ displays.
 */
import { assert, assertEquals } from "../assert.ts";
import { lineBand } from "../../lib/plot/mod.ts";
import { chartBundle } from "../../lib/plot/show.ts";
import { renderSvg } from "../../lib/plot/render.ts";
import { table, tableToHtml, tableToMarkdown } from "../../lib/report/mod.ts";
import { main as publish } from "../../tools/publish_html.ts";
import { expectedCharts, type Notebook, notebookPage } from "../../tools/publish/page.ts";
import { Browser, CHROMIUM } from "./chromium.ts";
import { CHECK_SCRIPT, type PageReport, problems } from "./page_check.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

function htmlFiles(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".html"))
      .map((e) => `${dir}/${e.name}`).sort();
  } catch {
    return [];
  }
}

async function check(browser: Browser, path: string) {
  const report = await browser.evaluate<PageReport>(`file://${path}`, CHECK_SCRIPT);
  return { report, problems: problems(path.slice(path.lastIndexOf("/") + 1), report) };
}

const RAW_TEX_HTML = "<p>raw $x_1$</p>" +
  "<p>variance $(\\hat\\sigma^2/3)\\,\\tilde x^\\top(\\tilde X^\\top\n\\tilde X)^{-1}\\tilde x$ " +
  "(Theorems 4.1/7.1)</p><p>a bullet $\\hat\\alpha_0 = <em>c</em>\n- 1$ split by markup</p>";

/**
 * A small executed notebook: maths in Markdown, a chart (SVG output, and the PNG bundle),
 * two tables; the broken twin also has raw TeX and a show() that displayed nothing.
 */
async function fixtureNotebook(broken: boolean) {
  const rows = [0, 0.5, 1, 1.5, 2].map((s2) => ({ s2, v: 0.1 + s2, se: 0.05, t: 0.1 + s2 }));
  const chart = lineBand(rows, { x: "s2", y: "v", band: "se", theory: "t", xTitle: "σ²" });
  const svg = await renderSvg(chart);
  const t = table({
    columns: [{ name: "k" }, { name: "gap", label: "Max |student − teacher|" }],
    rows: [{ k: 1, gap: 2.2e-19 }, { k: 2, gap: 0.5 }],
    caption: "Theorem 5.1 check",
  });
  const blank = svg.replace(/<g[\s\S]*<\/svg>$/, "</svg>"); // the size, none of the marks
  const md = broken
    ? "# Fixture\nThe variance $\\sigma^2$ and a bad formula $\\unknowncommand{x}$."
    : "# Fixture\nThe variance $\\sigma^2$ grows, and $$\\mathrm{Var}(\\bar y) = \\sigma^2 / k.$$";
  const tableMd = broken ? "| a | b | c |\n| --- | --- |\n| 1 | 2 |\n" : tableToMarkdown(t);
  return {
    metadata: { kd_run: { scale: "smoke", commit: "0".repeat(40), seconds: 1 } },
    cells: [
      {
        cell_type: "markdown",
        source: md,
      },
      {
        cell_type: "code",
        source: "show(chart)",
        outputs: [
          {
            output_type: "display_data",
            data: { "image/svg+xml": broken ? blank : svg, "text/plain": chart.summary },
          },
          // What show(chart) gives the kernel now: the spec, a PNG and the summary.
          { output_type: "display_data", data: await chartBundle(chart) },
          { output_type: "display_data", data: { "text/html": tableToHtml(t) } },
          { output_type: "display_data", data: { "text/markdown": tableMd, "text/plain": "t" } },
          // HTML no one typeset: its TeX stays as text, on one line, across a line break
          // (Section 7's formula as it once was left), and split by markup.
          ...(broken ? [{ output_type: "display_data", data: { "text/html": RAW_TEX_HTML } }] : []),
        ],
      },
      // A chart meant to be shown whose show() is not the cell's last expression: no output.
      ...(broken
        ? [{ cell_type: "code", source: "show(second);\nprose`a line`;", outputs: [] }]
        : []),
    ],
  };
}

Deno.test({
  name: "a published page shows its chart, tables and maths in Chromium; a broken one is caught",
  ignore: !CHROMIUM,
  async fn() {
    const dir = await Deno.makeTempDir();
    const browser = await Browser.launch();
    try {
      for (const broken of [false, true]) {
        const page = await notebookPage(await fixtureNotebook(broken), "fixture", "");
        await Deno.writeTextFile(`${dir}/p${broken}.html`, page.html);
      }
      const good = await check(browser, `${dir}/pfalse.html`);
      assertEquals(good.problems, []);
      assertEquals(good.report.charts.length, 2, "one from an SVG output, one from a PNG");
      for (const c of good.report.charts) assert(c.inkFraction > 0.02, JSON.stringify(c));
      // Both drawn at the figure's size: points × 4/3 CSS pixels.
      assertEquals(good.report.charts[0].shownWidth, good.report.charts[1].shownWidth);
      assertEquals(good.report.tables.map((t) => [t.header, t.rows]), [[2, [2, 2]], [2, [2, 2]]]);
      assert(good.report.katexRendered >= 2, "the formulas were typeset");
      const bad = await check(browser, `${dir}/ptrue.html`);
      const text = bad.problems.join("\n");
      assert(/chart fixture-chart-1 is blank/.test(text), text);
      assert(/a table left as Markdown text: \| a \| b \|/.test(text), text);
      assert(/KaTeX could not typeset/.test(text), text);
      assert(/raw maths left as text: \$x_1\$/.test(text), text);
      assert(/raw maths left as text: \$\(\\hat\\sigma\^2\/3\)/.test(text), `line break: ${text}`);
      assert(/raw maths left as text: \$\\hat\\alpha_0 = c - 1\$/.test(text), `markup: ${text}`);
      assert(/ptrue.html: 2 chart\(s\) on the page, 3 in its notebook/.test(text), text);
      // A page that does not record its expected count fails unless told it.
      const unsaid = { ...good.report, expectedCharts: null };
      assert(/does not say how many charts/.test(problems("x", unsaid).join("\n")));
      assertEquals(problems("x", unsaid, 2), []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function committedNotebook(file: string): Notebook | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(`${REPO}/notebooks/${file}`));
  } catch {
    return undefined;
  }
}

const executed = (() => {
  try {
    return [...Deno.readDirSync(`${REPO}/build/notebooks`)].some((e) => e.name.endsWith(".ipynb"));
  } catch {
    return false;
  }
})();

Deno.test({
  name: "every executed notebook's page (build/notebooks, published now) passes in Chromium",
  ignore: !CHROMIUM || !executed,
  async fn() {
    const out = await Deno.makeTempDir();
    const browser = await Browser.launch();
    try {
      assertEquals(await publish(["--out", out]), 0);
      const pages = htmlFiles(out);
      assert(pages.length >= 2, `published ${pages.length} page(s)`);
      const found: string[] = [];
      let charts = 0;
      for (const p of pages) {
        const r = await check(browser, p);
        found.push(...r.problems);
        charts += r.report.charts.length;
      }
      assertEquals(found, []);
      assert(charts > 0, "no chart on any page");
    } finally {
      await browser.close();
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "every committed page in docs/ passes in Chromium",
  ignore: !CHROMIUM || htmlFiles(`${REPO}/docs`).length === 0,
  async fn() {
    const browser = await Browser.launch();
    try {
      const found: string[] = [];
      for (const p of htmlFiles(`${REPO}/docs`)) {
        const name = p.slice(p.lastIndexOf("/") + 1);
        const nb = committedNotebook(name.replace(/\.html$/, ".ipynb"));
        const report = await browser.evaluate<PageReport>(`file://${p}`, CHECK_SCRIPT);
        // The committed notebook says how many charts it shows, whatever the page records.
        const expected = nb ? expectedCharts(nb) : name === "index.html" ? 0 : undefined;
        found.push(...problems(name, report, expected));
        if (
          report.expectedCharts !== null && expected !== undefined &&
          report.charts.length !== expected
        ) {
          found.push(`${name}: ${report.charts.length} chart(s), notebooks/ shows ${expected}`);
        }
      }
      assertEquals(found, []);
    } finally {
      await browser.close();
    }
  },
});
