import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  addRelativeNoise,
  disposeGpt,
  generateAnswers,
  linearSchedule,
  trainOnQa,
  trainOnTexts,
} from "../../lib/llm/mod.ts";
import { gptValues } from "../../lib/llm/model.ts";
import { PAIRS, tinyModel } from "./fixture.ts";

Deno.test("a tiny model overfits four QA pairs and then greedy-decodes them exactly", () => {
  const model = tinyModel(1, 2, 32);
  const before = tf.memory().numTensors;
  const seen: number[] = [];
  const res = trainOnQa(model, PAIRS, {
    seed: 1,
    epochs: 150,
    batchSize: 4,
    learningRate: 1e-2,
    onProgress: (p) => seen.push(p.step),
  });
  assertEquals(seen.length, 150);
  assertEquals(seen.at(-1), 150);
  assert(res.losses.at(-1)! < 0.05, `final loss ${res.losses.at(-1)}`);
  const answers = generateAnswers(model, PAIRS.map((p) => p.question), { greedy: true });
  assertEquals(answers, PAIRS.map((p) => p.answer));
  assertEquals(tf.memory().numTensors, before, "training and generation leak no tensors");
  disposeGpt(model);
});

Deno.test("training is reproducible from the seed and the data order depends on it", () => {
  const run = (seed: number) => {
    const m = tinyModel(4);
    const r = trainOnQa(m, PAIRS, { seed, epochs: 2, batchSize: 2, learningRate: 1e-3 });
    disposeGpt(m);
    return r.losses;
  };
  assertEquals(run(3), run(3));
  assert(run(3).join() !== run(4).join());
});

Deno.test("the learning rate decays linearly to zero without warmup (Hugging Face's schedule)", () => {
  const lrs: number[] = [];
  const m = tinyModel(5);
  trainOnQa(m, PAIRS, {
    seed: 1,
    epochs: 2,
    batchSize: 2,
    learningRate: 1e-3,
    onProgress: (p) => lrs.push(p.learningRate),
  });
  disposeGpt(m);
  // 4 updates: 1e-3 * (4 - s) / 4 for s = 0..3.
  assertEquals(lrs.length, 4);
  lrs.forEach((lr, s) => assertAlmostEquals(lr, 1e-3 * (4 - s) / 4, 1e-15));
  assertEquals(linearSchedule(2, 10, 4), 0.5);
  assertEquals(linearSchedule(10, 10), 0);
});

Deno.test("the tracked parameter is recorded after every update and equals the final value", () => {
  const m = tinyModel(6);
  const res = trainOnQa(m, PAIRS, {
    seed: 1,
    epochs: 3,
    batchSize: 2,
    learningRate: 1e-2,
    track: { name: "h.0.mlp.c_fc.b", index: 3 },
  });
  assertEquals(res.trajectory.length, res.steps);
  assertEquals(res.trajectory.at(-1), gptValues(m).get("h.0.mlp.c_fc.b")![3]);
  assert(res.trajectory[0] !== 0, "a bias starting at 0 moves after the first update");
  disposeGpt(m);
});

Deno.test("relative parameter noise has standard deviation fraction·|p| per entry", () => {
  const m = tinyModel(7);
  const before = gptValues(m);
  addRelativeNoise(m, 0.05, 11);
  const after = gptValues(m);
  // z = (after - before) / (0.05 |before|) is N(0,1) over all nonzero entries.
  let n = 0, s = 0, s2 = 0;
  for (const [name, x] of before) {
    const y = after.get(name)!;
    for (let i = 0; i < x.length; i++) {
      if (x[i] === 0) {
        assertEquals(y[i], 0, "zero entries stay zero");
        continue;
      }
      const z = (y[i] - x[i]) / (0.05 * Math.abs(x[i]));
      n++;
      s += z;
      s2 += z * z;
    }
  }
  const mean = s / n, variance = s2 / n - mean * mean;
  // n is ~9,000 here: the standard error of the mean is 1/sqrt(n), of the variance sqrt(2/n);
  // float32 rounding of p + noise adds a relative error far below these. Allow 5 standard errors.
  assert(n > 5000, `n = ${n}`);
  assertAlmostEquals(mean, 0, 5 / Math.sqrt(n));
  assertAlmostEquals(variance, 1, 5 * Math.sqrt(2 / n));
  disposeGpt(m);
});

Deno.test("pre-training on plain text lowers the loss on every token", () => {
  const m = tinyModel(8);
  const texts = PAIRS.map((p) => `${p.question} ${p.answer}`);
  const res = trainOnTexts(m, texts, { seed: 2, epochs: 20, batchSize: 4, learningRate: 1e-2 });
  assert(res.epochLosses.at(-1)! < res.epochLosses[0] * 0.7, `${res.epochLosses}`);
  disposeGpt(m);
});

Deno.test("bad training options are refused before any update", () => {
  const m = tinyModel(9);
  const before = gptValues(m).get("wte")![0];
  assertThrows(() => trainOnQa(m, [], { seed: 1 }), RangeError, "data");
  assertThrows(() => trainOnQa(m, PAIRS, { seed: 1, epochs: 0 }), RangeError, "epochs");
  assertThrows(() => trainOnQa(m, PAIRS, { seed: 1, batchSize: 1.5 }), RangeError, "batchSize");
  assertThrows(
    () => trainOnQa(m, PAIRS, { seed: 1, learningRate: -1 }),
    RangeError,
    "learningRate",
  );
  assertThrows(
    () => trainOnQa(m, PAIRS, { seed: 1, track: { name: "nope", index: 0 } }),
    RangeError,
    "track.name",
  );
  assertThrows(() => addRelativeNoise(m, -0.1, 1), RangeError, "fraction");
  assertEquals(gptValues(m).get("wte")![0], before);
  disposeGpt(m);
});
