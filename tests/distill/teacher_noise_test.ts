import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  MAX_TEACHER_RESPONSES,
  noiseVariance,
  noisyTeacherLabels,
  noisyTeacherResponses,
  teacherNoiseGrid,
} from "../../lib/distill/teacher_noise.ts";
import { Rng } from "../../lib/random.ts";

Deno.test("the Section 4.2 noise grid has the 15 levels of the protocol", () => {
  assertEquals(teacherNoiseGrid(), [
    0,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    1,
    1.25,
    1.5,
    1.75,
    2,
  ]);
});

Deno.test("a fraction of Var(y_train) uses the population variance", () => {
  // y = 1, 2, 3, 4: population variance 1.25 (sample variance would be 5/3).
  assertAlmostEquals(noiseVariance({ fraction: 0.4, yTrain: [1, 2, 3, 4] }), 0.5, 1e-15);
  assertEquals(noiseVariance({ variance: 0.7 }), 0.7);
});

Deno.test("noisy labels have the teacher's mean and the requested variance within Monte Carlo error", () => {
  const n = 5, s = 40_000;
  const mu = new Float64Array([-2, 0, 1, 3.5, 10]);
  const yTrain = new Float64Array([0, 2, 4, 6]); // population variance 5
  const labels = noisyTeacherLabels(mu, { fraction: 0.3, yTrain }, { students: s, seed: 11 });
  assertEquals(labels.length, s * n);
  const sigma2 = 1.5;
  for (let i = 0; i < n; i++) {
    let m = 0, v = 0;
    for (let t = 0; t < s; t++) m += labels[t * n + i];
    m /= s;
    for (let t = 0; t < s; t++) v += (labels[t * n + i] - m) ** 2;
    v /= s - 1;
    // SE of the mean: sqrt(sigma2 / S); SE of the sample variance (Gaussian): sigma2 sqrt(2/(S-1)). 4 SE.
    assert(Math.abs(m - mu[i]) < 4 * Math.sqrt(sigma2 / s), `mean at ${i}: ${m}`);
    assert(Math.abs(v - sigma2) < 4 * sigma2 * Math.sqrt(2 / (s - 1)), `variance at ${i}: ${v}`);
  }
});

Deno.test("each student has its own reproducible stream, independent of the cohort size", () => {
  const mu = new Float64Array([1, 2, 3]);
  const big = noisyTeacherResponses(mu, { variance: 2 }, { students: 10, k: 4, seed: 5 });
  const small = noisyTeacherResponses(mu, { variance: 2 }, { students: 3, k: 4, seed: 5 });
  assertEquals(small, big.slice(0, 3 * 4 * 3));
  // Student 2's draws come from child stream 2, responses first, inputs second.
  const r = new Rng(5).child(2);
  for (let j = 0; j < 4; j++) {
    for (let i = 0; i < 3; i++) {
      assertAlmostEquals(big[(2 * 4 + j) * 3 + i], mu[i] + Math.sqrt(2) * r.normal(), 1e-15);
    }
  }
  // Labels are the k = 1 responses; a Rng and its seed give the same draws.
  assertEquals(
    noisyTeacherLabels(mu, { variance: 2 }, { students: 6, seed: new Rng(9) }),
    noisyTeacherResponses(mu, { variance: 2 }, { students: 6, k: 1, seed: 9 }),
  );
  assert(big[0] !== big[3 * 4], "students 0 and 1 must differ");
});

Deno.test("zero noise returns the teacher outputs for every student", () => {
  const mu = new Float64Array([0.5, -1]);
  assertEquals(
    noisyTeacherLabels(mu, { variance: 0 }, { students: 3, seed: 1 }),
    new Float64Array([0.5, -1, 0.5, -1, 0.5, -1]),
  );
});

Deno.test("bad teacher noise input throws an error naming the argument", () => {
  const mu = new Float64Array([1, 2]);
  const ok = { students: 2, seed: 1 };
  assertThrows(() => noisyTeacherLabels(mu, { variance: -1 }, ok), RangeError, "noise.variance");
  assertThrows(
    () => noiseVariance({ fraction: -0.1, yTrain: [1, 2] }),
    RangeError,
    "noise.fraction",
  );
  assertThrows(() => noiseVariance({ fraction: 0.1, yTrain: [] }), RangeError, "noise.yTrain");
  assertThrows(
    () => noiseVariance({ fraction: 0.1, yTrain: [1, NaN] }),
    RangeError,
    "noise.yTrain[1]",
  );
  assertThrows(
    () => noisyTeacherResponses(mu, { variance: 1 }, { ...ok, k: 0 }),
    RangeError,
    "k must",
  );
  assertThrows(
    () => noisyTeacherResponses(mu, { variance: 1 }, { ...ok, k: 1.5 }),
    RangeError,
    "k must",
  );
  assertThrows(
    () => noisyTeacherLabels(mu, { variance: 1 }, { students: 0, seed: 1 }),
    RangeError,
    "students",
  );
  assertThrows(() => noisyTeacherLabels([1, NaN], { variance: 1 }, ok), RangeError, "mu[1]");
  assertThrows(() => noisyTeacherLabels([], { variance: 1 }, ok), RangeError, "mu is empty");
});

Deno.test("a request for more responses than the stated limit throws, saying the size, before allocating", () => {
  const mu = [1, 2, 3];
  const err = assertThrows(
    () => noisyTeacherResponses(mu, { variance: 1 }, { students: 1e12, seed: 1 }),
    RangeError,
    "exceeds the limit",
  );
  assert(err.message.includes("1000000000000 x 1 x 3 = 3.000e+12 values"), err.message);
  assert(err.message.includes(String(MAX_TEACHER_RESPONSES)), err.message);
  assertThrows(
    () => noisyTeacherLabels(mu, { variance: 1 }, { students: MAX_TEACHER_RESPONSES / 2, seed: 1 }),
    RangeError,
    "students x k x n",
  );
});
