/**
 * A Hugging Face causal language model (such as GPT-2) as a teacher, through
 * `@huggingface/transformers`' text-generation pipeline. Not shipped: see
 * `hf_runtime.ts` for where to put the model.
 *
 * Sampling is made reproducible by seeding the library's generator before each
 * prompt with a number drawn from the child stream i of `seed` (lib/random), so
 * prompt i's text does not depend on the other prompts. Prompts run one at a
 * time (GPT-2 has no padding token for batches).
 *
 * @module
 */
import { Rng } from "../../lib/random.ts";
import { type HfModelOptions, openPipeline } from "./hf_runtime.ts";
import { checkTexts } from "../../lib/llm/embed/embedder.ts";
import { formatPrompt } from "../../lib/llm/examples.ts";
import {
  resolveGenerationOptions,
  type TextGenerationOptions,
  type TextGenerator,
} from "./text_generator.ts";

/** Options of `loadHfGenerator`. */
export interface HfGeneratorOptions extends HfModelOptions {
  /** Model id (default "Xenova/gpt2"). */
  model?: string;
}

/** The paper's teacher architecture, in the ONNX conversion transformers.js loads. */
export const GPT2_MODEL = "Xenova/gpt2";

/**
 * Load a causal LM as a `TextGenerator`. The options map to the library's
 * generation settings: `maxNewTokens` -> max_new_tokens, `temperature`,
 * `topK` -> top_k, `repetitionPenalty` -> repetition_penalty, greedy ->
 * do_sample false; only the continuation is returned.
 *
 * @throws Error when the model is missing (naming it and how to provide it),
 *   or sampling is asked for but the runtime cannot be seeded.
 * @example
 * ```ts
 * const gpt2 = await loadHfGenerator(); // needs <KD_MODELS_DIR>/Xenova/gpt2/
 * const [a] = await gpt2.answer(["What is an aneurysm?"], { temperature: 0.8, topK: 50, repetitionPenalty: 1.2, seed: 1 });
 * ```
 */
export async function loadHfGenerator(options: HfGeneratorOptions = {}): Promise<TextGenerator> {
  const model = options.model ?? GPT2_MODEL;
  const { pipe, runtime } = await openPipeline("text-generation", model, options);
  let disposed = false;
  const generate = async (prompts: string[], o: TextGenerationOptions = {}) => {
    if (disposed) throw new Error("this generator was disposed: load a new one.");
    checkTexts(prompts, "prompts");
    const g = resolveGenerationOptions(o);
    if (!g.greedy && !runtime.seed) {
      throw new Error(
        `the runtime of "${model}" cannot be seeded, so sampling is not reproducible.`,
      );
    }
    const root = g.seed === undefined ? undefined : new Rng(g.seed);
    const out: string[] = [];
    for (let i = 0; i < prompts.length; i++) {
      if (!g.greedy) runtime.seed!(root!.child(i).nextUint32());
      const settings: Record<string, unknown> = {
        max_new_tokens: g.maxNewTokens,
        do_sample: !g.greedy,
        repetition_penalty: g.repetitionPenalty,
        return_full_text: false,
      };
      if (!g.greedy) {
        settings.temperature = g.temperature;
        settings.top_k = g.topK;
      }
      const r = await pipe(prompts[i], settings);
      out.push(continuation(r, prompts[i], model));
    }
    return out;
  };
  return {
    name: model,
    generate,
    async answer(questions: string[], o: TextGenerationOptions = {}) {
      checkTexts(questions, "questions");
      const texts = await generate(questions.map(formatPrompt), o);
      return texts.map((t) => t.split(/\n\s*\n/)[0].trim());
    },
    async dispose() {
      disposed = true;
      await pipe.dispose?.();
    },
  };
}

/** The generated text of one pipeline result (`[{generated_text}]`), without the prompt. */
function continuation(result: unknown, prompt: string, model: string): string {
  const first = Array.isArray(result)
    ? (Array.isArray(result[0]) ? result[0][0] : result[0])
    : result;
  const text = (first as { generated_text?: unknown })?.generated_text;
  if (typeof text !== "string") {
    throw new Error(
      `the text-generation pipeline of "${model}" returned no generated_text; got ${
        JSON.stringify(result)?.slice(0, 80)
      }.`,
    );
  }
  return text.startsWith(prompt) ? text.slice(prompt.length) : text;
}
