/**
 * Section 4.3, Appendix C and Appendix F with language models
 * (docs/protocols.md, "4.3" and "Appendix F"): students from one pre-trained
 * base, each fine-tuned on its own sampled teacher answer per training
 * question, at each teacher temperature T; then
 *
 * - Figure 4a/4b: alignment (mean cosine of teacher and student greedy
 *   answers) and inter-student variance of the answer embeddings against T;
 * - Figure 4c: the predictive distribution of one prompt, teacher against one
 *   student, projected on the first principal component;
 * - Table 2: the share of prompts whose student embedding variance (of
 *   sampled answers) is below the teacher's;
 * - Table 5 (Appendix F): per prompt, the noise (mean pairwise cosine
 *   distance of sampled answers) of student and teacher; the regression of
 *   student noise on teacher noise (slope, R²), the average noise, and the
 *   systematic noise (student minus a Direct-FT student fine-tuned on the
 *   ground truth);
 * - beyond the paper: hallucination rates of teacher and students.
 *
 * Every student s at every T draws its training answers from its own stream
 * (draw s of `teacherAnswers`), and its data order from `seed + 5`'s child s,
 * so a student is the same whatever the number of students. Every SE behind a
 * verdict is over students (the independent unit): Table 2 and Appendix F
 * are computed per sampled student and then averaged, and trends in T are the
 * slope of the arms' means with the SEs of their own students. The slopes
 * paired over the shared evaluation questions are kept for reference.
 *
 * @module
 */
import type { Scale } from "../config.ts";
import type { Chart } from "../plot/chart.ts";
import { hconcat } from "../plot/compose.ts";
import { density } from "../plot/density.ts";
import { lineBand } from "../plot/line_band.ts";
import {
  type Claim,
  claimDirection,
  claimMatches,
  claimNoEffect,
  claimNotTestable,
  type ClaimText,
} from "../report/claims.ts";
import { type Table, table } from "../report/table.ts";
import { trainStudents } from "../llm/students.ts";
import { meanDimensionVariance } from "../uncertainty/text/text_average.ts";
import { type MeanSe, meanSe } from "../uncertainty/unit_se.ts";
import type { Embedding } from "../uncertainty/text/text_average.ts";
import {
  alignment,
  type AnswerInterStudentVariance as InterStudentVariance,
  answerInterStudentVariance as interStudentVariance,
  hallucinationRates,
  promptNoise,
} from "../uncertainty/text/answers.ts";
import {
  LLM_UNIT_SECONDS,
  type LlmCohortConfig,
  type LlmSetup,
  PAPER_TEMPERATURES,
  sampleAnswers,
} from "../../notebooks/llm_setup.ts";
import {
  slopeAcrossUnits,
  slopeOfMeans,
  type SlopeTest,
  type TwoWaySe,
} from "../uncertainty/unit_se.ts";
import { sweep } from "../../tools/sweep.ts";
import type { RunOptions } from "../../tools/sweep.ts";

/**
 * Counts of the temperature experiment (structure fixed; counts per scale).
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LlmTemperatureConfig extends LlmCohortConfig {
  /** Teacher temperatures (the paper's six). */
  temperatures: number[];
  /** Prompts (the first eval questions) for Table 2 and Appendix F. */
  noisePrompts: number;
  /** Sampled answers per prompt and model for Table 2 and Appendix F (paper 10). */
  noiseSamples: number;
  /** Students per arm sampled for Table 2 and Appendix F (at least 2: their SEs are over students). */
  noiseStudents: number;
  /** Direct-FT students (fine-tuned on the ground truth) for Appendix F's baseline. */
  directStudents: number;
  /** The temperature Direct-FT students are sampled at (and their teacher noise reference). */
  directTemperature: number;
  /** Samples per model for Figure 4c's predictive distribution (paper 1,000). */
  predictiveSamples: number;
  /** The temperature of Figure 4c. */
  predictiveTemperature: number;
}

/**
 * The configuration at a scale. `default` (the paper's 10 students per
 * temperature and 3 epochs, on 400 training questions) fits both notebooks'
 * (04 and 05) language-model parts in about 8.5 minutes on a quiet 2-core
 * machine with the native engine (the budget is 12); `paper` runs the paper's
 * counts (about an hour here).
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTemperatureConfig(scale: Scale = "default"): LlmTemperatureConfig {
  const base = {
    scale,
    seed: 4300,
    temperatures: [...PAPER_TEMPERATURES],
    batchSize: 10,
    directTemperature: 1.0,
    predictiveTemperature: 1.0,
  };
  switch (scale) {
    case "smoke":
      return {
        ...base,
        students: 3,
        trainQuestions: 12,
        evalQuestions: 10,
        epochs: 1,
        learningRate: 1e-3,
        noisePrompts: 6,
        noiseSamples: 4,
        noiseStudents: 2,
        directStudents: 2,
        predictiveSamples: 16,
      };
    case "default":
      return {
        ...base,
        students: 10,
        trainQuestions: 400,
        evalQuestions: 200,
        epochs: 3,
        learningRate: 1e-3,
        // 5 sampled students per T over 24 prompts: SEs over students, at the cost of the
        // former 1 student over 60 prompts (llmTemperatureSeconds: 332 s against 334 s).
        noisePrompts: 24,
        noiseSamples: 10,
        noiseStudents: 5,
        directStudents: 5,
        predictiveSamples: 300,
      };
    case "paper":
      return {
        ...base,
        students: 10,
        trainQuestions: 3989,
        evalQuestions: 443,
        epochs: 3,
        learningRate: 5e-4,
        noisePrompts: 443,
        noiseSamples: 10,
        noiseStudents: 10,
        directStudents: 10,
        predictiveSamples: 1000,
      };
    default:
      throw new RangeError(
        `llmTemperatureConfig: scale must be smoke, default or paper; got "${scale}".`,
      );
  }
}

/**
 * Expected seconds of {@link runLlmTemperature} on a quiet machine, from the
 * counts and {@link LLM_UNIT_SECONDS} (an estimate to print before a long run).
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTemperatureSeconds(c: LlmTemperatureConfig): number {
  const T = c.temperatures.length, models = T * c.students + c.directStudents;
  const PK = c.noisePrompts * c.noiseSamples;
  const samples = T * c.students * c.trainQuestions + T * PK * (1 + c.noiseStudents) +
    c.directStudents * PK + T * c.evalQuestions + 2 * c.predictiveSamples;
  const greedy = (1 + models) * c.evalQuestions;
  const embeds = (2 + models + T) * c.evalQuestions + T * PK * (1 + c.noiseStudents) +
    c.directStudents * PK + 2 * c.predictiveSamples;
  const u = LLM_UNIT_SECONDS;
  return models * c.trainQuestions * c.epochs * u.pairEpoch + samples * u.sample +
    greedy * u.greedy + embeds * u.embed;
}

/**
 * Check a configuration against a setup, with named errors before any work.
 *
 * @throws RangeError naming the first bad count.
 */
