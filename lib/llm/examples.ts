/**
 * Question-answer pairs turned into the token sequences the paper's students are
 * trained on (docs/protocols.md 4.3): the prompt `Question: {q}\nAnswer:` followed by
 * the answer (with a leading space) and the end-of-sequence token, where only the
 * answer tokens and the end-of-sequence token count in the loss.
 *
 * @module
 */
import type { QaPair } from "./qa.ts";
import type { Tokenizer } from "./tokenizer.ts";

export type { QaPair };

/** The paper's prompt for a question (Section 4.3): `Question: {q}\nAnswer:`. */
export function formatPrompt(question: string): string {
  return `Question: ${question}\nAnswer:`;
}

/** A tokenized training example: the full sequence and which targets count. */
export interface EncodedExample {
  /** Prompt tokens, then answer tokens, then end-of-sequence (truncated to the context). */
  tokens: number[];
  /** Number of prompt tokens at the start of `tokens`. */
  promptLength: number;
}

/**
 * Tokenize a QA pair for training: `tokens` = prompt ++ " " + answer ++ [eos],
 * cut to `contextLength + 1` tokens (inputs are tokens[0..n-1], targets tokens[1..n]).
 *
 * @throws RangeError for an empty question or answer, or when the prompt alone
 *   does not leave room for one answer token.
 */
export function encodeExample(
  tokenizer: Tokenizer,
  pair: QaPair,
  contextLength: number,
): EncodedExample {
  if (typeof pair?.question !== "string" || pair.question.trim() === "") {
    throw new RangeError(`a pair has an empty question; every pair needs question text.`);
  }
  if (typeof pair.answer !== "string" || pair.answer.trim() === "") {
    throw new RangeError(
      `the pair "${pair.question.slice(0, 40)}" has an empty answer; drop it or give answer text.`,
    );
  }
  const prompt = tokenizer.encode(formatPrompt(pair.question));
  const answer = tokenizer.encode(" " + pair.answer.trim());
  if (prompt.length >= contextLength) {
    throw new RangeError(
      `the prompt of "${pair.question.slice(0, 40)}" has ${prompt.length} tokens, ` +
        `not less than the context length ${contextLength}; shorten the question or widen the context.`,
    );
  }
  const tokens = [...prompt, ...answer, tokenizer.eos].slice(0, contextLength + 1);
  return { tokens, promptLength: prompt.length };
}

/** A padded batch: inputs, next-token targets and the answer-only loss mask, all [B, T] row-major. */
export interface TokenBatch {
  /** Batch size B. */
  batch: number;
  /** Sequence length T (the longest example minus one). */
  time: number;
  /** Input token ids (padding after the end). */
  inputs: Int32Array;
  /** Target token ids: inputs shifted left by one (padding after the end). */
  targets: Int32Array;
  /** 1 where the target is an answer or end-of-sequence token, else 0 (prompt and padding). */
  mask: Float32Array;
}

/**
 * Right-pad encoded examples into one batch. Position t's target is token t + 1;
 * the mask is 1 exactly for targets at index >= promptLength (the answer and the
 * end-of-sequence token), so prompt tokens never enter the loss.
 *
 * @throws RangeError for an empty list.
 */
export function makeBatch(examples: readonly EncodedExample[], pad: number): TokenBatch {
  if (examples.length === 0) throw new RangeError("examples must not be empty.");
  const time = Math.max(...examples.map((e) => e.tokens.length)) - 1;
  const b = examples.length;
  const inputs = new Int32Array(b * time).fill(pad);
  const targets = new Int32Array(b * time).fill(pad);
  const mask = new Float32Array(b * time);
  examples.forEach((e, r) => {
    for (let t = 0; t + 1 < e.tokens.length; t++) {
      inputs[r * time + t] = e.tokens[t];
      targets[r * time + t] = e.tokens[t + 1];
      if (t + 1 >= e.promptLength) mask[r * time + t] = 1;
    }
  });
  return { batch: b, time, inputs, targets, mask };
}
