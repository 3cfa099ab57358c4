/**
 * Quality measures of a language model's answers (the bars of the
 * language-model benchmark): question-specificity from sentence embeddings,
 * fluency from the texts, diversity of samples. Pure functions of texts and
 * embeddings, so they are tested on hand-made examples.
 *
 * @module
 */
import {
  cosine,
  type Embedding,
  meanDimensionVariance,
} from "../lib/uncertainty/text/text_average.ts";
import { type MeanSe, meanSe } from "../lib/uncertainty/unit_se.ts";

/** What `questionSpecificity` returns. */
export interface Specificity {
  /** cos(answer_i, truth_i) − cos(answer_i, truth_{i+1 mod n}), per question. */
  ownMinusOther: MeanSe;
  /** 1 when truth_i is the most similar to answer_i among the pool, else 0, per question. */
  top1: MeanSe;
  /** Pool size used for top-1 (own truth + pool − 1 others). */
  pool: number;
}

/**
 * Question-specificity: does an answer resemble its own question's true answer
 * more than other questions' true answers? For question i, "other" is the next
 * question's truth (i + 1 mod n), and top-1 asks whether truth i is the closest
 * (cosine) to answer i among the truths i, i+1, ..., i+pool−1 (mod n). A model
 * that answers every question in the same register scores 0 and 1/pool.
 *
 * @param answers embeddings of the model's answers, one per question.
 * @param truths embeddings of the true answers, same order.
 * @param pool candidates for top-1 (default 200; at most n).
 * @throws RangeError for fewer than 2 questions, mismatched counts or a bad pool.
 */
export function questionSpecificity(
  answers: readonly Embedding[],
  truths: readonly Embedding[],
  pool = 200,
): Specificity {
  const n = answers.length;
  if (n < 2 || truths.length !== n) {
    throw new RangeError(
      `answers and truths must hold the same number (>= 2) of embeddings, got ${n} and ${truths.length}.`,
    );
  }
  if (!Number.isInteger(pool) || pool < 2 || pool > n) {
    throw new RangeError(`pool must be an integer in [2, ${n}], got ${pool}.`);
  }
  const diffs: number[] = [], top: number[] = [];
  for (let i = 0; i < n; i++) {
    const own = cosine(answers[i], truths[i]);
    diffs.push(own - cosine(answers[i], truths[(i + 1) % n]));
    let first = 1;
    for (let j = 1; j < pool; j++) {
      if (cosine(answers[i], truths[(i + j) % n]) >= own) {
        first = 0;
        break;
      }
    }
    top.push(first);
  }
  return { ownMinusOther: meanSe(diffs), top1: meanSe(top), pool };
}

/** The lower-case words of a text (letter runs, apostrophes and hyphens inside words kept). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\p{L}+(?:['-]\p{L}+)*/gu) ?? [];
}

/** Whether some word 3-gram occurs twice in the text ("of the body of the body"). */
export function repeatsWordTrigram(text: string): boolean {
  const w = words(text);
  const seen = new Set<string>();
  for (let i = 0; i + 2 < w.length; i++) {
    const g = `${w[i]} ${w[i + 1]} ${w[i + 2]}`;
    if (seen.has(g)) return true;
    seen.add(g);
  }
  return false;
}

/** The set of words of a corpus (see `words`). */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const v = new Set<string>();
  for (const t of texts) for (const w of words(t)) v.add(w);
  return v;
}

/**
 * Fraction of the words of `texts` that occur in `vocabulary` (made-up words
 * such as "sleinor" do not). NaN when the texts hold no word.
 */
export function knownWordFraction(
  texts: readonly string[],
  vocabulary: ReadonlySet<string>,
): number {
  let n = 0, k = 0;
  for (const t of texts) {
    for (const w of words(t)) {
      n++;
      if (vocabulary.has(w)) k++;
    }
  }
  return n === 0 ? NaN : k / n;
}

/**
 * distinct-n: distinct word n-grams over all n-grams of the texts (pooled), the
 * usual diversity measure of sampled text. NaN when there is no n-gram.
 */
export function distinctN(texts: readonly string[], n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`n must be a positive integer, got ${n}.`);
  }
  const seen = new Set<string>();
  let total = 0;
  for (const t of texts) {
    const w = words(t);
    for (let i = 0; i + n <= w.length; i++) {
      seen.add(w.slice(i, i + n).join(" "));
      total++;
    }
  }
  return total === 0 ? NaN : seen.size / total;
}

/**
 * Per-question noise: for each question's samples, the per-dimension variance
 * of their embeddings averaged over dimensions (Section 7.3's s²); with its
 * spread across questions (a teacher whose noise does not vary across
 * questions cannot show Appendix F's noise transfer).
 */
export function perQuestionNoise(
  samples: readonly (readonly Embedding[])[],
): { values: number[]; mean: number; sd: number; p10: number; p90: number } {
  if (samples.length === 0) throw new RangeError("samples must hold at least one question.");
  const values = samples.map((s) => meanDimensionVariance(s));
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(
    values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1),
  );
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { values, mean: m, sd, p10: q(0.1), p90: q(0.9) };
}
