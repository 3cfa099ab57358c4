import { recordTarget } from "../../lib/targets/targets.ts";
import { TargetSummary } from "../../tools/targets/summary.ts";
import {
  looksLikeProbability,
  PROBABILITY_TOLERANCE,
  responseMatrix,
  SpaceDetector,
  spread,
} from "../../lib/targets/targets.ts";
import { TargetOptionError, TeacherOutputError } from "../../lib/targets/records.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

const rec = (responses: unknown[], extra: Record<string, unknown> = {}) =>
  ({ id: "x", responses, line: 7, ...extra }) as never;

Deno.test("mean: the average of the responses, s² unbiased, target variance s²/k", () => {
  // 1.9, 2.1, 2.6: mean 2.2; deviations -0.3, -0.1, 0.4; ss = 0.26; s² = 0.13; s²/3 = 0.04333.
  const t = recordTarget(rec([1.9, 2.1, 2.6]), { method: "mean" });
  assertAlmostEquals(t.target as number, 2.2, 1e-12);
  assertAlmostEquals(t.teacherVariance!, 0.13, 1e-12);
  assertAlmostEquals(t.targetVariance!, 0.13 / 3, 1e-12);
  assertEquals(t.k, 3);
});

Deno.test("average-k uses only the first k responses", () => {
  const t = recordTarget(rec([1, 3, 100]), { method: "average-k", k: 2 });
  assertEquals(t.target, 2);
  assertEquals(t.teacherVariance, 2); // (1 + 1) / 1
  assertEquals(t.targetVariance, 1);
});

Deno.test("medoid: the lower median for numbers, robust to an outlier", () => {
  const t = recordTarget(rec([1, 2, 3, 1000]), { method: "medoid" });
  assertEquals(t.target, 2); // sums of distances: 1002, 1000, 1000, 2994: the first of the tie
  assertEquals(t.chosen, 1);
});

Deno.test("variance weighting: a_T = v_S / (v_T + v_S) (Theorem 7.3) from both sides' samples", () => {
  // Teacher 0, 2: mean 1, s² = 2, v_T = 1. Student 4, 6, 8: mean 6, s² = 4, v_S = 4/3.
  // a_T = (4/3) / (1 + 4/3) = 4/7; target = 4/7 * 1 + 3/7 * 6 = 22/7; variance 1 * 4/3 / (7/3) = 4/7.
  const t = recordTarget(rec([0, 2], { student: [4, 6, 8] }), { method: "variance-weighted" });
  assertAlmostEquals(t.weightTeacher!, 4 / 7, 1e-12);
  assertAlmostEquals(t.target as number, 22 / 7, 1e-12);
  assertAlmostEquals(t.targetVariance!, 4 / 7, 1e-12);
  // Delta method: Var(v̂_T) = 2·1²/1, Var(v̂_S) = 2·(4/3)²/2; SE = sqrt(1·16/9 + 16/9·2) / (7/3)².
  assertAlmostEquals(t.weightTeacherSe!, Math.sqrt(16 / 9 + 32 / 9) / (49 / 9), 1e-12);
  const stated = recordTarget(rec([0, 2], { student: { mean: 6, variance: 1 } }), {
    method: "variance-weighted",
  });
  assertAlmostEquals(stated.weightTeacher!, 0.5, 1e-12);
  assertAlmostEquals(stated.target as number, 3.5, 1e-12);
});

Deno.test("vectors: probabilities are averaged, logits go through a softmax first", () => {
  const p = recordTarget(rec([[0.6, 0.4], [0.8, 0.2]]), { method: "mean" });
  assertAlmostEquals((p.target as number[])[0], 0.7, 1e-12);
  // Per-dimension s²: (0.1² + 0.1²)/1 = 0.02 in each column; averaged 0.02.
  assertAlmostEquals(p.teacherVariance!, 0.02, 1e-12);
  const l = recordTarget(rec([[0, 0], [Math.log(3), 0]]), { method: "mean" });
  // softmax([0,0]) = [0.5, 0.5]; softmax([ln 3, 0]) = [0.75, 0.25].
  assertAlmostEquals((l.target as number[])[0], 0.625, 1e-12);
});

Deno.test("top-k logits: a softmax over the given ids, averaged over the union of ids", () => {
  const t = recordTarget(
    rec([{ ids: [5, 9], logits: [0, 0] }, { ids: [9, 2], logits: [Math.log(3), 0] }]),
    { method: "mean" },
  );
  const target = t.target as { ids: number[]; probs: number[] };
  assertEquals(target.ids, [5, 9, 2]);
  // id 5: (0.5 + 0)/2, id 9: (0.5 + 0.75)/2, id 2: (0 + 0.25)/2.
  [0.25, 0.625, 0.125].forEach((v, j) => assertAlmostEquals(target.probs[j], v, 1e-12));
});

Deno.test("bad requests name the line and field", () => {
  assertThrows(
    () => recordTarget(rec([1, 2]), { method: "average-k", k: 3 }),
    Error,
    "line 7, responses",
  );
  assertThrows(
    () => recordTarget(rec([1, 2]), { method: "variance-weighted" }),
    Error,
    "line 7, student",
  );
  assertThrows(() => recordTarget(rec([1]), { method: "variance-weighted" }), Error, "at least 2");
  assertThrows(
    () => recordTarget(rec([1, 2], { student: [3] }), { method: "variance-weighted" }),
    Error,
    "at least 2 samples",
  );
  assertThrows(
    () => recordTarget(rec([[0.2, 0.2]]), { method: "mean", space: "probability" }),
    Error,
    "probability",
  );
});

