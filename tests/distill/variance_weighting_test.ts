import {
  assert,
  assertAlmostEquals,
  assertArrayClose,
  assertEquals,
  assertThrows,
} from "../assert.ts";
import {
  ensembleVarianceWeightedLabels,
  honestVarianceWeightedLabelsOls,
  inverseVarianceWeights,
  referenceVarianceWeightedLabels,
  varianceWeightedTargets,
} from "../../lib/distill/variance_weighting.ts";
import { averageTeacherResponses } from "../../lib/distill/averaging.ts";
import { noisyTeacherResponses } from "../../lib/distill/teacher_noise.ts";
import { fitOls, predictOls } from "../../lib/linear/ols.ts";
import { testLeverage } from "../../lib/linear/theory.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { bostonSetting } from "../linear/boston_fixture.ts";

// Section 7.2's linear setting (seed 1); mu are a linear teacher's outputs.
const { d, n, m, xTrain, xTest, teacherTrain: mu } = await bostonSetting(1);

Deno.test("inverse-variance weights per input, by hand", () => {
  const w = inverseVarianceWeights([1, 0.5, 2], [3, 0.5, 0]);
  assertArrayClose(w.weightTeacher, [0.75, 0.5, 0], 1e-15);
  assertArrayClose(w.weightStudent, [0.25, 0.5, 1], 1e-15);
  assertArrayClose(w.variance, [0.75, 0.25, 0], 1e-15);
});

Deno.test("a zero variance takes all the weight; two zero variances split it equally", () => {
  const w = inverseVarianceWeights([0, 0, 4], [5, 0, 0]);
  assertArrayClose(w.weightTeacher, [1, 0.5, 0], 0);
  assertArrayClose(w.variance, [0, 0, 0], 0);
});

Deno.test("variance-weighted targets combine the two estimates, by hand", () => {
  const t = varianceWeightedTargets({
    teacherMean: [1, 2],
    teacherVar: [0.1, 0.2],
    studentMean: [1.4, 0],
    studentVar: [0.3, 0.2],
  });
  assertArrayClose(t.targets, [0.75 * 1 + 0.25 * 1.4, 1], 1e-15);
  assertArrayClose(t.weightTeacher, [0.75, 0.5], 1e-15);
  assertArrayClose(t.variance, [0.075, 0.1], 1e-15);
});

Deno.test("the reference variant uses the response variance (divide by k) and the true noise, by hand", () => {
  // k = 2 responses 1 and 3 at one input: np.var = 1 = sigma2, so a_T = a_S = 1/2.
  const ref = referenceVarianceWeightedLabels({
    responses: [1, 3],
    k: 2,
    noiseVariance: 1,
    teacherOutput: [2.5],
  });
  assertArrayClose(ref.teacherVariance, [1], 0);
  assertArrayClose(ref.weightTeacher, [0.5], 1e-15);
  assertArrayClose(ref.targets, [0.5 * 2 + 0.5 * 2.5], 1e-15);
  // Responses 0 and 4: np.var = 4, sigma2 = 1: w_T = 1/(4 + 1e-8), w_S = 1/(1 + 1e-8).
  const r2 = referenceVarianceWeightedLabels({
    responses: [0, 4],
    k: 2,
    noiseVariance: 1,
    teacherOutput: [1],
  });
  const wT = 1 / (4 + 1e-8), wS = 1 / (1 + 1e-8), aT = wT / (wT + wS);
  assertArrayClose(r2.targets, [aT * 2 + (1 - aT) * 1], 1e-15);
});

