import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { disposeGpt, formatPrompt } from "../../lib/llm/mod.ts";
import { answerLoss, maskedCrossEntropy } from "../../lib/llm/loss.ts";
import { encodeExample, makeBatch } from "../../lib/llm/examples.ts";
import { gptLogits } from "../../lib/llm/model.ts";
import { PAIRS, tinyModel, TOKENIZER } from "./fixture.ts";

Deno.test("the prompt is the paper's and only answer and end-of-sequence targets are counted", () => {
  assertEquals(formatPrompt("What is a cell?"), "Question: What is a cell?\nAnswer:");
  const ex = encodeExample(TOKENIZER, PAIRS[0], 32);
  const prompt = TOKENIZER.encode("Question: What is a cell?\nAnswer:");
  assertEquals(ex.promptLength, prompt.length);
  assertEquals(ex.tokens.slice(0, prompt.length), prompt);
  assertEquals(ex.tokens.at(-1), TOKENIZER.eos);
  assertEquals(TOKENIZER.decode(ex.tokens.slice(prompt.length)), " the basic unit of life.");
  const b = makeBatch([ex], TOKENIZER.pad);
  const counted = Array.from(b.mask).reduce((s, m) => s + m, 0);
  assertEquals(counted, ex.tokens.length - prompt.length); // answer tokens + eos
  for (let t = 0; t < b.time; t++) {
    assertEquals(b.mask[t], t + 1 >= prompt.length ? 1 : 0);
    assertEquals(b.targets[t], ex.tokens[t + 1]);
  }
});

Deno.test("changing a prompt token's target does not change the loss; changing an answer target does", () => {
  const model = tinyModel(2);
  const ex = encodeExample(TOKENIZER, PAIRS[1], 32);
  const b = makeBatch([ex], TOKENIZER.pad);
  const loss = (targets: Int32Array) =>
    tf.tidy(() => {
      const logits = gptLogits(model, tf.tensor2d(b.inputs, [1, b.time], "int32"));
      return maskedCrossEntropy(logits, tf.tensor1d(targets, "int32"), tf.tensor1d(b.mask))
        .dataSync()[0];
    });
  const base = loss(b.targets);
  const promptChanged = b.targets.slice();
  promptChanged[0] = (promptChanged[0] + 1) % 256;
  assertEquals(loss(promptChanged), base);
  const answerChanged = b.targets.slice();
  answerChanged[b.time - 1] = (answerChanged[b.time - 1] + 1) % 256;
  assert(loss(answerChanged) !== base);
  // The fast path (head only at counted positions) gives the same value.
  assertAlmostEquals(tf.tidy(() => answerLoss(model, b).dataSync()[0]), base, 1e-5);
  disposeGpt(model);
});

Deno.test("the gradient of the loss with respect to prompt-position logits is zero", () => {
  const ex = encodeExample(TOKENIZER, PAIRS[2], 32);
  const b = makeBatch([ex], TOKENIZER.pad);
  const v = TOKENIZER.vocabSize;
  const g = tf.tidy(() => {
    const logits = tf.randomNormal([b.time, v], 0, 1, "float32", 4);
    const f = (l: tf.Tensor) =>
      maskedCrossEntropy(l, tf.tensor1d(b.targets, "int32"), tf.tensor1d(b.mask));
    return tf.grad(f)(logits).dataSync();
  });
  for (let t = 0; t < b.time; t++) {
    let norm = 0;
    for (let j = 0; j < v; j++) norm += Math.abs(g[t * v + j]);
    if (b.mask[t] === 0) assertEquals(norm, 0, `position ${t}`);
    else assert(norm > 0, `answer position ${t} must get a gradient`);
  }
});

Deno.test("the masked loss is the mean negative log-probability of the counted targets", () => {
  // Two positions, vocabulary 3, only the second counted: loss = -log softmax([0, 1, 2])[1].
  const value = tf.tidy(() =>
    maskedCrossEntropy(
      tf.tensor2d([[5, 0, 0], [0, 1, 2]]),
      tf.tensor1d([2, 1], "int32"),
      tf.tensor1d([0, 1]),
    ).dataSync()[0]
  );
  const want = -(1 - Math.log(Math.exp(0) + Math.exp(1) + Math.exp(2)));
  assertAlmostEquals(value, want, 1e-5);
});

Deno.test("bad batches are refused before any work", () => {
  assertThrows(() => makeBatch([], 0), RangeError, "examples");
  assertThrows(
    () => encodeExample(TOKENIZER, { question: "x ".repeat(40), answer: "y" }, 8),
    RangeError,
    "context length",
  );
});
