/**
 * The language-model plumbing Sections 4.3, 5.1, 6.2, 7.3 and Appendix F
 * share (docs/protocols.md, "4.3", "5.1", "Appendix F"): the teacher, the
 * student base, the QA split and the sentence embedder in one object; the
 * teacher's answers per question at a temperature (seeded, cached in memory);
 * embeddings (a function of the list of texts alone, so a sharded run gets
 * a single run's bits); and the measures every language-model experiment
 * reports, as pure functions of embeddings so they are tested on constructed
 * vectors:
 *
 * - {@link alignment}: mean cosine between the teacher's and each student's
 *   answer to the same question (Section 4.3, Figure 4a);
 * - {@link interStudentVariance}: per question, the variance across students
 *   of the answer embedding per dimension, averaged over dimensions, then over
 *   questions (Figure 4b, Figure 6's LLM panel);
 * - {@link promptNoise}: per question, the mean pairwise cosine distance of
 *   several sampled answers (Appendix F's noise);
 * - {@link hallucinationRates}: per model, the share of answers nearer
 *   another question's true answer than their own (our addition);
 * - {@link pairedDifference}, {@link slopeAcrossUnits}, {@link slopeOfMeans}:
 *   SEs paired over shared questions and trend tests for "rises/falls with T".
 *
 * Shapes (layers, width, context) are read from the loaded models, never
 * assumed.
 *
 * @module
 */
import { Rng } from "../random.ts";
import type { ExperimentConfig } from "../../tools/sweep.ts";
import { useBackend } from "../llm/backend.ts";
import type { QaCorpus } from "../llm/corpus/qa.ts";
import { loadQaCorpus } from "../llm/corpus/qa.ts";
import type { Embedder } from "../llm/embed/embedder.ts";
import { loadUseEmbedder } from "../llm/embed/use.ts";
import { generateAnswersDetailed } from "../llm/generate.ts";
import { loadGpt } from "../llm/io.ts";
import { disposeGpt, type GptModel } from "../llm/model.ts";
import { cosine, type Embedding } from "../llm/text_average.ts";
import { hallucinationRate, meanPairwiseDistance, type MeanSe, meanSe } from "../llm/quality.ts";

/**
 * The paper's sampling settings besides the temperature (Section 4.3:
 * top-k 50, repetition penalty 1.2).
 *
 * @category Language-model experiments
 */
export const PAPER_SAMPLING = { topK: 50, repetitionPenalty: 1.2 } as const;

/**
 * The paper's teacher temperatures (Section 4.3, Figure 4, Appendix C Table 2).
 *
 * @category Language-model experiments
 */
export const PAPER_TEMPERATURES: readonly number[] = [0.5, 0.8, 1.0, 1.2, 1.5, 2.0];

/**
 * Wall seconds per unit of work on a quiet 2-core machine with the native
 * engine (lib/llm/native.ts, 2 threads), for the expected run time a notebook
 * prints before a long run. From bench/results/llm_bench_2026-12-01.txt:
 * fine-tuning one QA pair for one epoch (a 4x128 student epoch over 3,989
 * pairs takes 8.0 s), sampling one answer of the 4x256 teacher with the KV
 * cache (11.5 s for 4,430 answers), a greedy answer (14.0 s for the teacher's
 * 3,989 greedy training answers) and embedding one text (14.8 s per 10,000).
 * Estimates, not measurements of the run: the 4x128 students sample faster
 * than the teacher, and small batches and a loaded machine are slower. At the
 * default counts the notebooks' language-model cells took 298, 131, 102 and
 * 231 s (04, 05, 06, 07; 2026-12-01, this machine shared with one other job)
 * against estimates of 334, 173, 121 and 362 s.
 *
 * @category Language-model experiments
 */
export const LLM_UNIT_SECONDS = {
  pairEpoch: 0.002,
  sample: 0.0026,
  greedy: 0.0035,
  embed: 0.0015,
} as const;

