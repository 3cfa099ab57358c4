/**
 * Figure 10 and its table for notebook 06 (Section 6.2), built from
 * {@link runLlmConsistency}'s result.
 *
 * @module
 */
import type { Chart, Row } from "../plot/chart.ts";
import { hconcat } from "../plot/compose.ts";
import { lineBand } from "../plot/line_band.ts";
import { pm } from "../report/prose.ts";
import { type Table, table } from "../report/table.ts";
import type { LlmConsistencyResult } from "./llm_consistency.ts";

/** Band half-width: 2 SE across prompts (0 when there is a single prompt value). */
const band = (se: number) => (Number.isFinite(se) ? 2 * se : 0);

/**
 * Figure 10: against the sampling temperature, (a) the alignment cos(μ_S, μ_T)
 * of the students' mean embeddings with the teacher's (data-order arm,
 * sampling-seed arm, the untrained base as the floor), (b) the inter-student
 * variance of μ_S per arm, (c) δ = mean_j (v_T,j − v_S,j) per arm; bands ±2
 * SE across prompts.
 *
 * @category Section 6: student output uncertainty
 */
export function consistencyFigure(result: LlmConsistencyResult): Chart {
  const al: Row[] = [], inter: Row[] = [], delta: Row[] = [];
  for (const s of result.summaries) {
    al.push({
      temperature: s.temperature,
      value: s.alignment.mean,
      band: band(s.alignment.sePrompts),
      model: `students (${s.arm})`,
    });
    inter.push({
      temperature: s.temperature,
      value: s.inter.mean,
      band: band(s.inter.seQuestions),
      model: `students (${s.arm})`,
    });
    delta.push({
      temperature: s.temperature,
      value: s.delta.mean,
      band: band(s.delta.sePrompts),
      model: `students (${s.arm})`,
    });
  }
  for (const b of result.baseAlignment) {
    al.push({
      temperature: b.temperature,
      value: b.alignment.mean,
      band: band(b.alignment.se),
      model: "untrained student base",
    });
  }
  const common = {
    x: "temperature",
    y: "value",
    band: "band",
    series: "model",
    xTitle: "sampling temperature T",
    simulationLabel: "mean (±2 SE across prompts)",
    height: 150,
  } as const;
  return hconcat([
    lineBand(al, { ...common, yTitle: "alignment cos(μ_S, μ_T)", name: "alignment" }),
    lineBand(inter, { ...common, yTitle: "inter-student variance of μ_S", name: "inter" }),
    lineBand(delta, { ...common, yTitle: "δ = mean_j (v_T − v_S)", name: "delta" }),
  ], { width: "page", name: "06_fig10_llm_consistency" });
}

/**
 * Figure 10's numbers per arm and temperature: alignment, inter-student
 * variance, δ (each mean ± SE; SE across students for alignment and δ,
 * across prompts for the inter-student variance) and the teacher's
 * per-answer variance.
 *
 * @category Section 6: student output uncertainty
 */
export function consistencyTable(result: LlmConsistencyResult): Table {
  const n = result.config.students;
  const rows = result.summaries.map((s) => ({
    arm: s.arm,
    T: s.temperature,
    alignment: pm(s.alignment.mean, s.alignment.seStudents),
    inter: pm(s.inter.mean, s.inter.seQuestions),
    delta: pm(s.delta.mean, s.delta.seStudents),
    teacher: Number(s.teacherVariance.toPrecision(3)),
    base: pm(
      result.baseAlignment.find((b) => b.temperature === s.temperature)!.alignment.mean,
      result.baseAlignment.find((b) => b.temperature === s.temperature)!.alignment.se,
    ),
  }));
  return table({
    columns: [
      { name: "arm", label: "students differ in" },
      { name: "T", label: "T" },
      { name: "alignment", label: "alignment cos(μ_S, μ_T)" },
      { name: "inter", label: "inter-student variance of μ_S" },
      { name: "delta", label: "δ = mean_j (v_T − v_S)" },
      { name: "teacher", label: "teacher per-answer variance" },
      { name: "base", label: "untrained base alignment" },
    ],
    rows,
    caption: `Section 6.2 (Figure 10): ${n} students per arm, ${result.config.samples} ` +
      `answers per model and prompt, ${result.config.prompts} prompts.`,
    note: "Alignment and δ: mean over students ± SE across students; inter-student variance: " +
      "± SE across prompts; the base's alignment: ± SE across prompts.",
  });
}
