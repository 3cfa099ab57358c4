/**
 * The steps of notebook 07 for Table 1 (Section 7.3 of Cui & Pei): the
 * corrections of Section 7 on a language-model teacher's sampled answers, at
 * equal teacher cost ({@link armStep}): direct fine-tuning, one response,
 * several responses, their averaged answer and the variance-weighted one.
 *
 * The teacher of Section 7.3 samples at T = 1.2: Table 1's Single-response row
 * (R² 0.071, noise 0.678, systematic 0.173) is Table 5's T = 1.2 row, so that
 * is the temperature the paper's Section 7.3 ran at. Protocols:
 * `docs/protocols.md`, "7.3 LLMs".
 *
 * @module
 */
import { byScale, type Scale } from "../lib/config.ts";
import type { QaPair } from "../lib/llm/qa.ts";
import { trainStudents } from "../lib/llm/students.ts";
import {
  cosine,
  textAverage,
  textVarianceWeighting,
} from "../lib/uncertainty/text/text_average.ts";
import { hallucinationRate } from "../lib/uncertainty/text/answers.ts";
import { type MeanSe, meanSe } from "../lib/uncertainty/unit_se.ts";
import { squaredCorrelation } from "../lib/uncertainty/mod.ts";
import {
  type AnswerInterStudentVariance,
  answerInterStudentVariance,
  hallucinationRates,
  leaveOneOutAnswerVariance,
  promptNoise,
} from "../lib/uncertainty/text/answers.ts";
import { LLM_UNIT_SECONDS, type LlmSetup, sampleAnswers } from "./llm_setup.ts";
import { pairedDifference, type TwoWaySe, twoWaySe } from "../lib/uncertainty/unit_se.ts";
import { sampleDraws } from "./06_llm_consistency.ts";
import { jackknifeCombination } from "../lib/uncertainty/jackknife.ts";
import { checkCounts, checkPositive, sweep } from "../tools/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../tools/sweep.ts";

// ---------------------------------------------------------------- Section 7.3 (Table 1)

/** The label-making methods of Table 1. */
export type CorrectionMethod =
  | "Direct FT"
  | "Single response"
  | "Multi-response"
  | "Averaging"
  | "Variance-weighting";

/** One row of Table 1: a method at a k (1 for Single response, 0 for Direct FT). */
export interface CorrectionArm {
  method: CorrectionMethod;
  k: number;
}

/** An arm's name ("Direct FT", "Single response", "Averaging k=3", ...), as in Table 1. */
export function armName(a: CorrectionArm): string {
  return a.method === "Direct FT" || a.method === "Single response"
    ? a.method
    : `${a.method} k=${a.k}`;
}

/** Counts of the Section 7.3 experiment (scale them, never the structure). */
export interface LlmCorrectionsConfig extends ExperimentConfig {
  /** Training questions the labels are made for (the first n). */
  trainQuestions: number;
  /** Students per arm (the paper: 5). */
  students: number;
  /** Numbers of teacher answers per question (the paper: 3 and 5). */
  ks: number[];
  /** Test questions answered greedily (cosine to truth, inter-student variance, hallucination). */
  testQuestions: number;
  /** Test prompts of the noise measure (the first n test questions). */
  noisePrompts: number;
  /** Sampled answers per noise prompt (Appendix F: 10). */
  noiseSamples: number;
  /** Temperature of the teacher's answers and of the noise measure (1.2: Table 1's Single row is Table 5's T = 1.2 row). */
  temperature: number;
  /** Temperature of the untrained student's answers for variance weighting (the paper: 1.0). */
  studentTemperature: number;
  /** Fine-tuning epochs (the paper: 3). */
  epochs: number;
  /** Batch size (the paper: 10). */
  batchSize: number;
  /** Peak learning rate of the small students. */
  learningRate: number;
}

/**
 * The configuration at a scale: `paper` has the paper's 5 students per arm
 * and every training and test question; `default` has the paper's 5 students,
 * all 443 test questions and 500 training questions, and keeps both notebooks'
 * (06 and 07) language-model parts within about 8 minutes on a quiet 2-core
 * machine with the native engine (the budget is 12).
 */
