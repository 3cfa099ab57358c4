/**
 * A `TextGenerator` (lib/llm/embed's interface, shared with the Hugging Face
 * GPT-2 adapter) backed by one of our small models, so experiment code can
 * take either teacher.
 *
 * @module
 */
import type { TextGenerationOptions, TextGenerator } from "./text_generator.ts";
import { disposeGpt, type GptModel } from "../../lib/llm/model.ts";
import { generateAnswers, generateTokens } from "../../lib/llm/generate.ts";

/**
 * Wrap `model` as a `TextGenerator`. `answer` uses the paper's prompt and cuts
 * at the first blank line, as the Hugging Face adapter does; `dispose` frees the model.
 *
 * @example
 * ```ts
 * const teacher = gptTextGenerator((await loadGpt("data/models/teacher")).model);
 * const [a] = await teacher.answer(["What is an aneurysm?"], { greedy: true });
 * ```
 */
export function gptTextGenerator(model: GptModel, name = "kd-gpt"): TextGenerator {
  return {
    name,
    generate(prompts: string[], options: TextGenerationOptions = {}): Promise<string[]> {
      const ids = prompts.map((p) => model.tokenizer.encode(p));
      return Promise.resolve(
        generateTokens(model, ids, options).map((t) => model.tokenizer.decode(t)),
      );
    },
    answer(questions: string[], options: TextGenerationOptions = {}): Promise<string[]> {
      return Promise.resolve(
        generateAnswers(model, questions, options).map((a) => a.split(/\n\s*\n/)[0].trim()),
      );
    },
    dispose(): Promise<void> {
      disposeGpt(model);
      return Promise.resolve();
    },
  };
}