Deno.test("the sub-sampling curve follows s²(1/k − 1/n): Theorem 7.1's 1/k law, within Monte Carlo error", () => {
  // Synthetic Gaussian responses, σ² = 2, n = 10 per input, 3,000 inputs. Conditional on the
  // responses, a k-subset mean's squared distance to the full mean has expectation s²(1/k − 1/n)
  // (simple random sampling without replacement), so its mean over inputs has expectation
  // σ²(1/k − 1/n). Tolerance: 4 Monte Carlo SEs of the measured mean (SE from the run).
  const rng = new Rng(3), n = 10, sigma2 = 2, inputs = 3000;
  const s = new TargetSummary({ seed: 5 });
  for (let i = 0; i < inputs; i++) {
    const r = Array.from({ length: n }, () => 1 + Math.sqrt(sigma2) * rng.normal());
    const t = recordTarget(rec(r), { method: "mean" });
    s.add(r, responseMatrix(r), t);
  }
  const c = s.curve();
  assertEquals(c.k, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  c.k.forEach((k, i) => {
    const truth = sigma2 * (1 / k - 1 / n);
    assert(
      Math.abs(c.measured[i] - truth) < 4 * c.se[i],
      `k=${k}: ${c.measured[i]} vs ${truth} ± ${c.se[i]}`,
    );
  });
  // The mean of the per-input s² estimates σ²; its SE is about σ² sqrt(2/(n−1)/inputs) = 0.0157.
  const rk = s.recommendK(0.2);
  assert(Math.abs(rk.meanVariance - sigma2) < 4 * 0.0157, `mean variance ${rk.meanVariance}`);
  assertEquals(rk.k, Math.ceil(rk.meanVariance / 0.2));
});

Deno.test("the flag fence is Q3 + 3 IQR of the per-input variances", () => {
  const s = new TargetSummary();
  for (const v of [[0, 1], [0, 1], [0, 1], [0, 2], [0, 10]]) {
    s.add(v, responseMatrix(v), recordTarget(rec(v), { method: "mean" }));
  }
  // variances 0.5, 0.5, 0.5, 2, 50: Q1 0.5, Q3 2, fence 2 + 3·1.5 = 6.5.
  assertEquals(s.flagThreshold(), 6.5);
  assertEquals(s.top[0].teacherVariance, 50);
});

Deno.test("item 15: recordTarget refuses NaN responses, a missing id and an unknown method by name", () => {
  assertThrows(
    () => recordTarget(rec([1, NaN, 3]), { method: "mean" }),
    TeacherOutputError,
    "line 7, responses[1]: NaN is not a finite number",
  );
  assertThrows(
    () => recordTarget({ responses: [1, 2] } as never, { method: "mean" }),
    TeacherOutputError,
    "id: is missing",
  );
  assertThrows(
    () => recordTarget(rec([1, 2]), { method: "mode" as never }),
    TargetOptionError,
    '--method: must be one of mean, average-k, variance-weighted, medoid; got "mode"',
  );
  assertThrows(() => recordTarget(rec([1, 2]), { method: "average-k" }), TargetOptionError, "--k");
  assertThrows(
    () => recordTarget(rec([1, 2]), { method: "mean", k: 1.5 }),
    TargetOptionError,
    "--k",
  );
  assertThrows(
    () => recordTarget(rec([[1, 2], [1]]), { method: "mean" }),
    TeacherOutputError,
    "has length 1",
  );
});

Deno.test("item 5: --space auto reads all vectors in one space (rounded probabilities, a mix is an error)", () => {
  assertEquals(PROBABILITY_TOLERANCE, 1e-2);
  assert(looksLikeProbability([0.7, 0.2, 0.099]) && !looksLikeProbability([0.7, 0.2, 0.05]));
  assert(!looksLikeProbability([1.2, -0.2]));
  // Sums 0.999 and 1.000: both probabilities, divided by their sums.
  const t = recordTarget(rec([[0.7, 0.2, 0.099], [0.7, 0.2, 0.1]]), { method: "mean" });
  const target = t.target as number[];
  assertAlmostEquals(target[0], (0.7 / 0.999 + 0.7) / 2, 1e-12);
  assertAlmostEquals(target.reduce((a, b) => a + b), 1, 1e-12);
  assertThrows(
    () => recordTarget(rec([[0.7, 0.2, 0.1], [2, -1, 0.5]]), { method: "mean" }),
    TeacherOutputError,
    "--space auto",
  );
  // Forced: --space logit reads the same vectors as logits.
  const l = recordTarget(rec([[0.7, 0.2, 0.1], [2, -1, 0.5]]), { method: "mean", space: "logit" });
  assertAlmostEquals((l.target as number[]).reduce((a, b) => a + b), 1, 1e-12);
  const d = new SpaceDetector();
  d.add([0.5, 0.5], 1, "responses[0]");
  d.add([3, 1], 4, "responses[2]");
  assertThrows(() => d.space(), TeacherOutputError, "line 4, responses[2]");
  assertEquals(new SpaceDetector().space(), "logit");
});

Deno.test("item 9: the mean and s² of values near 1e308 are computed without overflow", () => {
  const t = recordTarget(rec([1.7e308, 1.7e308]), { method: "mean" });
  assertEquals([t.target, t.teacherVariance], [1.7e308, 0]);
  // The plain sum of squares overflows, the scaled one gives 1e600, beyond doubles: Infinity.
  assertEquals(spread(responseMatrix([1e300, 3e300, 2e300])), Infinity);
  assertEquals(spread(responseMatrix([1.5e308, 1.5e308, 1.5e308])), 0);
  assertThrows(
    () => recordTarget(rec([1.7e308, -1.7e308]), { method: "mean" }),
    TeacherOutputError,
    "beyond the largest double",
  );
});
