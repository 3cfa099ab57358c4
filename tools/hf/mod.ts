/**
 * Adapters for models of your own through Hugging Face's `@huggingface/transformers` (imported
 * only when called): a sentence-transformers embedder (e.g. the paper's all-MiniLM-L6-v2) and a
 * causal language model as a teacher (e.g. GPT-2), with the text-generator interface the small
 * GPT of lib/llm also offers (`gptTextGenerator`). None of the chapters uses them (the models
 * cannot be downloaded on the machines this project is built on), so they live beside the
 * library, not in it; their handling of inputs and outputs is tested with stand-in pipelines.
 *
 * @module
 */
export { type HfEmbedderOptions, loadHfEmbedder, MINILM_MODEL } from "./hf_embedder.ts";
export { GPT2_MODEL, type HfGeneratorOptions, loadHfGenerator } from "./hf_generator.ts";
export {
  type HfModelOptions,
  type HfPipeline,
  type HfRuntime,
  missingModelError,
  modelsDir,
} from "./hf_runtime.ts";
export {
  resolveGenerationOptions,
  type TextGenerationOptions,
  type TextGenerator,
} from "./text_generator.ts";
export { gptTextGenerator } from "./gpt_text_generator.ts";
