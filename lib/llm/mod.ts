/**
 * A small GPT-2-style causal language model in tfjs, at a scale this machine
 * trains in minutes: byte-level BPE tokenizer, decoder-only transformer,
 * answer-only fine-tuning with AdamW, batched seeded sampling with a KV cache,
 * save/load to a folder. Stands in for the paper's GPT-2 teacher and
 * DistilGPT2 students (docs/protocols.md 4.3, 5.1, 6.2, 7.3, Appendix F).
 *
 * Two engines compute the same model: tfjs (lib/llm/model.ts, differentiable
 * tensors) and a native kernel (lib/llm/native.ts: C compiled on first use,
 * OpenBLAS products, every core) that training and sampling use by default
 * where it loads, several times faster (bench/llm_bench.ts `--sections speed`).
 * They agree to float32 rounding; each alone is deterministic per seed, and
 * neither the batch size nor the number of threads changes a result.
 *
 * @module
 */
export { useBackend } from "./backend.ts";
export { type GptConfig, gptParameterCount } from "./config.ts";
export { Tokenizer, tokenizerFromJson, trainTokenizer } from "./tokenizer.ts";
export { cloneGpt, createGpt, disposeGpt, type GptModel } from "./model.ts";
export { formatPrompt } from "./examples.ts";
export { AdamW, type AdamWOptions, linearSchedule } from "./adamw.ts";
export {
  addRelativeNoise,
  trainOnExamples,
  trainOnQa,
  trainOnTexts,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from "./train.ts";
export { type SamplingOptions } from "./sampling.ts";
export {
  generateAnswers,
  generateAnswersDetailed,
  type GeneratedRow,
  type GenerateOptions,
  generateTokens,
  generateTokensDetailed,
} from "./generate.ts";
export {
  defaultLlmThreads,
  gptNativeUnavailableReason,
  type LlmEngine,
  loadGptNative,
  openBlasCoreChosen,
  resolveLlmEngine,
} from "./native.ts";
export {
  type StudentJob,
  type StudentsOptions,
  type StudentsProgress,
  trainStudents,
} from "./students.ts";
export { loadGpt, ModelFileError, saveGpt } from "./io.ts";
export {
  loadPretrainCorpus,
  loadQaCorpus,
  type QaCorpus,
  type QaLoadOptions,
  type QaPair,
} from "./qa.ts";
