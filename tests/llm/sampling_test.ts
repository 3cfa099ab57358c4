import {
  assert,
  assertAlmostEquals,
  assertArrayClose,
  assertEquals,
  assertThrows,
} from "../assert.ts";
import {
  applyRepetitionPenalty,
  argMax,
  checkSamplingOptions,
  chooseToken,
  samplingProbabilities,
} from "../../lib/llm/sampling.ts";
import { Rng } from "../../lib/random.ts";

Deno.test("the repetition penalty divides positive and multiplies negative logits of seen tokens", () => {
  const l = new Float64Array([2, -1, 0.5, 3]);
  applyRepetitionPenalty(l, [0, 1, 1], 2);
  assertEquals(Array.from(l), [1, -2, 0.5, 3]);
});

Deno.test("the repetition penalty lowers a repeated token's probability to the hand-computed softmax", () => {
  const logits = [1.0, 2.0, 0.5];
  const l = Float64Array.from(logits);
  applyRepetitionPenalty(l, [1], 1.2);
  const p = samplingProbabilities(l, 1, 0);
  // By hand: logits become [1, 2/1.2, 0.5]; softmax.
  const e = [Math.exp(1), Math.exp(2 / 1.2), Math.exp(0.5)];
  const z = e[0] + e[1] + e[2];
  assertArrayClose(p, e.map((x) => x / z), 1e-12);
  const before = samplingProbabilities(logits, 1, 0);
  assert(p[1] < before[1]);
});

Deno.test("temperature and top-k shape the probabilities as softmax(l/T) over the k largest", () => {
  const l = [0, 1, 2, 3];
  const p = samplingProbabilities(l, 0.5, 2);
  const e2 = Math.exp(2 / 0.5), e3 = Math.exp(3 / 0.5);
  assertArrayClose(p, [0, 0, e2 / (e2 + e3), e3 / (e2 + e3)], 1e-12);
  // Ties with the k-th value are kept.
  const t = samplingProbabilities([1, 1, 0], 1, 1);
  assertArrayClose(t, [0.5, 0.5, 0], 1e-12);
});

Deno.test("draws follow the sampling probabilities (Monte Carlo, 4 standard errors)", () => {
  const l = [0.2, 1.0, -0.5, 0.7];
  const p = samplingProbabilities(l, 1.3, 3);
  const rng = new Rng(12);
  const n = 20000;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    counts[chooseToken(Float64Array.from(l), [], { temperature: 1.3, topK: 3 }, rng)]++;
  }
  for (let j = 0; j < 4; j++) {
    const se = Math.sqrt(p[j] * (1 - p[j]) / n);
    assertAlmostEquals(counts[j] / n, p[j], 4 * se + 1e-12, `token ${j}`);
  }
  assertEquals(counts[2], 0, "the token outside the top 3 is never drawn");
});

Deno.test("greedy, temperature near 0 and top-k = 1 all pick the arg max", () => {
  const l = [0.1, 2.5, 2.4, -1];
  const rng = new Rng(1);
  assertEquals(argMax(l), 1);
  for (let i = 0; i < 50; i++) {
    assertEquals(chooseToken(Float64Array.from(l), [], { greedy: true }, rng), 1);
    assertEquals(chooseToken(Float64Array.from(l), [], { temperature: 1e-4 }, rng), 1);
    assertEquals(chooseToken(Float64Array.from(l), [], { temperature: 2, topK: 1 }, rng), 1);
  }
  // The penalty applies before the arg max (as in Hugging Face's greedy search).
  assertEquals(
    chooseToken(Float64Array.from(l), [1], { greedy: true, repetitionPenalty: 2 }, rng),
    2,
  );
});

Deno.test("bad sampling options name the field", () => {
  assertThrows(() => checkSamplingOptions({ temperature: -1 }), RangeError, "temperature");
  assertThrows(() => checkSamplingOptions({ topK: 2.5 }), RangeError, "topK");
  assertThrows(
    () => checkSamplingOptions({ repetitionPenalty: 0 }),
    RangeError,
    "repetitionPenalty",
  );
  assertThrows(() => samplingProbabilities([1], 0, 0), RangeError, "temperature");
});

Deno.test("chooseToken draws exactly what samplingProbabilities gives (same uniform, same token)", () => {
  // The reference: the full probability vector, then the cumulative draw over it.
  const reference = (l: Float64Array, t: number, k: number, u: number) => {
    const p = samplingProbabilities(l, t, k);
    let acc = 0, last = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        acc += p[i];
        last = i;
        if (u < acc) return i;
      }
    }
    return last;
  };
  const gen = new Rng(21);
  for (let trial = 0; trial < 300; trial++) {
    const n = 5 + Math.floor(gen.uniform() * 200);
    // integers in a small range make ties at the top-k threshold common
    const l = Float64Array.from(
      { length: n },
      () => trial % 2 ? Math.round(gen.normal() * 3) : gen.normal() * 4,
    );
    const t = 0.3 + gen.uniform() * 2, k = Math.floor(gen.uniform() * 60);
    const seed = 1000 + trial;
    const u = new Rng(seed).uniform();
    const got = chooseToken(Float64Array.from(l), [], { temperature: t, topK: k }, new Rng(seed));
    assertEquals(got, reference(l, t, k, u), `trial ${trial}`);
  }
});