export function llmCorrectionsConfig(scale: Scale): LlmCorrectionsConfig {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed: 73,
    trainQuestions: at({ smoke: 12, default: 500, paper: 3989 }),
    students: at({ smoke: 2, default: 5, paper: 5 }),
    ks: [3, 5],
    testQuestions: at({ smoke: 4, default: 443, paper: 443 }),
    noisePrompts: at({ smoke: 3, default: 24, paper: 100 }),
    noiseSamples: at({ smoke: 2, default: 10, paper: 10 }),
    temperature: 1.2,
    studentTemperature: 1,
    epochs: at({ smoke: 1, default: 3, paper: 3 }),
    batchSize: 10,
    learningRate: 5e-4,
  };
}

/**
 * The arms of a configuration in table order: Direct FT, Single response,
 * then Multi-response, Averaging and Variance-weighting per k.
 */
export function correctionArms(config: Pick<LlmCorrectionsConfig, "ks">): CorrectionArm[] {
  const arms: CorrectionArm[] = [
    { method: "Direct FT", k: 0 },
    { method: "Single response", k: 1 },
  ];
  for (const k of config.ks) {
    for (const method of ["Multi-response", "Averaging", "Variance-weighting"] as const) {
      arms.push({ method, k });
    }
  }
  return arms;
}

/**
 * Seconds a run is expected to take on a quiet machine, from its counts and
 * `LLM_UNIT_SECONDS` (a rough guide).
 */
export function llmCorrectionsSeconds(c: LlmCorrectionsConfig): number {
  const u = LLM_UNIT_SECONDS;
  const arms = correctionArms(c);
  const kMax = Math.max(...c.ks);
  const pairsPerQuestion = arms.reduce((a, r) => a + (r.method === "Multi-response" ? r.k : 1), 0);
  const pairs = pairsPerQuestion * c.trainQuestions * c.epochs * c.students;
  const sampled = 2 * kMax * c.trainQuestions +
    (arms.length * c.students + 1) * c.noisePrompts * c.noiseSamples;
  const greedy = arms.length * c.students * c.testQuestions + c.testQuestions;
  return sampled * (u.sample + u.embed) + greedy * (u.greedy + u.embed) +
    2 * c.testQuestions * u.embed + pairs * u.pairEpoch;
}

/** Mean with SEs across students and across questions (per-question values may be empty). */
export type StudentsQuestions = TwoWaySe;

/**
 * The SE of a mean over students: across students, or across questions when
 * the students give no spread (identical values, or one student).
 */
export function studentsSe(x: StudentsQuestions): number {
  // An SE at round-off level (identical students) counts as none.
  const none = !(x.seStudents > 1e-12 * Math.max(1, Math.abs(x.mean)));
  return none ? x.seQuestions : x.seStudents;
}

/** One row of our Table 1. */
export interface CorrectionRow extends CorrectionArm {
  /** Teacher answers asked per training question. */
  teacherCalls: number;
  /** Untrained-student answers per training question (variance weighting's estimate). */
  studentCalls: number;
  /** Training pairs per question. */
  pairsPerQuestion: number;
  /** What a practitioner would not have, or "" (Direct FT: the ground truth). */
  uses: string;
  /** Cosine of the chosen labels to the ground truth, per training question (SE across questions). */
  labelCosine: MeanSe;
  /** Share of labels nearer another training question's truth than their own. */
  labelHallucination: MeanSe;
  /** Cosine of the students' greedy test answers to the ground truth. */
  cosine: StudentsQuestions;
  /** Inter-student variance of the greedy answers' embeddings. */
  inter: AnswerInterStudentVariance;
  /** Leave-one-student-out inter-student variances (empty with fewer than 3 students). */
  interLoo: number[];
  /** Per student, R² of its per-prompt noise on the teacher's across the noise prompts (Appendix F). */
  noiseR2: StudentsQuestions;
  /** Average noise: mean pairwise cosine distance of sampled answers per prompt. */
  noise: StudentsQuestions;
  /** Average noise minus Direct FT's (SE across students, paired by data-order stream). */
  systematic: MeanSe | null;
  /** Hallucination rate of the greedy test answers. */
  hallucination: StudentsQuestions;
  /** Final training loss per student. */
  losses: number[];
  /** An example label and answer (first training question, first student's first test answer). */
  example: { label: string; answer: string };
}