Deno.test("with k = 1 the reference variance-weighting equals averaging up to the 1e-8 guard", () => {
  const sigma2 = 0.5, s = 20;
  const resp = noisyTeacherResponses(mu, { variance: sigma2 }, { students: s, k: 1, seed: 11 });
  const ref = referenceVarianceWeightedLabels({
    responses: resp,
    k: 1,
    noiseVariance: sigma2,
    teacherOutput: mu,
  });
  const avg = averageTeacherResponses(resp, 1, n).mean;
  // a_S = w_S / (w_T + w_S) with w_T = 1e8: a_S = 1e-8 / (sigma2 + 2e-8), so each label moves
  // from the response towards mu by a_S |response - mu| at most.
  const aS = 1e-8 / (sigma2 + 2e-8);
  let moved = false;
  for (let t = 0; t < s * n; t++) {
    const gap = Math.abs(ref.targets[t] - avg[t]);
    assert(gap <= aS * Math.abs(avg[t] - mu[t % n]) * (1 + 1e-6) + 1e-15, `label ${t}: ${gap}`);
    assertAlmostEquals(ref.weightStudent[t], aS, 1e-15);
    if (gap > 0) moved = true;
  }
  assert(moved, "the guard should move labels by a tiny, non-zero amount");
});

Deno.test("honest OLS weighting: the pilot's variance is sigma2_hat / kPilot times the leverage", () => {
  const k = 4, kPilot = 3, sigma2 = 0.3;
  const resp = noisyTeacherResponses(mu, { variance: sigma2 }, { students: 2, k, seed: 21 });
  const pilot = noisyTeacherResponses(mu, { variance: sigma2 }, {
    students: 2,
    k: kPilot,
    seed: 22,
  });
  const h = honestVarianceWeightedLabelsOls({
    x: xTrain,
    d,
    responses: resp,
    k,
    pilotResponses: pilot,
    kPilot,
  });
  assertEquals(h.teacherCalls, n * (k + kPilot));
  const lev = testLeverage({ x: xTrain, d, xTest: xTrain });
  for (let t = 0; t < 2; t++) {
    // sigma2_hat from the pilot draws, pooled over the inputs (divide by n (kPilot - 1)).
    let ss = 0;
    const pm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let j = 0; j < kPilot; j++) mean += pilot[(t * kPilot + j) * n + i] / kPilot;
      for (let j = 0; j < kPilot; j++) ss += (pilot[(t * kPilot + j) * n + i] - mean) ** 2;
      pm[i] = mean;
    }
    const s2hat = ss / (n * (kPilot - 1));
    const pilotPred = predictOls(xTrain, fitOls(xTrain, d, pm));
    for (let i = 0; i < n; i++) {
      const o = t * n + i;
      assertAlmostEquals(h.studentVariance[o], (s2hat / kPilot) * lev[i], 1e-14);
      assertAlmostEquals(h.studentMean[o], pilotPred[i], 1e-12);
      let tm = 0, tv = 0;
      for (let j = 0; j < k; j++) tm += resp[(t * k + j) * n + i] / k;
      for (let j = 0; j < k; j++) tv += (resp[(t * k + j) * n + i] - tm) ** 2 / (k - 1);
      assertAlmostEquals(h.teacherVariance[o], tv / k, 1e-14);
      const aT = h.studentVariance[o] / (h.studentVariance[o] + tv / k);
      assertAlmostEquals(h.targets[o], aT * tm + (1 - aT) * h.studentMean[o], 1e-12);
    }
  }
});

