/**
 * Loaders for the committed question-answer corpora in data/qa/ (built from
 * WordNet 3.0 by tools/build_qa.ts; see data/qa/README.md):
 *
 * - `loadQaCorpus()`: the biomedical definitional QA set, a fixed train/test
 *   split (3,989 / 443 pairs), the fine-tuning data of the Section 4.3, 5.1,
 *   6.2 and 7.3 LLM experiments in place of BioASQ;
 * - `loadPretrainCorpus()`: definitions of the rest of WordNet (95,275 pairs),
 *   for pre-training a small language model.
 *
 * @module
 */
import { bundledDataDir } from "../config.ts";
import { readDataText } from "../data/read_file.ts";

/** A question with its reference answer, and where it came from. */
export interface QaPair {
  /** The question, e.g. "What is illness?". */
  question: string;
  /** The reference answer. */
  answer: string;
  /** Source id, e.g. `wn:n14061805` (WordNet part of speech + offset); optional. */
  id?: string;
}

/** A train/test split of question-answer pairs. */
export interface QaCorpus {
  /** The training part. */
  train: QaPair[];
  /** The held-out test part; no test question occurs in `train`. */
  test: QaPair[];
}

/** Options of the data/qa loaders. */
export interface QaLoadOptions {
  /** Folder holding the corpus files (default `<repo>/data/qa`). */
  dir?: string;
}

/** Options of `loadPretrainCorpus`. */
export interface PretrainLoadOptions extends QaLoadOptions {
  /** Keep only the first `limit` pairs (file order: nouns, verbs, adjectives, adverbs). */
  limit?: number;
}

function defaultDir(): string {
  return `${bundledDataDir()}/qa`;
}

/**
 * Parse JSON Lines of `{question, answer[, id]}` objects.
 *
 * @param text the file's text.
 * @param path the file name, for error messages.
 * @throws Error naming the file and line when a line is not such an object.
 */
export function parseQaJsonl(text: string, path = "the JSONL text"): QaPair[] {
  const out: QaPair[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path} line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
    const r = o as Record<string, unknown>;
    if (typeof r?.question !== "string" || typeof r?.answer !== "string") {
      throw new Error(
        `${path} line ${i + 1} lacks string "question" and "answer" fields; ` +
          `each line must be {"question": ..., "answer": ...}.`,
      );
    }
    const pair: QaPair = { question: r.question, answer: r.answer };
    if (typeof r.id === "string") pair.id = r.id;
    out.push(pair);
  }
  return out;
}

/**
 * The biomedical definitional QA corpus: "What is X?" -> WordNet definition,
 * for anatomy, diseases and conditions, biological processes and medical terms.
 * The split is fixed (built with seed 2024, 10% test) and no test question
 * occurs in the training part.
 *
 * @throws Error when the files are missing or damaged (restore data/qa/ from
 *   git, or rebuild with `deno task data:qa`).
 * @example
 * ```ts
 * const { train, test } = await loadQaCorpus();
 * console.log(train[0].question, "->", train[0].answer);
 * ```
 */
export async function loadQaCorpus(options: QaLoadOptions = {}): Promise<QaCorpus> {
  const dir = options.dir ?? defaultDir();
  const read = async (name: string) => {
    const path = `${dir}/${name}`;
    return parseQaJsonl(await readDataText(path, `the QA corpus file ${name}`), path);
  };
  return { train: await read("biomedical_train.jsonl"), test: await read("biomedical_test.jsonl") };
}

/**
 * The general-text corpus for pre-training: one question-answer pair for every
 * WordNet synset outside the biomedical set ("What is X?" for nouns, "What
 * does it mean to X?" for verbs, "What does X mean?" for adjectives and
 * adverbs), read from the committed `general.jsonl.gz`.
 *
 * @throws Error when `limit` is not a positive integer, or the file is missing.
 * @example
 * ```ts
 * const pairs = await loadPretrainCorpus({ limit: 20_000 });
 * const texts = pairs.map((p) => `Question: ${p.question}\nAnswer: ${p.answer}`);
 * ```
 */
export async function loadPretrainCorpus(options: PretrainLoadOptions = {}): Promise<QaPair[]> {
  const { limit } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new Error(`limit must be a positive integer; got ${limit}.`);
  }
  const path = `${options.dir ?? defaultDir()}/general.jsonl.gz`;
  const pairs = parseQaJsonl(await readDataText(path, "the pre-training corpus"), path);
  return limit === undefined ? pairs : pairs.slice(0, limit);
}
