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
 * distance of sampled answers), its R² against the teacher's noise across
 * prompts, systematic noise (minus Direct FT's) and the hallucination rate
 * (share of answers nearer another test question's true answer than their
 * own), each with SEs across students, and contrasts between methods paired
 * by student (student s of every arm has data-order stream s), with SEs
 * across the students: the students are the independent unit, not the test
 * questions they all answer.
 *
 * The teacher samples at T = 1.2: Table 1's Single-response row (R² 0.071,
 * noise 0.678, systematic 0.173) is Table 5's T = 1.2 row, so that is the
 * temperature the paper's Section 7.3 ran at.
 *
 * @module
 */
import { probit } from "simple-statistics";
import { byScale, type Scale } from "../config.ts";
import type { QaPair } from "../llm/corpus/qa_build.ts";
import { trainStudents } from "../llm/students.ts";
import { cosine, textAverage, textVarianceWeighting } from "../llm/text_average.ts";
import { hallucinationRate, type MeanSe, meanSe } from "../llm/quality.ts";
import { type Claim, claimDirection, claimNotTestable } from "../report/claims.ts";
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
 * One row of the paper's Table 1; null where the paper prints "-" or nothing.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface PaperTable1Row {
  /** Mean cosine similarity of the students' answers to the ground truth. */
  cosine: number | null;
  /** Inter-student variance. */
  inter: number | null;
  /** R² of the student's noise on the teacher's across prompts (Appendix F). */
  r2: number | null;
  /** Average noise (mean pairwise cosine distance of sampled answers). */
  noise: number | null;
  /** Average systematic noise (minus Direct FT's). */
  systematic: number | null;
}

/**
 * The paper's Table 1, cell by cell, as transcribed in /work/shared/PROTOCOLS.md
 * ("7.3 LLMs (Table 1)"). Direct FT prints "0.151 / 0.505 / -": its cosine and
 * inter-student variance cells are "-", and 0.151 / 0.505 / - are its R²,
 * noise and systematic noise, exactly Table 5's Direct FT row (R² 0.151, noise
 * 0.505, systematic "-"). Single response prints all five (0.319, 0.015,
 * 0.071, 0.678, 0.173; its last three are Table 5's T = 1.2 row); the k = 3
 * and k = 5 rows print the cosine only.
 *
 * @category Section 7: correcting student uncertainty
 */
export const PAPER_TABLE1: Readonly<Record<string, PaperTable1Row>> = {
  "Direct FT": { cosine: null, inter: null, r2: 0.151, noise: 0.505, systematic: null },
  "Single response": { cosine: 0.319, inter: 0.015, r2: 0.071, noise: 0.678, systematic: 0.173 },
  ...Object.fromEntries(
    ([
      ["Multi-response k=3", 0.346],
      ["Averaging k=3", 0.352],
      ["Variance-weighting k=3", 0.353],
      ["Multi-response k=5", 0.353],
      ["Averaging k=5", 0.365],
      ["Variance-weighting k=5", 0.365],
    ] as const).map(([name, cosine]) => [
      name,
      { cosine, inter: null, r2: null, noise: null, systematic: null },
    ]),
  ),
};

/**
 * The paper's Table 1, first column (mean cosine similarity to the ground
 * truth), per arm that prints one ("Single response", "<method> k=<k>"; Direct
 * FT's cell is "-").
 *
 * @category Section 7: correcting student uncertainty
 */
export const PAPER_TABLE1_COSINE: Readonly<Record<string, number>> = {
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
    (arms.length * c.students + 1) * c.noisePrompts * c.noiseSamples;
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
  /** Per student, averaged over questions (or prompts). */
  perStudent: number[];
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
 *
 * @category Section 7: correcting student uncertainty
 */
export interface CorrectionComparison {
  a: string;
  b: string;
  measure: "cosine" | "hallucination" | "inter-student variance" | "noise" | "noise R²";
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
  /** The teacher's per-prompt noise on the noise prompts (the R² regressor). */
  teacherNoise: number[];
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
  return {
    mean: s.mean,
    seStudents: s.se,
    seQuestions: meanSe(perQuestion).se,
    perQuestion,
    perStudent,
  };
}

/** Per-student values with their mean and SE across students (no per-question values). */
function perStudentSummary(perStudent: number[]): StudentsQuestions {
  const s = meanSe(perStudent);
  return { mean: s.mean, seStudents: s.se, seQuestions: NaN, perQuestion: [], perStudent };
}

/** R² of a simple least-squares fit of y on x (NaN when x or y does not vary). */
export function rSquared(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
}

/** Per-dimension variance across the rows of `e` (n − 1), averaged over dimensions, row `skip` left out. */
function dimVariance(e: readonly Float32Array[], skip: number): number {
  const rows = e.filter((_, i) => i !== skip), n = rows.length, d = rows[0].length;
  let s = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (const r of rows) m += r[j];
    m /= n;
    for (const r of rows) s += (r[j] - m) ** 2;
  }
  return s / ((n - 1) * d);
}

