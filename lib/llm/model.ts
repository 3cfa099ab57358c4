/**
 * A decoder-only transformer with GPT-2's layout, written with tfjs-core ops:
 * token + position embeddings, `layers` pre-norm blocks of causal multi-head
 * self-attention and a GELU MLP (4x wide), a final layer norm, and an output
 * head tied to the token embedding (logits = h · wteᵀ).
 *
 * Parameter names follow GPT-2's checkpoint (`wte`, `wpe`, `h.0.ln_1.g`,
 * `h.0.attn.c_attn.w`, ..., `ln_f.b`); weights are stored as [in, out] like
 * GPT-2's Conv1D. Initialisation is GPT-2's: every weight matrix and both
 * embeddings N(0, 0.02²), the two residual projections (`attn.c_proj.w`,
 * `mlp.c_proj.w`) N(0, (0.02/√(2·layers))²), biases 0, layer-norm gains 1.
 *
 * The embedding lookup has a hand-written gradient (a scatter-add) because the
 * wasm back end lacks the kernel tfjs uses for the gradient of `gather`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "./backend.ts";
import { Rng, type Seed } from "../random.ts";
import { checkGptConfig, type GptConfig, type GptModel, gptParameterShapes } from "./config.ts";
export { type GptModel, gptParameterShapes, isDecayedParameter } from "./config.ts";
import type { Tokenizer } from "./tokenizer.ts";
import { customGrad2, matMulT } from "./matmul.ts";

/** Layer-norm epsilon (GPT-2's 1e-5). */
const LN_EPS = 1e-5;

/**
 * The initial values GPT-2 would draw, as plain arrays keyed by name.
 *
 * @param seed integer seed or generator (one stream, used in `gptParameterShapes` order).
 */
export function gptInitialValues(config: GptConfig, seed: Seed): Map<string, Float32Array> {
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  const residualStd = 0.02 / Math.sqrt(2 * config.layers);
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of gptParameterShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(size);
    if (name.endsWith(".g")) x.fill(1);
    else if (!name.endsWith(".b")) {
      const std = name.endsWith("c_proj.w") ? residualStd : 0.02;
      for (let i = 0; i < size; i++) x[i] = rng.normal() * std;
    }
    out.set(name, x);
  }
  return out;
}

/**
 * A new model with GPT-2's initialisation.
 *
 * @param config the model's shape; `config.vocabSize` must equal `tokenizer.vocabSize`.
 * @param tokenizer the tokenizer the model will read.
 * @param seed integer seed or generator for the initial weights.
 * @throws RangeError for a bad config or a vocabulary mismatch.
 * @example
 * ```ts
 * const model = createGpt({ vocabSize: tok.vocabSize, contextLength: 96, layers: 2, heads: 4, width: 128 }, tok, 1);
 * // ... use it, then
 * disposeGpt(model);
 * ```
 */
export function createGpt(config: GptConfig, tokenizer: Tokenizer, seed: Seed): GptModel {
  checkGptConfig(config);
  if (config.vocabSize !== tokenizer.vocabSize) {
    throw new RangeError(
      `config.vocabSize (${config.vocabSize}) must equal tokenizer.vocabSize (${tokenizer.vocabSize}).`,
    );
  }
  return gptFromValues(config, tokenizer, gptInitialValues(config, seed));
}

/**
 * A model whose parameters are the given arrays (copied into new tf variables).
 *
 * @throws Error when a parameter is missing or has the wrong size.
 */
export function gptFromValues(
  config: GptConfig,
  tokenizer: Tokenizer,
  values: Map<string, Float32Array>,
): GptModel {
  const params = new Map<string, tf.Variable>();
  for (const [name, shape] of gptParameterShapes(config)) {
    const x = values.get(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!x || x.length !== size) {
      for (const v of params.values()) v.dispose();
      throw new Error(
        `parameter ${name} must have ${size} values (shape [${shape}]), got ${
          x ? x.length : "none"
        }.`,
      );
    }
    // tidy frees the initial tensor; the variable keeps its own reference.
    params.set(
      name,
      tf.tidy(() => tf.variable(tf.tensor(x, shape, "float32"), true, undefined, "float32")),
    );
  }
  return { config: { ...config }, tokenizer, params };
}

/** Copy the model's parameters into plain arrays keyed by name. */
export function gptValues(model: GptModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.params) out.set(name, new Float32Array(v.dataSync()));
  return out;
}

/** An independent copy of a model (same tokenizer, new variables). */
export function cloneGpt(model: GptModel): GptModel {
  return gptFromValues(model.config, model.tokenizer, gptValues(model));
}

