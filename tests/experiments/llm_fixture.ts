/**
 * A tiny language-model setup for the experiment tests: two tiny models built
 * here (tests/llm/fixture.ts), a QA split of its four pairs, and a
 * deterministic hashing embedder (character trigram counts folded into 16
 * dimensions), so no test reads data/models or loads the sentence encoder.
 */
import type { Embedder } from "../../lib/llm/embed/mod.ts";
import { type LlmSetup, llmSetupFrom } from "../../notebooks/llm_setup.ts";
import { PAIRS, tinyModel } from "../llm/fixture.ts";
import {
  type LlmTemperatureConfig,
  llmTemperatureConfig,
} from "../../notebooks/04_llm_temperature.ts";
import {
  type LlmInitializationConfig,
  llmInitializationConfig,
} from "../../notebooks/05_student_initialization_uncertainty.ts";
import {
  type LlmConsistencyConfig,
  llmConsistencyConfig,
} from "../../notebooks/06_llm_consistency.ts";
import {
  type LlmCorrectionsConfig,
  llmCorrectionsConfig,
} from "../../notebooks/07_llm_corrections.ts";

/** A deterministic embedder: character trigrams hashed into `dim` counts (plus 1 in dimension 0). */
export function hashEmbedder(dim = 16): Embedder {
  return {
    name: "hash-trigrams",
    dim,
    embed(texts: string[]) {
      const out = new Float32Array(texts.length * dim);
      texts.forEach((t, i) => {
        out[i * dim] = 1;
        const s = ` ${t.toLowerCase()} `;
        for (let j = 0; j + 3 <= s.length; j++) {
          let h = 0x811c9dc5;
          for (let k = j; k < j + 3; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193) >>> 0;
          out[i * dim + (h % dim)] += 1;
        }
      });
      return Promise.resolve(out);
    },
    dispose: () => Promise.resolve(),
  };
}

/** A tiny setup: teacher and base are tiny models of different seeds; train = test = the 4 pairs. */
export function tinySetup(): LlmSetup {
  return llmSetupFrom({
    teacher: tinyModel(3),
    base: tinyModel(5),
    qa: { train: PAIRS, test: PAIRS },
    embedder: hashEmbedder(),
    maxNewTokens: 6,
    owned: { models: true },
  });
}

/**
 * The smoke configurations shrunk to the fixture's four pairs, shared by the
 * experiment tests and the sharding tests (tests/shard/llm_experiments_test.ts).
 */
export const TINY_CONFIGS = {
  /** 3 temperatures, 3 students of a 1x16 base, 1 epoch. */
  llm_temperature: (): LlmTemperatureConfig => ({
    ...llmTemperatureConfig("smoke"),
    temperatures: [0.5, 1, 2],
    students: 3,
    trainQuestions: 4,
    evalQuestions: 4,
    noisePrompts: 3,
    noiseSamples: 3,
    noiseStudents: 2,
    directStudents: 2,
    predictiveSamples: 5,
  }),
  /** 3 levels, 3 students, 2 epochs of batches of 2. */
  llm_initialization: (): LlmInitializationConfig => ({
    ...llmInitializationConfig("smoke"),
    levels: [0, 0.05, 0.2],
    students: 3,
    trainQuestions: 4,
    evalQuestions: 4,
    epochs: 2,
    batchSize: 2,
  }),
  /** Batches of 2 over the 4 pairs, so students differ in their data order. */
  llm_consistency: (): LlmConsistencyConfig => ({
    ...llmConsistencyConfig("smoke"),
    trainQuestions: 4,
    students: 3,
    prompts: 3,
    samples: 3,
    temperatures: [1, 2],
    batchSize: 2,
    identityPairs: 4,
  }),
  /** Batches of 2 over the 4 pairs, 2 students per arm, k = 2 and 3. */
  llm_corrections: (): LlmCorrectionsConfig => ({
    ...llmCorrectionsConfig("smoke"),
    trainQuestions: 4,
    students: 2,
    ks: [2, 3],
    testQuestions: 4,
    noisePrompts: 2,
    noiseSamples: 2,
    batchSize: 2,
  }),
};
