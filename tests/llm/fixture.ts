/** A tiny inline corpus and model shared by the language-model tests. */
import { createGpt, type GptModel, trainTokenizer, useBackend } from "../../lib/llm/mod.ts";
import type { QaPair } from "../../lib/llm/qa.ts";

await useBackend("wasm");

/** Four short definitional QA pairs. */
export const PAIRS: QaPair[] = [
  { question: "What is a cell?", answer: "the basic unit of life." },
  { question: "What is blood?", answer: "the fluid the heart pumps." },
  { question: "What is a nerve?", answer: "a bundle of fibres carrying signals." },
  { question: "What is a bone?", answer: "rigid tissue of the skeleton." },
];

/** Texts the test tokenizer is learned from. */
export const TEXTS = PAIRS.flatMap((p) => [`Question: ${p.question}\nAnswer:`, p.answer]);

/** A tokenizer learned from TEXTS with 60 merges. */
export const TOKENIZER = trainTokenizer(TEXTS, 60);

/** A fresh tiny model (1 layer, 2 heads, width 16, context 48). */
export function tinyModel(seed = 1, layers = 1, width = 16): GptModel {
  return createGpt(
    { vocabSize: TOKENIZER.vocabSize, contextLength: 48, layers, heads: 2, width },
    TOKENIZER,
    seed,
  );
}
