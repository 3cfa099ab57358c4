/**
 * Figures and tables of notebook 07 (Section 7), built from the results of
 * `variance_aware.ts`. Notation in legends and headers, as text that renders
 * everywhere: s²(T) and s²(S) for the teacher- and student-side variances,
 * a for the teacher weight, α for the paper's noise level (the absolute
 * σ² = α · Var(y_train) goes in the subtitle).
 *
 * @module
 */
import type { Chart } from "../plot/chart.ts";
import { facet, hconcat } from "../plot/compose.ts";
import { lineBand } from "../plot/line_band.ts";
import { fmt, pm } from "../report/prose.ts";
import { type Table, table } from "../report/table.ts";
import {
  type CombinationResult,
  type MethodRow,
  METHODS,
  type VarianceAwareResult,
} from "../../notebooks/07_variance_aware_distillation.ts";
import {
  findMethodRow,
  type Gain,
  gains,
  interStudentFits,
  methodRow,
  populationShrink,
} from "./variance_aware.ts";

/**
 * Theorem 7.3's curve in the legend's notation.
 *
 * @category Section 7: correcting student uncertainty
 */
export const THM73_LABEL = "Thm 7.3: a²·s²(T) + (1−a)²·s²(S)";

/** Stack a chart's top legends (colour, then line style) rather than side by side. */
function stackLegends(chart: Chart): Chart {
  const config = chart.spec.config as Record<string, unknown>;
  config.legend = {
    ...(config.legend as object),
    layout: { top: { direction: "vertical", anchor: "start" } },
  };
  return chart;
}

/** "σ² = α·Var(y_train) = 0.0103, 0.103 for α = 0.01, 0.1": the absolute noise variances. */
function sigmaCaption(result: VarianceAwareResult, model: MethodRow["model"], alphas: number[]) {
  const s2 = alphas.map((a) => result.rows.find((r) => r.model === model && r.alpha === a)!.sigma2);
  return `σ² = α·Var(y_train) = ${s2.map((v) => fmt(v)).join(", ")} for α = ${alphas.join(", ")}`;
}

/**
 * Theorems 7.3-7.4: variance of a T + (1 − a) S against a, simulated (±2 SE)
 * with Theorem 7.3's curve and Theorem 7.4's minimum, one colour per s²(S).
 *
 * @category Section 7: correcting student uncertainty
 */
export function combinationFigure(comb: CombinationResult): Chart {
  const s2T = comb.config.combination.s2Teacher;
  const rows = comb.rows.map((r) => ({
    weight: r.weight,
    variance: r.variance,
    band: 2 * r.se,
    "student-side variance": `s²(S) = ${r.s2Student}`,
    theory: r.theory,
    minimum: r.minimum,
  }));
  return stackLegends(lineBand(rows, {
    x: "weight",
    y: "variance",
    band: "band",
    series: "student-side variance",
    theory: ["theory", "minimum"],
    theoryLabels: { theory: THM73_LABEL, minimum: "Thm 7.4 minimum" },
    simulationLabel: "simulated (±2 SE)",
    xTitle: `teacher weight a (s²(T) = ${s2T})`,
    yTitle: "variance (log scale)",
    width: "column",
    height: 170,
    logY: true,
    points: false,
    name: "theorem73_combination",
  }));
}

/**
 * Theorems 7.3-7.4 as a table: optimal weight and minimum variance, theory against simulation.
 *
 * @category Section 7: correcting student uncertainty
 */
export function combinationTable(comb: CombinationResult): Table {
  const { draws, s2Teacher, batches } = comb.config.combination;
  return table({
    columns: [
      { name: "s2Student", label: "s²(S)" },
      { name: "weightTheory", label: "a (Thm 7.3)", digits: 4 },
      { name: "weightSim", label: "a simulated", digits: 4 },
      { name: "weightSe", label: "SE", digits: 4 },
      { name: "minimumTheory", label: "min. variance (Thm 7.4)", digits: 4 },
      { name: "minimumSim", label: "variance at a (sim.)", digits: 4 },
      { name: "minimumSe", label: "SE ", digits: 4 },
      { name: "ratio", label: "min / min(s²(T), s²(S))", digits: 3 },
    ],
    rows: comb.optima.map((o) => ({ ...o })),
    caption: `Theorems 7.3-7.4: optimal teacher weight and minimum variance, s²(T) = ${s2Teacher}.`,
    note: `${draws} draws per row; seed ${comb.config.seed}; scale ${comb.config.scale}. The ` +
      "simulated weight minimizes the sample variance of the combination (from the sample " +
      `moments), its SE from ${batches} independent batches; the simulated variance is taken at ` +
      "Theorem 7.3's weight.",
  });
}

/**
 * Theorem 7.1 on the averaged linear students at the table's alpha and k.
 *
 * @category Section 7: correcting student uncertainty
 */
