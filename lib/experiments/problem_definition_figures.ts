/**
 * The figures and the summary table of the Section 2 example, built from a
 * {@link ProblemDefinitionResult}.
 *
 * @module
 */
import type { Chart } from "../plot/chart.ts";
import { groupedBars } from "../plot/grouped_bars.ts";
import { lineBand } from "../plot/line_band.ts";
import { scatterFit } from "../plot/scatter_fit.ts";
import { type Table, table } from "../report/table.ts";
import type { ProblemDefinitionResult } from "./problem_definition.ts";

/**
 * The teacher and a few students on the first test inputs (sorted by the
 * teacher's prediction). Only the teacher's band (± one predictive SD) is
 * shaded: each student's own band is as wide (its residual variance estimates
 * the same sigma2_T), so drawing them all would hide the lines.
 *
 * @category Section 2: problem definition
 */
export function studentsFigure(result: ProblemDefinitionResult): Chart {
  const rows = result.curves.map((c) => ({ ...c, sd: c.model === "teacher" ? c.sd : 0 }));
  return lineBand(rows, {
    x: "input",
    y: "prediction",
    band: "sd",
    series: "model",
    xTitle: "test input (sorted by teacher prediction)",
    yTitle: "prediction (band: teacher ± 1 SD)",
    width: "page",
    points: false,
    name: "02_students_and_teacher",
  });
}

/**
 * Theorem 4.1 input by input: the simulated variance across students against
 * sigma2_T x^T (X^T X)^-1 x (S-1)/S, in units of 10⁻³, with the
 * least-squares line (slope and R² in `chart.stats`).
 *
 * @category Section 2: problem definition
 */
export function theorem41Figure(result: ProblemDefinitionResult): Chart {
  const rows = result.perInput.map((p) => ({
    theory: 1e3 * p.theory,
    simulated: 1e3 * p.simulated,
  }));
  return scatterFit(rows, {
    x: "theory",
    y: "simulated",
    xTitle: "Theorem 4.1: σ² xᵀ(XᵀX)⁻¹x (×10⁻³)",
    yTitle: "variance across students (×10⁻³)",
    name: "02_theorem41_per_input",
  });
}

/**
 * Inter- and intra-student variance for the three sources, on a log scale
 * (the initialization's variances are two orders of magnitude below the
 * others), with ±2 SE error bars.
 *
 * @category Section 2: problem definition
 */
export function variancesFigure(result: ProblemDefinitionResult): Chart {
  const rows = result.sources.flatMap((r) => [
    { source: r.source, part: "inter-student", variance: r.inter, error: 2 * r.se },
    { source: r.source, part: "intra-student", variance: r.intra, error: 2 * r.seIntra },
  ]);
  return groupedBars(rows, {
    x: "source",
    y: "variance",
    group: "part",
    error: "error",
    logY: true,
    yTitle: "variance (log scale)",
    xTitle: "source of randomness and student",
    width: "page",
    name: "02_variance_by_source",
  });
}

function fmtNum(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/**
 * The three sources side by side: inter, intra, total, the inter share and the sampled variance.
 *
 * @category Section 2: problem definition
 */
export function sourcesTable(result: ProblemDefinitionResult): Table {
  const { students, neuralStudents, seed, scale } = result.config;
  return table({
    columns: [
      { name: "source", label: "Source of randomness" },
      { name: "inter", label: "Inter-student var.", digits: 5 },
      { name: "se", label: "MC SE", digits: 5 },
      { name: "intra", label: "Intra-student var.", digits: 4 },
      { name: "total", label: "Total", digits: 4 },
      { name: "interShare", label: "Inter share", digits: 4 },
      { name: "sampled", label: "Sampled var.", digits: 4 },
    ],
    rows: result.sources.map(({ source, inter, se, intra, total, interShare, sampled }) => ({
      source,
      inter,
      se,
      intra,
      total,
      interShare,
      sampled,
    })),
    caption:
      "Inter- and intra-student variance on the Boston test split, averaged over test inputs.",
    note: `${students} linear and ${neuralStudents} neural students; seed ${seed}; scale ` +
      `${scale}. Variances are in z-scored target units; MC SE is the Monte Carlo standard ` +
      "error of the inter-student variance, over the students of its row. Networks' own " +
      "variance (training MSE) minus the OLS student's on the same labels (RSS/n): " +
      `${fmtNum(result.nnMinusOls.mean)} ± ${fmtNum(result.nnMinusOls.se)} (SE over ` +
      `${result.nnMinusOls.students} students, paired label sets). Teacher's σ²_T = ` +
      `${fmtNum(result.sigma2T)}.`,
  });
}