/**
 * The cohort counts Sections 4.3 and 5.1 share: at each setting (a teacher
 * temperature, an initialization scale) `students` students are fine-tuned
 * on the teacher's answers and answer held-out questions greedily.
 *
 * @category Language-model experiments
 */
export interface LlmCohortConfig extends ExperimentConfig {
  /** Students per setting (the paper: 10 per temperature, 20 per perturbation level). */
  students: number;
  /** Training questions per student (the paper: all 3,989 of our split). */
  trainQuestions: number;
  /** Held-out test questions the students answer (greedy) for alignment and variance. */
  evalQuestions: number;
  /** Fine-tuning epochs (paper 3). */
  epochs: number;
  /** Batch size (paper 10). */
  batchSize: number;
  /** Peak learning rate (linear decay). */
  learningRate: number;
}

/**
 * Options of {@link loadLlmSetup}.
 *
 * @category Language-model experiments
 */
export interface LlmSetupOptions {
  /** Folder with `teacher/` and `student_base/` (default `data/models` of the repository). */
  modelsDir?: string;
  /** The sentence embedder (default: the offline Universal Sentence Encoder). */
  embedder?: Embedder;
  /** Most new tokens per answer (default 48, as `generateAnswers`). */
  maxNewTokens?: number;
}

/**
 * Options of {@link LlmSetup.teacherAnswers} and {@link sampleAnswers}.
 *
 * @category Language-model experiments
 */
export interface DrawOptions {
  /** Sampling temperature; 0 means greedy (one draw, no seed needed). */
  temperature: number;
  /** Root seed of the draws (required unless greedy). */
  seed?: number;
  /** Draws per question (default 1). */
  draws?: number;
  /** First draw index (default 0): draws `from..from+draws−1` are returned. */
  from?: number;
}

/**
 * Everything a language-model experiment loads once.
 *
 * @category Language-model experiments
 */
export interface LlmSetup {
  /** The teacher (GPT-2 fine-tuned on BioASQ in the paper). */
  readonly teacher: GptModel;
  /** The students' pre-trained base (DistilGPT2 in the paper). */
  readonly base: GptModel;
  /** The QA split (training questions for fine-tuning, test questions for evaluation). */
  readonly qa: QaCorpus;
  /** The sentence embedder. */
  readonly embedder: Embedder;
  /** Most new tokens per answer. */
  readonly maxNewTokens: number;
  /** One line naming the models' shapes and the embedder. */
  readonly description: string;
  /**
   * The teacher's answers, `[draw][question]`, at a temperature with the
   * paper's top-k and repetition penalty (greedy at temperature 0). Draw d of
   * a question list is seeded by `(seed, temperature, d)` only, so it is the
   * same however many draws are asked for; results are cached in memory.
   */
  teacherAnswers(questions: readonly string[], options: DrawOptions): string[][];
  /**
   * Embeddings of texts (an empty text is embedded as "(empty)"). The result
   * depends on the list alone, never on what was embedded before: an encoder
   * that pads a batch to its longest text (the Universal Sentence Encoder)
   * gives a text other last bits in another batch, so texts are not cached
   * one by one across calls (that would make a step's embeddings depend on
   * the steps before it, and a shard's differ from a single run's). The
   * distinct texts of a list are embedded in one call; the last few lists
   * are kept, so a list asked for again costs nothing.
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Free the models and the embedder (only those the setup loaded itself). */
  dispose(): Promise<void>;
}

function describeModel(m: GptModel): string {
  const c = m.config;
  return `${c.layers}x${c.width} (context ${c.contextLength})`;
}

function checkDraws(fn: string, o: DrawOptions): { greedy: boolean; draws: number; from: number } {
  const t = o.temperature;
  if (!(typeof t === "number" && isFinite(t) && t >= 0)) {
    throw new RangeError(`${fn}: temperature must be a finite number >= 0, got ${t}.`);
  }
  const greedy = t === 0;
  const draws = o.draws ?? 1, from = o.from ?? 0;
  if (!Number.isInteger(draws) || draws < 1) {
    throw new RangeError(`${fn}: draws must be a positive integer, got ${draws}.`);
  }
  if (!Number.isInteger(from) || from < 0) {
    throw new RangeError(`${fn}: from must be an integer >= 0, got ${from}.`);
  }
  if (greedy && (draws !== 1 || from !== 0)) {
    throw new RangeError(`${fn}: greedy answers (temperature 0) have one draw; pass draws: 1.`);
  }
  if (!greedy && !Number.isInteger(o.seed)) {
    throw new RangeError(`${fn}: seed must be an integer when sampling, got ${o.seed}.`);
  }
  return { greedy, draws, from };
}

