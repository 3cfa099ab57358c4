/**
 * The size of a GPT-2-style decoder-only transformer.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Tokenizer } from "./tokenizer.ts";

/** Shape of a GPT-2-style model (GPT-2 small is 12 layers, 12 heads, width 768, context 1024). */
export interface GptConfig {
  /** Number of token ids (the tokenizer's `vocabSize`). */
  vocabSize: number;
  /** Longest sequence the model reads (rows of the position embedding). */
  contextLength: number;
  /** Number of transformer blocks. */
  layers: number;
  /** Attention heads per block; must divide `width`. */
  heads: number;
  /** Width of the residual stream (embedding size); the MLP is 4x wider. */
  width: number;
}

/**
 * Check a config; returns it unchanged.
 *
 * @throws RangeError naming the first field that is not a positive integer, or
 *   when `heads` does not divide `width`.
 */
export function checkGptConfig(config: GptConfig): GptConfig {
  for (const k of ["vocabSize", "contextLength", "layers", "heads", "width"] as const) {
    const v = config?.[k];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`config.${k} must be a positive integer, got ${v}.`);
    }
  }
  if (config.width % config.heads !== 0) {
    throw new RangeError(
      `config.heads (${config.heads}) must divide config.width (${config.width}); ` +
        `pick a width that is a multiple of heads.`,
    );
  }
  return config;
}

/** Number of trainable parameters of a model of this shape (the output head is tied, not counted twice). */
export function gptParameterCount(config: GptConfig): number {
  const { vocabSize: v, contextLength: n, layers: l, width: c } = checkGptConfig(config);
  const block = 2 * 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * 4 * c + 4 * c) +
    (4 * c * c + c);
  return v * c + n * c + l * block + 2 * c;
}

/** A GPT-2-style model: its shape, its tokenizer and its parameters (tf variables). */
export interface GptModel {
  /** The model's shape. */
  config: GptConfig;
  /** The tokenizer the model reads and writes. */
  tokenizer: Tokenizer;
  /** Parameters by GPT-2 name, in a fixed order (see `gptParameterShapes`). */
  params: Map<string, tf.Variable>;
}

/**
 * Names and shapes of all parameters, in the order they are initialised,
 * saved and listed.
 */
export function gptParameterShapes(config: GptConfig): [string, number[]][] {
  const { vocabSize: v, contextLength: n, layers, width: c } = checkGptConfig(config);
  const out: [string, number[]][] = [["wte", [v, c]], ["wpe", [n, c]]];
  for (let l = 0; l < layers; l++) {
    const p = `h.${l}.`;
    out.push(
      [p + "ln_1.g", [c]],
      [p + "ln_1.b", [c]],
      [p + "attn.c_attn.w", [c, 3 * c]],
      [p + "attn.c_attn.b", [3 * c]],
      [p + "attn.c_proj.w", [c, c]],
      [p + "attn.c_proj.b", [c]],
      [p + "ln_2.g", [c]],
      [p + "ln_2.b", [c]],
      [p + "mlp.c_fc.w", [c, 4 * c]],
      [p + "mlp.c_fc.b", [4 * c]],
      [p + "mlp.c_proj.w", [4 * c, c]],
      [p + "mlp.c_proj.b", [c]],
    );
  }
  out.push(["ln_f.g", [c]], ["ln_f.b", [c]]);
  return out;
}

/** Whether AdamW's weight decay applies to this parameter (not to biases or layer norms, as in the Hugging Face Trainer). */
export function isDecayedParameter(name: string): boolean {
  return !(name.endsWith(".b") || name.includes("ln_"));
}
