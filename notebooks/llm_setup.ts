/**
 * The language-model set-up the chapters of Sections 4.3, 5.1, 6.2, 7.3 and
 * Appendix F share (docs/protocols.md, "4.3", "5.1", "Appendix F"): the
 * teacher, the student base, the QA split and the sentence embedder in one
 * object; the teacher's answers per question at a temperature (seeded, cached
 * in memory); and embeddings (a function of the list of texts alone, so a
 * sharded run gets a single run's bits). The measures on the answers'
 * embeddings are the library's (lib/uncertainty/text/answers.ts), their
 * standard errors lib/uncertainty/unit_se.ts.
 *
 * Shapes (layers, width, context) are read from the loaded models, never
 * assumed.
 *
 * @module
 */
import { Rng } from "../lib/random.ts";
import type { ExperimentConfig } from "../tools/sweep.ts";
import { useBackend } from "../lib/llm/backend.ts";
import type { QaCorpus } from "../lib/llm/qa.ts";
import { loadQaCorpus } from "../lib/llm/qa.ts";
import type { Embedder } from "../lib/llm/embed/embedder.ts";
import { loadUseEmbedder } from "../lib/llm/embed/use.ts";
import { generateAnswersDetailed } from "../lib/llm/generate.ts";
import { loadGpt } from "../lib/llm/io.ts";
import { disposeGpt, type GptModel } from "../lib/llm/model.ts";

/**
 * The paper's sampling settings besides the temperature (Section 4.3:
 * top-k 50, repetition penalty 1.2).
 *
 * @category Language-model set-up
 */
export const PAPER_SAMPLING = { topK: 50, repetitionPenalty: 1.2 } as const;

/**
 * The paper's teacher temperatures (Section 4.3, Figure 4, Appendix C Table 2).
 *
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
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
 * @category Language-model set-up
 */
export async function loadLlmSetup(options: LlmSetupOptions = {}): Promise<LlmSetup> {
  await useBackend("wasm");
  const dir = options.modelsDir ?? new URL("../data/models", import.meta.url).pathname;
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
