/**
 * Section 7.3 of Cui & Pei (Table 1; docs/protocols.md, "7.3 LLMs"): the
 * corrections at work on language models. Students of one base are
 * fine-tuned on labels made from the teacher's sampled answers to the
 * training questions, five ways (plus Direct FT on the ground truth):
 *
 * - **Single response**: the teacher's first sampled answer;
 * - **Multi-response (k)**: all k answers (k pairs per question, 3 epochs over them);
 * - **Averaging (k)**: the answer whose embedding is closest by cosine to the
 *   mean of the k embeddings (`textAverage`);
 * - **Variance-weighting (k)**: the answer closest to a_T μ_T + a_S μ_S, with
 *   μ_S, s_S² from k answers of the *untrained* student at T = 1
 *   (`textVarianceWeighting`).
 *
 * Equal teacher cost: Multi-response, Averaging and Variance-weighting all
 * ask the teacher k times per question (the same k draws, common random
 * numbers); variance weighting's k student-side answers are counted in their
 * own column. Direct FT uses the ground truth, which a practitioner
 * distilling a teacher does not have: its row says so.
 *
 * Our table has named columns (the printed Table 1's alignment is
 * ambiguous): cosine of the students' greedy answers to the ground truth,
 * inter-student variance, average noise (Appendix F's mean pairwise cosine
 * distance of sampled answers), systematic noise (minus Direct FT's) and the
 * hallucination rate (share of answers nearer another test question's true
 * answer than their own), each with SEs across students, and paired tests
 * between methods over the shared test questions.
 *
 * @module
 */
import { byScale, type Scale } from "../config.ts";
import type { QaPair } from "../llm/corpus/qa_build.ts";
import { trainStudents } from "../llm/students.ts";
import { cosine, textAverage, textVarianceWeighting } from "../llm/text_average.ts";
import { hallucinationRate, type MeanSe, meanSe } from "../llm/quality.ts";
import { type Claim, claimFromTest, claimNotTestable, claimVsNumber } from "../report/claims.ts";
import {
  hallucinationRates,
  type InterStudentVariance,
  interStudentVariance,
  LLM_UNIT_SECONDS,
  type LlmSetup,
  pairedDifference,
  promptNoise,
  sampleAnswers,
} from "./llm_setup.ts";
import { sampleDraws } from "./llm_consistency.ts";
import { sweep } from "./sweep.ts";
import type { ExperimentConfig, RunOptions } from "./types.ts";

/**
 * The label-making methods of Table 1.
 *
 * @category Section 7: correcting student uncertainty
 */
export type CorrectionMethod =
  | "Direct FT"
  | "Single response"
  | "Multi-response"
  | "Averaging"
  | "Variance-weighting";

/**
 * One row of Table 1: a method at a k (1 for Single response, 0 for Direct FT).
 *
 * @category Section 7: correcting student uncertainty
 */
export interface CorrectionArm {
  method: CorrectionMethod;
  k: number;
}

/**
 * The paper's Table 1, first column (mean cosine similarity to the ground
 * truth), per arm ("Direct FT", "Single response", "<method> k=<k>").
 *
 * @category Section 7: correcting student uncertainty
 */
export const PAPER_TABLE1_COSINE: Readonly<Record<string, number>> = {
  "Direct FT": 0.151,
  "Single response": 0.319,
  "Multi-response k=3": 0.346,
  "Averaging k=3": 0.352,
  "Variance-weighting k=3": 0.353,
  "Multi-response k=5": 0.353,
  "Averaging k=5": 0.365,
  "Variance-weighting k=5": 0.365,
};

/**
 * An arm's name as in {@link PAPER_TABLE1_COSINE}.
 *
 * @category Section 7: correcting student uncertainty
 */
export function armName(a: CorrectionArm): string {
  return a.method === "Direct FT" || a.method === "Single response"
    ? a.method
    : `${a.method} k=${a.k}`;
}

/**
 * Counts of the Section 7.3 experiment (scale them, never the structure).
 *
 * @category Section 7: correcting student uncertainty
 */
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
  /** Temperature of the teacher's answers (and of the noise measure). */
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
 *
 * @category Section 7: correcting student uncertainty
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
    temperature: 1,
    studentTemperature: 1,
    epochs: at({ smoke: 1, default: 3, paper: 3 }),
    batchSize: 10,
    learningRate: 5e-4,
  };
}