function checkConfig(c: LlmTemperatureConfig, setup: LlmSetup): void {
  const fn = "runLlmTemperature";
  const pos = (k: keyof LlmTemperatureConfig, min = 1) => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(`${fn}: config.${k} must be an integer >= ${min}, got ${v}.`);
    }
  };
  pos("students", 2);
  pos("trainQuestions");
  pos("evalQuestions", 2);
  pos("epochs");
  pos("batchSize");
  pos("noisePrompts", 3);
  pos("noiseSamples", 2);
  pos("noiseStudents", 2);
  pos("directStudents", 2);
  pos("predictiveSamples", 2);
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
  if (c.temperatures.length < 2 || !c.temperatures.every((t) => t > 0 && isFinite(t))) {
    throw new RangeError(`${fn}: config.temperatures needs at least 2 temperatures > 0.`);
  }
  if (!c.temperatures.includes(c.predictiveTemperature)) {
    throw new RangeError(
      `${fn}: config.predictiveTemperature (${c.predictiveTemperature}) must be one of config.temperatures.`,
    );
  }
  if (!(c.directTemperature > 0 && isFinite(c.directTemperature))) {
    throw new RangeError(`${fn}: config.directTemperature must be a finite number > 0.`);
  }
  if (c.noiseStudents > c.students) {
    throw new RangeError(`${fn}: config.noiseStudents (${c.noiseStudents}) exceeds students.`);
  }
  if (c.noisePrompts > c.evalQuestions) {
    throw new RangeError(`${fn}: config.noisePrompts must not exceed evalQuestions.`);
  }
  if (c.trainQuestions > setup.qa.train.length) {
    throw new RangeError(
      `${fn}: config.trainQuestions (${c.trainQuestions}) exceeds the ${setup.qa.train.length} training pairs.`,
    );
  }
  if (c.evalQuestions > setup.qa.test.length) {
    throw new RangeError(
      `${fn}: config.evalQuestions (${c.evalQuestions}) exceeds the ${setup.qa.test.length} test pairs.`,
    );
  }
  if (!(c.learningRate > 0)) throw new RangeError(`${fn}: config.learningRate must be > 0.`);
}

/**
 * Appendix F's noise transfer of one arm: the regression across prompts of
 * student noise on teacher noise.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface NoiseTransfer {
  /** OLS slope of student noise on teacher noise across prompts, mean over the sampled students. */
  slope: number;
  /** Its SE over the sampled students (each student's own regression). */
  seSlope: number;
  /** R² of the regression, mean over the sampled students. */
  r2: number;
  /** Its SE over the sampled students. */
  seR2: number;
  /** A student's average noise over prompts: mean and SE over the sampled students. */
  average: MeanSe;
  /** Each sampled student's regression and average noise. */
  perStudent: { slope: number; seSlope: number; r2: number; average: number }[];
}

/**
 * Appendix F per student, then over students: each sampled student's
 * regression of its noise on the teacher's across prompts and its average
 * noise; means and SEs over the students (the independent unit).
 *
 * @category Section 4: teacher output uncertainty
 */
export function noiseTransfer(
  teacherNoise: readonly number[],
  perStudentNoise: readonly (readonly number[])[],
): NoiseTransfer {
  const perStudent = perStudentNoise.map((y) => ({
    ...noiseRegression(teacherNoise, y),
    average: y.reduce((a, b) => a + b, 0) / y.length,
  }));
  const slope = meanSe(perStudent.map((p) => p.slope));
  const r2 = meanSe(perStudent.map((p) => p.r2));
  return {
    slope: slope.mean,
    seSlope: slope.se,
    r2: r2.mean,
    seR2: r2.se,
    average: meanSe(perStudent.map((p) => p.average)),
    perStudent,
  };
}