export function theorem71Table(result: VarianceAwareResult): Table {
  const { tableAlpha, tableK, linear } = result.config;
  const shrink = populationShrink(linear.runs);
  const rows = result.linearTheory.filter((t) => t.alpha === tableAlpha && tableK.includes(t.k))
    .map((t) => {
      const s = methodRow(result, "linear", t.alpha, t.k, "averaging");
      return {
        k: t.k,
        label: s.labelError,
        labelTh: t.labelNoise,
        trCov: t.slopeTraceSim,
        trCovTh: t.slopeTrace * shrink,
        inter: s.inter,
        interSe: s.interSe,
        interTh: t.inter * shrink,
      };
    });
  return table({
    columns: [
      "k",
      { name: "label", label: "label noise", digits: 5 },
      { name: "labelTh", label: "σ²/k", digits: 5 },
      { name: "trCov", label: "tr Cov(β)", digits: 5 },
      { name: "trCovTh", label: "Thm 7.1", digits: 5 },
      { name: "inter", label: "inter-student var.", digits: 5 },
      { name: "interSe", label: "MC SE", digits: 5 },
      { name: "interTh", label: "Thm 7.1 ", digits: 5 },
    ],
    rows,
    caption: `Theorem 7.1 on Boston, linear students on averaged labels, α = ${tableAlpha} ` +
      `(σ² = ${fmt(result.linearTheory.find((t) => t.alpha === tableAlpha)!.sigma2)}).`,
    note: `${linear.runs} runs (one student each); MC SE: of the inter-student variance, over ` +
      `the ${linear.runs} students; seed ${result.config.seed}; scale ${result.config.scale}. Label ` +
      "noise: mean squared distance of the averaged labels to the teacher output; tr Cov(β): " +
      "trace of the slopes' covariance over runs. Closed forms times (S − 1)/S, the expectation " +
      "of a population variance over S runs.",
  });
}

/**
 * Figure 11, test MSE: mean over runs (line) ± one SD across runs (band)
 * against teacher calls per input, one panel per α, each with its own y range.
 *
 * @category Section 7: correcting student uncertainty
 */
export function mseFigure(result: VarianceAwareResult, model: MethodRow["model"]): Chart {
  const rows = result.rows.filter((r) => r.model === model).map((r) => ({
    "α": r.alpha,
    method: r.method,
    k: r.k,
    budget: r.budget,
    mean: r.mean,
    sd: r.sd,
  }));
  return facet(
    lineBand(rows, {
      x: "budget",
      y: "mean",
      band: "sd",
      series: "method",
      logX: true,
      xTitle: "teacher calls per input",
      yTitle: `test MSE (${model} students)`,
    }),
    "α",
    {
      columns: 2,
      width: "page",
      y: "independent",
      subtitle: `${sigmaCaption(result, model, result.config.alphas)}.`,
      name: `fig11_${model.toLowerCase()}_test_mse`,
    },
  );
}

/**
 * Figure 11, inter-student variance at the table's α against teacher calls
 * per input, linear and neural side by side; dashed for averaging only:
 * Theorem 7.1's closed form (linear) or the fitted c/k + b (networks).
 *
 * @category Section 7: correcting student uncertainty
 */
export function interFigure(result: VarianceAwareResult): Chart {
  const alpha = result.config.tableAlpha;
  const shrink = populationShrink(result.config.linear.runs);
  const panel = (model: MethodRow["model"]) => {
    const fit = interStudentFits(result, model, alpha).get("averaging")!;
    const rows = result.rows.filter((r) => r.model === model && r.alpha === alpha).map((r) => ({
      model,
      method: r.method,
      k: r.k,
      budget: r.budget,
      inter: r.inter,
      lower: Math.max(r.inter - 2 * r.interSe, r.inter / 10),
      upper: r.inter + 2 * r.interSe,
      ...(r.method === "averaging"
        ? {
          law: model === "linear"
            ? result.linearTheory.find((t) => t.alpha === alpha && t.k === r.k)!.inter * shrink
            : fit.c / r.k + fit.b,
        }
        : {}),
    }));
    return lineBand(rows, {
      x: "budget",
      y: "inter",
      lower: "lower",
      upper: "upper",
      series: "method",
      theory: "law",
      theorySeries: ["averaging"],
      theoryLabels: {
        law: model === "linear" ? "Thm 7.1, averaging" : "fitted c/k + b, averaging",
      },
      simulationLabel: "simulated (±2 SE)",
      logX: true,
      logY: true,
      xTitle: "teacher calls per input",
      yTitle: `inter-student variance (${model})`,
      name: `inter_student_${model}`,
    });
  };
  return stackLegends(hconcat([panel("linear"), panel("NN")], {
    width: "page",
    subtitle: `${sigmaCaption(result, "linear", [alpha])} (linear students), ` +
      `${fmt(result.rows.find((r) => r.model === "NN" && r.alpha === alpha)!.sigma2)} (NN).`,
    name: "fig11_inter_student_variance",
  }));
}

