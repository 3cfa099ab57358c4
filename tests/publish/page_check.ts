/**
 * What the browser test checks in a published page, as a script evaluated
 * in the page: every chart image is loaded, shown and has drawn content;
 * every table has rows whose cell counts match its header, and no Markdown
 * table was left as text (a row a renderer could not split, e.g. at `\|`,
 * stays a paragraph of pipes); no `$...$` TeX is left as text outside code,
 * also when it runs across a line break or across elements of one paragraph
 * (each block's text is read whole, with typeset maths, code and pre taken
 * out); KaTeX reported no error; and the page shows as many charts as its
 * notebook displays (`data-expected-charts`, recorded by tools/publish/page.ts
 * from the notebook; a page without it fails unless the caller says how many).
 */

/** The report the script returns. */
export interface PageReport {
  charts: { id: string; loaded: boolean; shownWidth: number; inkFraction: number }[];
  tables: { caption: string; header: number; rows: number[] }[];
  rawMaths: string[];
  rawTables: string[];
  katexErrors: string[];
  katexRendered: number;
  /** The page's `data-expected-charts`, or null when it records none. */
  expectedCharts: number | null;
  /** How far the page is wider than the window (it should scroll inside tables, not sideways). */
  overflow: number;
}

/** The script (an async function expression, called at once). */
export const CHECK_SCRIPT = `(async () => {
  const charts = [];
  for (const img of document.querySelectorAll("figure.chart img")) {
    if (!img.complete) await new Promise((r) => { img.onload = r; img.onerror = r; });
    const loaded = img.complete && img.naturalWidth > 0;
    let ink = 0, total = 1;
    if (loaded) {
      const c = document.createElement("canvas");
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      total = c.width * c.height;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0 && 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2] < 200) ink++;
      }
    }
    charts.push({
      id: img.closest("figure").id || "",
      loaded,
      shownWidth: img.getBoundingClientRect().width,
      inkFraction: ink / total,
    });
  }
  const span = (cells) => [...cells].reduce((s, c) => s + (c.colSpan || 1), 0);
  const tables = [...document.querySelectorAll("main table")].map((t) => {
    const head = t.tHead ? t.tHead.rows[0] : t.rows[0];
    const body = [...(t.tBodies[0] ? t.tBodies[0].rows : [])];
    return {
      caption: t.caption ? t.caption.textContent.trim() : (head ? head.textContent.trim() : ""),
      header: head ? span(head.cells) : 0,
      rows: body.map((r) => span(r.cells)),
    };
  });
  const rawMaths = [], rawTables = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest("pre, code, script, style, .katex")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    // A cell of a drawn table may hold |x| notation; raw Markdown rows sit outside tables.
    const row = n.parentElement.closest("table") ? null : /\\|[^|\\n]*\\|[^|\\n]*\\|/.exec(n.textContent);
    if (row) rawTables.push(row[0].slice(0, 80));
  }
  // Raw TeX: each block's text whole, so a formula split by a line break or by markup
  // (<em> made from its _ or *) is seen; typeset maths, code and pre are removed first.
  const prose = document.body.cloneNode(true);
  for (const e of prose.querySelectorAll("pre, code, script, style, .katex, .katex-error")) {
    e.remove();
  }
  const seen = new Set();
  for (const b of prose.querySelectorAll("p, li, td, th, caption, h1, h2, h3, h4, h5, h6, dd, dt, blockquote, figcaption, div.html")) {
    const m = /\\$\\$[^$]+\\$\\$|\\$[^$\\s][^$]*?\\$/.exec(b.textContent);
    if (m && !seen.has(m[0])) seen.add(m[0]), rawMaths.push(m[0].replace(/\\s+/g, " ").slice(0, 80));
  }
  const main = document.querySelector("main");
  const expectedCharts = main && main.dataset.expectedCharts !== undefined
    ? Number(main.dataset.expectedCharts) : null;
  const katexErrors = [...document.querySelectorAll(".katex-error")].map((e) => e.textContent);
  return {
    charts, tables, rawMaths, rawTables, katexErrors, expectedCharts,
    katexRendered: document.querySelectorAll(".katex").length,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
})()`;

/**
 * The problems in a report, one line each (empty: the page is good).
 * `expectedCharts` is the caller's count for a page that records none
 * (a page published before pages recorded it).
 */
export function problems(name: string, r: PageReport, expectedCharts?: number): string[] {
  const out: string[] = [];
  const expected = r.expectedCharts ?? expectedCharts;
  if (expected === undefined) {
    out.push(`${name}: the page does not say how many charts its notebook shows; republish it`);
  } else if (r.charts.length !== expected) {
    out.push(`${name}: ${r.charts.length} chart(s) on the page, ${expected} in its notebook`);
  }
  for (const c of r.charts) {
    if (!c.loaded) out.push(`${name}: chart ${c.id} did not load`);
    else if (c.shownWidth < 100) out.push(`${name}: chart ${c.id} is shown ${c.shownWidth}px wide`);
    // A drawn chart has axes, text and marks: measured 3-15 % dark pixels on ours.
    else if (c.inkFraction < 0.01) {
      out.push(`${name}: chart ${c.id} is blank (${(100 * c.inkFraction).toFixed(2)} % ink)`);
    }
  }
  for (const t of r.tables) {
    if (t.header < 1 || t.rows.length === 0) {
      out.push(`${name}: table "${t.caption}" has no header or no rows`);
    }
    const bad = t.rows.filter((n) => n !== t.header);
    if (bad.length) {
      out.push(
        `${name}: table "${t.caption}" has ${t.header} header cells but rows of ${bad.join(", ")}`,
      );
    }
  }
  for (const m of r.rawTables) out.push(`${name}: a table left as Markdown text: ${m}`);
  for (const m of r.rawMaths) out.push(`${name}: raw maths left as text: ${m}`);
  for (const e of r.katexErrors) out.push(`${name}: KaTeX could not typeset: ${e}`);
  if (r.overflow > 1) out.push(`${name}: the page is ${r.overflow}px wider than the window`);
  return out;
}