/**
 * One arm (one teacher temperature) of the experiment.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LlmTemperatureArm {
  /** The teacher's sampling temperature. */
  temperature: number;
  /** Student greedy answers against the teacher's greedy answers. */
  alignment: TwoWaySe;
  /** Inter-student variance of the greedy answer embeddings. */
  inter: InterStudentVariance;
  /** Hallucination rate of the students' greedy answers. */
  studentHallucination: TwoWaySe;
  /** Hallucination rate of the teacher's answers sampled at this temperature. */
  teacherHallucination: TwoWaySe;
  /** Final-epoch training loss across students. */
  trainLoss: MeanSe;
  /** Per prompt: the teacher's noise (mean pairwise cosine distance of its samples). */
  teacherNoise: number[];
  /** Per prompt: the students' noise (averaged over the sampled students). */
  studentNoise: number[];
  /** Per prompt: the share of sampled students whose embedding variance is below the teacher's. */
  narrower: number[];
  /** Table 2: each sampled student's share of prompts where it is narrower; mean and SE over students. */
  share: MeanSe;
  /** Appendix F's regression and average noise, per sampled student and over them. */
  transfer: NoiseTransfer;
  /**
   * Systematic noise: the students' average noise minus the Direct-FT students'; SE over both
   * cohorts' students (independent), hypot of the two SEs.
   */
  systematic: MeanSe;
  /** Examples: the first eval questions, the teacher's greedy and sampled answers, student 0's greedy answer. */
  examples: { question: string; teacherGreedy: string; teacherSample: string; student: string }[];
}

/**
 * What {@link runLlmTemperature} returns.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface LlmTemperatureResult {
  config: LlmTemperatureConfig;
  /** The models, split and embedder used. */
  description: string;
  /** Wall seconds of the run. */
  seconds: number;
  /** One arm per temperature, in order. */
  arms: LlmTemperatureArm[];
  /** The teacher's greedy answers: hallucination rate. */
  teacherGreedyHallucination: TwoWaySe;
  /** Direct FT: students fine-tuned on the ground truth. */
  direct: {
    alignment: TwoWaySe;
    hallucination: TwoWaySe;
    trainLoss: MeanSe;
    studentNoise: number[];
    teacherNoise: number[];
    transfer: NoiseTransfer;
  };
  /** Figure 4c: projections on the first principal component of the pooled samples. */
  predictive: {
    prompt: string;
    temperature: number;
    teacher: number[];
    student: number[];
    /** Variance of each model's samples per dimension, averaged over dimensions. */
    teacherVariance: number;
    studentVariance: number;
  };
  /** Trend tests in T. */
  trends: {
    /** Alignment: paired over questions, and from the arms' student means. */
    alignment: { questions: SlopeTest; students: SlopeTest };
    /** Inter-student variance: paired over questions, and from the arms' jackknife SEs. */
    inter: { questions: SlopeTest; students: SlopeTest };
    /** Systematic noise (the arms' average noise; Direct FT cancels), SEs over students. */
    systematic: SlopeTest;
    /** Appendix F's regression slope across prompts, from the arms' student means and SEs. */
    transferSlope: SlopeTest;
    /** Appendix F's R², from the arms' student means and SEs. */
    transferR2: SlopeTest;
    /** Student hallucination, paired over questions. */
    studentHallucination: SlopeTest;
    /** Teacher hallucination, paired over questions. */
    teacherHallucination: SlopeTest;
  };
}

/**
 * Appendix F's regression across prompts: the OLS slope of `y` (student
 * noise) on `x` (teacher noise), its classical SE and R² (NaN when x is
 * constant).
 *
 * @category Section 4: teacher output uncertainty
 */
export function noiseRegression(
  x: readonly number[],
  y: readonly number[],
): { slope: number; seSlope: number; r2: number } {
  if (x.length !== y.length || x.length < 2) {
    throw new RangeError(
      `noiseRegression: x and y must hold the same number (>= 2) of values, got ${x.length} and ${y.length}.`,
    );
  }
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0) return { slope: NaN, seSlope: NaN, r2: NaN };
  const slope = sxy / sxx;
  const rss = Math.max(0, syy - slope * sxy);
  return {
    slope,
    seSlope: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN,
    r2: syy === 0 ? NaN : 1 - rss / syy,
  };
}

/**
 * Projections on the first principal component of the pooled rows (power
 * iteration from a fixed start, 100 steps; sign: the first group's mean
 * projection is >= 0).
 */
export function firstComponentScores(
  rows: readonly Embedding[],
): number[] {
  const n = rows.length, d = rows[0].length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  const c = rows.map((r) => Float64Array.from({ length: d }, (_, j) => r[j] - mean[j]));
  let v = Float64Array.from({ length: d }, (_, j) => 1 + ((j * 7919) % 13) / 13);
  for (let it = 0; it < 100; it++) {
    const w = new Float64Array(d);
    for (const r of c) {
      let p = 0;
      for (let j = 0; j < d; j++) p += r[j] * v[j];
      for (let j = 0; j < d; j++) w[j] += p * r[j];
    }
    const norm = Math.hypot(...w);
    if (norm === 0) break;
    v = w.map((x) => x / norm);
  }
  return c.map((r) => r.reduce((a, x, j) => a + x * v[j], 0));
}

/** An SE for slopeOfMeans: a non-finite one (degenerate students) becomes 0, flagged by the claims. */
function finiteSe(se: number): number {
  return Number.isFinite(se) ? se : 0;
}

/** Group a flat [q*k + i] list into k-sized groups. */
function groups<T>(xs: readonly T[], k: number): T[][] {
  return Array.from({ length: xs.length / k }, (_, q) => xs.slice(q * k, (q + 1) * k));
}

/**
 * Run the temperature experiment on a loaded setup (see {@link loadLlmSetup}).
 *
 * @throws RangeError for a bad configuration, before any work.
 *
 * @category Section 4: teacher output uncertainty
 */
