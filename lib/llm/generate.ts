/**
 * Batched text generation with a key/value cache: the prompts are left-padded
 * into one batch, the prompt is run once, then one token per step for every row.
 * Each row i draws from its own stream `rng.child(i)`, so a row's text does not
 * depend on the batch size or on the other prompts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "./backend.ts";
import { type Seed, toRng } from "../random.ts";
import { formatPrompt } from "./examples.ts";
import { disposeCache, type GptModel, gptStep, type KvCache } from "./model.ts";
import { checkSamplingOptions, chooseToken, type SamplingOptions } from "./sampling.ts";
import {
  checkThreads,
  flatParameters,
  type GptNativeKernel,
  type LlmEngine,
  loadGptNative,
  resolveLlmEngine,
} from "./native.ts";

/** Settings of `generateTokens` / `generateAnswers`. */
export interface GenerateOptions extends SamplingOptions {
  /** Most tokens generated per row, end-of-sequence included (default 48). A row also stops when its context is full. */
  maxNewTokens?: number;
  /** Rows run together (default 64). Does not change the results. */
  batchSize?: number;
  /** Seed for the draws; required unless greedy (or temperature 0). */
  seed?: Seed;
  /**
   * Engine (default "auto": the native kernel when it loads, else tfjs; see
   * lib/llm/native.ts). The two agree to float32 rounding, so a sample drawn
   * at a near-tie of two tokens may differ between engines; each engine alone
   * is deterministic per seed and independent of the batch.
   */
  engine?: LlmEngine;
  /** Threads of the native engine (default: `KD_LLM_THREADS` or the number of cores). Does not change the results. */
  threads?: number;
}

/**
 * Continue each prompt (token ids) until end-of-sequence, `maxNewTokens` or the
 * context length. Returns the new tokens of each row, without the end-of-sequence token.
 *
 * @throws RangeError for an empty prompt, a prompt that fills the context, bad
 *   sampling options, or a missing seed when sampling.
 * @example
 * ```ts
 * const out = generateTokens(model, [tok.encode("Question: What is a cell?\nAnswer:")], { greedy: true });
 * ```
 */
export function generateTokens(
  model: GptModel,
  prompts: readonly number[][],
  options: GenerateOptions = {},
): number[][] {
  return generateTokensDetailed(model, prompts, options).map((r) => r.tokens);
}

/** One generated row: its new tokens and whether it stopped at end-of-sequence. */
export interface GeneratedRow {
  /** The new tokens, without the end-of-sequence token. */
  tokens: number[];
  /** True when the row ended with end-of-sequence (not at maxNewTokens or the context). */
  endedWithEos: boolean;
}

/**
 * As `generateTokens`, also telling for each row whether it stopped at
 * end-of-sequence (a fluency measure: an answer cut at the length limit did
 * not finish).
 *
 * @throws RangeError as `generateTokens`.
 */