/**
 * A model's answers, `[draw][question]`: greedy at temperature 0, otherwise
 * sampled with the paper's top-k 50 and repetition penalty 1.2. Draw d uses
 * the stream `new Rng(seed).child(round(1000·T)).child(d)` (row i of it its
 * child i), so draws do not depend on how many are asked for.
 *
 * @throws RangeError for no questions or bad draw options, before any generation.
 *
 * @category Language-model experiments
 */
export function sampleAnswers(
  model: GptModel,
  questions: readonly string[],
  options: DrawOptions & { maxNewTokens?: number },
): string[][] {
  const { greedy, draws, from } = checkDraws("sampleAnswers", options);
  if (questions.length === 0) {
    throw new RangeError("sampleAnswers: questions is empty; pass at least one question.");
  }
  const maxNewTokens = options.maxNewTokens ?? 48;
  if (greedy) {
    return [
      generateAnswersDetailed(model, questions, { greedy: true, maxNewTokens }).map((r) => r.text),
    ];
  }
  const root = new Rng(options.seed!).child(Math.round(1000 * options.temperature));
  const out: string[][] = [];
  for (let d = from; d < from + draws; d++) {
    out.push(
      generateAnswersDetailed(model, questions, {
        temperature: options.temperature,
        ...PAPER_SAMPLING,
        seed: root.child(d),
        maxNewTokens,
      }).map((r) => r.text),
    );
  }
  return out;
}

/** Lists of texts {@link LlmSetup.embed} keeps (a list asked for again is not embedded again). */
const EMBED_LISTS = 16;

