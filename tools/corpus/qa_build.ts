/**
 * Building the question-answer corpus from WordNet synsets: which synsets are
 * biomedical, one "What is X?" question per synset, and the fixed train/test
 * split. tools/build_qa.ts runs these on /usr/share/wordnet and writes data/qa/.
 *
 * @module
 */
import type { QaPair } from "../../lib/llm/qa.ts";
import { permutation } from "../../lib/random.ts";
import { questionFor, type Synset, tidyGloss } from "./wordnet.ts";

/** Lexicographer file numbers used by the biomedical subset. */
export const LEX_NOUN_BODY = 8;
/** noun.process */
export const LEX_NOUN_PROCESS = 22;
/** noun.state */
export const LEX_NOUN_STATE = 26;
/** The noun synset "medicine, medical specialty", the topic domain of medical terms. */
export const MEDICINE_DOMAIN = "06043075";
/**
 * Roots that keep a noun.state synset: physical condition/physiological state
 * (diseases, injuries, ...), mental illness, symptom.
 */
export const STATE_ROOTS: readonly string[] = ["14034177", "14380140", "14299637"];
/** Root that keeps a noun.process synset: organic process/biological process. */
export const PROCESS_ROOTS: readonly string[] = ["13526110"];

/**
 * The offsets of the biomedical noun synsets: every noun.body synset (lex file
 * 08); the noun.state (26) synsets that descend (by hypernym or instance
 * hypernym) from a `STATE_ROOTS` synset or are one; the noun.process (22)
 * synsets that descend from `PROCESS_ROOTS`; and every noun whose topic domain
 * (`;c` pointer) is medicine. The root filters drop the non-medical states and
 * processes (e.g. "tangency", "erosion") that those two files also hold.
 *
 * @param nouns the synsets of data.noun.
 * @throws Error when `nouns` holds a synset of another part of speech.
 */
export function biomedicalOffsets(nouns: readonly Synset[]): Set<string> {
  const byOffset = new Map<string, Synset>();
  for (const s of nouns) {
    if (s.pos !== "n") {
      throw new Error(`nouns must hold noun synsets only; got pos "${s.pos}" at ${s.offset}.`);
    }
    byOffset.set(s.offset, s);
  }
  const ancestors = (o: string): Set<string> => {
    const seen = new Set<string>([o]);
    const stack = [o];
    while (stack.length) {
      const s = byOffset.get(stack.pop()!);
      if (!s) continue;
      for (const p of s.pointers) {
        if ((p.symbol === "@" || p.symbol === "@i") && p.pos === "n" && !seen.has(p.offset)) {
          seen.add(p.offset);
          stack.push(p.offset);
        }
      }
    }
    return seen;
  };
  const under = (o: string, roots: readonly string[]) => {
    const a = ancestors(o);
    return roots.some((r) => a.has(r));
  };
  const out = new Set<string>();
  for (const s of nouns) {
    const medical = s.pointers.some((p) => p.symbol === ";c" && p.offset === MEDICINE_DOMAIN);
    if (
      medical || s.lexFile === LEX_NOUN_BODY ||
      (s.lexFile === LEX_NOUN_STATE && under(s.offset, STATE_ROOTS)) ||
      (s.lexFile === LEX_NOUN_PROCESS && under(s.offset, PROCESS_ROOTS))
    ) out.add(s.offset);
  }
  return out;
}

/**
 * One question-answer pair per synset, in the order given: the answer is the
 * tidied gloss (`tidyGloss`), the question asks for the synset's first word not
 * already asked (compared case-insensitively) among the pairs made so far, so
 * every question is unique. Synsets whose words are all taken, or whose gloss
 * has no definition, are skipped.
 *
 * @example
 * ```ts
 * const pairs = synsetPairs(synsets); // [{ question: "What is illness?", answer: "Impairment of ...", id: "wn:n14061805" }, ...]
 * ```
 */
export function synsetPairs(synsets: readonly Synset[]): QaPair[] {
  const asked = new Set<string>();
  const out: QaPair[] = [];
  for (const s of synsets) {
    const answer = tidyGloss(s.gloss);
    if (answer === "") continue;
    const word = s.words.find((w) => !asked.has(`${s.pos}:${w.toLowerCase()}`));
    if (word === undefined) continue;
    asked.add(`${s.pos}:${word.toLowerCase()}`);
    out.push({ question: questionFor(word, s.pos), answer, id: `wn:${s.pos}${s.offset}` });
  }
  return out;
}

/**
 * A fixed train/test split of `pairs`: a seeded permutation picks
 * `round(testFraction * n)` pairs for the test set; both parts keep the input
 * order. Same seed and input, same split.
 *
 * @throws Error when `testFraction` is not in (0, 1) or the split leaves a part empty.
 * @example
 * ```ts
 * const { train, test } = splitPairs(pairs, 0.1, 2024);
 * ```
 */
export function splitPairs<T>(
  pairs: readonly T[],
  testFraction: number,
  seed: number,
): { train: T[]; test: T[] } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`testFraction must be in (0, 1); got ${testFraction}.`);
  }
  const nTest = Math.round(testFraction * pairs.length);
  if (nTest < 1 || nTest >= pairs.length) {
    throw new Error(
      `splitting ${pairs.length} pairs with testFraction ${testFraction} leaves a part empty; ` +
        `give more pairs or another fraction.`,
    );
  }
  const perm = permutation(seed, pairs.length);
  const isTest = new Uint8Array(pairs.length);
  for (let i = 0; i < nTest; i++) isTest[perm[i]] = 1;
  const train: T[] = [], test: T[] = [];
  pairs.forEach((p, i) => (isTest[i] ? test : train).push(p));
  return { train, test };
}
