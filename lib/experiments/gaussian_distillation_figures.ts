/**
 * Tables, figures and the claims ledger of notebook 08 (Gaussian
 * distillation), built from {@link GaussianDistillationResult}.
 *
 * @module
 */
import { type Chart, fmt, frame, type Row } from "../plot/chart.ts";
import { reliabilityDiagram } from "../plot/reliability.ts";
import { type Claim, claimFromTest, claimVsNumber } from "../report/claims.ts";
import { type Table, table } from "../report/table.ts";
import { reliabilityBins } from "../uncertainty/calibration.ts";
import { CLASSIFICATION_BOOTSTRAP } from "./gaussian_distillation_classification.ts";
import {
  bridgeShares,
  type DesignPoints,
  type GaussianDistillationResult,
  PAPER_BOSTON_RMSE,
  PAPER_DESIGN_ABLATION_RMSE,
  type RegressionSummary,
} from "./gaussian_distillation.ts";

const pmText = (m: number, se: number, digits: number) =>
  se > 0 ? `${m.toFixed(digits)} ± ${se.toFixed(digits)}` : m.toFixed(digits);

/**
 * The regression table: RMSE, NLL, CRPS, 95% coverage (mean ± SE over splits), the paper's Boston RMSE beside ours.
 *
 * @category Gaussian distillation
 */
export function regressionTable(result: GaussianDistillationResult): Table {
  const rows = result.summary.map((s: RegressionSummary) => ({
    dataset: s.dataset.startsWith("Boston") ? "Boston" : s.dataset,
    method: s.method,
    rmse: pmText(s.rmse, s.rmseSe, 2),
    paper: s.dataset.startsWith("Boston") ? (PAPER_BOSTON_RMSE[s.method] ?? null) : null,
    nll: pmText(s.nll, s.nllSe, 2),
    crps: pmText(s.crps, s.crpsSe, 2),
    coverage: pmText(s.coverage95, s.coverage95Se, 3),
    seconds: Number(s.seconds.toFixed(1)),
  }));
  const splits = result.summary[0]?.splits ?? 0;
  return table({
    columns: [
      "dataset",
      "method",
      { name: "rmse", label: "RMSE" },
      { name: "paper", label: "paper RMSE" },
      { name: "nll", label: "NLL" },
      { name: "crps", label: "CRPS" },
      { name: "coverage", label: "95% coverage" },
      { name: "seconds", label: "fit", unit: "s" },
    ],
    rows,
    caption:
      `Regression, ${result.config.teachers} teachers, mean ± SE over ${splits} 90/10 splits ` +
      `(original units of y; lower is better except coverage, whose target is 0.95).`,
    note: `Paper RMSE: Park et al. (2025), Table 1, Boston (teachers 2 x 100 MLPs; ours ${
      result.config.teacherLayers === 2
        ? `${result.config.teacherHidden} x ${result.config.teacherHidden}`
        : `one hidden layer of ${result.config.teacherHidden}`
    }).`,
  });
}

/**
 * One design-point choice of the ablation: ours (mean ± SE over splits) and the paper's.
 *
 * @category Gaussian distillation
 */
export interface AblationSummary {
  design: DesignPoints;
  rmse: number;
  se: number;
  paper: number;
  splits: number;
}

/**
 * Mean ± SE over splits of the DLF's RMSE per design-point choice, the paper's beside ours.
 *
 * @category Gaussian distillation
 */
export function ablationSummary(result: GaussianDistillationResult): AblationSummary[] {
  const designs = Object.keys(PAPER_DESIGN_ABLATION_RMSE) as DesignPoints[];
  return designs.map((design) => {
    const rs = result.ablation.filter((r) => r.design === design).map((r) => r.rmse);
    const m = rs.reduce((a, b) => a + b, 0) / Math.max(rs.length, 1);
    const se = rs.length > 1
      ? Math.sqrt(rs.reduce((a, b) => a + (b - m) ** 2, 0) / (rs.length - 1) / rs.length)
      : 0;
    return { design, rmse: m, se, paper: PAPER_DESIGN_ABLATION_RMSE[design], splits: rs.length };
  });
}

/**
 * The design-point ablation as a table.
 *
 * @category Gaussian distillation
 */
export function ablationTable(result: GaussianDistillationResult): Table {
  const teachers = result.ablation.map((r) => r.teachersRmse);
  const tm = teachers.reduce((a, b) => a + b, 0) / Math.max(teachers.length, 1);
  return table({
    columns: [
      { name: "design", label: "design points" },
      { name: "rmse", label: "DLF RMSE (ours)" },
      { name: "paper", label: "paper" },
    ],
    rows: ablationSummary(result).map((a) => ({
      design: a.design,
      rmse: pmText(a.rmse, a.se, 2),
      paper: a.paper,
    })),
    caption:
      `Design-point ablation on Boston (4.5:4.5:1 split), mean ± SE over ${result.config.ablationSplits} splits; the teachers' own RMSE here is ${
        tm.toFixed(2)
      }.`,
    note: "Paper: Park et al. (2025), design-point ablation on Boston.",
  });
}