/**
 * A comparison of two arms on one measure, paired by student: student s of
 * every arm trains with data-order stream s, so d_s = (a's student s) − (b's
 * student s), each averaged over the test questions (noise, R²: prompts), and
 * the SE is across the students (the independent unit). The inter-student
 * variance has no per-student value: its SE is the jackknife over students
 * (leave student s out of both arms), NaN with fewer than 3 students.
 */
export interface CorrectionComparison {
  a: string;
  b: string;
  measure: "cosine" | "hallucination" | "inter-student variance" | "noise" | "noise R²";
  diff: MeanSe;
  z: number;
}

/** What {@link runLlmCorrections} returns. */
export interface LlmCorrectionsResult {
  config: LlmCorrectionsConfig;
  setup: string;
  rows: CorrectionRow[];
  comparisons: CorrectionComparison[];
  /** Variance weighting's mean teacher weight a_T per k (over training questions). */
  teacherWeight: { k: number; weight: MeanSe }[];
  /** Teacher's own greedy test answers: cosine to truth and hallucination rate (SE across questions). */
  teacher: { cosine: MeanSe; hallucination: MeanSe };
  /** The teacher's per-prompt noise on the noise prompts (the R² regressor). */
  teacherNoise: number[];
  seconds: number;
}

function checkLlmConfig(c: LlmCorrectionsConfig, setup: LlmSetup): void {
  const fn = "runLlmCorrections";
  checkCounts(fn, c, {
    trainQuestions: 2,
    students: 2,
    testQuestions: 2,
    noisePrompts: 1,
    noiseSamples: 2,
    epochs: 1,
    batchSize: 1,
  });
  if (c.ks.length === 0 || !c.ks.every((k) => Number.isInteger(k) && k >= 2)) {
    throw new RangeError(`${fn}: config.ks must hold integers >= 2, got [${c.ks}].`);
  }
  checkPositive(fn, c, ["temperature", "studentTemperature", "learningRate"]);
  if (c.noisePrompts > c.testQuestions) {
    throw new RangeError(
      `${fn}: config.noisePrompts (${c.noisePrompts}) must not exceed testQuestions (${c.testQuestions}).`,
    );
  }
  if (c.trainQuestions > setup.qa.train.length || c.testQuestions > setup.qa.test.length) {
    throw new RangeError(
      `${fn}: config asks for ${c.trainQuestions} training and ${c.testQuestions} test questions; ` +
        `the corpus has ${setup.qa.train.length} and ${setup.qa.test.length}.`,
    );
  }
}

/** Per-student values with their mean and SE across students (no per-question values). */
function perStudentSummary(perStudent: number[]): StudentsQuestions {
  const s = meanSe(perStudent);
  return { mean: s.mean, seStudents: s.se, seQuestions: NaN, perQuestion: [], perStudent };
}

/**
 * What every arm of Section 7.3 shares, made once before the sweep: the
 * questions, the teacher's and the untrained student's k_max sampled answers per
 * training question and their embeddings (`teacherAt(d, i)`, `studentAt(d, i)`:
 * draw d of question i), the truths' embeddings and the teacher's own noise per
 * noise prompt (Appendix F's regressor for R²).
 */
export interface LlmContext {
  config: LlmCorrectionsConfig;
  setup: LlmSetup;
  train: QaPair[];
  qs: string[];
  testQs: string[];
  noiseQs: string[];
  teacherDraws: string[][];
  teacherAt: (d: number, i: number) => Float32Array;
  studentAt: (d: number, i: number) => Float32Array;
  trainTruth: Float32Array[];
  testTruth: Float32Array[];
  teacherNoise: number[];
}