export function generateTokensDetailed(
  model: GptModel,
  prompts: readonly number[][],
  options: GenerateOptions = {},
): GeneratedRow[] {
  checkSamplingOptions(options);
  const maxNew = options.maxNewTokens ?? 48;
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(maxNew) || maxNew < 1) {
    throw new RangeError(`maxNewTokens must be a positive integer, got ${maxNew}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const greedy = options.greedy || options.temperature === 0;
  if (!greedy && options.seed === undefined) {
    throw new RangeError("seed is required when sampling; pass { seed: 1 } or { greedy: true }.");
  }
  const ctx = model.config.contextLength;
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new RangeError(`prompts[${i}] is empty; give at least one token.`);
    if (p.length >= ctx) {
      throw new RangeError(
        `prompts[${i}] has ${p.length} tokens; it must be shorter than the context ${ctx}.`,
      );
    }
  });
  const root = greedy ? toRng(0) : toRng(options.seed!);
  const threads = checkThreads(options.threads);
  const native = resolveLlmEngine(options.engine) === "native" ? loadGptNative()! : undefined;
  const params = native ? flatParameters(model) : undefined;
  // One cache for all batches: a row only reads positions its own slot wrote in this batch.
  const c = model.config, slots = Math.min(batchSize, prompts.length);
  const cache = native
    ? {
      kc: new Float32Array(slots * c.layers * c.contextLength * c.width),
      vc: new Float32Array(slots * c.layers * c.contextLength * c.width),
    }
    : undefined;
  const out: GeneratedRow[] = [];
  for (let s = 0; s < prompts.length; s += batchSize) {
    const rows = prompts.slice(s, s + batchSize);
    out.push(
      ...(native
        ? generateBatchNative(
          model,
          native,
          params!,
          cache!,
          rows,
          s,
          maxNew,
          options,
          root,
          threads,
        )
        : generateBatch(model, rows, s, maxNew, options, root)),
    );
  }
  return out;
}

function generateBatch(
  model: GptModel,
  prompts: readonly number[][],
  offset: number,
  maxNew: number,
  options: GenerateOptions,
  root: ReturnType<typeof toRng>,
): GeneratedRow[] {
  const b = prompts.length;
  const ctx = model.config.contextLength;
  const { eos, pad } = model.tokenizer;
  const len = Math.max(...prompts.map((p) => p.length));
  const ids = new Int32Array(b * len).fill(pad);
  const pos = new Int32Array(b * len);
  const keyBias: number[][] = [];
  prompts.forEach((p, r) => {
    const start = len - p.length;
    const kb = new Array(len).fill(-1e9);
    for (let j = 0; j < p.length; j++) {
      ids[r * len + start + j] = p[j];
      pos[r * len + start + j] = j;
      kb[start + j] = 0;
    }
    keyBias.push(kb);
  });
  const rngs = prompts.map((_, r) => root.child(offset + r));
  const seen = prompts.map((p) => [...p]);
  const outs: number[][] = prompts.map(() => []);
  const done = prompts.map(() => false);
  const ended = prompts.map(() => false);
  const limit = prompts.map((p) => Math.min(maxNew, ctx - p.length));
  let cache: KvCache = { keys: [], values: [] };
  let stepIds = tf.tensor2d(ids, [b, len], "int32");
  let stepPos = tf.tensor2d(pos, [b, len], "int32");
  try {
    for (let step = 0;; step++) {
      const bias = tf.tensor2d(keyBias.flat(), [b, keyBias[0].length]);
      const res = gptStep(model, stepIds, stepPos, bias, cache);
      bias.dispose();
      stepIds.dispose();
      stepPos.dispose();
      disposeCache(cache);
      cache = res.cache;
      const logits = res.logits.dataSync() as Float32Array;
      res.logits.dispose();
      const v = model.config.vocabSize;
      const next = new Int32Array(b).fill(pad);
      const nextPos = new Int32Array(b);
      for (let r = 0; r < b; r++) {
        if (done[r]) continue;
        const row = Float32Array.from(logits.subarray(r * v, (r + 1) * v));
        const tok = chooseToken(row, seen[r], options, rngs[r]);
        if (tok === eos) {
          done[r] = true;
          ended[r] = true;
        } else {
          outs[r].push(tok);
          seen[r].push(tok);
          if (outs[r].length >= limit[r]) done[r] = true;
        }
        next[r] = tok;
        nextPos[r] = Math.min(prompts[r].length + outs[r].length - (tok === eos ? 0 : 1), ctx - 1);
      }
      if (done.every((d) => d)) break;
      for (let r = 0; r < b; r++) keyBias[r].push(done[r] ? -1e9 : 0);
      stepIds = tf.tensor2d(next, [b, 1], "int32");
      stepPos = tf.tensor2d(nextPos, [b, 1], "int32");
    }
  } finally {
    disposeCache(cache);
    if (!stepIds.isDisposed) stepIds.dispose();
    if (!stepPos.isDisposed) stepPos.dispose();
  }
  return outs.map((tokens, r) => ({ tokens, endedWithEos: ended[r] }));
}

/**
 * The native prefill: each distinct prompt of the batch is run once, in the
 * cache slot of its first row, and copied to the other rows with that prompt.
 * Returns a copy of row r's logits at its prompt's last position.
 */
function prefill(
  k: GptNativeKernel,
  c: GptModel["config"],
  params: Float32Array,
  cache: { kc: Float32Array; vc: Float32Array },
  prompts: readonly number[][],
  threads: number,
): (r: number) => Float32Array {
  const v = c.vocabSize;
  const { kc, vc } = cache;
  const firstOf = new Map<string, number>();
  const owner = prompts.map((p, r) => {
    const key = p.join(",");
    const f = firstOf.get(key);
    if (f !== undefined) return f;
    firstOf.set(key, r);
    return r;
  });
  const uniq = [...firstOf.values()];
  let rows = 0;
  for (const r of uniq) rows += prompts[r].length;
  const slot = new Int32Array(rows), ids = new Int32Array(rows), pos = new Int32Array(rows);
  const outRows = new Int32Array(uniq.length);
  let i = 0;
  uniq.forEach((r, u) => {
    for (let j = 0; j < prompts[r].length; j++, i++) {
      slot[i] = r;
      ids[i] = prompts[r][j];
      pos[i] = j;
    }
    outRows[u] = i - 1;
  });
  const first = new Float32Array(uniq.length * v);
  k.infer(c, params, slot, ids, pos, kc, vc, outRows, first, threads);
  const rowOfUniq = new Map(uniq.map((r, u) => [r, u]));
  for (let r = 0; r < prompts.length; r++) {
    if (owner[r] !== r) k.copySlot(c, kc, vc, owner[r], r, prompts[r].length);
  }
  return (r) => {
    const u = rowOfUniq.get(owner[r])!;
    return first.slice(u * v, (u + 1) * v);
  };
}

/**
 * The native engine's batch: no padding; each row has its own cache slot. The
 * prompt is run once per distinct prompt of the batch (rows with the same
 * prompt copy its cache: identical numbers), then one token per unfinished row
 * per step. Row r draws from `root.child(offset + r)` exactly as the tfjs path.
 */
function generateBatchNative(
  model: GptModel,
  k: GptNativeKernel,
  params: Float32Array,
  cache: { kc: Float32Array; vc: Float32Array },
  prompts: readonly number[][],
  offset: number,
  maxNew: number,
  options: GenerateOptions,
  root: ReturnType<typeof toRng>,
  threads: number,
): GeneratedRow[] {
  const c = model.config;
  const b = prompts.length, v = c.vocabSize, ctx = c.contextLength;
  const { eos } = model.tokenizer;
  const { kc, vc } = cache;
  const rngs = prompts.map((_, r) => root.child(offset + r));
  const seen = prompts.map((p) => [...p]);
  const outs: number[][] = prompts.map(() => []);
  const ended = prompts.map(() => false);
  const limit = prompts.map((p) => Math.min(maxNew, ctx - p.length));
  const firstLogits = prefill(k, c, params, cache, prompts, threads);
  let active = Array.from({ length: b }, (_, r) => r);
  let logitsOf = (j: number) => firstLogits(active[j]);
  while (active.length > 0) {
    const next: number[] = [], nextTok: number[] = [];
    active.forEach((r, j) => {
      const tok = chooseToken(logitsOf(j), seen[r], options, rngs[r]);
      if (tok === eos) {
        ended[r] = true;
        return;
      }
      outs[r].push(tok);
      seen[r].push(tok);
      if (outs[r].length >= limit[r]) return;
      next.push(r);
      nextTok.push(tok);
    });
    if (next.length === 0) break;
    const n = next.length;
    const sl = Int32Array.from(next), tk = Int32Array.from(nextTok);
    const ps = Int32Array.from(next, (r) => prompts[r].length + outs[r].length - 1);
    const logits = new Float32Array(n * v);
    k.infer(
      c,
      params,
      sl,
      tk,
      ps,
      kc,
      vc,
      Int32Array.from({ length: n }, (_, j) => j),
      logits,
      threads,
    );
    active = next;
    logitsOf = (j: number) => logits.subarray(j * v, (j + 1) * v);
  }
  return outs.map((tokens, r) => ({ tokens, endedWithEos: ended[r] }));
}

/**
 * Answers to questions, prompted as the paper's students are
 * (`Question: {q}\nAnswer:`); the text after the prompt up to end-of-sequence,
 * trimmed.
 *
 * @throws RangeError as `generateTokens`.
 * @example
 * ```ts
 * const [a] = generateAnswers(teacher, ["What is an aneurysm?"], { greedy: true });
 * const samples = generateAnswers(teacher, Array(1000).fill(q), { temperature: 1, topK: 50, repetitionPenalty: 1.2, seed: 3 });
 * ```
 */
export function generateAnswers(
  model: GptModel,
  questions: readonly string[],
  options: GenerateOptions = {},
): string[] {
  return generateAnswersDetailed(model, questions, options).map((r) => r.text);
}

/**
 * As `generateAnswers`, also telling whether each answer ended with
 * end-of-sequence.
 *
 * @throws RangeError for an empty or blank question, a question whose prompt
 *   fills the context, or bad sampling options, before any generation.
 */
export function generateAnswersDetailed(
  model: GptModel,
  questions: readonly string[],
  options: GenerateOptions = {},
): { text: string; endedWithEos: boolean }[] {
  const ctx = model.config.contextLength;
  const prompts = questions.map((q, i) => {
    if (typeof q !== "string" || q.trim() === "") {
      throw new RangeError(`questions[${i}] is empty; give a non-empty question text.`);
    }
    const p = model.tokenizer.encode(formatPrompt(q));
    if (p.length >= ctx) {
      throw new RangeError(
        `questions[${i}] ("${q.slice(0, 40)}...") makes a prompt of ${p.length} tokens; ` +
          `it must be shorter than the context ${ctx}: shorten the question.`,
      );
    }
    return p;
  });
  return generateTokensDetailed(model, prompts, options).map((r) => ({
    text: model.tokenizer.decode(r.tokens).trim(),
    endedWithEos: r.endedWithEos,
  }));
}