/**
 * The classification table: Digits and MNIST, every method, with SEs over
 * test images (binomial for accuracy, per-image for NLL, bootstrap for ECE and AUROC).
 *
 * @category Gaussian distillation
 */
export function classificationTable(result: GaussianDistillationResult): Table {
  const rows = (result.classification ?? []).map((r) => ({
    dataset: r.dataset,
    method: r.method,
    accuracy: pmText(r.accuracy, r.accuracySe, 4),
    nll: pmText(r.nll, r.nllSe, 4),
    ece: pmText(r.ece, r.eceSe, 4),
    auroc: pmText(r.oodAuroc, r.oodAurocSe, 3),
    miIn: Number(r.miIn.toFixed(4)),
    miOut: Number(r.miOut.toFixed(4)),
    seconds: Number(r.seconds.toFixed(1)),
  }));
  const c = result.config;
  const sizes = [
    c.classification
      ? `Digits ${c.classification.teachers} teachers (64-${c.classification.teacherHidden}-10)`
      : "",
    c.mnist
      ? `MNIST ${c.mnist.teachers} teachers (784-${c.mnist.teacherHidden}-10) on ${c.mnist.train} training images, ${c.mnist.test} test images`
      : "",
  ].filter((x) => x).join("; ");
  return table({
    columns: [
      "dataset",
      "method",
      { name: "accuracy", label: "accuracy" },
      { name: "nll", label: "NLL" },
      { name: "ece", label: "ECE (15 bins)" },
      { name: "auroc", label: "OOD AUROC (MI)" },
      { name: "miIn", label: "MI, test" },
      { name: "miOut", label: "MI, rotated" },
      { name: "seconds", label: "fit", unit: "s" },
    ],
    rows: rows.length ? rows : [{
      dataset: "(not run)",
      method: null,
      accuracy: null,
      nll: null,
      ece: null,
      auroc: null,
      miIn: null,
      miOut: null,
      seconds: null,
    }],
    caption: `${sizes}; one split each; ± SE over test images with the fitted models held fixed ` +
      `(ECE and AUROC: ${CLASSIFICATION_BOOTSTRAP} bootstrap resamples). OOD set: the test images rotated by 90°.`,
  });
}

/**
 * The teacher-depth check: per data set, the ensemble's test RMSE (mean ± SE
 * over splits) and training seconds with two hidden layers (the paper's
 * shape, `fitMlpEnsemble`) and with one (the cohort trainer), same seeds.
 *
 * @category Gaussian distillation
 */
export function teacherDepthTable(result: GaussianDistillationResult): Table {
  const rows = [];
  const datasets = [...new Set(result.teacherDepth.map((r) => r.dataset))];
  for (const dataset of datasets) {
    for (const layers of [2, 1] as const) {
      const rs = result.teacherDepth.filter((r) => r.dataset === dataset && r.layers === layers);
      if (rs.length === 0) continue;
      const v = rs.map((r) => r.rmse), m = v.reduce((a, b) => a + b, 0) / v.length;
      const se = v.length > 1
        ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length)
        : 0;
      const h = result.config.teacherHidden;
      rows.push({
        dataset: dataset.startsWith("Boston") ? "Boston" : dataset,
        teachers: layers === 2 ? `${h} x ${h} (fitMlpEnsemble)` : `${h} (cohort trainer)`,
        rmse: pmText(m, se, 2),
        seconds: Number((rs.reduce((a, r) => a + r.seconds, 0) / rs.length).toFixed(2)),
      });
    }
  }
  return table({
    columns: [
      "dataset",
      { name: "teachers", label: "hidden layers" },
      { name: "rmse", label: "ensemble RMSE" },
      { name: "seconds", label: "training", unit: "s per split" },
    ],
    rows,
    caption: `Teacher depth: ${result.config.teachers} teachers per split, same seeds, mean ± SE ` +
      `over ${result.config.splits} splits; training seconds on this machine.`,
  });
}

/**
 * The bridge figure: per test input, the variance across teacher members (x)
 * against the variance across the method's members (y), log-log, one colour
 * per method, with the identity line. Inputs with a zero member variance
 * (the single student) cannot be drawn on a log axis; the subtitle gives
 * every method's share of inputs where its side is below the teachers'.
 *
 * @category Gaussian distillation
 */
