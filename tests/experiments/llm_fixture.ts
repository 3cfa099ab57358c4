/**
 * A tiny language-model setup for the experiment tests: two tiny models built
 * here (tests/llm/fixture.ts), a QA split of its four pairs, and a
 * deterministic hashing embedder (character trigram counts folded into 16
 * dimensions), so no test reads data/models or loads the sentence encoder.
 */
import type { Embedder } from "../../lib/llm/embed/mod.ts";
import { type LlmSetup, llmSetupFrom } from "../../lib/experiments/llm_setup.ts";
import { PAIRS, tinyModel } from "../llm/fixture.ts";

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
