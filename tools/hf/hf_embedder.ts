/**
 * Sentence embeddings from a Hugging Face sentence-transformers model, by
 * default the paper's SBERT all-MiniLM-L6-v2 (384-d, Section 4.3): mean
 * pooling over tokens, then L2 normalisation, as sentence-transformers does.
 * The model is not shipped (it cannot be fetched here): see `hf_runtime.ts`
 * for where to put it.
 *
 * @module
 */
import { type Embedder, embedderOf } from "../../lib/llm/embed/embedder.ts";
import { type HfModelOptions, openPipeline } from "./hf_runtime.ts";

/** The paper's embedder, in the ONNX conversion transformers.js loads. */
export const MINILM_MODEL = "Xenova/all-MiniLM-L6-v2";

/** Options of `loadHfEmbedder`. */
export interface HfEmbedderOptions extends HfModelOptions {
  /** Model id (default `MINILM_MODEL`). */
  model?: string;
  /** Texts per pipeline call (default 32). */
  batchSize?: number;
}

interface TensorLike {
  data: ArrayLike<number>;
  dims: number[];
}

/**
 * Load a sentence-transformers model as an `Embedder` (mean pooling,
 * normalised rows). Fails early, naming the model and how to provide it, when
 * it is not in the models folder and downloads are off.
 *
 * @throws Error when options are invalid, the model is missing or cannot load,
 *   or the pipeline returns a shape other than n x dim.
 * @example
 * ```ts
 * const sbert = await loadHfEmbedder(); // needs <KD_MODELS_DIR>/Xenova/all-MiniLM-L6-v2/
 * const e = await sbert.embed(["a question", "an answer"]); // 2 x 384
 * await sbert.dispose();
 * ```
 */
export async function loadHfEmbedder(options: HfEmbedderOptions = {}): Promise<Embedder> {
  const model = options.model ?? MINILM_MODEL;
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batchSize must be a positive integer; got ${batchSize}.`);
  }
  const { pipe } = await openPipeline("feature-extraction", model, options);
  const run = async (texts: string[]): Promise<{ data: Float32Array; dim: number }> => {
    const out = await pipe(texts, { pooling: "mean", normalize: true }) as TensorLike;
    const dims = out?.dims;
    if (!Array.isArray(dims) || dims.length !== 2 || dims[0] !== texts.length) {
      throw new Error(
        `the feature-extraction pipeline of "${model}" returned dims ${JSON.stringify(dims)}; ` +
          `expected [${texts.length}, dim]. Is "${model}" a sentence-embedding model?`,
      );
    }
    return { data: Float32Array.from(out.data), dim: dims[1] };
  };
  const dim = (await run(["dimension probe"])).dim;
  return embedderOf(model, dim, async (texts, out) => {
    for (let b = 0; b < texts.length; b += batchSize) {
      const chunk = texts.slice(b, b + batchSize);
      const r = await run(chunk);
      if (r.dim !== dim) throw new Error(`"${model}" changed dimension: ${r.dim} vs ${dim}.`);
      out.set(r.data, b * dim);
    }
  }, async () => {
    await pipe.dispose?.();
  });
}