export function bridgeFigure(result: GaussianDistillationResult): Chart {
  const shares = bridgeShares(result.bridge);
  const rows: Row[] = result.bridge
    .filter((b) => b.studentVariance > 0 && b.teacherVariance > 0)
    .map((b) => ({
      method: b.method,
      teacher: b.teacherVariance,
      student: b.studentVariance,
    }));
  const all = rows.flatMap((r) => [r.teacher as number, r.student as number]);
  const lo = Math.min(...all), hi = Math.max(...all);
  const methods = [...new Set(rows.map((r) => r.method as string))];
  const dlf = shares.find((s) => s.method === "DLF");
  const subtitle = `dashed: identity${
    dlf ? `; DLF below it at ${(100 * dlf.share).toFixed(0)}% of inputs` : ""
  }`;
  const layer = [
    {
      data: { values: [{ __x: lo, __y: lo }, { __x: hi, __y: hi }] },
      mark: { type: "line", color: "#222222", strokeDash: [4, 3], strokeWidth: 1 },
      encoding: {
        x: { field: "__x", type: "quantitative", scale: { type: "log" } },
        y: { field: "__y", type: "quantitative", scale: { type: "log" } },
      },
    },
    {
      mark: { type: "point", filled: true, opacity: 0.6, size: 18 },
      encoding: {
        x: {
          field: "teacher",
          type: "quantitative",
          title: "variance across teacher members",
          scale: { type: "log" },
        },
        y: {
          field: "student",
          type: "quantitative",
          title: "variance across the method's members",
          scale: { type: "log" },
        },
        color: {
          field: "method",
          type: "nominal",
          scale: { domain: methods },
          legend: { orient: "bottom", title: null },
        },
      },
    },
  ];
  const { spec, layout } = frame(rows, { layer }, {
    title: "Spread kept? (Boston)",
    subtitle,
  });
  return {
    name: "bridge",
    title: "bridge",
    spec,
    rows,
    summary: `Per test input, variance across teacher members against the variance across ` +
      `each method's members; dashed: identity. Share of inputs below the identity: ${
        shares.map((s) => `${s.method} ${fmt(s.share)}`).join(", ")
      }.`,
    stats: Object.fromEntries(shares.map((s) => [s.method, s.share])),
    layout,
  };
}

/**
 * Reliability diagram of every classification method on one set (15 bins).
 *
 * @category Gaussian distillation
 */
export function classificationReliabilityFigure(
  result: GaussianDistillationResult,
  dataset: "Digits" | "MNIST",
): Chart {
  const rows = result.reliability.filter((r) => r.dataset === dataset).flatMap((r) =>
    reliabilityBins(r.probabilities, r.labels, 10, { bins: 15 }).map((b) => ({
      ...b,
      method: r.method,
    }))
  );
  return reliabilityDiagram(rows, {
    count: "count",
    series: "method",
    title: `${dataset}: reliability`,
  });
}

/**
 * Reliability diagram on Digits: `classificationReliabilityFigure(result, "Digits")`.
 *
 * @category Gaussian distillation
 */
export function digitsReliabilityFigure(result: GaussianDistillationResult): Chart {
  return classificationReliabilityFigure(result, "Digits");
}

/**
 * The claims ledger of notebook 08. Verdict rules: paper numbers are matched
 * within 2 SE over splits plus a 10% relative allowance (fewer teachers and
 * splits than the paper's at default scale); "DLF wins" claims are paired
 * tests (z = mean difference / SE of the differences, 2 required): over
 * splits for regression, over bootstrap resamples of the test images for
 * classification (ECE, AUROC), where the paper's tables are CIFAR's.
 *
 * @category Gaussian distillation
 */
