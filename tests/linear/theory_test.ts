import { assert, assertAlmostEquals, assertArrayClose, assertThrows } from "../assert.ts";
import { fitOls, predictOls } from "../../lib/linear/ols.ts";
import {
  linearMseVsTeacher,
  linearPredictiveVariance,
  linearStudentMse,
  testLeverage,
} from "../../lib/linear/theory.ts";
import {
  noiseVariance,
  noisyTeacherLabels,
  noisyTeacherResponses,
} from "../../lib/distill/teacher_noise.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { studentTestMse } from "../../lib/uncertainty/test_mse.ts";
import { monteCarloSummary } from "../../lib/uncertainty/monte_carlo.ts";
import { bostonSetting } from "./boston_fixture.ts";
import { inverse } from "./dense_inverse.ts";

// Section 4.2's setting (seed 42, 404 / 102 rows); see boston_fixture.ts.
const { d, xTrain, yTrain, xTest, yTest, m, teacherTrain, teacherTest } = await bostonSetting(42);
const S = 2000;

/** S linear students on noisy teacher labels; their test predictions, S x m. */
function students(mu: Float64Array, sigma2: number, seed: number, k = 1): Float64Array {
  let labels: Float64Array;
  if (k === 1) {
    labels = noisyTeacherLabels(mu, { variance: sigma2 }, { students: S, seed: seed });
  } else {
    const n = mu.length;
    const r = noisyTeacherResponses(mu, { variance: sigma2 }, { students: S, k, seed: seed });
    labels = new Float64Array(S * n);
    for (let s = 0; s < S; s++) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < n; i++) labels[s * n + i] += r[(s * k + j) * n + i] / k;
      }
    }
  }
  return predictOls(xTest, fitOls(xTrain, d, labels));
}

Deno.test("test leverage equals x~^T (X~^T X~)^-1 x~ from an explicit inverse", () => {
  for (const intercept of [true, false]) {
    const aug = (x: Float64Array, i: number) => {
      const r = [...x.subarray(i * d, i * d + d)];
      return intercept ? [1, ...r] : r;
    };
    const p = d + (intercept ? 1 : 0);
    const g = Array.from({ length: p }, () => new Array(p).fill(0));
    for (let i = 0; i < yTrain.length; i++) {
      const r = aug(xTrain, i);
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) g[a][b] += r[a] * r[b];
    }
    const gi = inverse(g);
    const h = testLeverage({ x: xTrain, d, xTest, intercept });
    for (let j = 0; j < m; j++) {
      const r = aug(xTest, j);
      let v = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) v += r[a] * gi[a][b] * r[b];
      assertAlmostEquals(h[j], v, 1e-12);
    }
  }
});

Deno.test("Theorem 4.1: inter-student predictive variance matches simulation within Monte Carlo error", () => {
  const sigma2 = noiseVariance({ fraction: 0.5, yTrain });
  const preds = students(teacherTrain, sigma2, 101);
  const sim = interStudentVariance(preds, m);
  const th = linearPredictiveVariance({ x: xTrain, d, xTest }, { sigma2 });
  // The population variance across S students has mean (S-1)/S times the true variance.
  const f = (S - 1) / S;
  // Test average: 4 SE, the SE estimated from the students (see interStudentVariance).
  assert(
    Math.abs(sim.mean - f * th.mean) < 4 * sim.se,
    `mean ${sim.mean} vs ${th.mean} (se ${sim.se})`,
  );
  // Each input: Gaussian predictions, so the SE of a variance is sigma^2 sqrt(2/(S-1)); 4.5 SE
  // (102 comparisons at once: each fails with probability below 1e-5).
  for (let j = 0; j < m; j++) {
    const se = th.perInput[j] * Math.sqrt(2 / (S - 1));
    assert(Math.abs(sim.perInput[j] - f * th.perInput[j]) < 4.5 * se, `input ${j}`);
  }
});

Deno.test("Theorem 4.2: test MSE against a linear teacher, mean and variance, match simulation", () => {
  const sigma2 = noiseVariance({ fraction: 1, yTrain });
  const mse = monteCarloSummary(studentTestMse(students(teacherTrain, sigma2, 202), teacherTest));
  const th = linearStudentMse({
    x: xTrain,
    d,
    xTest,
    sigma2,
    teacherTrain,
    reference: teacherTest,
  });
  assertAlmostEquals(th.bias2, 0, 1e-20); // the teacher is in the student class
  assertAlmostEquals(th.mean, linearMseVsTeacher({ x: xTrain, d, xTest }, { sigma2 }), 1e-15);
  // 4 SE each (SEs from monteCarloSummary: sqrt(s^2/S) and the fourth-moment formula).
  assert(Math.abs(mse.mean - th.mean) < 4 * mse.seMean, `mean ${mse.mean} vs ${th.mean}`);
  const vTh = ((S - 1) / S) * th.variance;
  assert(Math.abs(mse.variance - vTh) < 4 * mse.seVariance, `var ${mse.variance} vs ${vTh}`);
});