function listKey(questions: readonly string[]): string {
  // FNV-1a over the joined list: a cheap key for a list of questions.
  let h = 0x811c9dc5;
  const s = questions.join("\u0000");
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${questions.length}:${h.toString(16)}`;
}

/**
 * An {@link LlmSetup} from models, a QA split and an embedder already in
 * memory (tests build tiny ones; {@link loadLlmSetup} loads the real ones).
 * `dispose()` frees only what `owned` lists.
 *
 * @throws RangeError when the teacher and the base do not share a tokenizer
 *   size, or the split has no training or no test pair.
 *
 * @category Language-model experiments
 */
export function llmSetupFrom(parts: {
  teacher: GptModel;
  base: GptModel;
  qa: QaCorpus;
  embedder: Embedder;
  maxNewTokens?: number;
  owned?: { models?: boolean; embedder?: boolean };
}): LlmSetup {
  const { teacher, base, qa, embedder } = parts;
  if (teacher.config.vocabSize !== base.config.vocabSize) {
    throw new RangeError(
      `llmSetupFrom: the teacher's vocabulary (${teacher.config.vocabSize}) differs from the ` +
        `base's (${base.config.vocabSize}); a student must read the teacher's tokens.`,
    );
  }
  if (qa.train.length === 0 || qa.test.length === 0) {
    throw new RangeError("llmSetupFrom: the QA split needs training and test pairs.");
  }
  const maxNewTokens = parts.maxNewTokens ?? 48;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new RangeError(
      `llmSetupFrom: maxNewTokens must be a positive integer, got ${maxNewTokens}.`,
    );
  }
  const answerCache = new Map<string, string[]>();
  const embedCache = new Map<string, Float32Array[]>(); // whole lists, the last EMBED_LISTS
  const tp = teacher.params ? [...teacher.params.values()].reduce((a, v) => a + v.size, 0) : NaN;
  const bp = base.params ? [...base.params.values()].reduce((a, v) => a + v.size, 0) : NaN;
  const description = `teacher ${describeModel(teacher)}, ${tp.toLocaleString("en-US")} ` +
    `parameters; student base ${describeModel(base)}, ${bp.toLocaleString("en-US")} ` +
    `parameters; ${qa.train.length} training and ${qa.test.length} test questions; ` +
    `embedder ${embedder.name} (${embedder.dim}-d)`;
  return {
    teacher,
    base,
    qa,
    embedder,
    maxNewTokens,
    description,
    teacherAnswers(questions, options) {
      const { greedy, draws, from } = checkDraws("teacherAnswers", options);
      if (questions.length === 0) {
        throw new RangeError("teacherAnswers: questions is empty; pass at least one question.");
      }
      const key = listKey(questions);
      const out: string[][] = [];
      for (let d = from; d < from + draws; d++) {
        const k = greedy ? `greedy|${key}` : `${options.temperature}|${options.seed}|${d}|${key}`;
        let a = answerCache.get(k);
        if (!a) {
          [a] = sampleAnswers(teacher, questions, {
            temperature: options.temperature,
            seed: options.seed,
            from: d,
            draws: 1,
            maxNewTokens,
          });
          answerCache.set(k, a);
        }
        out.push(a);
      }
      return out;
    },
    async embed(texts) {
      const norm = texts.map((t) => (t.trim() === "" ? "(empty)" : t));
      const key = JSON.stringify(norm);
      const hit = embedCache.get(key);
      if (hit) return hit.slice();
      // The distinct texts in order of first appearance: one batch layout per list.
      const todo = [...new Set(norm)];
      const e = await embedder.embed(todo);
      const d = embedder.dim;
      const byText = new Map(todo.map((t, i) => [t, e.slice(i * d, (i + 1) * d)]));
      const out = norm.map((t) => byText.get(t)!);
      embedCache.set(key, out);
      if (embedCache.size > EMBED_LISTS) embedCache.delete(embedCache.keys().next().value!);
      return out.slice();
    },
    async dispose() {
      if (parts.owned?.models) {
        disposeGpt(teacher);
        disposeGpt(base);
      }
      if (parts.owned?.embedder) await embedder.dispose();
      answerCache.clear();
      embedCache.clear();
    },
  };
}

/**
 * Load the teacher, the student base, the QA split and the embedder (the
 * Universal Sentence Encoder unless one is given), on the wasm back end.
 *
 * @throws Error (from the loaders) when a model folder or the corpus is
 *   missing or damaged, naming the file and how to restore it.
 * @example
 * ```ts
 * const setup = await loadLlmSetup();
 * const [greedy] = setup.teacherAnswers(setup.qa.test.slice(0, 5).map((p) => p.question), { temperature: 0 });
 * await setup.dispose();
 * ```
 *
 * @category Language-model experiments
 */
export async function loadLlmSetup(options: LlmSetupOptions = {}): Promise<LlmSetup> {
  await useBackend("wasm");
  const dir = options.modelsDir ?? new URL("../../data/models", import.meta.url).pathname;
  const qa = await loadQaCorpus();
  const { model: teacher } = await loadGpt(`${dir}/teacher`);
  const { model: base } = await loadGpt(`${dir}/student_base`);
  const embedder = options.embedder ?? await loadUseEmbedder();
  return llmSetupFrom({
    teacher,
    base,
    qa,
    embedder,
    maxNewTokens: options.maxNewTokens,
    owned: { models: true, embedder: options.embedder === undefined },
  });
}

function checkGrid(fn: string, name: string, g: readonly (readonly Embedding[])[]): number {
  if (g.length === 0) throw new RangeError(`${fn}: ${name} must hold at least one row.`);
  const q = g[0].length;
  if (q === 0) throw new RangeError(`${fn}: ${name}[0] is empty.`);
  g.forEach((r, i) => {
    if (r.length !== q) {
      throw new RangeError(
        `${fn}: ${name}[${i}] holds ${r.length} embeddings, expected ${q} (one per question).`,
      );
    }
  });
  return q;
}