export async function runLlmTemperature(
  config: LlmTemperatureConfig,
  setup: LlmSetup,
  options: RunOptions = {},
): Promise<LlmTemperatureResult> {
  checkConfig(config, setup);
  const t0 = performance.now();
  const c = config;
  const train = setup.qa.train.slice(0, c.trainQuestions);
  const trainQs = train.map((p) => p.question);
  const evalPairs = setup.qa.test.slice(0, c.evalQuestions);
  const evalQs = evalPairs.map((p) => p.question);
  const prompts = evalQs.slice(0, c.noisePrompts);
  const K = c.noiseSamples;
  const noiseList = prompts.flatMap((q) => Array(K).fill(q) as string[]);
  const max = setup.maxNewTokens;

  const truths = await setup.embed(evalPairs.map((p) => p.answer));
  const [teacherGreedy] = setup.teacherAnswers(evalQs, { temperature: 0 });
  const teacherGreedyEmb = await setup.embed(teacherGreedy);
  const teacherGreedyHallucination = hallucinationRates([teacherGreedyEmb], truths);

  type Item = { kind: "teacher"; temperature: number } | { kind: "direct" };
  const items: Item[] = [
    ...c.temperatures.map((temperature) => ({ kind: "teacher" as const, temperature })),
    { kind: "direct" },
  ];
  const teacherNoiseAt = new Map<number, number[]>();
  const teacherNoise = async (T: number) => {
    if (!teacherNoiseAt.has(T)) {
      const [s] = setup.teacherAnswers(noiseList, { temperature: T, seed: c.seed + 2 });
      teacherNoiseAt.set(T, promptNoise(groups(await setup.embed(s), K)).perQuestion);
    }
    return teacherNoiseAt.get(T)!;
  };
  const teacherVarAt = new Map<number, number[]>();
  // Figure 4c comes from the first arm at the predictive temperature; that step returns it.
  const predictiveArm = items.findIndex((it) =>
    it.kind === "teacher" && it.temperature === c.predictiveTemperature
  );

  // Student s's training pairs at T: draw s of the teacher's answers (blank answers dropped).
  const teacherPairs = (T: number, s: number) => {
    const [a] = setup.teacherAnswers(trainQs, { temperature: T, seed: c.seed, from: s });
    return trainQs.map((question, i) => ({ question, answer: a[i] }))
      .filter((p) => p.answer.trim() !== "");
  };
  const runArm = async (item: Item, index: number) => {
    const T = item.kind === "teacher" ? item.temperature : c.directTemperature;
    const jobs = Array.from(
      { length: item.kind === "teacher" ? c.students : c.directStudents },
      (_, s) => ({
        data: item.kind === "teacher" ? teacherPairs(T, s) : train,
      }),
    );
    const greedy: string[][] = [], samples: string[][] = [], losses: number[] = [];
    let predictiveStudent: string[] | undefined;
    const wantPredictive = index === predictiveArm;
    let predictive: LlmTemperatureResult["predictive"] | null = null;
    await trainStudents(setup.base, jobs, {
      seed: c.seed + 5,
      epochs: c.epochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      onStudent: (s, model, res) => {
        losses.push(res.epochLosses[res.epochLosses.length - 1]);
        [greedy[s]] = sampleAnswers(model, evalQs, { temperature: 0, maxNewTokens: max });
        if (s < (item.kind === "teacher" ? c.noiseStudents : c.directStudents)) {
          [samples[s]] = sampleAnswers(model, noiseList, {
            temperature: T,
            seed: c.seed + 4,
            from: s,
            maxNewTokens: max,
          });
        }
        if (wantPredictive && s === 0) {
          [predictiveStudent] = sampleAnswers(
            model,
            Array(c.predictiveSamples).fill(prompts[0]),
            { temperature: T, seed: c.seed + 3, from: 1, maxNewTokens: max },
          );
        }
      },
    });
    const greedyEmb = await Promise.all(greedy.map((g) => setup.embed(g)));
    const sampleEmb = await Promise.all(samples.map(async (g) => groups(await setup.embed(g), K)));
    const noiseOf = sampleEmb.map((e) => prompts.map((_, q) => promptNoise([e[q]]).perQuestion[0]));
    const studentNoise = prompts.map((_, q) =>
      noiseOf.reduce((a, n) => a + n[q], 0) / noiseOf.length
    );
    const tNoise = await teacherNoise(T);
    const transfer = noiseTransfer(tNoise, noiseOf);
    const common = {
      alignment: alignment(teacherGreedyEmb, greedyEmb),
      trainLoss: meanSe(losses),
      studentNoise,
      teacherNoise: tNoise,
      transfer,
    };
    if (item.kind === "direct") {
      return {
        kind: "direct" as const,
        ...common,
        hallucination: hallucinationRates(greedyEmb, truths),
      };
    }
    if (!teacherVarAt.has(T)) {
      const [s] = setup.teacherAnswers(noiseList, { temperature: T, seed: c.seed + 2 });
      teacherVarAt.set(T, groups(await setup.embed(s), K).map((g) => meanDimensionVariance(g)));
    }
    const tVar = teacherVarAt.get(T)!;
    const below = sampleEmb.map((e) =>
      prompts.map((_, q): number => (meanDimensionVariance(e[q]) < tVar[q] ? 1 : 0))
    );
    const narrower = prompts.map((_, q) => below.reduce((a, b) => a + b[q], 0) / below.length);
    const shareOf = below.map((b) => b.reduce((a, x) => a + x, 0) / b.length);
    const [teacherSampled] = setup.teacherAnswers(evalQs, { temperature: T, seed: c.seed + 1 });
    if (wantPredictive && predictiveStudent) {
      const [teacherPred] = setup.teacherAnswers(Array(c.predictiveSamples).fill(prompts[0]), {
        temperature: T,
        seed: c.seed + 3,
      });
      const te = await setup.embed(teacherPred), se = await setup.embed(predictiveStudent);
      const scores = firstComponentScores([...te, ...se]);
      let tp = scores.slice(0, te.length), sp = scores.slice(te.length);
      if (tp.reduce((a, b) => a + b, 0) < 0) [tp, sp] = [tp.map((x) => -x), sp.map((x) => -x)];
      predictive = {
        prompt: prompts[0],
        temperature: T,
        teacher: tp,
        student: sp,
        teacherVariance: meanDimensionVariance(te),
        studentVariance: meanDimensionVariance(se),
      };
    }
    return {
      kind: "teacher" as const,
      temperature: T,
      predictive,
      ...common,
      inter: interStudentVariance(greedyEmb),
      studentHallucination: hallucinationRates(greedyEmb, truths),
      teacherHallucination: hallucinationRates([await setup.embed(teacherSampled)], truths),
      narrower,
      share: meanSe(shareOf),
      examples: evalQs.slice(0, 3).map((question, i) => ({
        question,
        teacherGreedy: teacherGreedy[i],
        teacherSample: teacherSampled[i],
        student: greedy[0][i],
      })),
    };
  };

  const out = await sweep(items, runArm, {
    label: "teacher temperature",
    name: (it) => it.kind === "teacher" ? `T = ${it.temperature}` : "Direct FT",
    progress: options.progress,
  });
  const direct = out.find((o) => o.kind === "direct")!;
  const predictive =
    out.flatMap((o) => o.kind === "teacher" && o.predictive ? [o.predictive] : [])[0];
  const arms: LlmTemperatureArm[] = out.flatMap((o) => {
    if (o.kind !== "teacher") return [];
    const { kind: _k, predictive: _p, ...arm } = o;
    const d = direct.transfer.average;
    return [{
      ...arm,
      systematic: {
        mean: arm.transfer.average.mean - d.mean,
        se: Math.hypot(arm.transfer.average.se, d.se),
        n: arm.transfer.average.n,
      },
    }];
  });
  const Ts = arms.map((a) => a.temperature);
  const byQ = (f: (a: LlmTemperatureArm) => number[]) =>
    f(arms[0]).map((_, q) => arms.map((a) => f(a)[q]));
  const trends = {
    alignment: {
      questions: slopeAcrossUnits(Ts, byQ((a) => a.alignment.perQuestion)),
      students: slopeOfMeans(
        Ts,
        arms.map((a) => a.alignment.mean),
        arms.map((a) => a.alignment.seStudents),
      ),
    },
    inter: {
      questions: slopeAcrossUnits(Ts, byQ((a) => a.inter.perQuestion)),
      students: slopeOfMeans(
        Ts,
        arms.map((a) => a.inter.mean),
        arms.map((a) => a.inter.seStudents),
      ),
    },
    systematic: slopeOfMeans(
      Ts,
      arms.map((a) => a.transfer.average.mean),
      arms.map((a) => finiteSe(a.transfer.average.se)),
    ),
    transferSlope: slopeOfMeans(
      Ts,
      arms.map((a) => a.transfer.slope),
      arms.map((a) => finiteSe(a.transfer.seSlope)),
    ),
    transferR2: slopeOfMeans(
      Ts,
      arms.map((a) => a.transfer.r2),
      arms.map((a) => finiteSe(a.transfer.seR2)),
    ),
    studentHallucination: slopeAcrossUnits(Ts, byQ((a) => a.studentHallucination.perQuestion)),
    teacherHallucination: slopeAcrossUnits(Ts, byQ((a) => a.teacherHallucination.perQuestion)),
  };
  return {
    config,
    description: setup.description,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    arms,
    teacherGreedyHallucination,
    direct: {
      alignment: direct.alignment,
      hallucination: direct.hallucination,
      trainLoss: direct.trainLoss,
      studentNoise: direct.studentNoise,
      teacherNoise: direct.teacherNoise,
      transfer: direct.transfer,
    },
    predictive,
    trends,
  };
}