/** Make the {@link LlmContext} of a configuration. */
export async function llmContext(c: LlmCorrectionsConfig, setup: LlmSetup): Promise<LlmContext> {
  const kMax = Math.max(...c.ks), maxNewTokens = setup.maxNewTokens;
  const train = setup.qa.train.slice(0, c.trainQuestions);
  const test = setup.qa.test.slice(0, c.testQuestions);
  const qs = train.map((p) => p.question), N = qs.length;
  const teacherDraws = setup.teacherAnswers(qs, {
    temperature: c.temperature,
    seed: c.seed,
    draws: kMax,
  });
  const studentDraws = sampleDraws(setup.base, qs, {
    temperature: c.studentTemperature,
    seed: c.seed + 1,
    draws: kMax,
    maxNewTokens,
  });
  const flatT = await setup.embed(teacherDraws.flat());
  const flatS = await setup.embed(studentDraws.flat());
  const trainTruth = await setup.embed(train.map((p) => p.answer));
  const testTruth = await setup.embed(test.map((p) => p.answer));
  const noiseQs = test.slice(0, c.noisePrompts).map((p) => p.question);
  const teacherNoiseDraws = setup.teacherAnswers(noiseQs, {
    temperature: c.temperature,
    seed: c.seed + 3,
    draws: c.noiseSamples,
  });
  const flatTN = await setup.embed(teacherNoiseDraws.flat());
  const PN = noiseQs.length;
  const teacherNoise = promptNoise(
    noiseQs.map((_, p) => teacherNoiseDraws.map((_, d) => flatTN[d * PN + p])),
  ).perQuestion;
  return {
    config: c,
    setup,
    train,
    qs,
    testQs: test.map((p) => p.question),
    noiseQs,
    teacherDraws,
    teacherAt: (d, i) => flatT[d * N + i],
    studentAt: (d, i) => flatS[d * N + i],
    trainTruth,
    testTruth,
    teacherNoise,
  };
}

/**
 * Variance weighting's mean teacher weight a_T (Theorem 7.3) per k, over the
 * training questions, in arm order.
 */
export function teacherWeights(ctx: LlmContext): { k: number; weight: MeanSe }[] {
  const draws = (at: LlmContext["teacherAt"], k: number, i: number) =>
    Array.from({ length: k }, (_, d) => at(d, i));
  return correctionArms(ctx.config).flatMap((a) =>
    a.method !== "Variance-weighting" ? [] : [{
      k: a.k,
      weight: meanSe(ctx.qs.map((_, i) =>
        textVarianceWeighting(draws(ctx.teacherAt, a.k, i), draws(ctx.studentAt, a.k, i))
          .teacherWeight
      )),
    }]
  );
}

/**
 * An arm's training pairs and, per question, the teacher draws it kept: the first
 * (Single), all k (Multi-response), the one nearest the mean embedding
 * (Averaging, Theorem 7.1 on embeddings) or nearest a_T μ_T + a_S μ_S
 * (Variance-weighting, Theorems 7.3-7.4); Direct FT keeps the ground truth.
 */
export function armLabels(
  ctx: LlmContext,
  a: CorrectionArm,
): { pairs: QaPair[]; chosen: number[][] } {
  if (a.method === "Direct FT") return { pairs: ctx.train.map((p) => ({ ...p })), chosen: [] };
  const chosen = ctx.qs.map((_, i) => {
    const tk = Array.from({ length: a.k }, (_, d) => ctx.teacherAt(d, i));
    switch (a.method) {
      case "Single response":
        return [0];
      case "Multi-response":
        return Array.from({ length: a.k }, (_, d) => d);
      case "Averaging":
        return [textAverage(tk).index];
      default: {
        const sk = Array.from({ length: a.k }, (_, d) => ctx.studentAt(d, i));
        return [textVarianceWeighting(tk, sk).index];
      }
    }
  });
  const pairs = chosen.flatMap((ds, i) =>
    ds.map((d) => ({ question: ctx.qs[i], answer: ctx.teacherDraws[d][i] }))
  );
  return { pairs, chosen };
}

/** Per training question: the kept labels' cosine to the truth and their hallucination share. */
function labelScores(ctx: LlmContext, chosen: number[][]): { cos: number[]; hal: number[] } {
  if (chosen.length === 0) return { cos: ctx.qs.map(() => 1), hal: ctx.qs.map(() => 0) };
  const cos = chosen.map((ds, i) =>
    ds.reduce((a, d) => a + cosine(ctx.teacherAt(d, i), ctx.trainTruth[i]), 0) / ds.length
  );
  const owner = chosen.flatMap((ds, i) => ds.map(() => i));
  const e = chosen.flatMap((ds, i) => ds.map((d) => ctx.teacherAt(d, i)));
  const ind = hallucinationRate(e, ctx.trainTruth, owner).indicators;
  const hal = ctx.qs.map(() => 0);
  ind.forEach((x, j) => (hal[owner[j]] += x / chosen[owner[j]].length));
  return { cos, hal };
}