/**
 * Throw unless every embedding of the `[row][question]` grid `g` is non-empty,
 * finite and as long as `g[0][0]` (the embedder's dimension); returns it.
 */
function checkEmbeddings(fn: string, name: string, g: readonly (readonly Embedding[])[]): number {
  const d = g[0][0].length;
  g.forEach((row, s) =>
    row.forEach((e, q) => {
      if (e.length !== d || d === 0) {
        throw new RangeError(
          `${fn}: ${name}[${s}][${q}] has ${e.length} dimensions, ${name}[0][0] ${d}: ` +
            "embed every answer with the same (non-empty) embedder.",
        );
      }
      for (let j = 0; j < d; j++) {
        if (!Number.isFinite(e[j])) {
          throw new RangeError(
            `${fn}: ${name}[${s}][${q}][${j}] is ${e[j]}: embeddings must be finite.`,
          );
        }
      }
    })
  );
  return d;
}

/**
 * A mean with its SE two ways: across students (or models) and across
 * questions.
 *
 * @category Language-model experiments
 */
export interface TwoWaySe {
  /** The grand mean. */
  mean: number;
  /** SE across students: sd of the per-student values / √S (NaN for one student). */
  seStudents: number;
  /** SE across questions: sd of the per-question values / √Q (NaN for one question). */
  seQuestions: number;
  /** Per-student values (each averaged over questions). */
  perStudent: number[];
  /** Per-question values (each averaged over students). */
  perQuestion: number[];
}

/**
 * The grand mean of a \`[student][question]\` grid of values with its SE
 * across students and across questions ({@link TwoWaySe}).
 *
 * @category Language-model experiments
 */
export function twoWaySe(m: number[][]): TwoWaySe {
  const S = m.length, Q = m[0].length;
  const perStudent = m.map((r) => r.reduce((a, b) => a + b, 0) / Q);
  const perQuestion = Array.from({ length: Q }, (_, q) => m.reduce((a, r) => a + r[q], 0) / S);
  const s = meanSe(perStudent), qq = meanSe(perQuestion);
  return { mean: s.mean, seStudents: s.se, seQuestions: qq.se, perStudent, perQuestion };
}

/**
 * Alignment (Section 4.3, Figure 4a): the cosine between the teacher's answer
 * and a student's answer to the same question, averaged over questions and
 * students.
 *
 * @param teacher the teacher's answer embeddings, one per question.
 * @param students `[student][question]` answer embeddings.
 * @throws RangeError for empty or ragged inputs.
 *
 * @category Language-model experiments
 */
export function alignment(
  teacher: readonly Embedding[],
  students: readonly (readonly Embedding[])[],
): TwoWaySe {
  const q = checkGrid("alignment", "students", students);
  if (teacher.length !== q) {
    throw new RangeError(
      `alignment: teacher holds ${teacher.length} embeddings, students ${q} per student.`,
    );
  }
  return twoWaySe(students.map((s) => s.map((e, i) => cosine(teacher[i], e))));
}

/**
 * What {@link interStudentVariance} returns.
 *
 * @category Language-model experiments
 */
export interface InterStudentVariance {
  /** Mean over questions of the per-question variance. */
  mean: number;
  /** SE across questions (sd of the per-question values / √Q). */
  seQuestions: number;
  /** SE across students: jackknife (leave one student out) of the mean; NaN for 2 students. */
  seStudents: number;
  /** Per question: variance across students per dimension, averaged over dimensions. */
  perQuestion: number[];
}

/** Per-dimension variance (dividing by n − 1) averaged over dimensions, of rows `idx` of `e`. */
function dimVariance(e: readonly Embedding[], skip = -1): number {
  const n = e.length - (skip >= 0 ? 1 : 0);
  const d = e[0].length;
  let s = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < e.length; i++) if (i !== skip) m += e[i][j];
    m /= n;
    for (let i = 0; i < e.length; i++) if (i !== skip) s += (e[i][j] - m) ** 2;
  }
  return s / ((n - 1) * d);
}