/** Free the model's tf variables. The model must not be used afterwards. */
export function disposeGpt(model: GptModel): void {
  for (const v of model.params.values()) v.dispose();
  model.params.clear();
}

/**
 * Rows `ids` of `table`, with a scatter-add gradient (works on every back end).
 * `ids` is an int32 tensor of any shape; the result has shape [...ids.shape, width].
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const [rows, width] = table.shape;
  const outShape = [...ids.shape, width];
  return tf.tidy(() => {
    // The ids enter as a float input the gradient machinery keeps alive (save);
    // their own gradient is zero.
    const flat = tf.cast(tf.reshape(ids, [-1]), "float32");
    const f = customGrad2((t, idx, save) => {
      save([idx]);
      return {
        value: tf.gather(t, tf.cast(idx, "int32")),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
          tf.scatterND(tf.reshape(tf.cast(saved[0], "int32"), [-1, 1]), dy, [rows, width]),
          tf.zerosLike(saved[0]),
        ],
      };
    });
    return tf.reshape(f(table, flat), outShape);
  });
}

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), g), b);
}

/** GPT-2's GELU (the tanh approximation, "gelu_new"). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const cube = tf.mul(tf.mul(tf.mul(x, x), x), 0.044715);
  const inner = tf.mul(tf.add(x, cube), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, tf.add(tf.tanh(inner), 1)), 0.5);
}

/** Keys and values of past positions for incremental decoding: per layer [B·H, Tpast, D]. */
export interface KvCache {
  keys: tf.Tensor3D[];
  values: tf.Tensor3D[];
}

/**
 * One forward pass. `x` holds the (already embedded) inputs [B, T, C];
 * `bias` is the additive attention mask [B or 1, 1, T, Tpast + T] (0 or a large
 * negative number). With `cache`, the new keys/values are appended and the
 * updated cache is returned (the caller owns both caches).
 */
function blocks(
  model: GptModel,
  x: tf.Tensor,
  bias: tf.Tensor,
  cache?: KvCache,
): { h: tf.Tensor; cache?: KvCache } {
  const { layers, heads, width: c } = model.config;
  const d = c / heads;
  const [bsz, t] = x.shape;
  const p = (n: string) => model.params.get(n)!;
  const split = (z: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(z, [bsz, t, heads, d]), [0, 2, 1, 3]), [bsz * heads, t, d]);
  const next: KvCache | undefined = cache ? { keys: [], values: [] } : undefined;
  for (let l = 0; l < layers; l++) {
    const q0 = `h.${l}.`;
    const a = tf.reshape(layerNorm(x, p(q0 + "ln_1.g"), p(q0 + "ln_1.b")), [bsz * t, c]);
    const qkv = tf.add(matMulT(a, p(q0 + "attn.c_attn.w")), p(q0 + "attn.c_attn.b"));
    const [q, k1, v1] = tf.split(qkv, 3, 1).map(split);
    let k = k1, v = v1;
    if (cache && next) {
      if (cache.keys[l]) {
        k = tf.concat([cache.keys[l], k1], 1);
        v = tf.concat([cache.values[l], v1], 1);
      }
      next.keys.push(k as tf.Tensor3D);
      next.values.push(v as tf.Tensor3D);
    }
    const tk = k.shape[1] as number;
    const raw = tf.mul(matMulT(q, k, false, true), 1 / Math.sqrt(d));
    const scores = tf.add(tf.reshape(raw, [bsz, heads, t, tk]), bias);
    const att = tf.reshape(tf.softmax(scores, -1), [bsz * heads, t, tk]);
    const yh = tf.reshape(matMulT(att, v), [bsz, heads, t, d]);
    const y = tf.reshape(tf.transpose(yh, [0, 2, 1, 3]), [bsz * t, c]);
    const proj = tf.add(matMulT(y, p(q0 + "attn.c_proj.w")), p(q0 + "attn.c_proj.b"));
    x = tf.add(x, tf.reshape(proj, [bsz, t, c]));
    const m = tf.reshape(layerNorm(x, p(q0 + "ln_2.g"), p(q0 + "ln_2.b")), [bsz * t, c]);
    const hid = gelu(tf.add(matMulT(m, p(q0 + "mlp.c_fc.w")), p(q0 + "mlp.c_fc.b")));
    const out = tf.add(matMulT(hid, p(q0 + "mlp.c_proj.w")), p(q0 + "mlp.c_proj.b"));
    x = tf.add(x, tf.reshape(out, [bsz, t, c]));
  }
  return { h: layerNorm(x, p("ln_f.g"), p("ln_f.b")), cache: next };
}

/** The large negative number masked attention scores get. */
const NEG = -1e9;

