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
 * so a student is the same whatever the number of students. Arms share the
 * evaluation questions, so trends in T are tested paired over questions, and
 * across students from the arms' independent student means.
 *
 * @module
 */
import type { Scale } from "../config.ts";
import type { Chart } from "../plot/chart.ts";
import { hconcat } from "../plot/compose.ts";
import { density } from "../plot/density.ts";
import { lineBand } from "../plot/line_band.ts";
import { type Claim, claimVsNumber } from "../report/claims.ts";
import { type Table, table } from "../report/table.ts";
import { trainStudents } from "../llm/students.ts";
import { meanDimensionVariance } from "../llm/text_average.ts";
import { type MeanSe, meanSe } from "../llm/quality.ts";
import type { Embedding } from "../llm/text_average.ts";
import {
  alignment,
  hallucinationRates,
  type InterStudentVariance,
  interStudentVariance,
  LLM_UNIT_SECONDS,
  type LlmCohortConfig,
  type LlmSetup,
  PAPER_TEMPERATURES,
  promptNoise,
  sampleAnswers,
  slopeAcrossUnits,
  slopeOfMeans,
  type SlopeTest,
  trendClaim,
  type TwoWaySe,
} from "./llm_setup.ts";
import { sweep } from "./sweep.ts";
import type { RunOptions } from "./types.ts";

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
  /** Students per arm sampled for Table 2 and Appendix F. */
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
        noiseStudents: 1,
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
        noisePrompts: 60,
        noiseSamples: 10,
        noiseStudents: 1,
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
        noiseStudents: 1,
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
  pos("noiseStudents");
  pos("directStudents", 1);
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
  /** OLS slope of student noise on teacher noise across prompts. */
  slope: number;
  /** Its classical SE. */
  seSlope: number;
  /** R² of the regression. */
  r2: number;
  /** The student's average noise over prompts, SE across prompts. */
  average: MeanSe;
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
  /** Per prompt: 1 when the student's embedding variance is below the teacher's (averaged over sampled students). */
  narrower: number[];
  /** Table 2: share of prompts where the student is narrower, SE across prompts. */
  share: MeanSe;
  /** Appendix F's regression and average noise. */
  transfer: NoiseTransfer;
  /** Systematic noise: student minus Direct-FT noise per prompt, mean and SE across prompts. */
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
    /** Systematic noise (student noise per prompt; Direct FT cancels), paired over prompts. */
    systematic: SlopeTest;
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
): Omit<NoiseTransfer, "average"> {
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
    const studentNoise = prompts.map((_, q) =>
      sampleEmb.reduce((a, e) => a + promptNoise([e[q]]).perQuestion[0], 0) / sampleEmb.length
    );
    const tNoise = await teacherNoise(T);
    const transfer = { ...noiseRegression(tNoise, studentNoise), average: meanSe(studentNoise) };
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
    const narrower = prompts.map((_, q) =>
      sampleEmb.reduce((a, e) => a + (meanDimensionVariance(e[q]) < tVar[q] ? 1 : 0), 0) /
      sampleEmb.length
    );
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
      share: meanSe(narrower),
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
    return [{
      ...arm,
      systematic: meanSe(arm.studentNoise.map((x, q) => x - direct.studentNoise[q])),
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
    systematic: slopeAcrossUnits(Ts, byQ((a) => a.studentNoise)),
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
 * (null for Direct FT), with all-MiniLM-L6-v2 embeddings.
 *
 * @category Section 4: teacher output uncertainty
 */
export const PAPER_TABLE5: readonly {
  arm: string;
  temperature: number | null;
  slope: number;
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
  { arm: "T = 2.0", temperature: 2.0, slope: 0.152, r2: 0.056, average: 0.686, systematic: 0.181 },
];

/** The SE used for a trend's verdict: the larger of the two (questions, students). */
export function conservativeTrend(t: { questions: SlopeTest; students: SlopeTest }): SlopeTest {
  return t.students.se > t.questions.se || !isFinite(t.questions.se) ? t.students : t.questions;
}

/**
 * The language-model claims of Section 4.3, Appendix C and Appendix F.
 * Trends are z-tests of the slope in T with the larger of the two SEs
 * (paired over questions; from the arms' student SEs): "decreases" needs
 * z <= −2, "flat" |z| < 2, "rises" z >= 2. Table 2 is reproduced when our
 * share pooled over T is within 2 SE of the paper's 100%.
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTemperatureClaims(r: LlmTemperatureResult): Claim[] {
  const al = conservativeTrend(r.trends.alignment), iv = conservativeTrend(r.trends.inter);
  const pooled = meanSe(r.arms.flatMap((a) => a.narrower));
  const t1 = r.arms.find((a) => a.temperature === 1) ?? r.arms[0];
  const claims: Claim[] = [
    trendClaim({
      section: "4.3, Fig. 4a",
      id: "llm-alignment",
      claim: "LLM students: alignment with the teacher decreases mildly with T (slope per unit T)",
      paper: "decreasing",
      ours: al.slope,
      se: al.se,
      direction: "less",
    }),
    trendClaim({
      section: "4.3, Fig. 4b",
      id: "llm-inter-flat",
      claim: "LLM students: inter-student variance flat in T (slope per unit T)",
      paper: "flat",
      ours: iv.slope,
      se: iv.se,
      direction: "zero",
    }),
    claimVsNumber({
      section: "App. C, Table 2",
      id: "llm-narrower",
      claim: "Share of prompts where the student's embedding variance is below the teacher's " +
        "(pooled over T)",
      paper: 1,
      ours: pooled.mean,
      se: pooled.se,
    }),
    trendClaim({
      section: "App. F, Table 5",
      id: "appf-systematic-rises",
      claim:
        "Systematic noise (student − Direct FT) rises with T (slope per unit T, paired over prompts)",
      paper: "rises",
      ours: r.trends.systematic.slope,
      se: r.trends.systematic.se,
      direction: "greater",
    }),
    trendClaim({
      section: "App. F, Table 5",
      id: "appf-transfer",
      claim:
        `Student noise tracks teacher noise across prompts (regression slope, T = ${t1.temperature})`,
      paper: PAPER_TABLE5.find((p) => p.temperature === 1)!.slope,
      ours: t1.transfer.slope,
      se: t1.transfer.seSlope,
      direction: "greater",
    }),
    trendClaim({
      section: "App. F, Table 5",
      id: "appf-systematic-positive",
      claim: `Systematic noise positive: students noisier than Direct FT (T = ${t1.temperature})`,
      paper: PAPER_TABLE5.find((p) => p.temperature === 1)!.systematic,
      ours: t1.systematic.mean,
      se: t1.systematic.se,
      direction: "greater",
    }),
  ];
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
 * Appendix C Table 2 rebuilt, with the paper's shares.
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
      { name: "se", label: "SE", digits: 1 },
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
      `${c.noiseStudents} student(s) per T; variance per dimension averaged over dimensions; SE ` +
      `across prompts. Paper: 1,000 samples per prompt.`,
  });
}

/**
 * Appendix F Table 5 rebuilt: slope, R², average and systematic noise per
 * arm, ours with SEs beside the paper's.
 *
 * @category Section 4: teacher output uncertainty
 */
export function llmTable5(r: LlmTemperatureResult): Table {
  const paper = (t: number | null) => PAPER_TABLE5.find((p) => p.temperature === t);
  const rows = [
    {
      arm: `Direct FT (T = ${r.config.directTemperature})`,
      slope: r.direct.transfer.slope,
      seSlope: r.direct.transfer.seSlope,
      r2: r.direct.transfer.r2,
      average: r.direct.transfer.average.mean,
      seAverage: r.direct.transfer.average.se,
      systematic: null,
      seSystematic: null,
      p: paper(null),
    },
    ...r.arms.map((a) => ({
      arm: `T = ${a.temperature}`,
      slope: a.transfer.slope,
      seSlope: a.transfer.seSlope,
      r2: a.transfer.r2,
      average: a.transfer.average.mean,
      seAverage: a.transfer.average.se,
      systematic: a.systematic.mean,
      seSystematic: a.systematic.se,
      p: paper(a.temperature),
    })),
  ].map(({ p, ...row }) => ({
    ...row,
    paperSlope: p?.slope ?? null,
    paperR2: p?.r2 ?? null,
    paperAverage: p?.average ?? null,
    paperSystematic: p?.systematic ?? null,
  }));
  return table({
    columns: [
      { name: "arm", label: "Arm" },
      { name: "slope", label: "Slope", digits: 3 },
      { name: "seSlope", label: "SE", digits: 3 },
      { name: "paperSlope", label: "Paper", digits: 3 },
      { name: "r2", label: "R²", digits: 3 },
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
    note: `Regression of student noise on teacher noise across ${r.config.noisePrompts} prompts; ` +
      "systematic = student − Direct-FT noise, paired over prompts; SEs across prompts. Our " +
      "embedder is the Universal Sentence Encoder, the paper's all-MiniLM-L6-v2: absolute noise " +
      "levels are on different scales.",
  });
}