/**
 * Inter-student variance (Section 4.3, Figure 4b; Figure 6's LLM panel): for
 * each question, the variance across students of their answer embeddings per
 * dimension (unbiased, dividing by S − 1, so arms with different S compare),
 * averaged over dimensions; then averaged over questions.
 *
 * @param students `[student][question]` answer embeddings (at least 2 students,
 *   at least one question, all of one non-empty dimension, finite).
 * @throws RangeError, before any work, naming the argument: for fewer than 2
 *   students, no question, ragged rows, embeddings of different or zero
 *   dimension, or a value that is not finite (the same checks as
 *   `lib/uncertainty`'s `interStudentVariance`).
 *
 * @category Language-model experiments
 */
export function interStudentVariance(
  students: readonly (readonly Embedding[])[],
): InterStudentVariance {
  const Q = checkGrid("interStudentVariance", "students", students);
  const S = students.length;
  if (S < 2) {
    throw new RangeError(
      `interStudentVariance: students holds ${S} student(s); inter-student variance and its SE ` +
        "need at least 2 students.",
    );
  }
  checkEmbeddings("interStudentVariance", "students", students);
  const byQ = Array.from({ length: Q }, (_, q) => students.map((s) => s[q]));
  const perQuestion = byQ.map((e) => dimVariance(e));
  const m = meanSe(perQuestion);
  let seStudents = NaN;
  if (S >= 3) {
    const loo = leaveOneOut(byQ, S);
    const lm = loo.reduce((a, b) => a + b, 0) / S;
    seStudents = Math.sqrt(((S - 1) / S) * loo.reduce((a, b) => a + (b - lm) ** 2, 0));
  }
  return { mean: m.mean, seQuestions: m.se, seStudents, perQuestion };
}

/** Per student k, the mean over questions of the variance with student k left out. */
function leaveOneOut(byQ: readonly (readonly Embedding[])[], S: number): number[] {
  return Array.from(
    { length: S },
    (_, k) => byQ.reduce((a, e) => a + dimVariance(e, k), 0) / byQ.length,
  );
}

/**
 * The inter-student variance of {@link interStudentVariance} with each
 * student left out in turn (the jackknife replicates behind its
 * \`seStudents\`), or [] with fewer than 3 students.
 *
 * @param students \`[student][question]\` answer embeddings, checked as
 *   {@link interStudentVariance} checks them.
 *
 * @category Language-model experiments
 */
export function leaveOneOutInterStudentVariance(
  students: readonly (readonly Embedding[])[],
): number[] {
  const Q = checkGrid("leaveOneOutInterStudentVariance", "students", students);
  checkEmbeddings("leaveOneOutInterStudentVariance", "students", students);
  const S = students.length;
  if (S < 3) return [];
  return leaveOneOut(Array.from({ length: Q }, (_, q) => students.map((s) => s[q])), S);
}

/**
 * Per-prompt noise (Appendix F): for each question, the mean pairwise cosine
 * distance (1 − cosine) among its sampled answers' embeddings.
 *
 * @param samples `[question][sample]` embeddings (at least 2 samples each).
 * @returns the per-question noise with its mean and SE across questions.
 * @throws RangeError for no question or a question with fewer than 2 samples.
 *
 * @category Language-model experiments
 */
export function promptNoise(
  samples: readonly (readonly Embedding[])[],
): MeanSe & { perQuestion: number[] } {
  if (samples.length === 0) throw new RangeError("promptNoise: samples holds no question.");
  const perQuestion = samples.map((s, i) => {
    if (s.length < 2) {
      throw new RangeError(`promptNoise: samples[${i}] holds ${s.length} answers; need >= 2.`);
    }
    return meanPairwiseDistance(s);
  });
  return { ...meanSe(perQuestion), perQuestion };
}

/**
 * Hallucination rates (our addition): for each model (teacher or student),
 * the share of its answers whose embedding is nearer (cosine) another
 * question's true answer than its own (`hallucinationRate`), with SEs across
 * models and across questions.
 *
 * @param answers `[model][question]` answer embeddings.
 * @param truths the true answers' embeddings, one per question.
 * @throws RangeError for empty or ragged inputs or fewer than 2 questions.
 *
 * @category Language-model experiments
 */
