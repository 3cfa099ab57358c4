import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  disposeGpt,
  formatPrompt,
  generateAnswers,
  generateTokens,
  loadGpt,
  saveGpt,
} from "../../lib/llm/mod.ts";
import { gptTextGenerator } from "../../tools/hf/gpt_text_generator.ts";
import { argMax } from "../../lib/llm/sampling.ts";
import { gptLogits } from "../../lib/llm/model.ts";
import { PAIRS, tinyModel, TOKENIZER } from "./fixture.ts";

const QUESTIONS = PAIRS.map((p) => p.question);

Deno.test("sampling with a seed is reproducible and does not depend on the batch size", () => {
  const model = tinyModel(3);
  const o = { temperature: 1.5, topK: 20, repetitionPenalty: 1.2, seed: 5, maxNewTokens: 12 };
  const a = generateAnswers(model, QUESTIONS, { ...o, batchSize: 4 });
  const b = generateAnswers(model, QUESTIONS, { ...o, batchSize: 1 });
  assertEquals(a, b);
  const c = generateAnswers(model, QUESTIONS, { ...o, seed: 6 });
  assert(a.join("|") !== c.join("|"), "another seed gives other samples");
  disposeGpt(model);
});

Deno.test("temperature → 0 and top-k = 1 equal greedy decoding", () => {
  const model = tinyModel(4);
  const greedy = generateAnswers(model, QUESTIONS, { greedy: true, maxNewTokens: 10 });
  const cold = generateAnswers(model, QUESTIONS, { temperature: 1e-4, seed: 1, maxNewTokens: 10 });
  const top1 = generateAnswers(model, QUESTIONS, {
    temperature: 2,
    topK: 1,
    seed: 1,
    maxNewTokens: 10,
  });
  assertEquals(cold, greedy);
  assertEquals(top1, greedy);
  disposeGpt(model);
});

Deno.test("greedy decoding with the cache equals arg max of full forward passes, prompts of mixed lengths", () => {
  const model = tinyModel(5, 2);
  const prompts = ["What is a cell?", "What is a long bundle of nerve fibres?"].map((q) =>
    TOKENIZER.encode(formatPrompt(q))
  );
  const cached = generateTokens(model, prompts, { greedy: true, maxNewTokens: 6 });
  prompts.forEach((p, r) => {
    const seq = [...p];
    const out: number[] = [];
    for (let s = 0; s < 6; s++) {
      const last = tf.tidy(() => {
        const l = gptLogits(model, tf.tensor2d(seq, [1, seq.length], "int32"));
        return tf.slice(l, [0, seq.length - 1, 0], [1, 1, -1]).dataSync();
      });
      const tok = argMax(last);
      if (tok === TOKENIZER.eos) break;
      out.push(tok);
      seq.push(tok);
    }
    assertEquals(cached[r], out, `prompt ${r}`);
  });
  disposeGpt(model);
});

Deno.test("generation stops at max new tokens and at the context length, and leaks no tensors", () => {
  const model = tinyModel(6);
  const before = tf.memory().numTensors;
  const out = generateTokens(model, [TOKENIZER.encode("What is")], {
    temperature: 1,
    topK: 0,
    seed: 2,
    maxNewTokens: 5,
  });
  assert(out[0].length <= 5);
  const long = TOKENIZER.encode("x ".repeat(200)).slice(0, 45);
  const full = generateTokens(model, [long], { greedy: true, maxNewTokens: 40 });
  assert(full[0].length <= 48 - 45, "the context bounds the new tokens");
  assertEquals(tf.memory().numTensors, before);
  disposeGpt(model);
});

Deno.test("save then load gives identical logits, tokenizer and metadata", async () => {
  const model = tinyModel(7, 2);
  const dir = await Deno.makeTempDir();
  try {
    await saveGpt(model, dir, { seed: 7, note: "test" });
    const { model: back, metadata } = await loadGpt(dir);
    assertEquals(metadata, { seed: 7, note: "test" });
    assertEquals(back.config, model.config);
    assertEquals(back.tokenizer.toJson(), model.tokenizer.toJson());
    const ids = tf.tensor2d([TOKENIZER.encode("What is blood?")], undefined, "int32");
    const a = tf.tidy(() => Array.from(gptLogits(model, ids).dataSync()));
    const b = tf.tidy(() => Array.from(gptLogits(back, ids).dataSync()));
    assertEquals(b, a);
    ids.dispose();
    disposeGpt(back);
    await assertRejectsMessage(() => loadGpt(dir + "/missing"), "config.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
    disposeGpt(model);
  }
});

async function assertRejectsMessage(f: () => Promise<unknown>, includes: string) {
  try {
    await f();
  } catch (e) {
    assert((e as Error).message.includes(includes), (e as Error).message);
    return;
  }
  throw new Error("expected a rejection");
}

Deno.test("bad generation inputs are refused before any work", () => {
  const model = tinyModel(8);
  assertThrows(() => generateTokens(model, [[]], { greedy: true }), RangeError, "prompts[0]");
  assertThrows(() => generateTokens(model, [[1]], { temperature: 1 }), RangeError, "seed");
  assertThrows(
    () => generateTokens(model, [[1]], { greedy: true, maxNewTokens: 0 }),
    RangeError,
    "maxNewTokens",
  );
  assertThrows(
    () => generateTokens(model, [new Array(48).fill(1)], { greedy: true }),
    RangeError,
    "context",
  );
  disposeGpt(model);
});

Deno.test("the TextGenerator adapter answers like generateAnswers and frees the model", async () => {
  const model = tinyModel(9);
  const want = generateAnswers(model, QUESTIONS, { greedy: true, maxNewTokens: 8 });
  const gen = gptTextGenerator(model);
  assertEquals(await gen.answer(QUESTIONS, { greedy: true, maxNewTokens: 8 }), want);
  const [cont] = await gen.generate([formatPrompt(QUESTIONS[0])], {
    greedy: true,
    maxNewTokens: 8,
  });
  assertEquals(cont.trim(), want[0].split(/\n\s*\n/)[0].trim());
  await gen.dispose();
  assertEquals(model.params.size, 0);
});