/**
 * Appendix C Table 2's shares (paper, percent): student embedding variance
 * below the teacher's, per temperature.
 *
 * @category Section 4: teacher output uncertainty
 */
export const PAPER_TABLE2: Readonly<Record<number, number>> = {
  0.5: 99.96,
  0.8: 99.98,
  1.0: 100,
  1.2: 100,
  1.5: 100,
  2.0: 100,
};

/**
 * Appendix F Table 5 (paper): slope, R², average noise, systematic noise
 * (null for Direct FT, and where the paper's value is not in our
 * transcription), with all-MiniLM-L6-v2 embeddings. Source:
 * /work/shared/PROTOCOLS.md "Appendix F" (Direct FT, T = 0.5, 1.0, 2.0);
 * the T = 1.2 row's R², average and systematic noise are Table 1's
 * Single-response row (PROTOCOLS.md "7.3": 0.071, 0.678, 0.173), which issue
 * 27 identifies as exactly Table 5's T = 1.2 row (its slope is not given).
 * The T = 0.8 and 1.5 rows are not in PROTOCOLS.md: no number is compared
 * there.
 *
 * @category Section 4: teacher output uncertainty
 */
export const PAPER_TABLE5: readonly {
  arm: string;
  temperature: number | null;
  slope: number | null;
  r2: number;
  average: number;
  systematic: number | null;
}[] = [
  {
    arm: "Direct FT",
    temperature: null,
    slope: 0.374,
    r2: 0.151,
    average: 0.505,
    systematic: null,
  },
  { arm: "T = 0.5", temperature: 0.5, slope: 0.204, r2: 0.095, average: 0.666, systematic: 0.161 },
  { arm: "T = 1.0", temperature: 1.0, slope: 0.182, r2: 0.079, average: 0.673, systematic: 0.168 },
  { arm: "T = 1.2", temperature: 1.2, slope: null, r2: 0.071, average: 0.678, systematic: 0.173 },
  { arm: "T = 2.0", temperature: 2.0, slope: 0.152, r2: 0.056, average: 0.686, systematic: 0.181 },
];

