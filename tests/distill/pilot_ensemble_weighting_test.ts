import { assertAlmostEquals, assertArrayClose, assertEquals, assertThrows } from "../assert.ts";
import { pilotEnsembleVarianceWeightedLabels } from "../../lib/distill/pilot_ensemble_weighting.ts";
import { noisyTeacherResponses } from "../../lib/distill/teacher_noise.ts";

Deno.test("pilot-ensemble labels on two inputs, by hand", () => {
  // n = 2, k = 2 responses, kPilot = 2 pilot draws, P = 2 pilots; one label set.
  const responses = [1, 3, 3, 5]; // input 0: 1, 3 (mean 2); input 1: 3, 5 (mean 4)
  const pilotResponses = [0, 0, 2, 2]; // input 0: 0, 2; input 1: 0, 2
  const pilotPredictions = [1, 2, 3, 6]; // input 0: 1, 3 (mean 2); input 1: 2, 6 (mean 4)
  // Sums of squares within inputs: responses 2 + 2, pilot draws 2 + 2; df = 2 (2-1) + 2 (2-1) = 4.
  // sigma2_hat = 8 / 4 = 2, teacher variance = 2 / k = 1.
  // Pilot sample variances: 2 and 8, / P = 1 and 4; pooled: 2.5.
  const h = pilotEnsembleVarianceWeightedLabels({
    responses,
    k: 2,
    n: 2,
    pilotResponses,
    kPilot: 2,
    pilotPredictions,
    pilots: 2,
  });
  assertArrayClose(h.teacherVariance, [1, 1], 1e-15);
  assertArrayClose(h.studentVariance, [2.5, 2.5], 1e-15);
  assertArrayClose(h.studentMean, [2, 4], 1e-15);
  assertArrayClose(h.weightTeacher, [2.5 / 3.5, 2.5 / 3.5], 1e-15);
  // Both estimates agree at 2 and 4, so the labels do too.
  assertArrayClose(h.targets, [2, 4], 1e-15);
  assertEquals(h.teacherCalls, 2 * (2 + 2));

  const p = pilotEnsembleVarianceWeightedLabels({
    responses,
    k: 2,
    n: 2,
    pilotResponses,
    kPilot: 2,
    pilotPredictions: [1, 2, 3, 6],
    pilots: 2,
    studentVariance: "perInput",
  });
  assertArrayClose(p.studentVariance, [1, 4], 1e-15);
  assertArrayClose(p.weightTeacher, [0.5, 0.8], 1e-15);
});

Deno.test("the labels move from the responses' mean towards the pilots' mean by a_S", () => {
  const h = pilotEnsembleVarianceWeightedLabels({
    responses: [0, 10],
    k: 1,
    n: 2, // k = 1: the noise variance comes from the pilot draws
    pilotResponses: [0, 0, 4, 4],
    kPilot: 2, // sums of squares 8 + 8 over df 2: sigma2_hat = 8
    pilotPredictions: [2, 2, 2, 2],
    pilots: 2, // no spread: an exact pilot
  });
  assertArrayClose(h.teacherVariance, [8, 8], 1e-15);
  assertArrayClose(h.studentVariance, [0, 0], 0);
  assertArrayClose(h.targets, [2, 2], 1e-15); // all weight on the exact estimate
});

Deno.test("shared pilots serve every label set; per-set pilots serve their own", () => {
  const responses = [1, 3, 3, 5, /* set 2 */ 0, 0, 0, 0];
  const shared = pilotEnsembleVarianceWeightedLabels({
    responses,
    k: 2,
    n: 2,
    pilotResponses: [0, 0, 2, 2],
    kPilot: 2,
    pilotPredictions: [1, 2, 3, 6],
    pilots: 2,
  });
  assertEquals(shared.targets.length, 4);
  assertArrayClose(shared.studentMean, [2, 4, 2, 4], 1e-15);
  // Set 2 has no spread in its responses: sigma2_hat = 4 / 4 = 1 from the pilot draws alone.
  assertArrayClose(shared.teacherVariance, [1, 1, 0.5, 0.5], 1e-15);
  const own = pilotEnsembleVarianceWeightedLabels({
    responses,
    k: 2,
    n: 2,
    pilotResponses: [0, 0, 2, 2, /* set 2 */ 0, 0, 0, 0],
    kPilot: 2,
    pilotPredictions: [1, 2, 3, 6, /* set 2 */ 7, 7, 7, 7],
    pilots: 2,
  });
  assertArrayClose(own.studentMean, [2, 4, 7, 7], 1e-15);
  assertArrayClose(own.teacherVariance, [1, 1, 0, 0], 1e-15);
});

Deno.test("the pooled noise variance is unbiased for sigma2 (Monte Carlo)", () => {
  // S = 2000 label sets, n = 50, k = 3, kPilot = 3: sigma2_hat has df = 50*2 + 50*2 = 200 and
  // sd sigma2 sqrt(2/200) = 0.1 sigma2; the mean over 2000 sets has SE 0.1 sigma2 / sqrt(2000)
  // = 0.00224 sigma2. Tolerance 4 SE.
  const S = 2000, n = 50, k = 3, kPilot = 3, sigma2 = 0.4;
  const mu = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const responses = noisyTeacherResponses(mu, { variance: sigma2 }, { students: S, k, seed: 11 });
  const pilotResponses = noisyTeacherResponses(mu, { variance: sigma2 }, {
    students: S,
    k: kPilot,
    seed: 12,
  });
  const pilotPredictions = new Float64Array(S * 2 * n).map((_, i) => (i % 3) * 0.1);
  const h = pilotEnsembleVarianceWeightedLabels({
    responses,
    k,
    n,
    pilotResponses,
    kPilot,
    pilotPredictions,
    pilots: 2,
  });
  let mean = 0;
  for (let t = 0; t < S; t++) mean += h.teacherVariance[t * n] * k;
  mean /= S;
  assertAlmostEquals(mean, sigma2, 4 * 0.1 * sigma2 / Math.sqrt(S));
});

Deno.test("bad input names the argument", () => {
  const base = {
    responses: [1, 3, 3, 5],
    k: 2,
    n: 2,
    pilotResponses: [0, 0, 2, 2],
    kPilot: 2,
    pilotPredictions: [1, 2, 3, 6],
    pilots: 2,
  };
  assertThrows(() => pilotEnsembleVarianceWeightedLabels({ ...base, k: 0 }), RangeError, "k must");
  assertThrows(
    () => pilotEnsembleVarianceWeightedLabels({ ...base, kPilot: 1, pilotResponses: [0, 0] }),
    RangeError,
    "kPilot",
  );
  assertThrows(
    () => pilotEnsembleVarianceWeightedLabels({ ...base, pilots: 1, pilotPredictions: [1, 2] }),
    RangeError,
    "pilots",
  );
  assertThrows(
    () => pilotEnsembleVarianceWeightedLabels({ ...base, pilotResponses: [0, 0, 2] }),
    RangeError,
    "pilotResponses",
  );
  assertThrows(
    () => pilotEnsembleVarianceWeightedLabels({ ...base, pilotPredictions: [1, 2, 3, NaN] }),
    RangeError,
    "finite",
  );
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => pilotEnsembleVarianceWeightedLabels({ ...base, studentVariance: "x" as any }),
    RangeError,
    "studentVariance",
  );
});