const pmSd = (r: MethodRow | undefined) => r ? `${r.mean.toFixed(4)} ± ${r.sd.toFixed(4)}` : null;

/**
 * Test MSE (mean ± SD over runs) at the table's α and k, every method, with averaging at k + 3.
 *
 * @category Section 7: correcting student uncertainty
 */
export function mseTable(result: VarianceAwareResult): Table {
  const { tableAlpha: a, tableK, kPilot, linear, nn, seed, scale } = result.config;
  const rows = (["linear", "NN"] as const).flatMap((model) =>
    tableK.map((k) => ({
      model,
      k,
      avg: pmSd(findMethodRow(result, model, a, k, METHODS[0])),
      avgCost: pmSd(findMethodRow(result, model, a, k + kPilot, METHODS[0])),
      ref: pmSd(findMethodRow(result, model, a, k, METHODS[1])),
      honest: pmSd(findMethodRow(result, model, a, k, METHODS[2])),
    }))
  );
  return table({
    columns: [
      { name: "model", label: "Students" },
      "k",
      { name: "avg", label: "Averaging, k" },
      { name: "avgCost", label: `Averaging, k + ${kPilot}` },
      { name: "ref", label: "Reference VW (oracle), k" },
      { name: "honest", label: `Honest VW, k + ${kPilot} pilot` },
    ],
    rows,
    caption: `Test MSE (mean ± SD over runs) on Boston, α = ${a}.`,
    note:
      `${linear.runs} linear and ${nn.runs} neural runs per cell; seed ${seed}; scale ${scale}. ` +
      `Honest VW costs k + ${kPilot} teacher responses per input (${kPilot} pilot draws); the ` +
      "reference VW is an oracle that is handed the noise-free teacher output.",
  });
}

/**
 * Label error against student error at the table's α and k = labelK, with averaging at equal cost.
 *
 * @category Section 7: correcting student uncertainty
 */
export function labelTable(result: VarianceAwareResult): Table {
  const { tableAlpha: a, labelK: k, kPilot, linear, nn, seed, scale } = result.config;
  const rows = (["linear", "NN"] as const).flatMap((model) =>
    [
      { r: findMethodRow(result, model, a, k, METHODS[0]), what: `averaging, k = ${k}` },
      {
        r: findMethodRow(result, model, a, k + kPilot, METHODS[0]),
        what: `averaging, k = ${k + kPilot}`,
      },
      {
        r: findMethodRow(result, model, a, k, METHODS[1]),
        what: `reference VW (oracle), k = ${k}`,
      },
      {
        r: findMethodRow(result, model, a, k, METHODS[2]),
        what: `honest VW, k = ${k} + ${kPilot} pilot`,
      },
    ].filter((x) => x.r).map(({ r, what }) => ({
      model,
      what,
      calls: r!.budget,
      labelError: r!.labelError,
      mean: r!.mean,
      sd: r!.sd,
      inter: r!.inter,
    }))
  );
  return table({
    columns: [
      { name: "model", label: "Students" },
      { name: "what", label: "Labels" },
      { name: "calls", label: "Teacher calls per input" },
      { name: "labelError", label: "Label error vs teacher", digits: 4 },
      { name: "mean", label: "Test MSE", digits: 4 },
      { name: "sd", label: "SD", digits: 4 },
      { name: "inter", label: "Inter-student var.", digits: 5 },
    ],
    rows,
    caption: `Label error and student error at α = ${a}, k = ${k}.`,
    note: `${linear.runs} linear and ${nn.runs} neural runs; seed ${seed}; scale ${scale}.`,
  });
}

/**
 * Gains in mean test MSE: the oracle against averaging at equal k, honest VW against averaging at equal cost.
 *
 * @category Section 7: correcting student uncertainty
 */
export function gainsTable(result: VarianceAwareResult): Table {
  const { kPilot, seed, scale } = result.config;
  const z = (g: Gain) => g.gain / g.se;
  return table({
    columns: [
      { name: "model", label: "Students" },
      { name: "alpha", label: "α" },
      "k",
      { name: "oracle", label: "avg(k) − oracle VW(k)" },
      { name: "oracleZ", label: "z", digits: 1 },
      { name: "honest", label: `avg(k + ${kPilot}) − honest VW(k)` },
      { name: "honestZ", label: "z ", digits: 1 },
    ],
    rows: gains(result).map((g) => ({
      model: g.model,
      alpha: g.alpha,
      k: g.k,
      oracle: pm(g.oracle.gain, g.oracle.se),
      oracleZ: z(g.oracle),
      honest: pm(g.honest.gain, g.honest.se),
      honestZ: z(g.honest),
    })),
    caption: "Gain in mean test MSE (positive: the variance-weighted students are better), ± SE.",
    note: `Seed ${seed}; scale ${scale}. SEs over the runs (one student each) of each cell, ` +
      "the two cells' combined as if independent, which is conservative (they share teacher " +
      "draws).",
  });
}
