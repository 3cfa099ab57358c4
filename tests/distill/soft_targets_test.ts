import {
  assert,
  assertAlmostEquals,
  assertArrayClose,
  assertEquals,
  assertThrows,
} from "../assert.ts";
import { softTargetProblem } from "../../lib/distill/soft_targets.ts";
import { fitCohort, predictCohort } from "../../lib/nn/mod.ts";

Deno.test("each input is copied once per class with its soft target as the weight", () => {
  const x = [1, 2, 3, 4]; // n = 2, d = 2
  const q = [0.25, 0.75, 1, 0]; // input 1 puts no weight on class 1
  const p = softTargetProblem(x, 2, 2, q, 2);
  assertEquals(p.n, 3); // (0, class 0), (1, class 0), (0, class 1); (1, class 1) has weight 0
  assertEquals([...p.targets], [0, 0, 1]);
  assertEquals([...p.source], [0, 1, 0]);
  assertArrayClose(p.x, [1, 2, 3, 4, 1, 2], 0);
  assertArrayClose(p.weights, [0.25, 1, 0.75], 0);
});

Deno.test("the weighted hard-label cross-entropy of the copies equals the soft cross-entropy", () => {
  const n = 3, C = 3;
  const q = [0.2, 0.5, 0.3, 0.6, 0.3, 0.1, 1 / 3, 1 / 3, 1 / 3];
  const model = [0.1, 0.8, 0.1, 0.5, 0.25, 0.25, 0.2, 0.2, 0.6]; // any model's probabilities
  let soft = 0; // (1/n) sum_i sum_c -q_ic log p_ic, written out directly
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) soft -= q[i * C + c] * Math.log(model[i * C + c]);
  }
  soft /= n;
  const p = softTargetProblem(new Array(n).fill(0), n, 1, q, C);
  let num = 0, den = 0;
  for (let r = 0; r < p.n; r++) {
    num -= p.weights[r] * Math.log(model[p.source[r] * C + p.targets[r]]);
    den += p.weights[r];
  }
  assertAlmostEquals(num / den, soft, 1e-6); // float32 weights: relative error ~1e-7
});

Deno.test("one weight row per student when each student has its own soft targets", () => {
  const q = [0.5, 0.5, 0, 1, /* student 2 */ 1, 0, 0.2, 0.8];
  const p = softTargetProblem([0, 1], 2, 1, q, 2);
  // (0, c0), (1, c0), (0, c1), (1, c1): every copy has weight for some student
  assertEquals(p.n, 4);
  assertArrayClose(p.weights, [0.5, 0, 0.5, 1, 1, 0.2, 0, 0.8], 1e-7);
});

Deno.test("minWeight drops copies that every student weights at or below it", () => {
  const q = [0.999, 0.001, 0.5, 0.5];
  assertEquals(softTargetProblem([0, 1], 2, 1, q, 2).n, 4);
  assertEquals(softTargetProblem([0, 1], 2, 1, q, 2, { minWeight: 0.01 }).n, 3);
});

Deno.test("one-hot soft targets train the same logistic model as the hard labels", async () => {
  const n = 6, d = 2;
  const x = [0.1, 1, -0.5, 0.3, 1.2, -0.7, -1, 0.2, 0.4, 0.9, -0.3, -1.1];
  const labels = [0, 1, 2, 0, 2, 1];
  const oneHot = labels.flatMap((y) => [0, 1, 2].map((c) => (c === y ? 1 : 0)));
  const common = {
    d,
    hidden: 0,
    outputs: 3,
    loss: "cross-entropy" as const,
    students: 1,
    epochs: 25,
    lr: 0.05,
    seed: 3,
    backend: "portable" as const,
    workers: 0,
  };
  const hard = await fitCohort({ ...common, x, n, targets: labels });
  const p = softTargetProblem(x, n, d, oneHot, 3);
  assertEquals(p.n, n);
  const soft = await fitCohort({
    ...common,
    x: p.x,
    n: p.n,
    targets: p.targets,
    weights: p.weights,
  });
  // Same problem with the rows in another order: equal up to float32 summation order.
  assertArrayClose(soft.parameters, hard.parameters, 1e-5);
});

Deno.test("training on the copies fits the soft targets themselves", async () => {
  // One input, bias-carrying logistic model: the soft cross-entropy is minimised at p = q.
  const q = [0.2, 0.3, 0.5];
  const p = softTargetProblem([1], 1, 1, q, 3);
  const cohort = await fitCohort({
    x: p.x,
    n: p.n,
    d: 1,
    hidden: 0,
    outputs: 3,
    loss: "cross-entropy",
    targets: p.targets,
    weights: p.weights,
    students: 1,
    epochs: 600,
    lr: 0.05,
    seed: 1,
    backend: "portable",
    workers: 0,
  });
  const fitted = predictCohort(cohort, [1], 1, { backend: "portable" });
  assertArrayClose(fitted, q, 2e-3); // converged Adam, float32
  assert(Math.abs(fitted[0] - 1 / 3) > 0.1, "not left at the uniform start");
});

Deno.test("bad shapes and targets are refused naming the argument", () => {
  assertThrows(() => softTargetProblem([1, 2], 2, 2, [1, 0], 2), RangeError, "x must have");
  assertThrows(() => softTargetProblem([1], 1, 1, [0.5, 0.6], 2), RangeError, "sums to");
  assertThrows(
    () => softTargetProblem([1, 2], 2, 1, [0.5, 0.5, 0.5, 0.5, 1, 0], 2),
    RangeError,
    "n x C",
  );
  assertThrows(() => softTargetProblem([1], 1, 1, [1], 1), RangeError, "classes");
  assertThrows(() => softTargetProblem([NaN], 1, 1, [1, 0], 2), RangeError, "x[0]");
  assertThrows(
    () => softTargetProblem([1], 1, 1, [1, 0], 2, { minWeight: 1 }),
    RangeError,
    "minWeight",
  );
});