/** The SE used for a trend's verdict: the larger of the two (questions, students). */
export function conservativeTrend(t: { questions: SlopeTest; students: SlopeTest }): SlopeTest {
  return t.students.se > t.questions.se || !isFinite(t.questions.se) ? t.students : t.questions;
}

/**
 * Table 2's threshold: the paper's shares are 99.96-100%, so "students
 * narrower" is tested as a share of prompts shown above 95%.
 *
 * @category Section 4: teacher output uncertainty
 */
export const NARROWER_THRESHOLD = 0.95;

/**
 * The relative margin of Table 5's slope and R²: 50% of the paper's value.
 * Teacher, students, corpus and encoder are stand-ins; the question is the
 * strength of the noise transfer, not its digits.
 *
 * @category Section 4: teacher output uncertainty
 */
export const TABLE5_MARGIN = 0.5;

/**
 * The margin of "inter-student variance flat in T": the fitted change over
 * the paper's range of T (0.5 to 2.0) at most 20% of the mean level.
 *
 * @category Section 4: teacher output uncertainty
 */
export const FLAT_MARGIN = 0.2;

/** A claim, or `not testable here` when the run gives no usable SE (degenerate students). */
function orUntestable(
  text: ClaimText & { paper?: number | string | null },
  build: () => Claim,
): Claim {
  try {
    return build();
  } catch (e) {
    return claimNotTestable({
      ...text,
      why: `no SE over students at this scale (${(e as Error).message})`,
    });
  }
}