/** What an arm's students produced: greedy test embeddings, per-prompt noise, final losses. */
interface ArmStudents {
  greedy: Float32Array[][];
  noise: number[][];
  losses: number[];
  exampleAnswer: string;
}

/**
 * Fine-tune `config.students` students of the base on `pairs` (student s with
 * data-order stream s), each answering the test questions greedily and the noise
 * prompts `noiseSamples` times at the teacher's temperature.
 */
export async function trainArm(ctx: LlmContext, pairs: QaPair[]): Promise<ArmStudents> {
  const { config: c, setup, noiseQs } = ctx, maxNewTokens = setup.maxNewTokens;
  const out: ArmStudents = { greedy: [], noise: [], losses: [], exampleAnswer: "" };
  await trainStudents(setup.base, Array.from({ length: c.students }, () => ({ data: pairs })), {
    seed: c.seed,
    epochs: c.epochs,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    onStudent: async (s, model, result) => {
      out.losses.push(result.epochLosses[result.epochLosses.length - 1]);
      const [g] = sampleAnswers(model, ctx.testQs, { temperature: 0, maxNewTokens });
      if (s === 0) out.exampleAnswer = g[0];
      out.greedy.push(await setup.embed(g));
      const draws = sampleDraws(model, noiseQs, {
        temperature: c.temperature,
        seed: c.seed + 2,
        draws: c.noiseSamples,
        maxNewTokens,
      });
      const flat = await setup.embed(draws.flat());
      const P = noiseQs.length;
      out.noise.push(
        promptNoise(noiseQs.map((_, p) => draws.map((_, d) => flat[d * P + p]))).perQuestion,
      );
    },
  });
  return out;
}

/**
 * One arm of Table 1 (one setting in, one row out): its labels, its students,
 * and their cosine to the truth, inter-student variance, noise, R² on the
 * teacher's noise (Appendix F) and hallucination rate, with SEs across students.
 * The systematic noise needs Direct FT's row and is filled in by the run.
 */
export async function armStep(ctx: LlmContext, arm: CorrectionArm): Promise<CorrectionRow> {
  const { pairs, chosen } = armLabels(ctx, arm);
  const label = labelScores(ctx, chosen);
  const { greedy, noise, losses, exampleAnswer } = await trainArm(ctx, pairs);
  const testTruth = ctx.testTruth;
  const hal = hallucinationRates(greedy, testTruth);
  const halPerStudent = greedy.map((g) => {
    const ind = hallucinationRate(g, testTruth).indicators;
    return ind.reduce((a, b) => a + b, 0) / ind.length;
  });
  return {
    ...arm,
    teacherCalls: arm.method === "Direct FT" ? 0 : arm.k,
    studentCalls: arm.method === "Variance-weighting" ? arm.k : 0,
    pairsPerQuestion: arm.method === "Multi-response" ? arm.k : 1,
    uses: arm.method === "Direct FT"
      ? "the ground truth of the training questions (not available when distilling)"
      : "",
    labelCosine: meanSe(label.cos),
    labelHallucination: meanSe(label.hal),
    cosine: twoWaySe(greedy.map((g) => g.map((e, i) => cosine(e, testTruth[i])))),
    inter: answerInterStudentVariance(greedy),
    interLoo: leaveOneOutAnswerVariance(greedy),
    noiseR2: perStudentSummary(noise.map((y) => squaredCorrelation(ctx.teacherNoise, y))),
    noise: twoWaySe(noise),
    systematic: null,
    hallucination: {
      mean: hal.mean,
      seStudents: hal.seStudents,
      seQuestions: hal.seQuestions,
      perQuestion: hal.perQuestion,
      perStudent: halPerStudent,
    },
    losses,
    example: { label: pairs[0].answer, answer: exampleAnswer },
  };
}

/**
 * Run Section 7.3 (Table 1): {@link llmContext}, then {@link armStep} for every
 * arm in one sweep, the systematic noise of each arm against Direct FT (paired
 * by student), the teacher's own greedy test answers and the paired contrasts.
 *
 * @throws RangeError for a bad configuration, before any work.
 */
