/**
 * Figures and tables of Section 5 (see `student_initialization.ts`), built
 * from the results of `runInitPerturbation` and `runBootstrap`.
 * Small values are plotted in units of a power of ten named in the axis
 * title, e.g. "variance of test MSE (×10⁻⁴)".
 *
 * @module
 */
import type { Chart, Row } from "../plot/chart.ts";
import { facet, hconcat } from "../plot/compose.ts";
import { lineBand } from "../plot/line_band.ts";
import { fmt } from "../report/prose.ts";
import { type Table, table } from "../report/table.ts";
import { variantLevels } from "./student_initialization_claims.ts";
import type { BootstrapResult, InitPerturbationResult } from "./student_initialization.ts";

/**
 * The power of ten p to plot `values` in (values × 10⁻ᵖ, the title naming
 * "×10ᵖ"): 0 unless the largest magnitude is below 0.01.
 *
 * @category Section 5: student initialization uncertainty
 */
export function axisPower(values: readonly number[]): number {
  const max = Math.max(0, ...values.map((v) => Math.abs(v)).filter(Number.isFinite));
  return max > 0 && max < 0.01 ? Math.floor(Math.log10(max)) : 0;
}

/**
 * " (×10⁻⁴)" for p = −4, "" for p = 0.
 *
 * @category Section 5: student initialization uncertainty
 */
export function axisUnit(p: number): string {
  return p === 0 ? "" : ` (${fmt(10 ** p).slice(1)})`;
}

/** Rows with `fields` multiplied by 10⁻ᵖ. */
function scaled(rows: Row[], fields: string[], p: number): Row[] {
  const k = 10 ** -p;
  return rows.map((r) => ({
    ...r,
    ...Object.fromEntries(fields.map((f) => [f, (r[f] as number) * k])),
  }));
}

const S_TITLE = "perturbation level s";

/** A 95% band for a positive estimate on a log axis: v·exp(±1.96 se/v) (delta method on log v). */
function logBand(v: number, se: number): { lower: number; upper: number } {
  const h = Math.exp(1.96 * se / v);
  return { lower: v / h, upper: v * h };
}

/**
 * Figure 6 (NN panel), both variants: mean and variance of the test MSE against s.
 *
 * @category Section 5: student initialization uncertainty
 */
export function initTestMseFigure(init: InitPerturbationResult): Chart {
  const rows = init.levels.map((l) => ({
    s: l.s,
    variant: l.label,
    mean: l.mse,
    meanBand: 1.96 * l.seMse,
    variance: l.varMse,
    varianceBand: 1.96 * l.seVarMse,
  }));
  const p = axisPower(rows.flatMap((r) => [r.variance + r.varianceBand]));
  const frame = { x: "s", series: "variant", xTitle: S_TITLE, width: "column" } as const;
  return hconcat([
    lineBand(rows, { ...frame, y: "mean", band: "meanBand", yTitle: "mean test MSE" }),
    lineBand(scaled(rows, ["variance", "varianceBand"], p), {
      ...frame,
      y: "variance",
      band: "varianceBand",
      yTitle: `variance of test MSE${axisUnit(p)}`,
    }),
  ], { width: "page" });
}

/**
 * Label of the authors' snapshot series in {@link parameterVarianceFigure}.
 *
 * @category Section 5: student initialization uncertainty
 */
export const SNAPSHOT_LABEL = "PyTorch default (authors' snapshot)";

/**
 * Mean parameter variance across students before training (with its closed
 * form dashed, scaled by (S − 1)/S as the expected population variance of S
 * students, and the authors' snapshot quantity) and after training.
 *
 * @category Section 5: student initialization uncertainty
 */
export function parameterVarianceFigure(init: InitPerturbationResult): Chart {
  const S = init.config.students, pop = (S - 1) / S; // population variances of S students
  const before: Row[] = init.levels.map((l) => ({
    s: l.s,
    variant: l.label,
    variance: l.before,
    theory: l.beforeTheory * pop,
  }));
  for (const s of init.config.levels) {
    before.push({
      s,
      variant: SNAPSHOT_LABEL,
      variance: init.snapshot.value,
      theory: init.snapshot.theory * pop,
    });
  }
  const after = init.levels.map((l) => ({ s: l.s, variant: l.label, variance: l.after }));
  const frame = { x: "s", y: "variance", series: "variant", xTitle: S_TITLE } as const;
  return hconcat([
    lineBand(before, {
      ...frame,
      theory: "theory",
      theoryLabels: { theory: "closed form" },
      yTitle: "parameter variance at init",
      name: "before",
    }),
    lineBand(after, { ...frame, yTitle: "param. variance after training", name: "after" }),
  ], { width: "page" });
}

/**
 * Appendix D: the first hidden bias over training, mean ± 1 SD across students, per level.
 *
 * @category Section 5: student initialization uncertainty
 */
