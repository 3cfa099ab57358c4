/**
 * The uncertainty report of a teacher's saved outputs, as Markdown and as a
 * self-contained HTML page with its charts inline (no network needed to
 * read it): the distribution of the per-input teacher variance, what
 * averaging k responses buys (Theorem 7.1 with the curve measured by
 * sub-sampling the user's own responses), the recommended k for a target
 * noise level, the inputs the teacher disagrees with itself most on, and,
 * for variance weighting, the estimated weights with their uncertainty.
 *
 * @module
 */
import type { Chart } from "../../lib/plot/chart.ts";
import { histogram } from "../../lib/plot/histogram.ts";
import { lineBand } from "../../lib/plot/line_band.ts";
import { renderSvg } from "../../lib/plot/render.ts";
import { writeFilesAtomically } from "../../lib/plot/write_files.ts";
import { fmt, pm } from "../../lib/report/prose.ts";
import { tableToMarkdown } from "../../lib/report/formats.ts";
import { cellText, headerText, type Table, table } from "../../lib/report/table.ts";
import { TargetOptionError } from "../../lib/targets/records.ts";
import type { DistillTargetsResult } from "./run.ts";
import { quantileSorted } from "./summary.ts";

/**
 * Options of {@link targetReport}.
 *
 * @category Variance-aware targets for your teacher
 */
export interface ReportOptions {
  /** The method the targets were made with. */
  method: string;
  /** The input file's name, shown in the title. */
  input: string;
  /** Target noise levels for the recommended-k table (default: 1/2, 1/5, 1/10 and 1/20 of the mean variance). */
  targetNoise?: number[];
}

/**
 * One block of the report, in reading order.
 *
 * @category Variance-aware targets for your teacher
 */
export type ReportBlock =
  | { h1: string }
  | { h2: string }
  | { p: string }
  | { chart: string }
  | { table: string };

/**
 * The report's parts: Markdown text, the charts, and the tables.
 *
 * @category Variance-aware targets for your teacher
 */
export interface TargetReport {
  /** The whole report as Markdown (charts referenced by file name). */
  markdown: string;
  /** The same report as blocks (for the HTML page). */
  blocks: ReportBlock[];
  /** The charts, by short name. */
  charts: Record<string, Chart>;
  /** The tables, by short name. */
  tables: Record<string, Table>;
  /** The headline numbers. */
  numbers: Record<string, number>;
}

/**
 * Build the report's charts, tables and Markdown from a run's result.
 *
 * @throws Error when no input had two or more responses (no variance to report).
 *
 * @example
 * ```ts
 * const r = await distillTargets({ input: "teacher.jsonl", output: "targets.jsonl", method: "mean" });
 * const rep = targetReport(r, { method: "mean", input: "teacher.jsonl", targetNoise: [0.01] });
 * rep.numbers.meanVariance; // the mean per-input teacher variance s̄²
 * ```
 *
 * @category Variance-aware targets for your teacher
 */