/** Additive causal mask [1, 1, T, T]: 0 on and below the diagonal, -1e9 above. */
export function causalBias(t: number): tf.Tensor4D {
  const m = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = NEG;
  return tf.tensor4d(m, [1, 1, t, t]);
}

function checkIds(model: GptModel, ids: tf.Tensor, name: string): void {
  if (ids.rank !== 2 || ids.dtype !== "int32") {
    throw new Error(
      `${name} must be an int32 tensor of shape [batch, time], got ${ids.dtype} [${ids.shape}].`,
    );
  }
  if ((ids.shape[1] as number) > model.config.contextLength) {
    throw new RangeError(
      `${name} has ${
        ids.shape[1]
      } positions, more than the context length ${model.config.contextLength}; truncate the input.`,
    );
  }
}

/**
 * Final hidden states [B, T, C] (after the last layer norm) for token ids [B, T]
 * at positions 0..T-1 with a causal mask. Differentiable with respect to the
 * model's variables.
 *
 * @throws Error when ids is not int32 [B, T] or T exceeds the context length.
 */
export function gptHidden(model: GptModel, ids: tf.Tensor2D): tf.Tensor3D {
  checkIds(model, ids, "ids");
  return tf.tidy(() => {
    const [bsz, t] = ids.shape;
    const pos = tf.slice(model.params.get("wpe")!, [0, 0], [t, model.config.width]);
    const x = tf.add(embeddingLookup(model.params.get("wte")! as tf.Tensor2D, ids), pos);
    const { h } = blocks(model, tf.reshape(x, [bsz, t, model.config.width]), causalBias(t));
    return h as tf.Tensor3D;
  });
}

/** Logits over the vocabulary from hidden states [..., C] via the tied head (h · wteᵀ). */
export function gptHead(model: GptModel, h: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = model.config.width;
    const lead = h.shape.slice(0, -1);
    const flat = matMulT(tf.reshape(h, [-1, c]), model.params.get("wte")!, false, true);
    return tf.reshape(flat, [...lead, model.config.vocabSize]);
  });
}

/**
 * Next-token logits [B, T, V] for token ids [B, T] (int32): position t's row
 * scores the token at t + 1 given tokens 0..t only (causal).
 *
 * @throws Error when ids is not int32 [B, T] or T exceeds the context length.
 * @example
 * ```ts
 * const logits = tf.tidy(() => gptLogits(model, tf.tensor2d([[5, 9, 2]], [1, 3], "int32")));
 * ```
 */
export function gptLogits(model: GptModel, ids: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => gptHead(model, gptHidden(model, ids)) as tf.Tensor3D);
}

/**
 * Incremental forward pass for generation. `ids` [B, T] are the new tokens,
 * `positions` [B, T] their position ids, `keyBias` [B, Tpast + T] is 0 for keys
 * that may be attended to and -1e9 for padding; a causal mask is added within the
 * new tokens. Returns the logits of the last new position [B, V] and the updated
 * cache (the caller disposes the old and the new cache).
 */
export function gptStep(
  model: GptModel,
  ids: tf.Tensor2D,
  positions: tf.Tensor2D,
  keyBias: tf.Tensor2D,
  cache: KvCache,
): { logits: tf.Tensor2D; cache: KvCache } {
  checkIds(model, ids, "ids");
  let next: KvCache | undefined;
  const logits = tf.tidy(() => {
    const [bsz, t] = ids.shape;
    const tk = keyBias.shape[1];
    const c = model.config.width;
    const x = tf.add(
      embeddingLookup(model.params.get("wte")! as tf.Tensor2D, ids),
      embeddingLookup(model.params.get("wpe")! as tf.Tensor2D, positions),
    );
    const causal = causalBias(t);
    const pastPart = tf.zeros([1, 1, t, tk - t]);
    const bias = tf.add(tf.reshape(keyBias, [bsz, 1, 1, tk]), tf.concat([pastPart, causal], 3));
    const out = blocks(model, tf.reshape(x, [bsz, t, c]), bias, cache);
    next = out.cache!;
    for (const k of next.keys) tf.keep(k);
    for (const v of next.values) tf.keep(v);
    const last = tf.reshape(tf.slice(out.h, [0, t - 1, 0], [bsz, 1, c]), [bsz, c]);
    return gptHead(model, last) as tf.Tensor2D;
  });
  return { logits, cache: next! };
}

/** Free the tensors of a cache. */
export function disposeCache(cache: KvCache): void {
  for (const k of cache.keys) k.dispose();
  for (const v of cache.values) v.dispose();
  cache.keys = [];
  cache.values = [];
}
