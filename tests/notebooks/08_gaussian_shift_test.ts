/**
 * Notebook 08's distribution-shift step (notebooks/08_gaussian_shift.ts): the derangement moves
 * every label and is uniform; the softmax head's gradient matches finite differences and its fit
 * recovers a known permutation from clean logits; the shifted sets come from unused images when
 * there are enough; the step scores an oracle and a blank method as it must; and at smoke scale
 * on MNIST it gives one row per method and replicate.
 */
import {
  classificationStep,
  derangement,
  fitSoftmaxHead,
  gaussianDistillationConfig,
  headLoss,
  headProbabilities,
  shiftContrasts,
  shiftData,
  shiftStep,
  summarizeShift,
} from "../../notebooks/08_gaussian_distillation.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

Deno.test("a derangement is a permutation that moves every label", () => {
  const rng = new Rng(1);
  for (let t = 0; t < 500; t++) {
    const p = derangement(10, rng.child(t));
    assertEquals([...p].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
    assert(p.every((v, i) => v !== i), `fixed point in ${p}`);
  }
  assertThrows(() => derangement(1, rng), RangeError, ">= 2");
});

Deno.test("the derangements of 3 labels are drawn equally often", () => {
  // Of 3 labels there are two derangements, (1 2 0) and (2 0 1): each has probability ½. Over
  // 4000 draws the share's SE is √(¼ / 4000) = 0.0079; allow 4 SE.
  const rng = new Rng(2), draws = 4000;
  let first = 0;
  for (let t = 0; t < draws; t++) {
    const p = derangement(3, rng.child(t));
    const key = p.join("");
    assert(key === "120" || key === "201", key);
    if (key === "120") first++;
  }
  assert(Math.abs(first / draws - 0.5) < 4 * Math.sqrt(0.25 / draws), `share ${first / draws}`);
});

Deno.test("the head's gradient matches central finite differences", () => {
  const rng = new Rng(3), c = 4, p = 3, n = 7, l2 = 0.1;
  const head = {
    w: Float64Array.from({ length: c * p }, () => rng.normal()),
    b: Float64Array.from({ length: c }, () => rng.normal()),
    c,
    p,
  };
  const z = Float64Array.from({ length: n * p }, () => 2 * rng.normal());
  const y = Int32Array.from({ length: n }, () => rng.int(c));
  const { gw, gb } = headLoss(head, z, y, l2);
  const h = 1e-6;
  for (const [a, g] of [[head.w, gw], [head.b, gb]] as const) {
    for (let k = 0; k < a.length; k++) {
      const v = a[k];
      a[k] = v + h;
      const up = headLoss(head, z, y, l2).loss;
      a[k] = v - h;
      const down = headLoss(head, z, y, l2).loss;
      a[k] = v;
      // Central differences: truncation O(h²) ~ 1e-12, rounding ~ 1e-16 / h = 1e-10.
      assertAlmostEquals(g[k], (up - down) / (2 * h), 1e-7);
    }
  }
});

/** n points of c clean one-hot logits (margin 3, noise SD 0.5) with their classes. */
function cleanLogits(n: number, c: number, rng: Rng) {
  const y = Int32Array.from({ length: n }, (_, i) => i % c);
  const z = Float64Array.from(
    { length: n * c },
    (_, k) => (y[Math.floor(k / c)] === k % c ? 3 : 0) + 0.5 * rng.normal(),
  );
  return { y, z };
}

Deno.test("the head fitted on clean logits recovers a known permutation of the labels", () => {
  const rng = new Rng(4), c = 10, pi = derangement(c, rng.child(0));
  const fit = cleanLogits(200, c, rng.child(1));
  const head = fitSoftmaxHead(fit.z, Int32Array.from(fit.y, (v) => pi[v]), c, { steps: 300 });
  // Logit b of the input should raise class π(b) most: the weights' column argmax is π.
  for (let b = 0; b < c; b++) {
    let best = 0;
    for (let a = 1; a < c; a++) if (head.w[a * c + b] > head.w[best * c + b]) best = a;
    assertEquals(best, pi[b], `column ${b}`);
  }
  // Fresh points: a pair of classes is confused with probability Φ(−3 / (0.5 √2)) ≈ 1e-5, so
  // with 9 rivals the Bayes error is ~1e-4: 500 points should all but never show 5 errors.
  const test = cleanLogits(500, c, rng.child(2));
  const probs = headProbabilities(head, test.z);
  let correct = 0;
  for (let i = 0; i < 500; i++) {
    let best = 0;
    for (let a = 1; a < c; a++) if (probs[i * c + a] > probs[i * c + best]) best = a;
    if (best === pi[test.y[i]]) correct++;
  }
  assert(correct >= 495, `${correct} of 500`);
});

/** A toy training set: `per` images of each of 10 classes, 2 pixels each (the image's index). */
function toyTrain(per: number) {
  const n = 10 * per, y = Int32Array.from({ length: n }, (_, i) => i % 10);
  return { x: Float64Array.from({ length: 2 * n }, (_, k) => Math.floor(k / 2)), y, n, d: 2 };
}

Deno.test("shifted sets come from unused images, disjoint across replicates, when there are enough", () => {
  // 30 images per class; the first 100 (10 per class) are design points, 20 per class are free.
  const train = toyTrain(30), used = Int32Array.from({ length: 100 }, (_, i) => i);
  const s = { perClass: 3, replicates: 4, steps: 10 };
  const sd = shiftData(train, used, s, new Rng(5));
  assertEquals(sd.source, "unused training images");
  const idx = Array.from({ length: sd.y.length }, (_, i) => sd.x[2 * i]);
  assertEquals(new Set(idx).size, idx.length, "disjoint");
  assert(idx.every((i) => i >= 100), "none of the design points");
  for (let r = 0; r < 4; r++) {
    const block = [...sd.y.subarray(r * 30, (r + 1) * 30)];
    for (let a = 0; a < 10; a++) assertEquals(block.filter((v) => v === a).length, 3);
  }
  assert(idx.every((i, k) => train.y[i] === sd.y[k]), "labels follow their images");
  // 2 unused images per class, 12 needed: drawn from the design points instead.
  const most = Int32Array.from({ length: 280 }, (_, i) => i);
  const back = shiftData(train, most, s, new Rng(5));
  assertEquals(back.source, "design points");
  assert(Array.from({ length: back.y.length }, (_, i) => back.x[2 * i]).every((i) => i < 280));
  // A setting that is not a positive integer is named.
  const bad = { ...s, replicates: 0 };
  assertThrows(() => shiftData(train, used, bad, new Rng(5)), RangeError, "mnist.shift.replicates");
});

Deno.test("the shift step: an oracle's heads are right, a blank method's predictive is uniform", () => {
  const c = 10, per = 4, reps = 3, nT = 60;
  const y = Int32Array.from({ length: reps * c * per }, (_, i) => Math.floor(i / per) % c);
  const yTest = Int32Array.from({ length: nT }, (_, i) => i % c);
  const oneHot = (labels: Int32Array, k: number) =>
    Float64Array.from(
      { length: k * labels.length * c },
      (_, t) => labels[Math.floor(t / c) % labels.length] === t % c ? 6 : 0,
    );
  const methods = [
    { method: "oracle", members: 2, test: oneHot(yTest, 2), shifted: oneHot(y, 2) },
    {
      method: "blank",
      members: 2,
      test: new Float64Array(2 * nT * c),
      shifted: new Float64Array(2 * y.length * c),
    },
  ];
  const s = { perClass: per, replicates: reps, steps: 200 };
  const rows = shiftStep(methods, { y, perReplicate: c * per, yTest }, s, new Rng(6));
  assertEquals(rows.length, 2 * reps);
  for (const r of rows.filter((r) => r.method === "oracle")) assertEquals(r.accuracy, 1);
  // Blank logits: standardised to 0, the balanced set keeps the bias gradient at 0, so every
  // head stays at zero and the predictive is uniform: NLL ln 10, no disagreement.
  for (const r of rows.filter((r) => r.method === "blank")) {
    assertAlmostEquals(r.nll, Math.log(10), 1e-12);
    assertAlmostEquals(r.mi, 0, 1e-12);
  }
  const summary = summarizeShift(rows);
  assertEquals(summary.map((x) => x.method), ["oracle", "blank"]);
  assertEquals(summary[1].nllSe < 1e-12, true);
  const dif = shiftContrasts(rows, "oracle").find((d) => d.metric === "nll")!;
  assertEquals(dif.replicates, reps);
  assertAlmostEquals(dif.difference, summary[0].nll - summary[1].nll, 1e-12);
});

Deno.test("at smoke scale on MNIST the shift step gives every method a row per replicate", async () => {
  const config = gaussianDistillationConfig("smoke");
  const s = config.mnist!.shift!;
  const out = await classificationStep("MNIST", config.mnist!, config.seed);
  const methods = out.rows.map((r) => r.method);
  assertEquals(out.shift.length, methods.length * s.replicates);
  assertEquals([...new Set(out.shift.map((r) => r.method))], methods);
  assert(out.protocol.includes("derangement"), out.protocol);
  for (const r of out.shift) {
    assert(r.accuracy >= 0 && r.accuracy <= 1 && r.nll > 0 && r.ece >= 0, JSON.stringify(r));
    // One member has nothing to disagree with.
    if (r.method === "Standard KD") assertAlmostEquals(r.mi, 0, 1e-12);
  }
  // The retrained teachers learn the new labels: chance is 0.1, and with the smoke run's test
  // images the binomial SE is at most √(¼ / n) (0.029 at 300), so 0.5 is > 13 SE above chance.
  const teachers = out.shift.filter((r) => r.method === "Teachers");
  assert(teachers.every((r) => r.accuracy > 0.5), JSON.stringify(teachers));
  // Digits runs no shift.
  const digits = await classificationStep("Digits", config.classification!, config.seed);
  assertEquals(digits.shift, []);
});