Deno.test("honest OLS weighting lowers the label error but its students do no better than equal-cost averaging", () => {
  // S independent runs, each with its own k responses and its own kPilot pilot draws
  // (pooled teacher variance). Per input the combined label is far closer to the teacher's
  // output than the mean of the k responses, because the pilot's fitted value pools all n
  // inputs. But an OLS student projects its labels anyway: a student fitted on labels that
  // are almost the pilot's fitted values is almost the pilot student, whose variance is
  // sigma2 h(x) / kPilot, while averaging all k + kPilot responses gives sigma2 h(x) / (k + kPilot).
  const S = 300, k = 3, kPilot = 3, sigma2 = 0.5;
  const resp = noisyTeacherResponses(mu, { variance: sigma2 }, { students: S, k, seed: 31 });
  const pilot = noisyTeacherResponses(mu, { variance: sigma2 }, {
    students: S,
    k: kPilot,
    seed: 32,
  });
  const h = honestVarianceWeightedLabelsOls({
    x: xTrain,
    d,
    responses: resp,
    k,
    pilotResponses: pilot,
    kPilot,
    teacherVariance: "pooled",
  });
  const avg = averageTeacherResponses(resp, k, n).mean;
  let eH = 0, eA = 0;
  for (let t = 0; t < S * n; t++) {
    eH += (h.targets[t] - mu[t % n]) ** 2;
    eA += (avg[t] - mu[t % n]) ** 2;
  }
  eH /= S * n;
  eA /= S * n;
  // Averaging's label error is sigma2 / k = 0.167 (SE about 0.167 sqrt(2 / (S n)) < 0.001).
  assert(Math.abs(eA - sigma2 / k) < 0.01, `averaging label MSE ${eA}`);
  assert(eH < 0.5 * eA, `honest label MSE ${eH} vs averaging ${eA}`);
  // Students: honest >= the equal-cost averaging theory (Theorem 7.1 with k + kPilot), within
  // 4 Monte Carlo SEs; the population variance over S students has expectation (S-1)/S times it.
  const vH = interStudentVariance(predictOls(xTest, fitOls(xTrain, d, h.targets)), m);
  const lev = testLeverage({ x: xTrain, d, xTest });
  const hbar = lev.reduce((a, b) => a + b) / m;
  const equalCost = (sigma2 / (k + kPilot)) * hbar * (S - 1) / S;
  const pilotOnly = (sigma2 / kPilot) * hbar * (S - 1) / S;
  assert(vH.mean > equalCost + 4 * vH.se, `honest ${vH.mean} vs equal-cost ${equalCost}`);
  assert(vH.mean < pilotOnly + 4 * vH.se, `honest ${vH.mean} vs pilot alone ${pilotOnly}`);
});

Deno.test("ensemble weighting uses the variance of the ensemble mean, by hand", () => {
  // Responses 1, 3 (mean 2, sample variance 2, of the mean 1); pilots 2, 4 (mean 3, of the mean 1).
  const e = ensembleVarianceWeightedLabels({
    responses: [1, 3],
    k: 2,
    n: 1,
    pilotPredictions: [2, 4],
    pilots: 2,
  });
  assertArrayClose(e.teacherVariance, [1], 1e-15);
  assertArrayClose(e.studentVariance, [1], 1e-15);
  assertArrayClose(e.targets, [2.5], 1e-15);
  assertEquals(e.teacherCalls, 2);
  // Two label sets sharing one ensemble, and one ensemble per label set.
  const shared = ensembleVarianceWeightedLabels({
    responses: [1, 3, 5, 5],
    k: 2,
    n: 1,
    pilotPredictions: [2, 4],
    pilots: 2,
  });
  assertArrayClose(shared.targets, [2.5, 5], 1e-15); // set 1: zero teacher variance wins
  const own = ensembleVarianceWeightedLabels({
    responses: [1, 3, 1, 3],
    k: 2,
    n: 1,
    pilotPredictions: [2, 4, 6, 6],
    pilots: 2,
  });
  assertArrayClose(own.targets, [2.5, 6], 1e-15);
});