Deno.test("Theorem 4.3: test MSE against ground truth, mean and variance, match simulation", () => {
  const sigma2 = noiseVariance({ fraction: 1.5, yTrain });
  const mse = monteCarloSummary(studentTestMse(students(teacherTrain, sigma2, 303), yTest));
  const th = linearStudentMse({ x: xTrain, d, xTest, sigma2, teacherTrain, reference: yTest });
  // The bias term is the teacher's own test MSE against ground truth.
  assertAlmostEquals(th.bias2, studentTestMse(teacherTest, yTest)[0], 1e-12);
  assert(Math.abs(mse.mean - th.mean) < 4 * mse.seMean, `mean ${mse.mean} vs ${th.mean}`);
  const vTh = ((S - 1) / S) * th.variance;
  assert(Math.abs(mse.variance - vTh) < 4 * mse.seVariance, `var ${mse.variance} vs ${vTh}`);
});

Deno.test("a teacher outside the linear class adds its projection bias, matching simulation", () => {
  // A non-linear teacher (think of the NN teacher): its outputs are not a linear function of x.
  const mu = teacherTrain.map((v, i) => v + 0.5 * Math.sin(3 * xTrain[i * d]));
  const muTest = teacherTest.map((v, j) => v + 0.5 * Math.sin(3 * xTest[j * d]));
  const sigma2 = 0.4;
  const mse = monteCarloSummary(studentTestMse(students(mu, sigma2, 404), muTest));
  const th = linearStudentMse({ x: xTrain, d, xTest, sigma2, teacherTrain: mu, reference: muTest });
  assert(th.bias2 > 0.01, `bias ${th.bias2}`);
  assert(Math.abs(mse.mean - th.mean) < 4 * mse.seMean, `mean ${mse.mean} vs ${th.mean}`);
  const vTh = ((S - 1) / S) * th.variance;
  assert(Math.abs(mse.variance - vTh) < 4 * mse.seVariance, `var ${mse.variance} vs ${vTh}`);
});

Deno.test("averaging k teacher responses divides the predictive variance by k (Theorem 7.1)", () => {
  const sigma2 = 0.8, k = 4;
  const sim = interStudentVariance(students(teacherTrain, sigma2, 505, k), m);
  const th = linearPredictiveVariance({ x: xTrain, d, xTest }, { sigma2, k });
  const one = linearPredictiveVariance({ x: xTrain, d, xTest }, { sigma2 });
  assertAlmostEquals(th.mean * k, one.mean, 1e-15);
  assert(Math.abs(sim.mean - ((S - 1) / S) * th.mean) < 4 * sim.se, `${sim.mean} vs ${th.mean}`);
});

Deno.test("with zero noise every student equals the OLS teacher to round-off", () => {
  const preds = students(teacherTrain, 0, 606);
  for (let s = 0; s < S; s += 97) {
    assertArrayClose(preds.subarray(s * m, s * m + m), teacherTest, 1e-12);
  }
  const th = linearStudentMse({
    x: xTrain,
    d,
    xTest,
    sigma2: 0,
    teacherTrain,
    reference: teacherTest,
  });
  assertAlmostEquals(th.mean, 0, 1e-20);
  assertAlmostEquals(th.variance, 0, 1e-20);
});

Deno.test("bad theory input throws an error naming the argument", () => {
  const design = { x: xTrain, d, xTest };
  assertThrows(() => linearPredictiveVariance(design, { sigma2: -1 }), RangeError, "sigma2");
  assertThrows(() => linearPredictiveVariance(design, { sigma2: NaN }), RangeError, "sigma2");
  assertThrows(() => linearPredictiveVariance(design, { sigma2: 1, k: 0 }), RangeError, "k must");
  assertThrows(() => linearPredictiveVariance(design, { sigma2: 1, k: 2.5 }), RangeError, "k must");
  assertThrows(
    () => linearPredictiveVariance({ ...design, xTest: new Float64Array(0) }, { sigma2: 1 }),
    RangeError,
    "xTest is empty",
  );
  assertThrows(
    () => linearPredictiveVariance({ ...design, xTest: new Float64Array(d + 1) }, { sigma2: 1 }),
    RangeError,
    "xTest.length",
  );
  // A constant column is collinear with the intercept: X^T X is singular.
  const xc = xTrain.slice();
  for (let i = 0; i < yTrain.length; i++) xc[i * d + 5] = 2;
  assertThrows(() => testLeverage({ ...design, x: xc }), RangeError, "rank-deficient");
  const base = { ...design, sigma2: 1, teacherTrain, reference: yTest };
  assertThrows(
    () => linearStudentMse({ ...base, teacherTrain: yTest }),
    RangeError,
    "teacherTrain",
  );
  assertThrows(() => linearStudentMse({ ...base, reference: yTrain }), RangeError, "reference");
  const bad = yTest.slice();
  bad[3] = Infinity;
  assertThrows(() => linearStudentMse({ ...base, reference: bad }), RangeError, "reference[3]");
});