export function hallucinationRates(
  answers: readonly (readonly Embedding[])[],
  truths: readonly Embedding[],
): TwoWaySe {
  const q = checkGrid("hallucinationRates", "answers", answers);
  if (truths.length !== q) {
    throw new RangeError(
      `hallucinationRates: truths holds ${truths.length} embeddings, answers ${q} per model.`,
    );
  }
  return twoWaySe(answers.map((a) => hallucinationRate(a, truths).indicators));
}

/**
 * Mean and SE of a − b over paired units (questions two arms share).
 *
 * @throws RangeError for different lengths or no unit.
 *
 * @category Language-model experiments
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): MeanSe {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `pairedDifference: a and b must hold the same number (>= 1) of values, got ${a.length} and ${b.length}.`,
    );
  }
  return meanSe(a.map((x, i) => x - b[i]));
}

/**
 * A slope with its SE and z = slope / SE.
 *
 * @category Language-model experiments
 */
export interface SlopeTest {
  slope: number;
  se: number;
  z: number;
}

function olsSlope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

function checkX(fn: string, x: readonly number[]): void {
  if (x.length < 2 || !x.every(isFinite) || new Set(x).size < 2) {
    throw new RangeError(`${fn}: x needs at least 2 distinct finite values, got [${x}].`);
  }
}

/**
 * Trend test paired over units (e.g. questions every arm shares): each unit's
 * least-squares slope of its values on `x`, then the mean slope and its SE
 * across units. A shared hard question then moves every arm alike and drops
 * out of the slope.
 *
 * @param x the arm settings (temperatures, perturbation scales).
 * @param perUnit `[unit][arm]` values.
 * @throws RangeError for fewer than 2 distinct x, fewer than 2 units or ragged rows.
 *
 * @category Language-model experiments
 */
export function slopeAcrossUnits(
  x: readonly number[],
  perUnit: readonly (readonly number[])[],
): SlopeTest {
  checkX("slopeAcrossUnits", x);
  if (perUnit.length < 2) {
    throw new RangeError(`slopeAcrossUnits: needs at least 2 units, got ${perUnit.length}.`);
  }
  perUnit.forEach((r, i) => {
    if (r.length !== x.length) {
      throw new RangeError(
        `slopeAcrossUnits: perUnit[${i}] holds ${r.length} values, x ${x.length}.`,
      );
    }
  });
  const m = meanSe(perUnit.map((r) => olsSlope(x, r)));
  return { slope: m.mean, se: m.se, z: m.mean / m.se };
}

/**
 * Trend test of independent arm means: the ordinary least-squares slope of
 * `means` on `x` (the same estimate as the mean of per-unit slopes when the
 * arms share units), with its SE from the arms' independent SEs,
 * SE² = Σ cᵢ² seᵢ², cᵢ = (xᵢ − x̄)/Σ(x − x̄)². For arms with their own students.
 *
 * @throws RangeError for fewer than 2 distinct x, mismatched lengths or an SE
 *   that is negative or not finite.
 *
 * @category Language-model experiments
 */
export function slopeOfMeans(
  x: readonly number[],
  means: readonly number[],
  ses: readonly number[],
): SlopeTest {
  checkX("slopeOfMeans", x);
  if (means.length !== x.length || ses.length !== x.length) {
    throw new RangeError("slopeOfMeans: x, means and ses must have the same length.");
  }
  ses.forEach((s, i) => {
    if (!(s >= 0 && isFinite(s))) {
      throw new RangeError(`slopeOfMeans: ses[${i}] = ${s}; every SE must be finite and >= 0.`);
    }
  });
  const n = x.length, mx = x.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
  const c = x.map((xi) => (xi - mx) / sxx);
  const slope = c.reduce((a, ci, i) => a + ci * means[i], 0);
  const se = Math.sqrt(c.reduce((a, ci, i) => a + ci * ci * ses[i] * ses[i], 0));
  return { slope, se, z: slope / se };
}