export async function runLlmCorrections(
  config: LlmCorrectionsConfig,
  setup: LlmSetup,
  options: RunOptions = {},
): Promise<LlmCorrectionsResult> {
  checkLlmConfig(config, setup);
  const t0 = performance.now();
  const ctx = await llmContext(config, setup);
  const weights = teacherWeights(ctx);
  const rows = await sweep(correctionArms(config), (arm) => armStep(ctx, arm), {
    label: "7.3 arms",
    name: (a) => armName(a),
    progress: options.progress,
  });
  const direct = rows[0];
  for (const r of rows.slice(1)) {
    // Paired by student (data-order stream s in both arms); the mean is exactly the difference.
    const d = meanSe(r.noise.perStudent.map((v, s) => v - direct.noise.perStudent[s]));
    r.systematic = { mean: r.noise.mean - direct.noise.mean, se: d.se, n: d.n };
  }
  const [tg] = setup.teacherAnswers(ctx.testQs, { temperature: 0 });
  const te = await setup.embed(tg);
  const teacher = {
    cosine: meanSe(te.map((e, i) => cosine(e, ctx.testTruth[i]))),
    hallucination: meanSe(hallucinationRate(te, ctx.testTruth).indicators),
  };
  return {
    config,
    setup: setup.description,
    rows,
    comparisons: correctionComparisons(rows, config.ks),
    teacherWeight: weights,
    teacher,
    teacherNoise: ctx.teacherNoise,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The pairs of arms compared: Single against Direct FT, each correction against Single and Multi at its k, VW against Averaging, and the largest k against the smallest. */
function comparedPairs(ks: readonly number[]): [string, string][] {
  const out: [string, string][] = [["Single response", "Direct FT"]];
  for (const k of ks) {
    for (const m of ["Multi-response", "Averaging", "Variance-weighting"]) {
      out.push([`${m} k=${k}`, "Single response"]);
    }
    out.push([`Averaging k=${k}`, `Multi-response k=${k}`]);
    out.push([`Variance-weighting k=${k}`, `Multi-response k=${k}`]);
    out.push([`Variance-weighting k=${k}`, `Averaging k=${k}`]);
  }
  if (ks.length > 1) {
    const lo = Math.min(...ks), hi = Math.max(...ks);
    for (const m of ["Multi-response", "Averaging", "Variance-weighting"]) {
      out.push([`${m} k=${hi}`, `${m} k=${lo}`]);
    }
  }
  return out;
}

function correctionComparisons(
  rows: readonly CorrectionRow[],
  ks: readonly number[],
): CorrectionComparison[] {
  const by = new Map(rows.map((r) => [armName(r), r]));
  const out: CorrectionComparison[] = [];
  for (const [a, b] of comparedPairs(ks)) {
    const ra = by.get(a)!, rb = by.get(b)!;
    const measures = [
      ["cosine", ra.cosine.perStudent, rb.cosine.perStudent],
      ["hallucination", ra.hallucination.perStudent, rb.hallucination.perStudent],
      ["noise", ra.noise.perStudent, rb.noise.perStudent],
      ["noise R²", ra.noiseR2.perStudent, rb.noiseR2.perStudent],
    ] as const;
    for (const [measure, x, y] of measures) {
      const diff = pairedDifference(x, y);
      out.push({ a, b, measure, diff, z: diff.mean / diff.se });
    }
    out.push(interContrast(ra, rb, a, b));
  }
  return out;
}

/** The inter-student variance of a minus b, SE by the jackknife over students (both arms at once). */
function interContrast(
  ra: CorrectionRow,
  rb: CorrectionRow,
  a: string,
  b: string,
): CorrectionComparison {
  const S = ra.interLoo.length;
  const mean = ra.inter.mean - rb.inter.mean;
  const se = S >= 3 && rb.interLoo.length === S
    ? jackknifeCombination([
      { weight: 1, stat: { value: ra.inter.mean, deleteOne: Float64Array.from(ra.interLoo) } },
      { weight: -1, stat: { value: rb.inter.mean, deleteOne: Float64Array.from(rb.interLoo) } },
    ]).se
    : NaN;
  return {
    a,
    b,
    measure: "inter-student variance",
    diff: { mean, se, n: ra.inter.perQuestion.length > 0 ? S : 0 },
    z: mean / se,
  };
}