export function biasBandFigure(init: InitPerturbationResult): Chart {
  const rows = init.levels.flatMap((l) =>
    l.biasMean.map((bias, epoch) => ({
      s: l.s,
      variant: l.label,
      epoch,
      bias,
      sd: l.biasSdPath[epoch],
    }))
  );
  return facet(
    lineBand(rows, {
      x: "epoch",
      y: "bias",
      band: "sd",
      series: "variant",
      points: false,
      xTitle: "epoch",
      yTitle: "first hidden bias (mean ± SD)",
    }),
    "s",
    { columns: 3, width: "page", name: "bias_band_by_s" },
  );
}

/**
 * Appendix D: individual fixed-base students' first hidden bias over training, per level.
 *
 * @category Section 5: student initialization uncertainty
 */
export function biasStudentsFigure(init: InitPerturbationResult): Chart {
  const rows = variantLevels(init, "fixed").flatMap((l) =>
    l.traces.flatMap((path, k) =>
      path.map((bias, epoch) => ({ s: l.s, student: `student ${k + 1}`, epoch, bias }))
    )
  );
  return facet(
    lineBand(rows, {
      x: "epoch",
      y: "bias",
      series: "student",
      points: false,
      xTitle: "epoch",
      yTitle: "first hidden bias",
    }),
    "s",
    { columns: 3, width: "page", name: "bias_students_by_s" },
  );
}

const sci = (digits: number) => (v: unknown) => v === null ? "–" : fmt(v as number, digits);

/**
 * The 5.1 summary: test MSE and parameter spread at every (variant, level).
 *
 * @category Section 5: student initialization uncertainty
 */
export function initSummaryTable(init: InitPerturbationResult): Table {
  const c = init.config;
  return table({
    columns: [
      { name: "label", label: "Init" },
      { name: "s", label: "s", digits: 2 },
      { name: "mse", label: "Test MSE", digits: 4 },
      { name: "seMse", label: "SE", digits: 4 },
      { name: "varMse", label: "Var test MSE", format: sci(3) },
      { name: "seVarMse", label: "SE", format: sci(2) },
      { name: "trainLoss", label: "Train MSE", digits: 4 },
      { name: "before", label: "Param var before", format: sci(3) },
      { name: "after", label: "Param var after", format: sci(3) },
      { name: "biasSd0", label: "SD b1[0] init", digits: 4 },
      { name: "biasSd", label: "SD b1[0] end", digits: 4 },
    ],
    rows: init.levels.map(({ jack: _j, biasMean: _m, biasSdPath: _p, traces: _t, ...r }) => r),
    caption: `Section 5.1 on Boston (${init.d}-${init.hidden}-1 students trained on the ground ` +
      "truth): test MSE and parameter spread across students at each perturbation level s.",
    note: `${c.students} students per row; ${c.epochs} epochs; seed ${c.seed}; scale ${c.scale}. ` +
      `SE: Monte Carlo SE over the ${c.students} students of the row. ` +
      "Param var: mean over the parameters of the across-student variance. SD b1[0]: " +
      "across-student SD of the first hidden bias at the init and after training.",
  });
}

/**
 * Theorem 5.1 check: OLS teacher-bootstrap students against the OLS teacher.
 *
 * @category Section 5: student initialization uncertainty
 */
export function theorem51Table(boot: BootstrapResult): Table {
  const c = boot.config;
  return table({
    columns: [
      { name: "f", label: "f", digits: 1 },
      { name: "m", label: "m" },
      { name: "deficient", label: "Rank-deficient resamples" },
      { name: "deficientExpected", label: "Expected (binary feature constant)", digits: 1 },
      { name: "maxFull", label: "Max abs. difference, full rank", format: sci(2) },
      { name: "maxDeficient", label: "Max abs. difference, deficient", format: sci(2) },
      { name: "varA", label: "Inter-student var. (A)", format: sci(2) },
    ],
    rows: boot.theorem51,
    caption: "Theorem 5.1 on Boston: OLS students of the teacher bootstrap (variant A) against " +
      "the OLS teacher, on the test inputs.",
    note: `${c.linearStudents} resamples per m; seed ${c.seed}; scale ${c.scale}. Differences ` +
      "are absolute differences, student minus teacher, in z-scored target units. Expected: " +
      "resamples in which a binary feature " +
      `(${boot.binary.map((b) => b.feature).join(", ") || "none"}) is constant.`,
  });
}

/**
 * Figure 8 (linear): test MSE against m with Theorems 5.1/5.3; variant B's variance with 5.2.
 *
 * @category Section 5: student initialization uncertainty
 */