export function gaussianDistillationClaims(result: GaussianDistillationResult): Claim[] {
  const claims: Claim[] = [];
  const boston = result.summary.filter((s) => s.dataset.startsWith("Boston"));
  const get = (method: string) => boston.find((s) => s.method === method);
  for (const method of ["Teachers", "DLF", "Hydra"]) {
    const s = get(method);
    if (!s) continue;
    claims.push(claimVsNumber({
      section: "Table 1",
      id: `boston-rmse-${method.toLowerCase()}`,
      claim: `Boston RMSE of ${method}`,
      paper: PAPER_BOSTON_RMSE[method],
      ours: s.rmse,
      se: s.rmseSe,
      relTol: 0.1,
    }));
  }
  // Paired comparisons of DLF against each baseline, per metric, on Boston.
  const rows = result.rows.filter((r) => r.dataset.startsWith("Boston"));
  const paired = (method: string, key: "rmse" | "nll" | "crps") => {
    const splits = [...new Set(rows.map((r) => r.split))];
    const diffs = splits.map((s) => {
      const a = rows.find((r) => r.split === s && r.method === "DLF")!;
      const b = rows.find((r) => r.split === s && r.method === method)!;
      return a[key] - b[key];
    });
    const m = diffs.reduce((x, y) => x + y, 0) / diffs.length;
    const sd = diffs.length > 1
      ? Math.sqrt(diffs.reduce((x, y) => x + (y - m) ** 2, 0) / (diffs.length - 1))
      : 0;
    return { m, se: Math.max(sd / Math.sqrt(diffs.length), 1e-12) };
  };
  for (const method of ["Standard KD", "small-Ens", "Hydra", "DEGU"]) {
    for (const key of ["nll", "crps"] as const) {
      const { m, se } = paired(method, key);
      claims.push(claimFromTest({
        section: "Table 1",
        id: `boston-dlf-vs-${method.toLowerCase().replace(/[^a-z]/g, "")}-${key}`,
        claim: `DLF has lower ${key.toUpperCase()} than ${method} (Boston; DLF − ${method})`,
        paper: "DLF best",
        ours: m,
        se,
        direction: "less",
      }));
    }
  }
  const cov = get("DLF");
  if (cov) {
    claims.push(claimVsNumber({
      section: "Table 1",
      id: "boston-dlf-coverage",
      claim: "DLF's 95% intervals are calibrated on Boston (paper column: the nominal level)",
      paper: 0.95,
      ours: cov.coverage95,
      se: cov.coverage95Se,
    }));
  }
  const shares = bridgeShares(result.bridge);
  const dlfShare = shares.find((s) => s.method === "DLF");
  if (dlfShare) {
    claims.push(claimFromTest({
      section: "bridge",
      id: "bridge-dlf-keeps-spread",
      claim: "DLF keeps the teachers' spread: share of inputs under-stated minus ½",
      paper: "spread kept",
      ours: dlfShare.share - 0.5,
      se: Math.max(dlfShare.se, 1e-12),
      direction: "zero",
    }));
  }
  const kd = shares.find((s) => s.method === "Standard KD");
  if (kd) {
    claims.push(claimVsNumber({
      section: "bridge",
      id: "bridge-kd-collapses",
      claim: "Standard distillation collapses the spread (share under-stated)",
      paper: 1,
      ours: kd.share,
      se: kd.se,
    }));
  }
  for (const a of ablationSummary(result)) {
    if (a.splits === 0) continue;
    claims.push(claimVsNumber({
      section: "ablation",
      id: `ablation-${a.design.replace(/[^a-z]+/g, "-")}`,
      claim: `DLF RMSE with design points: ${a.design}`,
      paper: a.paper,
      ours: a.rmse,
      se: a.se,
      relTol: 0.1,
    }));
  }
  for (const dataset of ["Digits", "MNIST"]) {
    const rows = (result.classification ?? []).filter((r) => r.dataset === dataset);
    if (rows.length === 0) continue;
    const key = dataset.toLowerCase();
    const students = rows.filter((r) => r.method !== "Teachers" && r.method !== "DLF");
    const diff = (metric: "ece" | "oodAuroc", a: string, b: string) =>
      result.differences.find((x) =>
        x.dataset === dataset && x.metric === metric && x.a === a && x.b === b
      )!;
    // DLF against the best other student on each metric (paired bootstrap over test images).
    const bestEce = students.reduce((a, b) => (b.ece < a.ece ? b : a));
    const e = diff("ece", "DLF", bestEce.method);
    claims.push(claimFromTest({
      section: "Table 2",
      id: `${key}-dlf-ece`,
      claim: `${dataset}: DLF has lower ECE than the best other student (DLF − ${bestEce.method})`,
      paper: "CIFAR: not on every set",
      ours: e.difference,
      se: Math.max(e.se, 1e-12),
      direction: "less",
    }));
    // Standard KD has one member, so its MI is 0 everywhere and its AUROC ½ by construction:
    // not a competitor for the OOD claim.
    const bestRoc = students.filter((r) => r.method !== "Standard KD")
      .reduce((a, b) => (b.oodAuroc > a.oodAuroc ? b : a));
    const r = diff("oodAuroc", "DLF", bestRoc.method);
    claims.push(claimFromTest({
      section: "Table 2",
      id: `${key}-dlf-ood`,
      claim:
        `${dataset}: DLF has higher OOD AUROC than the best other student (DLF − ${bestRoc.method})`,
      paper: "DLF best",
      ours: r.difference,
      se: Math.max(r.se, 1e-12),
      direction: "greater",
    }));
    // The paper's own cell where DLF loses: Proxy-EnD² has the lower ECE on both CIFAR sets.
    const p = diff("ece", "Proxy-EnD²", "DLF");
    if (p) {
      claims.push(claimFromTest({
        section: "Table 2",
        id: `${key}-proxy-endd-ece`,
        claim: `${dataset}: Proxy-EnD² has lower ECE than DLF (Proxy-EnD² − DLF)`,
        paper: "Proxy-EnD² lower (CIFAR-10 and -100)",
        ours: p.difference,
        se: Math.max(p.se, 1e-12),
        direction: "less",
      }));
    }
  }
  return claims;
}
