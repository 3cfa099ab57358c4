/**
 * The steps of notebook 06, Section 6.2 (Figure 10; docs/protocols.md, "6.2 LLMs"): students
 * fine-tuned on the same greedy teacher answers from the same initialisation, sampled at several
 * temperatures beside the teacher. Per model and test prompt, the embeddings of its sampled
 * answers give a mean μ and a per-dimension variance v. No figure, table, claim or prose: the
 * notebook's cells build those from a run here or a merged shard run (`mergedOrRun`).
 *
 * On a deterministic CPU, students with the same data, data order and initialisation are
 * bit-identical (checked in every run, {@link identityStep}); the paper's spread comes from GPU
 * non-determinism and sampling. So the students here differ in one thing at a time: the
 * **data-order** arm (S students, each its own order of the same pairs, all sampled with one
 * seed) and the **sampling-seed** arm (student 0 sampled with S seeds). The untrained student
 * base, sampled the same way, is the floor of the alignment.
 *
 * @module
 */
import { byScale, type Scale } from "../lib/config.ts";
import { generateAnswersDetailed } from "../lib/llm/generate.ts";
import { type GptModel, gptValues } from "../lib/llm/model.ts";
import { Rng } from "../lib/random.ts";
import { trainStudents } from "../lib/llm/students.ts";
import type { QaPair } from "../lib/llm/qa.ts";
import { cosine, type Embedding } from "../lib/uncertainty/text/text_average.ts";
import { type MeanSe, meanSe } from "../lib/uncertainty/unit_se.ts";
import {
  type AnswerInterStudentVariance,
  answerInterStudentVariance,
} from "../lib/uncertainty/text/answers.ts";
import {
  LLM_UNIT_SECONDS,
  type LlmSetup,
  PAPER_SAMPLING,
  PAPER_TEMPERATURES,
} from "./llm_setup.ts";
import { sweep } from "../tools/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../tools/sweep.ts";

/** A sharded run's merged result, or the sweep run here (tools/merged.ts). */
export { mergedOrRun } from "../tools/merged.ts";

/** Options of {@link sampleDraws}. */
export interface SampleDrawsOptions {
  /** Sampling temperature (> 0). */
  temperature: number;
  /** Root seed of the draws. */
  seed: number;
  /** Answers per question. */
  draws: number;
  /** Most new tokens per answer (default 48). */
  maxNewTokens?: number;
}

/**
 * A model's sampled answers `[draw][question]`, with the paper's top-k 50 and repetition
 * penalty 1.2, generated in one batched call: row `d · Q + q` (draw d of question q) draws from
 * stream `new Rng(seed).child(round(1000 T)).child(d · Q + q)`, so the answers do not depend on
 * the batch size. The same draws as `sampleAnswers` would need one call per draw, each a batch
 * of only Q rows; batching the draws makes many answers to few prompts affordable.
 *
 * @throws RangeError for no questions or a bad temperature, seed or number of draws.
 */
export function sampleDraws(
  model: GptModel,
  questions: readonly string[],
  options: SampleDrawsOptions,
): string[][] {
  const { temperature: T, seed, draws } = options;
  if (questions.length === 0) {
    throw new RangeError("sampleDraws: questions is empty; pass at least one question.");
  }
  if (!(T > 0 && isFinite(T))) {
    throw new RangeError(`sampleDraws: temperature must be a finite number > 0, got ${T}.`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`sampleDraws: seed must be an integer, got ${seed}.`);
  }
  if (!Number.isInteger(draws) || draws < 1) {
    throw new RangeError(`sampleDraws: draws must be a positive integer, got ${draws}.`);
  }
  const Q = questions.length;
  const rows = Array.from({ length: draws * Q }, (_, r) => questions[r % Q]);
  const texts = generateAnswersDetailed(model, rows, {
    temperature: T,
    ...PAPER_SAMPLING,
    seed: new Rng(seed).child(Math.round(1000 * T)),
    maxNewTokens: options.maxNewTokens ?? 48,
    batchSize: 64,
  }).map((r) => r.text);
  return Array.from({ length: draws }, (_, d) => texts.slice(d * Q, (d + 1) * Q));
}

// ---------------------------------------------------------------- settings

/** Counts of the Section 6.2 experiment (scale them, never the structure). */
export interface LlmConsistencyConfig extends ExperimentConfig {
  trainQuestions: number; // training questions whose greedy teacher answers every student learns
  students: number; // students per arm (the paper: 20)
  prompts: number; // test prompts the models are sampled on (the first n test questions)
  samples: number; // sampled answers per model and prompt (the paper: 20)
  temperatures: number[]; // sampling temperatures of teacher and students
  epochs: number; // fine-tuning epochs (the paper: 3)
  batchSize: number; // (the paper: 10)
  learningRate: number; // peak learning rate (the paper's 5e-5 is for DistilGPT2)
  identityPairs: number; // pairs of the bit-identity check (one epoch, trained twice)
}

