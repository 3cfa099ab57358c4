import { assertArrayClose, assertEquals, assertThrows } from "../assert.ts";
import { averageTeacherResponses, firstResponses } from "../../lib/distill/averaging.ts";
import { noisyTeacherResponses } from "../../lib/distill/teacher_noise.ts";

Deno.test("the mean and variance of three responses for two inputs, by hand", () => {
  // Input 0 gets 1, 2, 3 (mean 2, squared deviations sum 2); input 1 gets 10, 20, 30 (sum 200).
  const r = averageTeacherResponses([1, 10, 2, 20, 3, 30], 3, 2);
  assertArrayClose(r.mean, [2, 20], 1e-15);
  assertArrayClose(r.variance, [2 / 3, 200 / 3], 1e-14);
  assertEquals(r.students, 1);
  const u = averageTeacherResponses([1, 10, 2, 20, 3, 30], 3, 2, { ddof: 1 });
  assertArrayClose(u.variance, [1, 100], 1e-14);
});

Deno.test("an S x k x n array is summarized label set by label set", () => {
  // Two label sets, k = 2, n = 1: set 0 has 0 and 4, set 1 has 5 and 5.
  const r = averageTeacherResponses([0, 4, 5, 5], 2, 1);
  assertArrayClose(r.mean, [2, 5], 0);
  assertArrayClose(r.variance, [4, 0], 0);
  assertEquals(r.students, 2);
});

Deno.test("one response per input is its own mean, with variance zero", () => {
  const r = averageTeacherResponses([3, -1, 7], 1, 3);
  assertArrayClose(r.mean, [3, -1, 7], 0);
  assertArrayClose(r.variance, [0, 0, 0], 0);
});

Deno.test("averaging noisy teacher responses matches a direct loop over the layout", () => {
  const mu = new Float64Array([0.5, -1, 2, 0]);
  const n = 4, k = 5, s = 3;
  const resp = noisyTeacherResponses(mu, { variance: 0.7 }, { students: s, k, seed: 3 });
  const r = averageTeacherResponses(resp, k, n, { ddof: 1 });
  for (let t = 0; t < s; t++) {
    for (let i = 0; i < n; i++) {
      const vals: number[] = [];
      for (let j = 0; j < k; j++) vals.push(resp[(t * k + j) * n + i]);
      const m = vals.reduce((a, b) => a + b) / k;
      const v = vals.reduce((a, b) => a + (b - m) ** 2, 0) / (k - 1);
      assertArrayClose([r.mean[t * n + i], r.variance[t * n + i]], [m, v], 1e-12);
    }
  }
});

Deno.test("bad averaging input throws an error naming the argument", () => {
  assertThrows(() => averageTeacherResponses([1, 2], 0, 2), RangeError, "k must");
  assertThrows(() => averageTeacherResponses([1, 2], 1.5, 2), RangeError, "k must");
  assertThrows(() => averageTeacherResponses([1, 2, 3], 2, 2), RangeError, "responses.length");
  assertThrows(() => averageTeacherResponses([], 1, 2), RangeError, "responses.length");
  assertThrows(() => averageTeacherResponses([1, NaN], 1, 2), RangeError, "responses[1]");
  assertThrows(() => averageTeacherResponses([1, 2], 1, 0), RangeError, "n must");
  assertThrows(() => averageTeacherResponses([1, 2], 1, 2, { ddof: 1 }), RangeError, "ddof");
  // deno-lint-ignore no-explicit-any
  assertThrows(() => averageTeacherResponses([1, 2], 2, 1, { ddof: 2 as any }), RangeError, "ddof");
});

Deno.test("firstResponses keeps the first k of kMax responses per input of every run", () => {
  // 2 runs x 3 responses x 2 inputs: run r, draw j, input i holds 100 r + 10 j + i.
  const all = Float64Array.from({ length: 12 }, (_, x) => {
    const r = Math.floor(x / 6), j = Math.floor((x % 6) / 2), i = x % 2;
    return 100 * r + 10 * j + i;
  });
  assertEquals(Array.from(firstResponses(all, 3, 2, 2)), [0, 1, 10, 11, 100, 101, 110, 111]);
  assertEquals(Array.from(firstResponses(all, 3, 3, 2)), Array.from(all));
  assertThrows(() => firstResponses(all, 3, 4, 2), RangeError, "k");
});
