/**
 * The interface of a text generator used as a teacher (Section 4.3: a GPT-2
 * teacher sampled at temperature T, top-k 50, repetition penalty 1.2). Option
 * names mirror lib/llm's `GenerateOptions` (generate.ts), so the same settings
 * drive the project's own small models and a Hugging Face model.
 *
 * @module
 */

/** How text is generated; the same names as lib/llm's `GenerateOptions`. */
export interface TextGenerationOptions {
  /** Arg max decoding (default false). Temperature 0 also means greedy. */
  greedy?: boolean;
  /** Softmax temperature (default 1). */
  temperature?: number;
  /** Keep the k most likely tokens; 0 keeps all (default 50). */
  topK?: number;
  /** Hugging Face's repetition penalty (default 1: none; the paper uses 1.2). */
  repetitionPenalty?: number;
  /** Most new tokens per prompt (default 48). */
  maxNewTokens?: number;
  /** Seed of the draws; required unless greedy. Prompt i uses the child stream i. */
  seed?: number;
}

/** A model that continues prompts. */
export interface TextGenerator {
  /** Model name. */
  readonly name: string;
  /** The continuation of each prompt (without the prompt), in order. */
  generate(prompts: string[], options?: TextGenerationOptions): Promise<string[]>;
  /**
   * Answers to questions with the paper's prompt `Question: {q}\nAnswer:`,
   * trimmed and cut at the first blank line.
   */
  answer(questions: string[], options?: TextGenerationOptions): Promise<string[]>;
  /** Free the model. */
  dispose(): Promise<void>;
}

/**
 * Check generation options and fill the defaults.
 *
 * @throws RangeError naming the bad field.
 */
export function resolveGenerationOptions(o: TextGenerationOptions):
  & Required<
    Omit<TextGenerationOptions, "seed">
  >
  & { seed?: number } {
  const temperature = o.temperature ?? 1;
  const topK = o.topK ?? 50;
  const repetitionPenalty = o.repetitionPenalty ?? 1;
  const maxNewTokens = o.maxNewTokens ?? 48;
  if (!(temperature >= 0 && Number.isFinite(temperature))) {
    throw new RangeError(`temperature must be finite and >= 0; got ${temperature}.`);
  }
  if (!(Number.isInteger(topK) && topK >= 0)) {
    throw new RangeError(`topK must be an integer >= 0; got ${topK}.`);
  }
  if (!(repetitionPenalty > 0 && Number.isFinite(repetitionPenalty))) {
    throw new RangeError(`repetitionPenalty must be finite and > 0; got ${repetitionPenalty}.`);
  }
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 1)) {
    throw new RangeError(`maxNewTokens must be a positive integer; got ${maxNewTokens}.`);
  }
  const greedy = o.greedy === true || temperature === 0;
  if (!greedy && o.seed === undefined) {
    throw new RangeError(`seed is required when sampling (greedy is false); pass seed: <number>.`);
  }
  if (o.seed !== undefined && !Number.isInteger(o.seed)) {
    throw new RangeError(`seed must be an integer; got ${o.seed}.`);
  }
  return { greedy, temperature, topK, repetitionPenalty, maxNewTokens, seed: o.seed };
}