/** The inter-student variance with each student left out in turn ([] with fewer than 3 students). */
function leaveOneOutInter(greedy: readonly Float32Array[][]): number[] {
  const S = greedy.length;
  if (S < 3) return [];
  const Q = greedy[0].length;
  return Array.from({ length: S }, (_, k) => {
    let sum = 0;
    for (let q = 0; q < Q; q++) sum += dimVariance(greedy.map((g) => g[q]), k);
    return sum / Q;
  });
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
  // The teacher's own noise per noise prompt at T (Appendix F's regressor for R²).
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
    const halPerStudent = greedy.map((g) => {
      const ind = hallucinationRate(g, testTruth).indicators;
      return ind.reduce((a, b) => a + b, 0) / ind.length;
    });
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
      interLoo: leaveOneOutInter(greedy),
      noiseR2: perStudentSummary(noise.map((y) => rSquared(teacherNoise, y))),
      noise: studentsQuestions(noise),
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
    return row;
  }, { label: "7.3 arms", name: (a) => armName(a), progress: options.progress });

  const direct = rows[0];
  for (const r of rows.slice(1)) {
    // Paired by student (data-order stream s in both arms); the mean is exactly the difference.
    const d = meanSe(r.noise.perStudent.map((v, s) => v - direct.noise.perStudent[s]));
    r.systematic = { mean: r.noise.mean - direct.noise.mean, se: d.se, n: d.n };
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
    teacherNoise,
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
  let se = NaN;
  if (S >= 3 && rb.interLoo.length === S) {
    const d = ra.interLoo.map((v, k) => v - rb.interLoo[k]);
    const m = d.reduce((x, y) => x + y, 0) / S;
    se = Math.sqrt(((S - 1) / S) * d.reduce((x, y) => x + (y - m) ** 2, 0));
  }
  return {
    a,
    b,
    measure: "inter-student variance",
    diff: { mean, se, n: ra.inter.perQuestion.length > 0 ? S : 0 },
    z: mean / se,
  };
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
 * Student's t upper tail P(T > t) for an integer number of degrees of
 * freedom, from the closed forms in θ = atan(t/√df) (Abramowitz & Stegun
 * 26.7.3-4).
 *
 * @throws RangeError when `df` is not an integer >= 1.
 *
 * @category Section 7: correcting student uncertainty
 */
export function studentTUpper(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) {
    throw new RangeError(`studentTUpper: df must be an integer >= 1, got ${df}.`);
  }
  if (t < 0) return 1 - studentTUpper(-t, df);
  if (t === Infinity) return 0;
  const th = Math.atan(t / Math.sqrt(df)), c = Math.cos(th), s = Math.sin(th), c2 = c * c;
  let a: number;
  if (df % 2 === 1) {
    let sum = 0;
    if (df >= 3) {
      let term = c;
      sum = c;
      for (let j = 3; j <= df - 2; j += 2) sum += term *= (c2 * (j - 1)) / j;
    }
    a = (2 / Math.PI) * (th + s * sum);
  } else {
    let sum = 1, term = 1;
    for (let j = 2; j <= df - 2; j += 2) sum += term *= (c2 * (j - 1)) / j;
    a = s * sum;
  }
  return Math.min(0.5, Math.max(0, (1 - a) / 2));
}

/**
 * The SE that makes the ledger's normal-theory test of `mean` agree with a
 * t test on `df` degrees of freedom: |mean| / z, z the normal quantile of
 * the t test's one-sided p (never below `se`). With 5 students (4 degrees of
 * freedom) a z of 3 is a t of 3, one-sided p 0.02 rather than 0.0013: the
 * plain SE would overstate the evidence.
 *
 * @category Section 7: correcting student uncertainty
 */
export function tEquivalentSe(mean: number, se: number, df: number): number {
  if (!(se > 0) || !(df >= 1) || mean === 0 || !Number.isFinite(mean)) return se;
  const p = studentTUpper(Math.abs(mean) / se, df);
  if (!(p > 0)) return se;
  const z = -probit(p);
  return z > 0 ? Math.max(se, Math.abs(mean) / z) : se;
}

/** The export names of Section 7.3's evidence (figures/ without extension). */
export const LLM_EVIDENCE = {
  table: "07_table1_llm_corrections",
  contrasts: "07_table1_llm_paired_tests",
} as const;

/**
 * Table 1's claims (Section 7.3), each decided by a rule that could go
 * either way (claim_rules.ts), with SEs across the students, the independent
 * unit (student s of every arm has data-order stream s, so contrasts are
 * paired by student; the inter-student variance by the jackknife over
 * students):
 * - the levels of Table 1 (cosine, inter-student variance, R², noise,
 *   systematic noise) are `not testable here`: they were measured with
 *   another sentence encoder on another corpus and model, which set their
 *   scale;
 * - the contrasts the paper's table shows are tested by one-sided tests:
 *   Single's noise above Direct FT's (systematic 0.173 > 0) and its R² below
 *   (0.071 < 0.151); every correction's cosine above Single's; at equal
 *   teacher cost (k calls each) Averaging and Variance-weighting above
 *   Multi-response; Variance-weighting above Averaging ("the largest and most
 *   consistent gains"); more responses help (largest k above the smallest);
 *   Averaging and Variance-weighting lower the inter-student variance, the
 *   noise and the hallucination rate below Single's.
 *
 * With few students the SE has S − 1 degrees of freedom: each contrast's SE
 * is widened ({@link tEquivalentSe}) so that the ledger's normal-theory rule
 * is the t test on S − 1 degrees of freedom. A contrast whose SE is 0 or
 * undefined (fewer than 2 students, fewer than 3 for the jackknife, identical
 * students) is `not testable here`, saying so.
 *
 * @category Section 7: correcting student uncertainty
 */