/**
 * The configuration at a scale. `paper`: the paper's 20 students and 20 samples per prompt at
 * its six temperatures (100 prompts, all 3,989 training questions); `default`: 20 samples per
 * prompt, 8 students, which keeps notebooks 06 and 07's language-model parts within about 8
 * minutes on a quiet 2-core machine with the native engine.
 */
export function llmConsistencyConfig(scale: Scale): LlmConsistencyConfig {
  const at = <T>(v: Record<Scale, T>) => byScale(v, scale);
  return {
    scale,
    seed: 62,
    trainQuestions: at({ smoke: 12, default: 400, paper: 3989 }),
    students: at({ smoke: 2, default: 8, paper: 20 }),
    prompts: at({ smoke: 4, default: 24, paper: 100 }),
    samples: at({ smoke: 3, default: 20, paper: 20 }),
    temperatures: at({ smoke: [1], default: [0.5, 1, 2], paper: [...PAPER_TEMPERATURES] }),
    epochs: at({ smoke: 1, default: 3, paper: 3 }),
    batchSize: 10,
    learningRate: 5e-4,
    identityPairs: at({ smoke: 4, default: 20, paper: 100 }),
  };
}

/** Seconds a run is expected to take on a quiet machine, from its counts (a rough guide). */
export function llmConsistencySeconds(c: LlmConsistencyConfig): number {
  const u = LLM_UNIT_SECONDS;
  const sampled = c.prompts * c.samples * c.temperatures.length * (2 * c.students + 1);
  const pairs = c.students * c.epochs * c.trainQuestions + 3 * c.identityPairs;
  return sampled * (u.sample + u.embed) + c.trainQuestions * u.greedy + pairs * u.pairEpoch;
}