export function targetReport(r: DistillTargetsResult, opts: ReportOptions): TargetReport {
  const s = r.summary;
  const sorted = s.sortedVariances();
  if (sorted.length === 0) {
    throw new Error(
      "report: no input has two or more responses, so no teacher variance can be estimated.",
    );
  }
  let mean = 0;
  for (const v of sorted) mean += v;
  mean /= sorted.length;
  const curve = s.curve();
  const meanN = s.ks.reduce((a, b) => a + b, 0) / s.ks.length;
  const charts: Record<string, Chart> = {};
  const positive = sorted.filter((v) => v > 0);
  charts.variance = histogram(
    positive.length ? [...positive].map((v) => ({ log10: Math.log10(v) })) : [{ log10: 0 }],
    {
      x: "log10",
      xTitle: "log₁₀ s² (teacher variance per input)",
      yTitle: "inputs",
      width: "column",
    },
  );
  // At a k where a single input contributes, the Monte Carlo SE is unknown (NaN); it is drawn
  // without a band (zero width) and the text says so.
  const noBand = curve.k.filter((_, i) => !Number.isFinite(curve.se[i]));
  if (curve.k.some((_, i) => curve.measured[i] > 0 && curve.theory[i] > 0)) {
    charts.averaging = lineBand(
      curve.k.map((k, i) => {
        const m = curve.measured[i], se = curve.se[i];
        const band = Number.isFinite(se);
        return {
          k,
          measured: m,
          // On the log axis the band is clipped below at a tenth of the value.
          lower: band ? Math.max(m - 2 * se, m / 10) : m,
          upper: band ? m + 2 * se : m,
          finite: curve.theory[i],
          law: mean / k,
        };
      }).filter((row) =>
        row.measured > 0 && row.finite > 0 && Number.isFinite(row.measured) &&
        Number.isFinite(row.upper) && Number.isFinite(row.finite) && Number.isFinite(row.law)
      ),
      {
        x: "k",
        y: "measured",
        lower: "lower",
        upper: "upper",
        theory: ["finite", "law"],
        theoryLabels: {
          finite: "expected: s²(1/k − 1/n)",
          law: "label noise s̄²/k (Thm 7.1)",
        },
        simulationLabel: "sub-sampled (±2 SE)",
        logX: true,
        logY: true,
        xTitle: "teacher responses averaged (k)",
        yTitle: "squared error of the k-average",
        width: "page",
      },
    );
  }
  const hasWeights = s.weights.some(Number.isFinite);
  const w = Float64Array.from(s.weights.filter(Number.isFinite)).sort();
  const wse = Float64Array.from(s.weightSes.filter(Number.isFinite)).sort();
  if (hasWeights) {
    charts.weights = histogram([...w].map((a) => ({ a })), {
      x: "a",
      xTitle: "teacher weight a_T = v_S / (v_T + v_S)",
      yTitle: "inputs",
      width: "column",
    });
  }
  const levels = opts.targetNoise ?? [mean / 2, mean / 5, mean / 10, mean / 20];
  const tables: Record<string, Table> = {};
  tables.recommend = table({
    columns: [
      { name: "target", label: "Target label noise", format: (v) => fmt(v as number) },
      { name: "k", label: "Recommended k" },
      { name: "share", label: "Inputs meeting it at that k", unit: "%", digits: 1 },
    ],
    rows: levels.map((t) => {
      const rk = s.recommendK(t);
      return { target: t, k: rk.k, share: 100 * rk.shareMeeting };
    }),
    caption:
      "Responses to average per input for a target label-noise variance (Theorem 7.1: s̄²/k).",
  });
  tables.top = table({
    columns: [
      { name: "id", label: "Input" },
      { name: "v", label: "Teacher variance s²", format: (v) => fmt(v as number) },
      { name: "n", label: "Responses" },
      { name: "preview", label: "First responses" },
    ],
    rows: s.top.map((d) => ({
      id: String(d.id),
      v: d.teacherVariance,
      n: d.responses,
      preview: d.preview,
    })),
    caption: "The inputs the teacher disagrees with itself most on.",
  });
  if (hasWeights) {
    tables.weights = table({
      columns: [
        { name: "q", label: "Quantile" },
        { name: "a", label: "a_T", digits: 3 },
        { name: "se", label: "SE of a_T (delta method)", digits: 3 },
      ],
      rows: [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => ({
        q: `${100 * q}%`,
        a: quantileSorted(w, q),
        se: quantileSorted(wse, q),
      })),
      caption:
        "Variance-weighting weights across inputs (honest estimator: both variances estimated " +
        "from the samples given), with the delta-method standard error under Gaussian responses.",
    });
  }
  const numbers: Record<string, number> = {
    inputs: s.inputs,
    responses: r.responses,
    meanVariance: mean,
    medianVariance: quantileSorted(sorted, 0.5),
    meanResponses: meanN,
    flagged: r.flagged,
    threshold: r.threshold,
    skipped: r.stats.skipped,
    seconds: r.seconds,
  };
  // The comparison in SE units only where the SE is known (two or more inputs at that k).
  const zs = curve.k.map((_, i) =>
    Number.isFinite(curve.se[i]) && curve.se[i] > 0 && curve.inputs[i] >= 2
      ? Math.abs(curve.measured[i] - curve.theory[i]) / curve.se[i]
      : NaN
  );
  const withSe = zs.flatMap((z, i) => Number.isFinite(z) ? [i] : []);
  const worstZ = withSe.reduce((m, i) => Math.max(m, zs[i]), 0);
  const fewest = withSe.reduce((m, i) => Math.min(m, curve.inputs[i]), Infinity);
  const ratios = curve.k.flatMap((_, i) =>
    curve.theory[i] > 0 && Number.isFinite(curve.measured[i])
      ? [curve.measured[i] / curve.theory[i]]
      : []
  );
  const ratioText = ratios.length
    ? `the measured/expected ratio runs from ${fmt(ratios.reduce((a, b) => Math.min(a, b)), 2)} ` +
      `to ${fmt(ratios.reduce((a, b) => Math.max(a, b)), 2)}`
    : "";
  let curveText: string;
  if (!curve.k.length) curveText = " (no input has two or more responses).";
  else if (withSe.length === 0) {
    curveText = `; over k = 1…${curve.k[curve.k.length - 1]} ${ratioText || "no comparison"} ` +
      "(too few inputs at each k for a standard error).";
  } else if (fewest < 30) {
    curveText = `; over k = 1…${curve.k[curve.k.length - 1]} ${ratioText}. With as few as ` +
      `${fmt(fewest)} inputs at a k the Monte Carlo SE is itself too uncertain (it can come ` +
      "out near 0), so no comparison in SE units is made.";
  } else {
    curveText = `; over k = 1…${curve.k[curve.k.length - 1]} the measured curve is within ` +
      `${fmt(worstZ, 2)} SE of it (at least ${fmt(fewest)} inputs at each k).`;
  }
  if (noBand.length) {
    curveText += ` At k = ${noBand.join(", ")} a single input contributes, so there is no ` +
      "standard error: drawn without a band and left out of the comparison.";
  }
  const fence = Number.isFinite(r.threshold)
    ? `${fmt(r.flagged)} inputs are flagged as extreme (s² above Tukey's far-out fence ` +
      `Q3 + 3·IQR = ${fmt(r.threshold)}).`
    : `No input is flagged: fewer than 4 inputs have a variance, too few for Tukey's fence.`;
  const oneResponse = s.variances.length - sorted.length;
  const blocks: ReportBlock[] = [
    { h1: `Teacher uncertainty report: ${opts.input}` },
    {
      p: `Method: **${opts.method}**. ${fmt(s.inputs)} inputs, ${fmt(r.responses)} responses ` +
        `(${fmt(meanN)} per input on average), kind: ${r.kind}` +
        (r.stats.skipped ? `; ${fmt(r.stats.skipped)} bad lines skipped` : "") +
        `; processed in ${fmt(r.seconds)} s.`,
    },
    { h2: "The teacher's variance per input" },
    {
      p: `Mean s² ${fmt(mean)}, median ${fmt(quantileSorted(sorted, 0.5))}, 90th percentile ` +
        `${fmt(quantileSorted(sorted, 0.9))}. ${fence}` +
        (oneResponse
          ? ` ${fmt(oneResponse)} inputs have one response and so no variance (null in the ` +
            "targets); they are left out here."
          : ""),
    },
    { chart: "variance" },
    { h2: "What averaging k responses buys" },
    {
      p: "Theorem 7.1: the label noise of the average of k responses is s²/k. Sub-sampling k of " +
        "the n responses given, the squared distance of the k-average to the n-average should be " +
        "s²(1/k − 1/n)" + curveText,
    },
    ...(charts.averaging ? [{ chart: "averaging" }] : []),
    { table: "recommend" },
    { table: "top" },
  ];
  if (hasWeights) {
    blocks.push(
      { h2: "Variance weighting" },
      {
        p: `Median teacher weight ${pm(quantileSorted(w, 0.5), quantileSorted(wse, 0.5))} ` +
          "(median delta-method SE).",
      },
      { chart: "weights" },
      { table: "weights" },
    );
  }
  const markdown =
    blocks.map((b) =>
      "h1" in b
        ? `# ${b.h1}`
        : "h2" in b
        ? `## ${b.h2}`
        : "p" in b
        ? b.p
        : "chart" in b
        ? `![${b.chart}](${b.chart}.svg)`
        : tableToMarkdown(tables[b.table]).trimEnd()
    ).join("\n\n") + "\n";
  return { markdown, blocks, charts, tables, numbers };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(headerText(c))}</th>`).join("");
  const body = t.rows.map((r) =>
    `<tr>${t.columns.map((c) => `<td>${escapeHtml(cellText(c, r))}</td>`).join("")}</tr>`
  ).join("\n");
  return `<table><caption>${escapeHtml(t.caption ?? "")}</caption><thead><tr>${head}</tr></thead>` +
    `<tbody>${body}</tbody></table>`;
}

function inlineMarkdown(s: string): string {
  return escapeHtml(s).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

/**
 * The files a report path writes: `.html` (or `.htm`) writes that page with
 * the charts inline, plus `<base>.md` and its charts `<base>_<chart>.svg`
 * beside it; `.md` writes the Markdown and its charts only.
 *
 * @throws TargetOptionError for any other ending.
 *
 * @category Variance-aware targets for your teacher
 */
export function reportFiles(
  path: string,
  charts: readonly string[],
): { dir: string; base: string; html: string | null; names: string[] } {
  const m = /^(.*?)([^/]+)\.(html?|md)$/i.exec(path);
  if (!m || m[2] === "") {
    throw new TargetOptionError(
      "--report",
      `must end in .html (page, Markdown and charts) or .md (Markdown and charts); got "${path}".`,
    );
  }
  const dir = m[1] === "" ? "." : m[1] === "/" ? "/" : m[1].slice(0, -1);
  const base = m[2];
  const html = /^html?$/i.test(m[3]) ? `${base}.${m[3]}` : null;
  const names = [
    ...(html ? [html] : []),
    `${base}.md`,
    ...charts.map((c) => `${base}_${c}.svg`),
  ];
  return { dir, base, html, names };
}

/**
 * Write the report: `<base>.md` with the charts as `<base>_<chart>.svg`
 * beside it, and, when the path ends in `.html`, that page with the charts
 * inline (see {@link reportFiles}). All files or none.
 *
 * @returns the paths written.
 * @throws TargetOptionError when the path ends in neither `.html` nor `.md`.
 * @throws Error when writing fails (nothing new is then left behind).
 *
 * @example
 * ```ts
 * await writeTargetReport(rep, "build/report.html"); // report.html, report.md, report_*.svg
 * ```
 *
 * @category Variance-aware targets for your teacher
 */
export async function writeTargetReport(
  rep: TargetReport,
  htmlPath: string,
): Promise<string[]> {
  const { dir, base, html: htmlName } = reportFiles(htmlPath, Object.keys(rep.charts));
  const svgs: Record<string, string> = {};
  for (const [name, chart] of Object.entries(rep.charts)) svgs[name] = await renderSvg(chart);
  let md = rep.markdown;
  for (const name of Object.keys(svgs)) md = md.replace(`(${name}.svg)`, `(${base}_${name}.svg)`);
  const html = rep.blocks.map((b) =>
    "h1" in b
      ? `<h1>${inlineMarkdown(b.h1)}</h1>`
      : "h2" in b
      ? `<h2>${inlineMarkdown(b.h2)}</h2>`
      : "p" in b
      ? `<p>${inlineMarkdown(b.p)}</p>`
      : "chart" in b
      ? `<figure>${svgs[b.chart] ?? ""}</figure>`
      : tableHtml(rep.tables[b.table])
  );
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Teacher uncertainty report</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; max-width: 52em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } caption { text-align: left; font-weight: bold; }
td, th { border-bottom: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; } figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
</style></head><body>
${html.join("\n")}
</body></html>
`;
  const files = [
    ...(htmlName ? [{ name: htmlName, data: page }] : []),
    { name: `${base}.md`, data: md },
    ...Object.entries(svgs).map(([n, svg]) => ({ name: `${base}_${n}.svg`, data: svg })),
  ];
  await writeFilesAtomically(dir, files);
  return files.map((f) => dir === "/" ? `/${f.name}` : `${dir}/${f.name}`);
}