/**
 * The arms of a configuration in table order: Direct FT, Single response,
 * then Multi-response, Averaging and Variance-weighting per k.
 *
 * @category Section 7: correcting student uncertainty
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
 *
 * @category Section 7: correcting student uncertainty
 */
export function llmCorrectionsSeconds(c: LlmCorrectionsConfig): number {
  const u = LLM_UNIT_SECONDS;
  const arms = correctionArms(c);
  const kMax = Math.max(...c.ks);
  const pairsPerQuestion = arms.reduce((a, r) => a + (r.method === "Multi-response" ? r.k : 1), 0);
  const pairs = pairsPerQuestion * c.trainQuestions * c.epochs * c.students;
  const sampled = 2 * kMax * c.trainQuestions +
    arms.length * c.students * c.noisePrompts * c.noiseSamples;
  const greedy = arms.length * c.students * c.testQuestions + c.testQuestions;
  return sampled * (u.sample + u.embed) + greedy * (u.greedy + u.embed) +
    2 * c.testQuestions * u.embed + pairs * u.pairEpoch;
}

/** Mean with SEs across students and across questions. */
export interface StudentsQuestions {
  mean: number;
  seStudents: number;
  seQuestions: number;
  /** Per question (or prompt), averaged over students. */
  perQuestion: number[];
}

/**
 * One row of our Table 1.
 *
 * @category Section 7: correcting student uncertainty
 */
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
  inter: InterStudentVariance;
  /** Average noise: mean pairwise cosine distance of sampled answers per prompt. */
  noise: StudentsQuestions;
  /** Average noise minus Direct FT's (SE of the difference, students independent). */
  systematic: MeanSe | null;
  /** Hallucination rate of the greedy test answers. */
  hallucination: StudentsQuestions;
  /** Final training loss per student. */
  losses: number[];
  /** An example label and answer (first training question, first student's first test answer). */
  example: { label: string; answer: string };
}

/**
 * A paired comparison of two arms on one measure: mean of a − b over the
 * shared test questions (noise: prompts), each averaged over the arm's students.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface CorrectionComparison {
  a: string;
  b: string;
  measure: "cosine" | "hallucination" | "inter-student variance" | "noise";
  diff: MeanSe;
  z: number;
}

/**
 * What {@link runLlmCorrections} returns.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface LlmCorrectionsResult {
  config: LlmCorrectionsConfig;
  setup: string;
  rows: CorrectionRow[];
  comparisons: CorrectionComparison[];
  /** Variance weighting's mean teacher weight a_T per k (over training questions). */
  teacherWeight: { k: number; weight: MeanSe }[];
  /** Teacher's own greedy test answers: cosine to truth and hallucination rate (SE across questions). */
  teacher: { cosine: MeanSe; hallucination: MeanSe };
  seconds: number;
}

