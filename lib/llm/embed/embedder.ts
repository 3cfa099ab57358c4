/**
 * The one interface every sentence embedder implements, so that the
 * text-uncertainty measures (lib/uncertainty/text) do not care which model
 * made the vectors.
 *
 * @module
 */

/**
 * A sentence embedder: maps texts to fixed-length vectors.
 *
 * `embed(texts)` resolves to an n x dim row-major Float32Array (row i is
 * texts[i]). Call `dispose()` when done: it frees the model and stops any
 * worker the embedder started.
 */
export interface Embedder {
  /** Model name, e.g. "universal-sentence-encoder-lite" or "Xenova/all-MiniLM-L6-v2". */
  readonly name: string;
  /** Length of each embedding. */
  readonly dim: number;
  /** Embed `texts`; n x dim row-major. An empty list gives an empty array. */
  embed(texts: string[]): Promise<Float32Array>;
  /** Free the model; the embedder cannot be used afterwards. */
  dispose(): Promise<void>;
}

/**
 * Check that `texts` is an array of strings (internal helper for embedders).
 *
 * @throws TypeError naming the first entry that is not a string.
 */
export function checkTexts(texts: unknown, name = "texts"): asserts texts is string[] {
  if (!Array.isArray(texts)) {
    throw new TypeError(`${name} must be an array of strings; got ${typeof texts}.`);
  }
  texts.forEach((t, i) => {
    if (typeof t !== "string") {
      throw new TypeError(`${name}[${i}] must be a string; got ${typeof t}.`);
    }
  });
}

/** Row i of an n x dim embedding matrix (a view, not a copy). */
export function embeddingRow(embeddings: Float32Array, dim: number, i: number): Float32Array {
  return embeddings.subarray(i * dim, (i + 1) * dim);
}

/**
 * An embedder around `fill`, which writes the embeddings of the checked texts
 * into `out` (n x dim); `embed` refuses once `dispose` has run `free`
 * (internal helper for embedders).
 */
export function embedderOf(
  name: string,
  dim: number,
  fill: (texts: string[], out: Float32Array) => Promise<void>,
  free: () => Promise<void>,
): Embedder {
  let disposed = false;
  return {
    name,
    dim,
    async embed(texts: string[]): Promise<Float32Array> {
      if (disposed) throw new Error("this embedder was disposed: load a new one.");
      checkTexts(texts);
      const out = new Float32Array(texts.length * dim);
      await fill(texts, out);
      return out;
    },
    dispose(): Promise<void> {
      disposed = true;
      return free();
    },
  };
}