function checkConfig(c: LlmConsistencyConfig, setup: LlmSetup): void {
  const fn = "runLlmConsistency";
  const pos = (name: keyof LlmConsistencyConfig, min = 1) => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${fn}: config.${name} must be an integer >= ${min}, got ${v}; start from ` +
          "llmConsistencyConfig(scale).",
      );
    }
  };
  for (const k of ["trainQuestions", "epochs", "batchSize", "identityPairs"] as const) pos(k);
  for (const k of ["students", "prompts", "samples"] as const) pos(k, 2);
  if (!(c.learningRate > 0)) {
    throw new RangeError(`${fn}: config.learningRate must be > 0, got ${c.learningRate}.`);
  }
  if (c.temperatures.length === 0 || !c.temperatures.every((t) => t > 0 && isFinite(t))) {
    throw new RangeError(
      `${fn}: config.temperatures must hold positive temperatures, got [${c.temperatures}].`,
    );
  }
  if (c.trainQuestions > setup.qa.train.length || c.prompts > setup.qa.test.length) {
    throw new RangeError(
      `${fn}: config asks for ${c.trainQuestions} training and ${c.prompts} test questions; ` +
        `the corpus has ${setup.qa.train.length} and ${setup.qa.test.length}.`,
    );
  }
}

// ---------------------------------------------------------------- steps

/** What differs between the students of an arm. */
export type ConsistencyArm = "data order" | "sampling seed";

/** Per prompt: the mean embedding and the per-dimension variance (n − 1) of its samples. */
function moments(samples: readonly Embedding[]): { mu: Float64Array; v: number } {
  const n = samples.length, d = samples[0].length;
  const mu = new Float64Array(d);
  for (const x of samples) for (let j = 0; j < d; j++) mu[j] += x[j] / n;
  let s = 0;
  for (const x of samples) for (let j = 0; j < d; j++) s += (x[j] - mu[j]) ** 2;
  return { mu, v: s / ((n - 1) * d) };
}

/** The moments of a model's draws `[draw][prompt]`, per prompt. */
async function modelMoments(setup: LlmSetup, draws: string[][]) {
  const P = draws[0].length;
  const flat = await setup.embed(draws.flat());
  return Array.from({ length: P }, (_, p) => moments(draws.map((_, d) => flat[d * P + p])));
}

type Moments = Awaited<ReturnType<typeof modelMoments>>;

/** What every step shares: the prompts, the training pairs and a sampler of m answers each. */
export function consistencyContext(config: LlmConsistencyConfig, setup: LlmSetup) {
  const c = config;
  const trainQs = setup.qa.train.slice(0, c.trainQuestions).map((p) => p.question);
  const prompts = setup.qa.test.slice(0, c.prompts).map((p) => p.question);
  const [greedy] = setup.teacherAnswers(trainQs, { temperature: 0 });
  const data: QaPair[] = trainQs.map((q, i) => ({ question: q, answer: greedy[i] }));
  const sampleSeed = c.seed + 1;
  // Draws m·g .. m·(g+1) − 1 of a model are its g-th set of m answers per prompt.
  const draw = (model: GptModel, T: number, sets = 1, seed = sampleSeed) =>
    sampleDraws(model, prompts, {
      temperature: T,
      seed,
      draws: c.samples * sets,
      maxNewTokens: setup.maxNewTokens,
    });
  return { config, setup, prompts, data, sampleSeed, draw };
}

type Context = ReturnType<typeof consistencyContext>;

/** Count the numbers that differ between two models' parameters. */
function differing(a: Map<string, Float32Array>, b: Map<string, Float32Array>) {
  let n = 0, total = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    total += x.length;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  }
  return { n, total };
}

/**
 * The bit-identity check: one student trained twice (one epoch) with the same data, order and
 * initialisation, and once with another data order: the numbers that differ in each case.
 */
export async function identityStep(x: Context) {
  const c = x.config, few = x.data.slice(0, Math.min(c.identityPairs, x.data.length));
  const trained: Map<string, Float32Array>[] = [];
  for (const [from, to] of [[0, 1], [0, 1], [1, 2]]) {
    await trainStudents(x.setup.base, [{ data: few }, { data: few }], {
      ...{ seed: c.seed, epochs: 1, batchSize: c.batchSize, learningRate: c.learningRate },
      ...{ from, to },
      onStudent: (_s, m) => {
        trained.push(gptValues(m));
      },
    });
  }
  const same = differing(trained[0], trained[1]), other = differing(trained[0], trained[2]);
  return {
    pairs: few.length,
    parameters: same.total,
    differingSameOrder: same.n,
    differingOtherOrder: other.n,
  };
}

/** The bit-identity check's counts. */
export type IdentityCheck = Awaited<ReturnType<typeof identityStep>>;

/**
 * Student s of the data-order arm: trained on its own order (stream s), then sampled at every
 * temperature; student 0 draws S sets of m answers (set 0 is the data-order arm's, the same rows
 * and streams; the others are the sampling-seed arm). Its final loss and moments per set and T.
 */
export async function studentStep(x: Context, s: number) {
  const c = x.config, jobs = Array.from({ length: c.students }, () => ({ data: x.data }));
  let loss = NaN;
  let per: Moments[][] = [];
  await trainStudents(x.setup.base, jobs, {
    ...{ seed: c.seed, epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate },
    ...{ from: s, to: s + 1 },
    onStudent: async (_i, model, result) => {
      loss = result.epochLosses[result.epochLosses.length - 1];
      const sets = s === 0 ? c.students : 1;
      per = Array.from({ length: sets }, () => []);
      for (const T of c.temperatures) {
        const all = x.draw(model, T, sets);
        for (let g = 0; g < sets; g++) {
          const mine = all.slice(g * c.samples, (g + 1) * c.samples);
          per[g].push(await modelMoments(x.setup, mine));
        }
      }
    },
  });
  return { loss, per };
}

/** Mean with SEs across students and across prompts. */
export interface TwoSe {
  mean: number;
  /** sd of the per-student values / √S. */
  seStudents: number;
  /** sd of the per-prompt values (averaged over students) / √P. */
  sePrompts: number;
}

function twoSe(m: number[][]): TwoSe {
  const S = m.length, P = m[0].length;
  const perStudent = m.map((r) => r.reduce((a, b) => a + b, 0) / P);
  const perPrompt = Array.from({ length: P }, (_, p) => m.reduce((a, r) => a + r[p], 0) / S);
  return {
    mean: meanSe(perStudent).mean,
    seStudents: meanSe(perStudent).se,
    sePrompts: meanSe(perPrompt).se,
  };
}

const perPromptMean = (m: number[][]) =>
  m[0].map((_, p) => m.reduce((a, r) => a + r[p], 0) / m.length);
const meanOver = (a: number[], P: number) => a.reduce((s, b) => s + b, 0) / P;

/** One student (or one sampling seed) at one temperature: means over prompts. */
export interface ConsistencyStudentRow {
  arm: ConsistencyArm;
  /** Student index (data-order arm) or seed index (sampling-seed arm). */
  student: number;
  temperature: number;
  /** cos(μ_S, μ_T); δ = (1/d) Σ_j (v_T,j − v_S,j); the student's (1/d) Σ_j v_S,j. */
  alignment: number;
  delta: number;
  variance: number;
}

/**
 * One arm at temperature `T` (the `ti`-th) from its models' moments `[model][T]` and the
 * teacher's: per model its row, and the arm's summary (alignment and δ with SEs across students
 * and prompts, the inter-student variance of μ_S, the teacher's per-answer variance, and the
 * alignment and δ per prompt averaged over the arm's models).
 */
function armAt(arm: ConsistencyArm, models: Moments[][], teacher: Moments, T: number, ti: number) {
  const P = teacher.length;
  const teacherVariance = teacher.reduce((a, x) => a + x.v, 0) / P;
  const al = models.map((m) => m[ti].map((x, p) => cosine(x.mu, teacher[p].mu)));
  const de = models.map((m) => m[ti].map((x, p) => teacher[p].v - x.v));
  const rows: ConsistencyStudentRow[] = models.map((m, s) => ({
    ...{ arm, student: s, temperature: T, alignment: meanOver(al[s], P) },
    ...{ delta: meanOver(de[s], P), variance: m[ti].reduce((a, x) => a + x.v, 0) / P },
  }));
  const summary = {
    ...{ arm, temperature: T, alignment: twoSe(al), delta: twoSe(de) },
    inter: answerInterStudentVariance(
      models.map((m) => m[ti].map((x) => x.mu)),
    ) as AnswerInterStudentVariance,
    teacherVariance,
    alignmentPerPrompt: perPromptMean(al),
    deltaPerPrompt: perPromptMean(de),
  };
  return { rows, summary };
}

/** One arm at one temperature (see {@link armAt}). */
export type ConsistencySummary = ReturnType<typeof armAt>["summary"];

/**
 * Run Section 6.2: the teacher's greedy answers to the training questions, the bit-identity
 * check, then three sweeps: the teacher and the untrained base sampled at every temperature,
 * and the students ({@link studentStep}); then the rows and summaries per arm and temperature.
 *
 * @throws RangeError for a bad configuration, before any work.
 */
export async function runLlmConsistency(
  config: LlmConsistencyConfig,
  setup: LlmSetup,
  options: RunOptions = {},
) {
  checkConfig(config, setup);
  const t0 = performance.now(), c = config, Ts = c.temperatures;
  const x = consistencyContext(config, setup);
  const identity = await identityStep(x);
  // The teacher draws from streams of its own (students and base share theirs: their comparison
  // is paired), so no alignment comes from shared randomness.
  const perT = (label: string, f: (T: number) => Promise<Moments>) =>
    sweep(Ts, f, { label, name: (T) => `T = ${T}`, progress: options.progress });
  const teacherM = await perT(
    "6.2 teacher samples",
    async (T) => await modelMoments(setup, x.draw(setup.teacher, T, 1, x.sampleSeed + 1)),
  );
  const baseM = await perT(
    "6.2 student base samples",
    async (T) => await modelMoments(setup, x.draw(setup.base, T)),
  );
  // Each step returns its student's loss and moments (nothing is pushed from inside), so the
  // sweep's steps can be recorded and replayed by a shard.
  const students = Array.from({ length: c.students }, (_, s) => s);
  const studentRuns = await sweep(students, (s) => studentStep(x, s), {
    label: "6.2 students",
    name: (s) => `student ${s}`,
    progress: options.progress,
  });
  const orderM = studentRuns.map((t) => t.per[0]); // [student][T]
  const seedM = studentRuns[0].per; // [seed][T]
  const arms = Ts.flatMap((T, ti) =>
    ([["data order", orderM], ["sampling seed", seedM]] as const)
      .map(([arm, models]) => armAt(arm, models, teacherM[ti], T, ti))
  );
  const baseAlignment = Ts.map((T, ti) => {
    const perPrompt = baseM[ti].map((b, p) => cosine(b.mu, teacherM[ti][p].mu));
    return { temperature: T, alignment: meanSe(perPrompt) as MeanSe, perPrompt };
  });
  return {
    ...{ config, setup: setup.description, identity },
    rows: arms.flatMap((a) => a.rows),
    summaries: arms.map((a) => a.summary),
    ...{ baseAlignment, losses: studentRuns.map((t) => t.loss) },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** What {@link runLlmConsistency} returns. */
export type LlmConsistencyResult = Awaited<ReturnType<typeof runLlmConsistency>>;

/**
 * A summary of an arm at a temperature.
 *
 * @throws RangeError when the run has no such arm or temperature.
 */
export function consistencySummary(
  result: LlmConsistencyResult,
  arm: ConsistencyArm,
  temperature: number,
): ConsistencySummary {
  const s = result.summaries.find((x) => x.arm === arm && x.temperature === temperature);
  if (!s) {
    throw new RangeError(
      `consistencySummary: no "${arm}" arm at T = ${temperature}; the run has T in ` +
        `{${result.config.temperatures.join(", ")}}.`,
    );
  }
  return s;
}
