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
export { type LlmBackend, useBackend } from "./backend.ts";
export { checkGptConfig, type GptConfig, gptParameterCount } from "./config.ts";
export {
  EOS_TEXT,
  PAD_TEXT,
  Tokenizer,
  tokenizerFromJson,
  type TokenizerJson,
  trainTokenizer,
} from "./tokenizer.ts";
export {
  causalBias,
  cloneGpt,
  createGpt,
  disposeGpt,
  gptFromValues,
  gptHidden,
  gptInitialValues,
  gptLogits,
  type GptModel,
  gptParameterShapes,
  gptValues,
  isDecayedParameter,
} from "./model.ts";
export { flatParameters, parameterOffset } from "./params.ts";
export {
  type EncodedExample,
  encodeExample,
  formatPrompt,
  makeBatch,
  type TokenBatch,
} from "./examples.ts";
export { answerLoss, maskedCrossEntropy } from "./loss.ts";
export { type MatMulEngine, matMulEngine, matMulT, setMatMulEngine } from "./matmul.ts";
export { AdamW, type AdamWOptions, linearSchedule } from "./adamw.ts";
export {
  addRelativeNoise,
  type TrackedParameter,
  trainOnExamples,
  trainOnQa,
  trainOnTexts,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from "./train.ts";
export {
  applyRepetitionPenalty,
  argMax,
  checkSamplingOptions,
  chooseToken,
  kthLargest,
  type SamplingOptions,
  samplingProbabilities,
} from "./sampling.ts";
export {
  generateAnswers,
  generateAnswersDetailed,
  type GeneratedRow,
  type GenerateOptions,
  generateTokens,
  generateTokensDetailed,
} from "./generate.ts";
export {
  checkThreads,
  defaultLlmThreads,
  gptNativeUnavailableReason,
  type LlmEngine,
  loadGptNative,
  NATIVE_GRADIENT_PARTS,
  openBlasCoreChosen,
  resolveLlmEngine,
} from "./native.ts";
export {
  type StudentJob,
  type StudentsOptions,
  type StudentsProgress,
  trainStudents,
} from "./students.ts";
export {
  distinctN,
  knownWordFraction,
  perQuestionNoise,
  questionSpecificity,
  repeatsWordTrigram,
  type Specificity,
  vocabularyOf,
  words,
} from "../../bench/llm_quality.ts";
export { fnv1a32, loadGpt, ModelFileError, type SavedModelJson, saveGpt } from "./io.ts";
export { gptTextGenerator } from "./text_generator.ts";
export {
  loadPretrainCorpus,
  loadQaCorpus,
  parseQaJsonl,
  type QaCorpus,
  type QaLoadOptions,
  type QaPair,
} from "./qa.ts";
