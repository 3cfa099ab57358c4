/**
 * Definition statements for pre-training: every term's definition written as
 * plain prose in several surface forms ("The term nephritis means an
 * inflammation of the kidney.", "Definition of nephritis: ..."), never in the
 * `Question: ... Answer:` format of fine-tuning.
 *
 * Why: the paper's GPT-2 learned biomedical facts in pre-training and only the
 * answer format in fine-tuning on BioASQ (Section 4.3). Our models get the same
 * split of roles: the statements carry the knowledge of every term (test terms
 * included, as GPT-2's web text contains the terms of BioASQ's test questions),
 * the QA training pairs carry the format. The term is always preceded by a space
 * so that it tokenizes as it does in "What is X?".
 *
 * @module
 */
import { sampleWithoutReplacement, type Seed, toRng } from "../../lib/random.ts";
import type { QaPair } from "../../lib/llm/qa.ts";

/** A term and its definition, as recovered from a QA pair. */
export interface TermDefinition {
  /** The term asked about ("nephritis"). */
  term: string;
  /** The definition (the pair's answer, e.g. "An inflammation of the kidney."). */
  definition: string;
  /** Part of speech implied by the question form. */
  pos: "noun" | "verb" | "adjective";
}

const QUESTION_FORMS: [RegExp, TermDefinition["pos"]][] = [
  [/^What does it mean to (.+)\?$/, "verb"],
  [/^What does (.+) mean\?$/, "adjective"],
  [/^What is (.+)\?$/, "noun"],
];

/**
 * The term and definition of a corpus pair ("What is X?", "What does it mean to
 * X?", "What does X mean?").
 *
 * @throws RangeError when the question has none of these forms or the answer is empty.
 * @example
 * ```ts
 * termDefinition({ question: "What is nephritis?", answer: "An inflammation of the kidney." });
 * // { term: "nephritis", definition: "An inflammation of the kidney.", pos: "noun" }
 * ```
 */
export function termDefinition(pair: QaPair): TermDefinition {
  const q = pair.question.trim();
  const definition = pair.answer.trim();
  for (const [re, pos] of QUESTION_FORMS) {
    const m = re.exec(q);
    if (m && m[1].trim() !== "" && definition !== "") {
      return { term: m[1].trim(), definition, pos };
    }
  }
  throw new RangeError(
    `cannot read a term from question "${q.slice(0, 60)}" with answer "${
      definition.slice(0, 30)
    }"; questions must be "What is X?", "What does it mean to X?" or "What does X mean?" ` +
      `with a non-empty answer.`,
  );
}

const lower = (d: string) => d.charAt(0).toLowerCase() + d.slice(1);

/**
 * The surface forms of a definition statement. Each puts the term after a space
 * and states the definition in full; none uses "Question:" or "Answer:".
 */
export const STATEMENT_TEMPLATES: readonly ((t: TermDefinition, domain: string) => string)[] = [
  (t) => `The term ${t.term} means ${lower(t.definition)}`,
  (t, domain) => `In ${domain}, ${t.term} is ${lower(t.definition)}`,
  (t) => `Definition of ${t.term}: ${t.definition}`,
  (t) => `Dictionary entry for ${t.term} (${t.pos}). ${t.definition}`,
  (t) => `Glossary: ${t.term} - ${t.definition}`,
  (t) => `People use the word ${t.term} for this: ${lower(t.definition)}`,
];

/** Options of `definitionStatements`. */
export interface StatementOptions {
  /** Statements per term, each in a different surface form (1..6; default 3). */
  formsPerTerm?: number;
  /** Seed choosing the forms of each term. */
  seed: Seed;
  /** Field named by the "In {domain}, X is ..." form (default "medicine"). */
  domain?: string;
}

/**
 * Pre-training statements for every pair: `formsPerTerm` different surface forms
 * per term, chosen by the seed, in pair order.
 *
 * @throws RangeError for formsPerTerm outside 1..6 or a pair whose question has no known form.
 * @example
 * ```ts
 * const texts = definitionStatements([...train, ...test], { seed: 5, formsPerTerm: 3 });
 * ```
 */
export function definitionStatements(
  pairs: readonly QaPair[],
  options: StatementOptions,
): string[] {
  const k = options.formsPerTerm ?? 3;
  const n = STATEMENT_TEMPLATES.length;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`formsPerTerm must be an integer in 1..${n}, got ${k}.`);
  }
  const domain = options.domain ?? "medicine";
  const defs = pairs.map(termDefinition);
  const rng = toRng(options.seed);
  const out: string[] = [];
  for (const d of defs) {
    for (const f of sampleWithoutReplacement(rng, n, k)) {
      out.push(STATEMENT_TEMPLATES[f](d, domain));
    }
  }
  return out;
}