Deno.test("bad variance-weighting input throws an error naming the argument", () => {
  assertThrows(() => inverseVarianceWeights([1, 2], [1]), RangeError, "varStudent.length");
  assertThrows(() => inverseVarianceWeights([-1], [1]), RangeError, "varTeacher[0]");
  assertThrows(() => inverseVarianceWeights([1], [NaN]), RangeError, "varStudent[0]");
  assertThrows(() => inverseVarianceWeights([1], [Infinity]), RangeError, "varStudent[0]");
  assertThrows(() => inverseVarianceWeights([], []), RangeError, "varTeacher");
  const ok = { teacherMean: [1], teacherVar: [1], studentMean: [1], studentVar: [1] };
  assertThrows(
    () => varianceWeightedTargets({ ...ok, studentMean: [1, 2] }),
    RangeError,
    "studentMean",
  );
  assertThrows(
    () => varianceWeightedTargets({ ...ok, teacherMean: [NaN] }),
    RangeError,
    "teacherMean[0]",
  );
  assertThrows(
    () => varianceWeightedTargets({ ...ok, teacherVar: [-2] }),
    RangeError,
    "varTeacher[0]",
  );
  const ref = { responses: [1, 2], k: 2, noiseVariance: 1, teacherOutput: [0] };
  assertThrows(() => referenceVarianceWeightedLabels({ ...ref, k: 0 }), RangeError, "k must");
  assertThrows(
    () => referenceVarianceWeightedLabels({ ...ref, noiseVariance: -1 }),
    RangeError,
    "noiseVariance",
  );
  assertThrows(
    () => referenceVarianceWeightedLabels({ ...ref, teacherOutput: [0, 1] }),
    RangeError,
    "responses.length",
  );
  assertThrows(
    () => referenceVarianceWeightedLabels({ ...ref, teacherOutput: [NaN] }),
    RangeError,
    "teacherOutput[0]",
  );
  const resp = noisyTeacherResponses(mu, { variance: 1 }, { students: 1, k: 2, seed: 1 });
  const honest = { x: xTrain, d, responses: resp, k: 2, pilotResponses: resp, kPilot: 2 };
  assertThrows(
    () => honestVarianceWeightedLabelsOls({ ...honest, kPilot: 1, pilotResponses: mu }),
    RangeError,
    "kPilot",
  );
  assertThrows(
    () => honestVarianceWeightedLabelsOls({ ...honest, k: 1, responses: mu }),
    RangeError,
    "pooled",
  );
  assertThrows(
    () => honestVarianceWeightedLabelsOls({ ...honest, pilotResponses: mu }),
    RangeError,
    "pilotResponses.length",
  );
  assertThrows(() => honestVarianceWeightedLabelsOls({ ...honest, k: 0 }), RangeError, "k must");
  const ens = { responses: [1, 3], k: 2, n: 1, pilotPredictions: [2, 4], pilots: 2 };
  assertThrows(
    () => ensembleVarianceWeightedLabels({ ...ens, pilots: 1, pilotPredictions: [2] }),
    RangeError,
    "pilots",
  );
  assertThrows(
    () => ensembleVarianceWeightedLabels({ ...ens, k: 1, responses: [1] }),
    RangeError,
    "k must",
  );
  assertThrows(
    () => ensembleVarianceWeightedLabels({ ...ens, pilotPredictions: [2, 4, 6] }),
    RangeError,
    "pilotPredictions.length",
  );
  assertThrows(
    () => ensembleVarianceWeightedLabels({ ...ens, pilotPredictions: [2, NaN] }),
    RangeError,
    "pilotPredictions[1]",
  );
});

Deno.test("honest OLS weighting with k = 1 works with the pooled teacher variance", () => {
  const resp = noisyTeacherResponses(mu, { variance: 0.4 }, { students: 1, k: 1, seed: 41 });
  const pilot = noisyTeacherResponses(mu, { variance: 0.4 }, { students: 1, k: 2, seed: 42 });
  const h = honestVarianceWeightedLabelsOls({
    x: xTrain,
    d,
    responses: resp,
    k: 1,
    pilotResponses: pilot,
    kPilot: 2,
    teacherVariance: "pooled",
  });
  // Pooled over the pilot only (the single responses have no spread): sigma2_hat / 1 everywhere.
  for (let i = 1; i < n; i++) assertEquals(h.teacherVariance[i], h.teacherVariance[0]);
  assert(h.teacherVariance[0] > 0.25 && h.teacherVariance[0] < 0.55, `${h.teacherVariance[0]}`);
  assertEquals(h.teacherCalls, 3 * n);
});