function checkConfig(c: LlmCorrectionsConfig, setup: LlmSetup): void {
  const fn = "runLlmCorrections";
  const int = (name: keyof LlmCorrectionsConfig, min: number) => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${fn}: config.${name} must be an integer >= ${min}, got ${v}; start from llmCorrectionsConfig(scale).`,
      );
    }
  };
  int("trainQuestions", 2);
  int("students", 2);
  int("testQuestions", 2);
  int("noisePrompts", 1);
  int("noiseSamples", 2);
  int("epochs", 1);
  int("batchSize", 1);
  if (c.ks.length === 0 || !c.ks.every((k) => Number.isInteger(k) && k >= 2)) {
    throw new RangeError(`${fn}: config.ks must hold integers >= 2, got [${c.ks}].`);
  }
  for (const name of ["temperature", "studentTemperature", "learningRate"] as const) {
    if (!(c[name] > 0 && isFinite(c[name]))) {
      throw new RangeError(`${fn}: config.${name} must be a positive number, got ${c[name]}.`);
    }
  }
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

function studentsQuestions(m: number[][]): StudentsQuestions {
  const S = m.length, Q = m[0].length;
  const perStudent = m.map((r) => r.reduce((a, b) => a + b, 0) / Q);
  const perQuestion = Array.from({ length: Q }, (_, q) => m.reduce((a, r) => a + r[q], 0) / S);
  const s = meanSe(perStudent);
  return { mean: s.mean, seStudents: s.se, seQuestions: meanSe(perQuestion).se, perQuestion };
}

/**
 * Run Section 7.3: the teacher's k_max sampled answers and the untrained
 * student's k_max answers per training question, the labels of every arm,
 * S students per arm (student s of every arm uses data-order stream s), and
 * every student's greedy test answers and sampled noise answers.
 *
 * @throws RangeError for a bad configuration, before any work.
 *
 * @category Section 7: correcting student uncertainty
 */
export async function runLlmCorrections(
  config: LlmCorrectionsConfig,
  setup: LlmSetup,
  options: RunOptions = {},
): Promise<LlmCorrectionsResult> {
  checkConfig(config, setup);
  const t0 = performance.now();
  const c = config;
  const kMax = Math.max(...c.ks);
  const train = setup.qa.train.slice(0, c.trainQuestions);
  const test = setup.qa.test.slice(0, c.testQuestions);
  const qs = train.map((p) => p.question);
  const N = qs.length;

  // Teacher and untrained-student draws, [draw][question], and their embeddings.
  const teacherDraws = setup.teacherAnswers(qs, {
    temperature: c.temperature,
    seed: c.seed,
    draws: kMax,
  });
  const studentDraws = sampleDraws(setup.base, qs, {
    temperature: c.studentTemperature,
    seed: c.seed + 1,
    draws: kMax,
    maxNewTokens: setup.maxNewTokens,
  });
  const flatT = await setup.embed(teacherDraws.flat());
  const flatS = await setup.embed(studentDraws.flat());
  const eT = (d: number, i: number) => flatT[d * N + i];
  const eS = (d: number, i: number) => flatS[d * N + i];
  const trainTruth = await setup.embed(train.map((p) => p.answer));
  const testTruth = await setup.embed(test.map((p) => p.answer));

  // Labels per arm: the chosen draw per question (Multi-response: all k).
  const arms = correctionArms(c);
  // Variance weighting's mean teacher weight per k, in arm order (before the sweep: a step
  // writes nothing outside itself, so lib/experiments/shard.ts can record and replay it).
  const weights: { k: number; weight: MeanSe }[] = arms.flatMap((a) =>
    a.method !== "Variance-weighting" ? [] : [{
      k: a.k,
      weight: meanSe(qs.map((_, i) =>
        textVarianceWeighting(
          Array.from({ length: a.k }, (_, d) => eT(d, i)),
          Array.from({ length: a.k }, (_, d) => eS(d, i)),
        ).teacherWeight
      )),
    }]
  );
  const labelsOf = (a: CorrectionArm): { pairs: QaPair[]; chosen: number[][] } => {
    if (a.method === "Direct FT") return { pairs: train.map((p) => ({ ...p })), chosen: [] };
    const chosen = qs.map((_, i) => {
      const tk = Array.from({ length: a.k }, (_, d) => eT(d, i));
      switch (a.method) {
        case "Single response":
          return [0];
        case "Multi-response":
          return Array.from({ length: a.k }, (_, d) => d);
        case "Averaging":
          return [textAverage(tk).index];
        default:
          return [
            textVarianceWeighting(tk, Array.from({ length: a.k }, (_, d) => eS(d, i))).index,
          ];
      }
    });
    const pairs = chosen.flatMap((ds, i) =>
      ds.map((d) => ({ question: qs[i], answer: teacherDraws[d][i] }))
    );
    return { pairs, chosen };
  };

  const noiseQs = test.slice(0, c.noisePrompts).map((p) => p.question);
  const testQs = test.map((p) => p.question);
  const rows = await sweep(arms, async (arm) => {
    const { pairs, chosen } = labelsOf(arm);
    const labelCos = arm.method === "Direct FT"
      ? qs.map(() => 1)
      : chosen.map((ds, i) =>
        ds.reduce((a, d) => a + cosine(eT(d, i), trainTruth[i]), 0) / ds.length
      );
    const labelHal = arm.method === "Direct FT" ? qs.map(() => 0) : (() => {
      const owner = chosen.flatMap((ds, i) => ds.map(() => i));
      const e = chosen.flatMap((ds, i) => ds.map((d) => eT(d, i)));
      const ind = hallucinationRate(e, trainTruth, owner).indicators;
      const per = qs.map(() => 0);
      ind.forEach((x, j) => (per[owner[j]] += x / chosen[owner[j]].length));
      return per;
    })();
    const greedy: Float32Array[][] = [], noise: number[][] = [], losses: number[] = [];
    let exampleAnswer = "";
    await trainStudents(setup.base, Array.from({ length: c.students }, () => ({ data: pairs })), {
      seed: c.seed,
      epochs: c.epochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      onStudent: async (s, model, result) => {
        losses.push(result.epochLosses[result.epochLosses.length - 1]);
        const [g] = sampleAnswers(model, testQs, {
          temperature: 0,
          maxNewTokens: setup.maxNewTokens,
        });
        if (s === 0) exampleAnswer = g[0];
        greedy.push(await setup.embed(g));
        const draws = sampleDraws(model, noiseQs, {
          temperature: c.temperature,
          seed: c.seed + 2,
          draws: c.noiseSamples,
          maxNewTokens: setup.maxNewTokens,
        });
        const flat = await setup.embed(draws.flat());
        const P = noiseQs.length;
        noise.push(
          promptNoise(noiseQs.map((_, p) => draws.map((_, d) => flat[d * P + p]))).perQuestion,
        );
      },
    });
    const hal = hallucinationRates(greedy, testTruth);
    const row: CorrectionRow = {
      ...arm,
      teacherCalls: arm.method === "Direct FT" ? 0 : arm.k,
      studentCalls: arm.method === "Variance-weighting" ? arm.k : 0,
      pairsPerQuestion: arm.method === "Multi-response" ? arm.k : 1,
      uses: arm.method === "Direct FT"
        ? "the ground truth of the training questions (not available when distilling)"
        : "",
      labelCosine: meanSe(labelCos),
      labelHallucination: meanSe(labelHal),
      cosine: studentsQuestions(greedy.map((g) => g.map((e, i) => cosine(e, testTruth[i])))),
      inter: interStudentVariance(greedy),
      noise: studentsQuestions(noise),
      systematic: null,
      hallucination: {
        mean: hal.mean,
        seStudents: hal.seStudents,
        seQuestions: hal.seQuestions,
        perQuestion: hal.perQuestion,
      },
      losses,
      example: { label: pairs[0].answer, answer: exampleAnswer },
    };
    return row;
  }, { label: "7.3 arms", name: (a) => armName(a), progress: options.progress });

  const direct = rows[0];
  for (const r of rows.slice(1)) {
    r.systematic = {
      mean: r.noise.mean - direct.noise.mean,
      se: Math.hypot(studentsSe(r.noise), studentsSe(direct.noise)),
      n: c.students,
    };
  }
  const [tg] = setup.teacherAnswers(testQs, { temperature: 0 });
  const te = await setup.embed(tg);
  const teacher = {
    cosine: meanSe(te.map((e, i) => cosine(e, testTruth[i]))),
    hallucination: meanSe(hallucinationRate(te, testTruth).indicators),
  };
  return {
    config,
    setup: setup.description,
    rows,
    comparisons: correctionComparisons(rows, c.ks),
    teacherWeight: weights,
    teacher,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The pairs of arms compared: each correction against Single and Multi at its k, VW against Averaging, and the largest k against the smallest. */
function comparedPairs(ks: readonly number[]): [string, string][] {
  const out: [string, string][] = [];
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
      ["cosine", ra.cosine.perQuestion, rb.cosine.perQuestion],
      ["hallucination", ra.hallucination.perQuestion, rb.hallucination.perQuestion],
      ["inter-student variance", ra.inter.perQuestion, rb.inter.perQuestion],
      ["noise", ra.noise.perQuestion, rb.noise.perQuestion],
    ] as const;
    for (const [measure, x, y] of measures) {
      const diff = pairedDifference(x, y);
      out.push({ a, b, measure, diff, z: diff.mean / diff.se });
    }
  }
  return out;
}

/**
 * A row of the result by arm name ("Direct FT", "Averaging k=3", ...).
 *
 * @throws RangeError when the run has no such arm.
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionRow(result: LlmCorrectionsResult, name: string): CorrectionRow {
  const r = result.rows.find((x) => armName(x) === name);
  if (!r) {
    throw new RangeError(
      `correctionRow: no arm "${name}"; the run has ${result.rows.map(armName).join(", ")}.`,
    );
  }
  return r;
}

/**
 * A paired comparison of the result.
 *
 * @throws RangeError when the run did not compare these arms on this measure.
 *
 * @category Section 7: correcting student uncertainty
 */
export function correctionComparison(
  result: LlmCorrectionsResult,
  a: string,
  b: string,
  measure: CorrectionComparison["measure"],
): CorrectionComparison {
  const c = result.comparisons.find((x) => x.a === a && x.b === b && x.measure === measure);
  if (!c) throw new RangeError(`correctionComparison: "${a}" vs "${b}" on ${measure} was not run.`);
  return c;
}

/**
 * The SE of a mean over students: across students, or across questions when
 * the students give no spread (identical values, or one student).
 *
 * @category Section 7: correcting student uncertainty
 */
export function studentsSe(x: StudentsQuestions): number {
  // An SE at round-off level (identical students) counts as none.
  const none = !(x.seStudents > 1e-12 * Math.max(1, Math.abs(x.mean)));
  return none ? x.seQuestions : x.seStudents;
}

/**
 * Table 1's claims with verdicts:
 * - each arm's cosine to the ground truth against the paper's (within 2 SE
 *   across students; the paper gives no error);
 * - per k, Averaging and Variance-weighting raise the cosine over Single
 *   response, lower the inter-student variance, lower the (systematic) noise
 *   and the hallucination rate (paired over test questions, |z| ≥ 2 in the
 *   claimed direction);
 * - more responses help: the largest k's cosine above the smallest's, per method.
 *
 * @category Section 7: correcting student uncertainty
 */
export function llmCorrectionsClaims(result: LlmCorrectionsResult): Claim[] {
  const claims: Claim[] = [];
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  for (const r of result.rows) {
    const name = armName(r), paper = PAPER_TABLE1_COSINE[name];
    if (paper === undefined) continue;
    claims.push(claimVsNumber({
      section: "Table 1",
      id: `llm-${slug(name)}-cosine`,
      claim: `${name}: mean cosine of students' answers to the ground truth`,
      paper,
      ours: r.cosine.mean,
      se: studentsSe(r.cosine),
    }));
  }
  const test = (
    a: string,
    b: string,
    measure: CorrectionComparison["measure"],
    direction: "greater" | "less",
    claim: string,
    paper: string,
  ) => {
    const cmp = result.comparisons.find((x) => x.a === a && x.b === b && x.measure === measure);
    if (!cmp) return;
    if (!(cmp.diff.se > 0)) {
      claims.push(claimNotTestable({
        section: "7.3",
        id: `llm-${slug(a)}-vs-${slug(b)}-${slug(measure)}`,
        claim,
        paper,
        why: `the two arms' ${measure} is the same on every test question (no spread to test)`,
      }));
      return;
    }
    const c = claimFromTest({
      section: "7.3",
      id: `llm-${slug(a)}-vs-${slug(b)}-${slug(measure)}`,
      claim,
      paper,
      ours: cmp.diff.mean,
      se: cmp.diff.se,
      direction,
    });
    claims.push({
      ...c,
      rule: `${c.rule} (paired over test ${measure === "noise" ? "prompts" : "questions"})`,
    });
  };
  for (const k of result.config.ks) {
    for (const m of ["Averaging", "Variance-weighting"]) {
      const a = `${m} k=${k}`;
      test(
        a,
        "Single response",
        "cosine",
        "greater",
        `${a} raises the cosine to the truth over Single`,
        "higher",
      );
      test(
        a,
        "Single response",
        "inter-student variance",
        "less",
        `${a} lowers inter-student variance vs Single`,
        "lower",
      );
      test(
        a,
        "Single response",
        "noise",
        "less",
        `${a} lowers (systematic) noise vs Single`,
        "lower",
      );
      test(
        a,
        "Single response",
        "hallucination",
        "less",
        `${a}: fewer hallucinations than Single`,
        "fewer",
      );
    }
  }
  if (result.config.ks.length > 1) {
    const lo = Math.min(...result.config.ks), hi = Math.max(...result.config.ks);
    for (const m of ["Multi-response", "Averaging", "Variance-weighting"]) {
      test(
        `${m} k=${hi}`,
        `${m} k=${lo}`,
        "cosine",
        "greater",
        `${m}: more responses help (k = ${hi} vs ${lo}, cosine)`,
        "higher",
      );
    }
  }
  return claims;
}
