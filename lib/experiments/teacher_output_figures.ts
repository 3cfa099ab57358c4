/**
 * Figure 2 of the paper rebuilt from a {@link TeacherOutputResult}, and the
 * curvature table. Every panel puts the paper's noise level (the fraction of
 * Var(y_train): 0, 0.1, ..., 2.0) on the x axis; the absolute noise variance
 * is sigma2 = level * Var(y_train) (`result.varY`).
 *
 * @module
 */
import type { Chart, Row } from "../plot/chart.ts";
import { hconcat } from "../plot/compose.ts";
import { lineBand } from "../plot/line_band.ts";
import { fmt } from "../report/prose.ts";
import { type Table, table } from "../report/table.ts";
import { curvatureTest, fitWeightedPolynomial } from "../uncertainty/mod.ts";
import type {
  LinearLevel,
  NoiseLevel,
  Summary,
  TeacherOutputResult,
  Trend,
} from "./teacher_output.ts";

const TRUTH = "ground truth", TEACHER = "teacher's outputs", BY = "MSE against";
/**
 * The x axis of every Figure 2 panel.
 *
 * @category Section 4: teacher output uncertainty
 */
export const NOISE_LEVEL_TITLE = "noise level σ² / Var(y_train)";
/** Plotted in units of 10⁻³, for short axis labels (the house convention: "(×10⁻³)" in titles). */
const MILLI = 1e3;

// width: 120 points wraps each panel's legends to one column, so that the series legend and the
// simulation/closed-form legend fit side by side above a half-page panel.
const PANEL = { x: "level", y: "value", band: "band", xTitle: NOISE_LEVEL_TITLE, height: 170 };

function pair(
  r: NoiseLevel,
  pick: (s: Summary) => [number, number],
  k: number,
  theory?: [number, number],
): Row[] {
  const [tv, ts] = pick(r.mseTruth), [hv, hs] = pick(r.mseTeacher);
  return [
    {
      level: r.level,
      sigma2: r.sigma2,
      [BY]: TRUTH,
      value: k * tv,
      band: 2 * k * ts,
      ...(theory ? { theory: k * theory[0] } : {}),
    },
    {
      level: r.level,
      sigma2: r.sigma2,
      [BY]: TEACHER,
      value: k * hv,
      band: 2 * k * hs,
      ...(theory ? { theory: k * theory[1] } : {}),
    },
  ];
}

function mseRows(rs: readonly NoiseLevel[]): Row[] {
  return rs.flatMap((r) => {
    const th = "theory" in r
      ? [(r as LinearLevel).theory.mseTruth, (r as LinearLevel).theory.mseTeacher] as [
        number,
        number,
      ]
      : undefined;
    return pair(r, (s) => [s.mean, s.seMean], 1, th);
  });
}

function varMseRows(rs: readonly NoiseLevel[]): Row[] {
  return rs.flatMap((r) => {
    const th = "theory" in r
      ? [(r as LinearLevel).theory.varMseTruth, (r as LinearLevel).theory.varMseTeacher] as [
        number,
        number,
      ]
      : undefined;
    return pair(r, (s) => [s.variance, s.seVariance], MILLI, th);
  });
}

/**
 * Figure 2, accuracy: the students' mean test MSE against the noise level,
 * ±2 Monte Carlo SE; linear students with Theorems 4.3 and 4.2 dashed, neural
 * students beside them.
 *
 * @category Section 4: teacher output uncertainty
 */
export function meanMseFigure(result: TeacherOutputResult): Chart {
  return hconcat([
    lineBand(mseRows(result.linear), {
      ...PANEL,
      width: 120,
      series: BY,
      theory: "theory",
      yTitle: "mean test MSE",
      title: "Linear students",
      name: "linear",
      theoryLabels: { theory: "closed form" },
    }),
    lineBand(mseRows(result.neural), {
      ...PANEL,
      width: 120,
      series: BY,
      yTitle: "mean test MSE",
      title: `Neural students (13-${result.config.hidden}-1)`,
      name: "neural",
    }),
  ], { name: "04_fig2_mean_test_mse" });
}

/**
 * Figure 2 as the paper's code plots it: the variance across students of
 * their test MSE (×10⁻³), with its closed form for linear students.
 *
 * @category Section 4: teacher output uncertainty
 */
export function varianceOfMseFigure(result: TeacherOutputResult): Chart {
  const yTitle = "variance of test MSE (×10⁻³)";
  return hconcat([
    lineBand(varMseRows(result.linear), {
      ...PANEL,
      width: 120,
      series: BY,
      theory: "theory",
      yTitle,
      title: "Linear students",
      name: "linear",
      theoryLabels: { theory: "closed form" },
    }),
    lineBand(varMseRows(result.neural), {
      ...PANEL,
      width: 120,
      series: BY,
      yTitle,
      title: `Neural students (13-${result.config.hidden}-1)`,
      name: "neural",
    }),
  ], { name: "04_fig2_variance_of_test_mse" });
}

