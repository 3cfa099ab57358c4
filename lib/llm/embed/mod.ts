/**
 * Sentence embedders behind one `Embedder` interface: the Universal Sentence
 * Encoder shipped through npm (Hugging Face sentence-transformers such as the
 * paper's all-MiniLM-L6-v2 plug in through tools/hf).
 *
 * @module
 */
export { checkTexts, type Embedder, embeddingRow } from "./embedder.ts";
export { loadUseEmbedder, USE_MODEL_NAME, type UseOptions } from "./use.ts";