/**
 * The language-model claims of Section 4.3, Appendix C and Appendix F, each
 * by a rule that can go either way, SEs over students (the independent unit;
 * arms at different T have their own students):
 *
 * - Figure 4a: alignment decreases with T, one-sided on the slope of the
 *   arms' means (SEs over students).
 * - Figure 4b: inter-student variance flat in T, equivalence of the fitted
 *   change over T in [0.5, 2] to 0 within 20% of the level ({@link FLAT_MARGIN}).
 * - Table 2, per T: the share of prompts where a student is narrower than the
 *   teacher shown above 95% ({@link NARROWER_THRESHOLD}), SE over the sampled students.
 * - Table 5, every cell PROTOCOLS.md gives: slope and R² equivalent to the
 *   paper's within 50% ({@link TABLE5_MARGIN}); the absolute noise levels are
 *   not testable (another encoder), and their contrasts are tested instead:
 *   systematic noise > 0 at every T, rising with T; the slope > 0 at every T;
 *   slope and R² falling with T.
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTemperatureClaims(r: LlmTemperatureResult): Claim[] {
  const c = r.config;
  const ns = c.noiseStudents, nd = c.directStudents, arms = r.arms.length;
  const Ts = r.arms.map((a) => a.temperature);
  const span = Math.max(...Ts) - Math.min(...Ts);
  const overArms = `${c.students} students per T, ${arms} independent arms`;
  const overNoise = `${ns} sampled students per T, ${arms} independent arms`;
  const fig4 = "04_fig4ab_llm_temperature", t2 = "04_table2_llm_narrower";
  const t5 = "04_table5_noise_transfer";
  const claims: Claim[] = [];
  const add = (text: ClaimText & { paper?: number | string | null }, build: () => Claim) =>
    claims.push(orUntestable(text, build));

  const al = r.trends.alignment.students;
  const alText = {
    section: "4.3, Fig. 4a",
    id: "llm-alignment",
    claim: "LLM students: alignment with the teacher decreases mildly with T (slope per unit T)",
    paper: "decreasing",
    evidence: fig4,
  };
  add(alText, () =>
    claimDirection({
      ...alText,
      ours: al.slope,
      se: al.se,
      seOver: overArms,
      direction: "less",
    }));
  const iv = r.trends.inter.students;
  const level = r.arms.reduce((a, x) => a + x.inter.mean, 0) / arms;
  const ivText = {
    section: "4.3, Fig. 4b",
    id: "llm-inter-flat",
    claim: `LLM students: inter-student variance flat in T (ours: fitted change over T in ` +
      `[${Math.min(...Ts)}, ${Math.max(...Ts)}] / mean level)`,
    paper: "flat",
    evidence: fig4,
  };
  add(ivText, () =>
    claimNoEffect({
      ...ivText,
      ours: iv.slope * span / level,
      se: iv.se * span / level,
      seOver: `${c.students} students per T (jackknife), ${arms} independent arms`,
      margin: FLAT_MARGIN,
      marginWhy: "a change of 20% of the level over the range",
    }));
  for (const a of r.arms) {
    const paper = PAPER_TABLE2[a.temperature];
    const text = {
      section: "App. C, Table 2",
      id: `llm-narrower-T${a.temperature}`,
      claim: `T = ${a.temperature}: student's embedding variance below the teacher's on at least ` +
        `95% of prompts (ours: share − 0.95)`,
      paper: paper === undefined ? "narrower" : `${paper}%`,
      evidence: t2,
    };
    add(text, () =>
      claimDirection({
        ...text,
        ours: a.share.mean - NARROWER_THRESHOLD,
        se: a.share.se,
        seOver: `${ns} sampled students`,
        direction: "greater",
      }));
  }
  // Table 5, cell by cell where the paper gives a value.
  const rows = [
    {
      key: "direct",
      T: null as number | null,
      tr: r.direct.transfer,
      over: `${nd} Direct-FT students`,
    },
    ...r.arms.map((a) => ({
      key: `T${a.temperature}`,
      T: a.temperature as number | null,
      tr: a.transfer,
      over: `${ns} sampled students`,
    })),
  ];
  for (const row of rows) {
    const p = PAPER_TABLE5.find((x) => x.temperature === row.T);
    if (!p) continue;
    const arm = row.T === null ? `Direct FT (T = ${c.directTemperature})` : `T = ${row.T}`;
    for (
      const [col, paper, ours, se] of [
        ["slope", p.slope, row.tr.slope, row.tr.seSlope],
        ["r2", p.r2, row.tr.r2, row.tr.seR2],
      ] as const
    ) {
      if (paper === null) continue;
      const text = {
        section: "App. F, Table 5",
        id: `appf-${col}-${row.key}`,
        claim: `${arm}: ${col === "slope" ? "slope" : "R²"} of student noise on teacher noise ` +
          "across prompts",
        paper,
        evidence: t5,
      };
      add(text, () =>
        claimMatches({
          ...text,
          ours,
          se,
          seOver: row.over,
          margin: TABLE5_MARGIN * paper,
          marginWhy: "50% of the paper's value: stand-in models, corpus and encoder",
        }));
    }
  }
  const levels = (col: "average" | "systematic") =>
    PAPER_TABLE5.filter((p) => p[col] !== null).map((p) => `${p.arm} ${p[col]}`).join(", ");
  claims.push(claimNotTestable({
    section: "App. F, Table 5",
    id: "appf-average-levels",
    claim: "average noise per arm (mean pairwise cosine distance)",
    paper: levels("average"),
    why: "absolute noise is a distance in the encoder's space: ours is the Universal Sentence " +
      "Encoder, the paper's all-MiniLM-L6-v2; the contrasts below are tested instead",
  }));
  claims.push(claimNotTestable({
    section: "App. F, Table 5",
    id: "appf-systematic-levels",
    claim: "systematic noise per arm (student − Direct-FT average noise)",
    paper: levels("systematic"),
    why: "a difference of encoder-dependent distances (as above); its sign per T and its trend " +
      "in T are tested instead",
  }));
  for (const a of r.arms) {
    const p = PAPER_TABLE5.find((x) => x.temperature === a.temperature);
    const sysText = {
      section: "App. F, Table 5",
      id: `appf-systematic-positive-T${a.temperature}`,
      claim: `T = ${a.temperature}: systematic noise > 0, students noisier than Direct FT`,
      paper: p?.systematic ?? "> 0 (row not in PROTOCOLS.md)",
      evidence: t5,
    };
    add(sysText, () =>
      claimDirection({
        ...sysText,
        ours: a.systematic.mean,
        se: a.systematic.se,
        seOver: `${ns} sampled students and ${nd} Direct-FT students`,
        direction: "greater",
      }));
    const slText = {
      section: "App. F, Table 5",
      id: `appf-transfer-T${a.temperature}`,
      claim: `T = ${a.temperature}: student noise tracks teacher noise (slope > 0)`,
      paper: p?.slope ?? "> 0 (value not in PROTOCOLS.md)",
      evidence: t5,
    };
    add(slText, () =>
      claimDirection({
        ...slText,
        ours: a.transfer.slope,
        se: a.transfer.seSlope,
        seOver: `${ns} sampled students`,
        direction: "greater",
      }));
  }
  for (
    const [id, claim, t, direction] of [
      [
        "appf-systematic-rises",
        "Systematic noise rises with T (slope per unit T of the arms' average noise; " +
        "Direct FT cancels)",
        r.trends.systematic,
        "greater",
      ],
      [
        "appf-slope-falls",
        "The noise-transfer slope falls with T (paper: 0.204, 0.182, 0.152 at T = 0.5, 1, 2)",
        r.trends.transferSlope,
        "less",
      ],
      [
        "appf-r2-falls",
        "The noise-transfer R² falls with T (paper: 0.095, 0.079, 0.071, 0.056 at T = 0.5, 1, " +
        "1.2, 2)",
        r.trends.transferR2,
        "less",
      ],
    ] as const
  ) {
    const text = {
      section: "App. F, Table 5",
      id,
      claim,
      paper: direction === "greater" ? "rises" : "falls",
      evidence: t5,
    };
    add(
      text,
      () => claimDirection({ ...text, ours: t.slope, se: t.se, seOver: overNoise, direction }),
    );
  }
  return claims;
}

/**
 * Figure 4a/4b rebuilt: alignment and inter-student variance against T,
 * bands ±2 SE (across students), and the hallucination rates of teacher and
 * students (our addition).
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTemperatureFigure(r: LlmTemperatureResult): Chart {
  const rows = r.arms.map((a) => ({
    T: a.temperature,
    alignment: a.alignment.mean,
    alignmentBand: 2 * a.alignment.seStudents,
    inter: a.inter.mean,
    interBand: 2 * (isFinite(a.inter.seStudents) ? a.inter.seStudents : a.inter.seQuestions),
  }));
  const hall = r.arms.flatMap((a) => [
    {
      T: a.temperature,
      model: "students (greedy)",
      rate: a.studentHallucination.mean,
      band: 2 * a.studentHallucination.seQuestions,
    },
    {
      T: a.temperature,
      model: "teacher (sampled at T)",
      rate: a.teacherHallucination.mean,
      band: 2 * a.teacherHallucination.seQuestions,
    },
  ]);
  const frame = { x: "T", xTitle: "teacher temperature T", width: "column" } as const;
  return hconcat([
    lineBand(rows, {
      ...frame,
      y: "alignment",
      band: "alignmentBand",
      yTitle: "alignment (cosine)",
    }),
    lineBand(rows, { ...frame, y: "inter", band: "interBand", yTitle: "inter-student variance" }),
    lineBand(hall, {
      ...frame,
      y: "rate",
      band: "band",
      series: "model",
      yTitle: "hallucination rate",
    }),
  ], { width: "page" });
}

/**
 * Figure 4c rebuilt: the predictive distribution of one prompt, teacher
 * against one student, projected on the first principal component.
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmPredictiveFigure(r: LlmTemperatureResult): Chart {
  const rows = [
    ...r.predictive.teacher.map((x) => ({ pc1: x, model: "teacher" })),
    ...r.predictive.student.map((x) => ({ pc1: x, model: "student" })),
  ];
  return density(rows, {
    x: "pc1",
    series: "model",
    xTitle: "projection on the first principal component",
    yTitle: "density",
  });
}

/**
 * Appendix C Table 2 rebuilt, with the paper's shares; SE over the sampled students.
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTable2(r: LlmTemperatureResult): Table {
  const c = r.config;
  return table({
    columns: [
      { name: "T", label: "T", digits: 1 },
      { name: "paper", label: "Paper (%)", digits: 2 },
      { name: "ours", label: "Ours (%)", digits: 1 },
      { name: "se", label: "SE over students", digits: 1 },
    ],
    rows: r.arms.map((a) => ({
      T: a.temperature,
      paper: PAPER_TABLE2[a.temperature] ?? null,
      ours: 100 * a.share.mean,
      se: 100 * a.share.se,
    })),
    caption: "Appendix C Table 2: share of prompts where the student's embedding variance is " +
      "below the teacher's.",
    note: `${c.noisePrompts} prompts, ${c.noiseSamples} sampled answers per prompt and model, ` +
      `${c.noiseStudents} sampled students per T; variance per dimension averaged over ` +
      "dimensions. Ours: each student's share over the prompts, mean over the students; SE over " +
      "the students (the prompts of one student are not independent units). Paper: 1,000 " +
      "samples per prompt.",
  });
}

/**
 * Appendix F Table 5 rebuilt: slope, R², average and systematic noise per
 * arm, ours (means over the sampled students, SEs over them) beside the
 * paper's where PROTOCOLS.md gives them.
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTable5(r: LlmTemperatureResult): Table {
  const paper = (t: number | null) => PAPER_TABLE5.find((p) => p.temperature === t);
  const rows = [
    {
      arm: `Direct FT (T = ${r.config.directTemperature})`,
      students: r.config.directStudents,
      tr: r.direct.transfer,
      systematic: null,
      seSystematic: null,
      p: paper(null),
    },
    ...r.arms.map((a) => ({
      arm: `T = ${a.temperature}`,
      students: r.config.noiseStudents,
      tr: a.transfer,
      systematic: a.systematic.mean,
      seSystematic: a.systematic.se,
      p: paper(a.temperature),
    })),
  ].map(({ p, tr, ...row }) => ({
    ...row,
    slope: tr.slope,
    seSlope: tr.seSlope,
    r2: tr.r2,
    seR2: tr.seR2,
    average: tr.average.mean,
    seAverage: tr.average.se,
    paperSlope: p?.slope ?? null,
    paperR2: p?.r2 ?? null,
    paperAverage: p?.average ?? null,
    paperSystematic: p?.systematic ?? null,
  }));
  return table({
    columns: [
      { name: "arm", label: "Arm" },
      { name: "students", label: "Students" },
      { name: "slope", label: "Slope", digits: 3 },
      { name: "seSlope", label: "SE", digits: 3 },
      { name: "paperSlope", label: "Paper", digits: 3 },
      { name: "r2", label: "R²", digits: 3 },
      { name: "seR2", label: "SE", digits: 3 },
      { name: "paperR2", label: "Paper", digits: 3 },
      { name: "average", label: "Avg noise", digits: 3 },
      { name: "seAverage", label: "SE", digits: 3 },
      { name: "paperAverage", label: "Paper", digits: 3 },
      { name: "systematic", label: "Systematic", digits: 3 },
      { name: "seSystematic", label: "SE", digits: 3 },
      { name: "paperSystematic", label: "Paper", digits: 3 },
    ],
    rows,
    caption: "Appendix F Table 5: noise transfer from teacher to student (noise = mean pairwise " +
      "cosine distance of sampled answers per prompt).",
    note: `Each sampled student's regression of its noise on the teacher's across ` +
      `${r.config.noisePrompts} prompts, then the mean over the students; every SE is over the ` +
      "students of its arm (the unit), the systematic noise's over both the arm's and the " +
      "Direct-FT students. With few prompts R² is biased upward (about 1/(prompts − 1) with no " +
      "relation). Paper values from PROTOCOLS.md; its T = 1.2 row is Table 1's Single-response " +
      "row (no slope), its T = 0.8 and 1.5 rows are not transcribed. Our embedder is the " +
      "Universal Sentence Encoder, the paper's all-MiniLM-L6-v2: absolute noise levels are on " +
      "different scales.",
  });
}
