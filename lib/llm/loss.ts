/**
 * The answer-only language-modelling loss of the paper's students (docs/protocols.md
 * 4.3): mean next-token cross-entropy over the positions whose target is an
 * answer token, as the Hugging Face Trainer computes it when the prompt labels
 * are set to -100 (the mean is over all counted tokens of the batch).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "./backend.ts";
import type { GptModel } from "./model.ts";
import { embeddingLookup, gptHead, gptHidden } from "./model.ts";
import type { TokenBatch } from "./examples.ts";

/**
 * Masked mean cross-entropy: sum_t mask_t · (−log softmax(logits_t)[target_t]) / sum_t mask_t.
 * Positions with mask 0 contribute nothing, to the value or to the gradient.
 *
 * @param logits [N, V] (or [B, T, V]) next-token logits.
 * @param targets int32 target ids, N (or [B, T]) of them.
 * @param mask float32 weights 0/1, same count as targets.
 * @throws Error when the shapes disagree or the mask is all zero.
 */
export function maskedCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor,
): tf.Scalar {
  const v = logits.shape[logits.rank - 1];
  const n = logits.size / v;
  if (targets.size !== n || mask.size !== n) {
    throw new Error(
      `targets (${targets.size}) and mask (${mask.size}) must have one entry per logits row (${n}).`,
    );
  }
  return tf.tidy(() => {
    const logp = tf.logSoftmax(tf.reshape(logits, [n, v]), -1);
    const picked = tf.sum(
      tf.mul(logp, tf.oneHot(tf.cast(tf.reshape(targets, [n]), "int32"), v)),
      -1,
    );
    const m = tf.cast(tf.reshape(mask, [n]), "float32");
    return tf.div(tf.neg(tf.sum(tf.mul(picked, m))), tf.maximum(tf.sum(m), 1e-12)) as tf.Scalar;
  });
}

/**
 * The answer-only loss of `model` on a batch, computing the output head only at
 * the counted positions (the result equals `maskedCrossEntropy` on the full
 * logits; the head is the costliest product, so skipping prompt and padding rows
 * saves time).
 *
 * @throws Error when the batch has no answer token.
 */
export function answerLoss(model: GptModel, batch: TokenBatch): tf.Scalar {
  const rows: number[] = [];
  for (let i = 0; i < batch.mask.length; i++) if (batch.mask[i] > 0) rows.push(i);
  if (rows.length === 0) throw new Error("the batch has no answer token to train on.");
  return tf.tidy(() => {
    const ids = tf.tensor2d(batch.inputs, [batch.batch, batch.time], "int32");
    const h = tf.reshape(gptHidden(model, ids), [batch.batch * batch.time, model.config.width]);
    const idx = tf.tensor1d(Int32Array.from(rows), "int32");
    const sel = embeddingLookup(h as tf.Tensor2D, idx);
    const logits = gptHead(model, sel);
    const tg = tf.tensor1d(Int32Array.from(rows.map((r) => batch.targets[r])), "int32");
    return maskedCrossEntropy(logits, tg, tf.ones([rows.length], "float32"));
  });
}
