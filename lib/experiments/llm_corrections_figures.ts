/**
 * Our Table 1 (Section 7.3), its label table, the paired tests and a figure,
 * for notebook 07, built from the result of `runLlmCorrections` (the step module
 * notebooks/07_variance_aware_distillation.ts).
 *
 * @module
 */
import type { Chart, Row } from "../plot/chart.ts";
import { hconcat } from "../plot/compose.ts";
import { groupedBars } from "../plot/grouped_bars.ts";
import { fmt, pm } from "../report/prose.ts";
import { type Table, table } from "../report/table.ts";
import {
  armName,
  type LlmCorrectionsResult,
  type StudentsQuestions,
} from "../../notebooks/07_variance_aware_distillation.ts";
import { PAPER_TABLE1_COSINE, studentsSe } from "./llm_corrections.ts";

/**
 * Our Table 1 with named columns: per arm the teacher and student calls per
 * training question and the training pairs per question (equal teacher cost
 * for Multi-response, Averaging and Variance-weighting at one k), the
 * paper's cosine, then ours: cosine of the students' greedy answers to the
 * ground truth, inter-student variance, average noise, systematic noise
 * (minus Direct FT's), hallucination rate; and what a row uses that a
 * practitioner would not have.
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionsTable(result: LlmCorrectionsResult): Table {
  const rows = result.rows.map((r) => ({
    arm: armName(r),
    teacherCalls: r.teacherCalls,
    studentCalls: r.studentCalls,
    pairs: r.pairsPerQuestion,
    paper: PAPER_TABLE1_COSINE[armName(r)] ?? "–",
    cosine: pm(r.cosine.mean, studentsSe(r.cosine)),
    inter: Number.isFinite(r.inter.seStudents)
      ? pm(r.inter.mean, r.inter.seStudents)
      : `${fmt(r.inter.mean)} (SE needs 3 students)`,
    noise: pm(r.noise.mean, studentsSe(r.noise)),
    r2: Number.isFinite(r.noiseR2.mean) ? pm(r.noiseR2.mean, r.noiseR2.seStudents) : "–",
    systematic: r.systematic ? pm(r.systematic.mean, r.systematic.se) : "–",
    hallucination: pm(r.hallucination.mean, studentsSe(r.hallucination)),
    uses: r.uses === "" ? "–" : r.uses,
  }));
  const c = result.config;
  return table({
    columns: [
      { name: "arm", label: "method" },
      { name: "teacherCalls", label: "teacher calls / question" },
      { name: "studentCalls", label: "student calls / question" },
      { name: "pairs", label: "training pairs / question" },
      { name: "paper", label: "paper: cosine to truth" },
      { name: "cosine", label: "cosine to truth" },
      { name: "inter", label: "inter-student variance" },
      { name: "noise", label: "average noise" },
      { name: "r2", label: "R² on teacher noise" },
      { name: "systematic", label: "systematic noise" },
      { name: "hallucination", label: "hallucination rate" },
      { name: "uses", label: "uses what a practitioner lacks" },
    ],
    rows,
    caption: `Section 7.3, our Table 1: ${c.students} students per method, ` +
      `${c.trainQuestions} training questions, ${c.testQuestions} test questions ` +
      `(${c.noisePrompts} for the noise, ${c.noiseSamples} answers each at T = ${c.temperature}).`,
    note: `± SE across the ${c.students} students (inter-student variance: jackknife over the ` +
      "students; systematic noise: paired by student with Direct FT's). R²: of a student's " +
      "per-prompt noise on the teacher's across the noise prompts, averaged over students. " +
      "Student calls: answers of the untrained student that variance weighting needs. The " +
      "paper's column is its Table 1's first (mean cosine similarity to the ground truth; " +
      'Direct FT\'s cell is "-"). An answer that says nothing about its own term is ' +
      `nearer another of the ${c.testQuestions} true answers with probability about ` +
      `1 − 1/${c.testQuestions} = ${(1 - 1 / c.testQuestions).toFixed(3)}: the hallucination ` +
      "rate of an answer in the right register but about no term in particular.",
  });
}

/**
 * The labels each arm trains on, before any student: their cosine to the
 * training questions' true answers and their hallucination rate (share
 * nearer another training question's truth), ± SE across questions; for
 * variance weighting, the mean teacher weight a_T.
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionsLabelTable(result: LlmCorrectionsResult): Table {
  const rows = result.rows.map((r) => {
    const w = result.teacherWeight.find((x) => x.k === r.k);
    return {
      arm: armName(r),
      cosine: pm(r.labelCosine.mean, r.labelCosine.se),
      hallucination: pm(r.labelHallucination.mean, r.labelHallucination.se),
      weight: r.method === "Variance-weighting" && w ? pm(w.weight.mean, w.weight.se) : "–",
      example: r.example.label,
    };
  });
  return table({
    columns: [
      { name: "arm", label: "method" },
      { name: "cosine", label: "labels: cosine to truth" },
      { name: "hallucination", label: "labels: hallucination rate" },
      { name: "weight", label: "teacher weight a_T" },
      { name: "example", label: "label of the first training question" },
    ],
    rows,
    caption: "The training labels of each method (before fine-tuning).",
    note: "± SE across training questions. Multi-response: the mean over its k labels.",
  });
}

/**
 * The contrasts between arms: mean difference (a − b) over students paired by
 * data-order stream, with its SE across the students and z.
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionsTestsTable(result: LlmCorrectionsResult): Table {
  const rows = result.comparisons.map((c) => ({
    a: c.a,
    b: c.b,
    measure: c.measure,
    diff: pm(c.diff.mean, c.diff.se),
    z: Number.isFinite(c.z) ? Number(c.z.toFixed(2)) : null,
  }));
  return table({
    columns: [
      { name: "a", label: "a" },
      { name: "b", label: "b" },
      { name: "measure", label: "measure" },
      { name: "diff", label: "a − b" },
      { name: "z", label: "z" },
    ],
    rows,
    caption: "Contrasts between methods, paired by student (student s of every method has " +
      "data-order stream s): mean over students of a − b, each student's value averaged over " +
      "the test questions (noise and R²: the noise prompts).",
    note: `± SE across the ${result.config.students} students (the independent unit); the ` +
      "inter-student variance has no per-student value: its SE is the jackknife over students. " +
      "The ledger decides the claimed contrasts by one-sided tests, Holm over the notebook.",
  });
}

/**
 * Per method, the cosine of the students' answers to the ground truth and
 * their hallucination rate, bars ± 2 SE across students (clipped to [0, 1]
 * for the rate).
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionsFigure(result: LlmCorrectionsResult): Chart {
  const cos: Row[] = [], hal: Row[] = [];
  // ± 2 SE, clipped to the measure's range (a rate stays in [0, 1]).
  const bar = (x: StudentsQuestions, lo: number, hi: number) => {
    const e = 2 * (studentsSe(x) || 0);
    return { value: x.mean, lower: Math.max(lo, x.mean - e), upper: Math.min(hi, x.mean + e) };
  };
  for (const r of result.rows) {
    const k = r.method === "Direct FT" || r.method === "Single response"
      ? "baseline"
      : `k = ${r.k}`;
    const method = r.method.replace(" response", "");
    cos.push({ k, method, ...bar(r.cosine, -1, 1) });
    hal.push({ k, method, ...bar(r.hallucination, 0, 1) });
  }
  const common = {
    x: "k",
    y: "value",
    group: "method",
    lower: "lower",
    upper: "upper",
    height: 150,
  } as const;
  return hconcat([
    groupedBars(cos, { ...common, yTitle: "cosine to the ground truth", name: "cosine" }),
    groupedBars(hal, { ...common, yTitle: "hallucination rate", name: "hallucination" }),
  ], { width: "page", name: "07_table1_llm_corrections" });
}

/**
 * One line per arm for logs: "Averaging k=3: cosine 0.31 ± 0.01, ...".
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionsLines(result: LlmCorrectionsResult): string[] {
  return result.rows.map((r) =>
    `${armName(r)}: cosine ${pm(r.cosine.mean, studentsSe(r.cosine))}, hallucination ${
      pm(r.hallucination.mean, studentsSe(r.hallucination))
    }, losses ${r.losses.map((l) => fmt(l)).join(", ")}`
  );
}