export function llmCorrectionsClaims(result: LlmCorrectionsResult): Claim[] {
  const claims: Claim[] = [];
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9²]+/g, "-").replace(/²/g, "2");
  const S = result.config.students;
  const encoder = "measured with another sentence encoder (all-MiniLM-L6-v2) on another corpus " +
    "and model, which set the scale of";
  const paperCells: [keyof PaperTable1Row, string, string][] = [
    ["cosine", "cosine", `${encoder} a cosine to the truth; the contrasts are tested instead`],
    [
      "inter",
      "inter",
      `${encoder} a per-dimension embedding variance; the contrasts are tested instead`,
    ],
    ["r2", "r2", `${encoder} the noise, and R² depends on how prompts differ in that corpus`],
    ["noise", "noise", `${encoder} a cosine distance; Single minus Direct FT is tested instead`],
    [
      "systematic",
      "systematic",
      `${encoder} a cosine distance; its sign (Single above Direct FT) is tested instead`,
    ],
  ];
  const label: Record<keyof PaperTable1Row, string> = {
    cosine: "mean cosine of students' answers to the ground truth",
    inter: "inter-student variance",
    r2: "R² of student noise on teacher noise",
    noise: "average noise",
    systematic: "average systematic noise",
  };
  for (const r of result.rows) {
    const name = armName(r), paper = PAPER_TABLE1[name];
    if (!paper) continue;
    for (const [key, id, why] of paperCells) {
      const v = paper[key];
      if (v === null) continue;
      claims.push(claimNotTestable({
        section: "Table 1",
        id: `llm-${slug(name)}-${id}`,
        claim: `${name}: ${label[key]}`,
        paper: v,
        why: `level ${why}`,
      }));
    }
  }
  const tNote = `; SE widened so the normal test is a t test with ${S - 1} df`;
  const seOver = (measure: CorrectionComparison["measure"]) =>
    (measure === "inter-student variance"
      ? `${S} students, jackknife (leave one out of both arms)`
      : `${S} students, paired by data-order stream`) + tNote;
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
    const id = `llm-${slug(a)}-vs-${slug(b)}-${slug(measure)}`;
    if (!(cmp.diff.se > 0) || !Number.isFinite(cmp.diff.mean)) {
      claims.push(claimNotTestable({
        section: "7.3",
        id,
        claim,
        paper,
        why: `no SE across students for ${measure} (${S} students${
          measure === "inter-student variance" ? "; the jackknife needs 3" : ""
        }, or no spread)`,
      }));
      return;
    }
    claims.push(claimDirection({
      section: "7.3",
      id,
      claim,
      evidence: LLM_EVIDENCE.contrasts,
      paper,
      ours: cmp.diff.mean,
      se: tEquivalentSe(cmp.diff.mean, cmp.diff.se, S - 1),
      seOver: seOver(measure),
      direction,
    }));
  };
  const cos = (name: string) => PAPER_TABLE1[name]?.cosine ?? null;
  const vs = (a: string, b: string, word: string) => {
    const pa = cos(a), pb = cos(b);
    return pa !== null && pb !== null ? `${word} (${pa} vs ${pb})` : word;
  };
  test(
    "Single response",
    "Direct FT",
    "noise",
    "greater",
    "Single response's noise above Direct FT's (systematic noise > 0)",
    "0.678 vs 0.505 (systematic 0.173)",
  );
  test(
    "Single response",
    "Direct FT",
    "noise R²",
    "less",
    "Single response's noise R² below Direct FT's",
    "0.071 vs 0.151",
  );
  for (const k of result.config.ks) {
    const multi = `Multi-response k=${k}`, avg = `Averaging k=${k}`;
    const vw = `Variance-weighting k=${k}`;
    for (const a of [multi, avg, vw]) {
      test(
        a,
        "Single response",
        "cosine",
        "greater",
        `${a} raises the cosine to the truth over Single`,
        vs(a, "Single response", "higher"),
      );
    }
    for (const a of [avg, vw]) {
      test(
        a,
        multi,
        "cosine",
        "greater",
        `${a} above ${multi} at equal teacher cost (${k} calls; cosine)`,
        vs(a, multi, "higher"),
      );
    }
    test(
      vw,
      avg,
      "cosine",
      "greater",
      `variance-weighting yields the largest gains: ${vw} above ${avg} (cosine)`,
      vs(vw, avg, "largest and most consistent gains"),
    );
    for (const a of [avg, vw]) {
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
        vs(`${m} k=${hi}`, `${m} k=${lo}`, "higher"),
      );
    }
  }
  return claims;
}