export function bootstrapLinearFigure(boot: BootstrapResult): Chart {
  const rows = boot.linear;
  return hconcat([
    lineBand(rows, {
      x: "m",
      y: "mse",
      band: "mseSd",
      series: "variant",
      theory: "theoryMse",
      theoryLabels: { theoryMse: "Thm 5.3 (B), Thm 5.1 (A)" },
      xTitle: "bootstrap size m",
      yTitle: "test MSE (mean ± 1 SD)",
      name: "mse",
    }),
    lineBand(
      rows.filter((r) => r.variant.startsWith("B")).map((r) => ({
        ...r,
        ...logBand(r.variance, r.seVariance),
      })),
      {
        x: "m",
        y: "variance",
        lower: "lower",
        upper: "upper",
        series: "variant",
        theory: ["thm52", "robust"],
        logY: true,
        theoryLabels: { thm52: "Thm 5.2", robust: "Thm 5.2, robust" },
        xTitle: "bootstrap size m",
        yTitle: "inter-student variance (B)",
        name: "variance",
      },
    ),
  ], { width: "page" });
}

/**
 * Variant B of the linear bootstrap against Theorems 5.2 and 5.3.
 *
 * @category Section 5: student initialization uncertainty
 */
export function bootstrapLinearTable(boot: BootstrapResult): Table {
  const c = boot.config;
  return table({
    columns: [
      { name: "m", label: "m" },
      { name: "variance", label: "Var. (sim.)", format: sci(4) },
      { name: "seVariance", label: "SE", format: sci(2) },
      { name: "thm52", label: "Thm 5.2", format: sci(4) },
      { name: "ratio", label: "Sim. / Thm 5.2", digits: 2 },
      { name: "robust", label: "Robust form", format: sci(4) },
      { name: "ratioRobust", label: "Sim. / robust", digits: 2 },
      { name: "mse", label: "Test MSE (sim.)", digits: 4 },
      { name: "seMse", label: "SE", format: sci(2) },
      { name: "theoryMse", label: "Thm 5.3", digits: 4 },
      { name: "ratioMse", label: "Sim. / Thm 5.3", digits: 3 },
    ],
    rows: boot.linear.filter((r) => r.variant.startsWith("B")).map((r) => ({
      ...r,
      ratio: r.variance / r.thm52,
      ratioRobust: r.variance / r.robust,
      ratioMse: r.mse / r.theoryMse,
    })),
    caption: "Ground-truth bootstrap (variant B), OLS students on Boston: simulation against " +
      "Theorems 5.2 and 5.3.",
    note: `${c.linearStudents} students per m; σ̂² = ${fmt(boot.sigma2, 4)} (RSS / (n − ` +
      `${boot.p})); teacher test MSE ${fmt(boot.teacherMse, 4)}; seed ${c.seed}; scale ` +
      `${c.scale}. Variances averaged over the ${boot.nTest} test inputs. SE: Monte Carlo SE ` +
      `over the ${c.linearStudents} bootstrap students of the row (one fixed test split).`,
  });
}

/**
 * Figure 8 (neural): test MSE and inter-student variance against m, both variants.
 *
 * @category Section 5: student initialization uncertainty
 */
export function bootstrapNnFigure(boot: BootstrapResult): Chart {
  const rows = boot.neural.map((r) => ({ ...r, ...logBand(r.variance, r.seVariance) }));
  const frame = { x: "m", series: "variant", xTitle: "bootstrap size m" } as const;
  return hconcat([
    lineBand(rows, {
      ...frame,
      y: "mse",
      band: "mseSd",
      yTitle: "test MSE (mean ± 1 SD)",
      name: "mse",
    }),
    lineBand(rows, {
      ...frame,
      y: "variance",
      lower: "lower",
      upper: "upper",
      logY: true,
      yTitle: "inter-student variance",
      name: "variance",
    }),
  ], { width: "page" });
}

/**
 * The neural bootstrap, both variants.
 *
 * @category Section 5: student initialization uncertainty
 */
export function bootstrapNnTable(boot: BootstrapResult): Table {
  const c = boot.config;
  return table({
    columns: [
      { name: "variant", label: "Variant" },
      { name: "m", label: "m" },
      { name: "mse", label: "Test MSE", digits: 4 },
      { name: "mseSd", label: "SD", digits: 4 },
      { name: "variance", label: "Inter-student var.", format: sci(4) },
      { name: "seVariance", label: "SE", format: sci(2) },
    ],
    rows: boot.neural,
    caption: `Bootstrap students, neural (13-${c.studentHidden}-1 students of a ` +
      `13-${c.teacherHidden}-1 teacher) on Boston, split seed 1.`,
    note: `${c.neuralStudents} students per row, all from one init (seed ${c.studentInitSeed}); ` +
      `teacher test MSE ${fmt(boot.neuralTeacher.testMse, 4)}; ${c.epochs} epochs; seed ` +
      `${c.seed}; scale ${c.scale}. SD: across the students; SE: Monte Carlo SE of the ` +
      `inter-student variance over the ${c.neuralStudents} students of the row.`,
  });
}
