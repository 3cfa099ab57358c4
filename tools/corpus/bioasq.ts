/**
 * Reading BioASQ Task B question sets, for users who have a copy (BioASQ data
 * are not redistributable and are not shipped here). The paper fine-tunes its
 * teacher on BioASQ (Section 4.3).
 *
 * @module
 */
import { readDataText } from "../../lib/data/read_file.ts";
import type { QaPair } from "../../lib/llm/qa.ts";

/** Options of `parseBioAsq`. */
export interface BioAsqOptions {
  /**
   * When `ideal_answer` is an array of several answers: `"first"` (default)
   * keeps the first, `"all"` makes one pair per answer.
   */
  answers?: "first" | "all";
}

/**
 * Question-answer pairs from a BioASQ Task B JSON document
 * (`{"questions": [{"body": ..., "ideal_answer": ..., "id": ...}, ...]}`).
 * `ideal_answer` may be a string or an array of strings; questions without an
 * ideal answer (e.g. in test sets) are skipped. Answers are trimmed.
 *
 * @throws Error when the document has no `questions` array, or a question has
 *   no string `body`.
 * @example
 * ```ts
 * const pairs = parseBioAsq({ questions: [{ body: "What is X?", ideal_answer: ["X is Y."] }] });
 * ```
 */
export function parseBioAsq(doc: unknown, options: BioAsqOptions = {}): QaPair[] {
  const mode = options.answers ?? "first";
  if (mode !== "first" && mode !== "all") {
    throw new Error(`answers must be "first" or "all"; got "${mode}".`);
  }
  const qs = (doc as { questions?: unknown })?.questions;
  if (!Array.isArray(qs)) {
    throw new Error(
      `the BioASQ document has no "questions" array; expected Task B JSON ` +
        `({"questions": [{"body": ..., "ideal_answer": ...}]}).`,
    );
  }
  const out: QaPair[] = [];
  qs.forEach((q, i) => {
    const r = q as Record<string, unknown>;
    if (typeof r?.body !== "string") {
      throw new Error(`BioASQ questions[${i}] has no string "body".`);
    }
    const ideal = r.ideal_answer;
    const answers = (typeof ideal === "string" ? [ideal] : Array.isArray(ideal) ? ideal : [])
      .filter((a): a is string => typeof a === "string")
      .map((a) => a.trim())
      .filter((a) => a !== "");
    const keep = mode === "first" ? answers.slice(0, 1) : answers;
    for (const answer of keep) {
      const pair: QaPair = { question: r.body.trim(), answer };
      if (typeof r.id === "string") pair.id = `bioasq:${r.id}`;
      out.push(pair);
    }
  });
  return out;
}

/**
 * Read a BioASQ Task B JSON file (plain or gzipped) and return its pairs
 * (see `parseBioAsq`).
 *
 * @throws Error when the file is missing, not JSON, or not Task B layout.
 * @example
 * ```ts
 * const pairs = await loadBioAsq(`${Deno.env.get("KD_DATA_DIR")}/bioasq/training12b.json`);
 * ```
 */
export async function loadBioAsq(path: string, options: BioAsqOptions = {}): Promise<QaPair[]> {
  const text = await readDataText(path, "the BioASQ file");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`the BioASQ file "${path}" is not JSON: ${(e as Error).message}`);
  }
  return parseBioAsq(doc, options);
}