/**
 * Weighted (1/SE²) straight-line and quadratic fits of the neural students'
 * inter-student variance in sigma2, evaluated at each level.
 *
 * @category Section 4: teacher output uncertainty
 */
export function neuralFits(
  result: TeacherOutputResult,
): { line: (sigma2: number) => number; quadratic: (sigma2: number) => number } {
  const x = result.neural.map((r) => r.sigma2), y = result.neural.map((r) => r.inter.mean);
  const se = result.neural.map((r) => r.inter.se);
  const q = curvatureTest(x, y, se);
  const [a, b] = fitWeightedPolynomial(x, y, se, 1).coefficients;
  return {
    line: (s) => a + b * s,
    quadratic: (s) => q.intercept + q.slope * s + q.curvature * s * s,
  };
}

/**
 * Figure 2 as the paper's text defines it: the variance across students of
 * the prediction at each test input, averaged over the test inputs; Theorem
 * 4.1 over the linear curve, weighted linear and quadratic fits over the
 * neural one.
 *
 * @category Section 4: teacher output uncertainty
 */
export function interStudentFigure(result: TeacherOutputResult): Chart {
  const rows = (rs: readonly NoiseLevel[]) =>
    rs.map((r) => ({
      level: r.level,
      sigma2: r.sigma2,
      value: r.inter.mean,
      band: 2 * r.inter.se,
    }));
  const fit = neuralFits(result);
  return hconcat([
    lineBand(rows(result.linear).map((r, i) => ({ ...r, theory: result.linear[i].theory.inter })), {
      ...PANEL,
      theory: "theory",
      yTitle: "inter-student variance",
      title: "Linear students",
      name: "linear",
      theoryLabels: { theory: "Theorem 4.1" },
      width: 100, // legends in two rows in both panels
    }),
    lineBand(
      rows(result.neural).map((r) => ({
        ...r,
        line: fit.line(r.sigma2),
        quadratic: fit.quadratic(r.sigma2),
      })),
      {
        ...PANEL,
        theory: ["line", "quadratic"],
        yTitle: "inter-student variance",
        width: 200,
        title: `Neural students (13-${result.config.hidden}-1)`,
        name: "neural",
        theoryLabels: { line: "linear fit", quadratic: "quadratic fit" },
      },
    ),
  ], { name: "04_fig2_inter_student_variance" });
}

const pmCell = (v: unknown, r: Record<string, unknown>, se: string) =>
  `${(v as number).toPrecision(3)} ± ${(r[se] as number).toPrecision(2)}`;

/**
 * The curvature tests as a table (one row per student kind and quantity).
 *
 * @category Section 4: teacher output uncertainty
 */
export function curvatureTable(result: TeacherOutputResult): Table {
  const { students, neuralStudents, seed, scale, levels } = result.config;
  return table({
    columns: [
      { name: "student", label: "Students" },
      { name: "quantity", label: "Quantity" },
      { name: "b", label: "Slope b", format: (v, r) => pmCell(v, r, "seB") },
      { name: "c", label: "Curvature c", format: (v, r) => pmCell(v, r, "seC") },
      { name: "z", label: "z = c / SE", digits: 1 },
      {
        name: "p",
        label: "p (c > 0)",
        format: (v) => (v as number) < 1e-4 ? fmt(v as number, 1) : (v as number).toFixed(3),
      },
      { name: "chi2", label: "χ²/dof", digits: 2 },
      { name: "elasticity", label: "Elasticity", format: (v, r) => pmCell(v, r, "seE") },
      {
        name: "cTheory",
        label: "c (closed form)",
        format: (v) => v === null ? "" : v === 0 ? "0" : (v as number).toPrecision(3),
      },
    ],
    rows: result.trends.map((t: Trend) => ({ ...t })),
    caption: "Is the curve linear in the teacher's noise variance? Weighted quadratic fits " +
      `v = a + b σ² + c σ⁴ over the ${levels.length} noise levels (σ² = level × Var(y_train)).`,
    note: `${students} linear and ${neuralStudents} neural students per level; seed ${seed}; ` +
      `scale ${scale}. Weights 1/SE² (Monte Carlo SEs; linear: σ² = 0 left out, its SE is 0); ` +
      "SEs inflated by √(χ²/dof) when it exceeds 1. p: one-sided normal p-value of c > 0. " +
      "Elasticity: weighted slope of log v on log σ² over σ² ≥ 0.5 Var(y_train). " +
      "c (closed form): the curvature the closed forms imply (linear students).",
  });
}
