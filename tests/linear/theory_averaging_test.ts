import { assert, assertAlmostEquals, assertArrayClose, assertThrows } from "../assert.ts";
import { fitOls, predictOls } from "../../lib/linear/ols.ts";
import {
  averagedLabelNoise,
  averagedParameterCovariance,
  averagedPredictiveVariance,
  combinationVariance,
  optimalCombination,
  sampleOptimalWeight,
} from "../../lib/linear/theory_averaging.ts";
import { averageTeacherResponses } from "../../lib/distill/averaging.ts";
import { noisyTeacherResponses } from "../../lib/distill/teacher_noise.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { bostonSetting } from "./boston_fixture.ts";
import { inverse } from "./dense_inverse.ts";
import { normal, Rng } from "../../lib/random.ts";

// Section 7.2's linear setting (seed 1); see boston_fixture.ts.
const { d, n, m, xTrain, xTest, teacherTrain: mu } = await bostonSetting(1);

Deno.test("Theorem 7.1: averaging k responses divides the inter-student variance by k (simulation)", () => {
  // 2,000 OLS students per k on the mean of k noisy responses of a linear teacher.
  // interStudentVariance divides by S, so its expectation is (S-1)/S times the theory;
  // its SE (sd of the per-student terms / sqrt(S)) is the Monte Carlo error: |sim - th| < 4 SE.
  const S = 2000, sigma2 = 0.5;
  const seen: number[] = [];
  for (const [k, seed] of [[1, 71], [4, 72], [16, 73]]) {
    const r = noisyTeacherResponses(mu, { variance: sigma2 }, { students: S, k, seed: seed });
    const labels = averageTeacherResponses(r, k, n).mean;
    const sim = interStudentVariance(predictOls(xTest, fitOls(xTrain, d, labels)), m);
    const th = averagedPredictiveVariance({ x: xTrain, d, xTest }, { sigma2, k }).mean;
    const expected = (th * (S - 1)) / S;
    assert(
      Math.abs(sim.mean - expected) < 4 * sim.se,
      `k=${k}: sim ${sim.mean} (SE ${sim.se}) vs theory ${expected}`,
    );
    seen.push(th);
  }
  assertAlmostEquals(seen[1] / seen[0], 1 / 4, 1e-12);
  assertAlmostEquals(seen[2] / seen[0], 1 / 16, 1e-12);
});

Deno.test("Theorem 7.1: label noise and parameter covariance are divided by k", () => {
  assertAlmostEquals(averagedLabelNoise(0.8, 4), 0.2, 1e-15);
  // (sigma2 / k) (X~^T X~)^-1 from an explicit inverse of the augmented normal matrix.
  const sigma2 = 0.6, k = 3, p = d + 1;
  const g = Array.from({ length: p }, () => new Array(p).fill(0));
  for (let i = 0; i < n; i++) {
    const a = [1, ...xTrain.subarray(i * d, i * d + d)];
    for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) g[r][c] += a[r] * a[c];
  }
  const gi = inverse(g).flat().map((v) => (v * sigma2) / k);
  const cov = averagedParameterCovariance({ x: xTrain, d }, { sigma2, k });
  assertArrayClose(cov, gi, 1e-12, 1e-9);
  const cov1 = averagedParameterCovariance({ x: xTrain, d }, { sigma2 });
  assertArrayClose(cov, cov1.map((v) => v / k), 1e-15, 1e-12);
  // Without an intercept: the slopes only, (sigma2 / k) (X^T X)^-1.
  const g0 = g.slice(1).map((r) => r.slice(1));
  const gi0 = inverse(g0).flat().map((v) => (v * sigma2) / k);
  const c0 = averagedParameterCovariance({ x: xTrain, d, intercept: false }, { sigma2, k });
  assertArrayClose(c0, gi0, 1e-12, 1e-9);
});

Deno.test("the parameter covariance matches the spread of simulated OLS coefficients", () => {
  // Small problem so that the check is of the formula, not of round-off: n = 40, d = 2.
  const nn = 40, dd = 2, S = 4000, sigma2 = 1, k = 2;
  const x = normal(new Rng(5), nn * dd);
  const mu0 = new Float64Array(nn).map((_, i) => 1 + x[i * dd] - x[i * dd + 1]);
  const r = noisyTeacherResponses(mu0, { variance: sigma2 }, { students: S, k, seed: 6 });
  const fit = fitOls(x, dd, averageTeacherResponses(r, k, nn).mean);
  const cov = averagedParameterCovariance({ x, d: dd }, { sigma2, k });
  // Var(intercept) and Var(slope 1): sample variances, SE ~ var sqrt(2 / S) (Gaussian).
  const stat = (get: (s: number) => number) => {
    let a = 0, b = 0;
    for (let s = 0; s < S; s++) a += get(s) / S;
    for (let s = 0; s < S; s++) b += (get(s) - a) ** 2 / (S - 1);
    return b;
  };
  const vb = stat((s) => fit.intercept[s]), v1 = stat((s) => fit.coef[s * dd]);
  assert(Math.abs(vb - cov[0]) < 4 * cov[0] * Math.sqrt(2 / S), `Var(b) ${vb} vs ${cov[0]}`);
  assert(Math.abs(v1 - cov[4]) < 4 * cov[4] * Math.sqrt(2 / S), `Var(b1) ${v1} vs ${cov[4]}`);
});

Deno.test("Theorem 7.3: the inverse-variance weights minimize the variance over a fine grid", () => {
  for (const [sT, sS] of [[1, 3], [0.2, 0.2], [5, 0.1], [0.01, 2], [2, 0]]) {
    const opt = optimalCombination(sT, sS);
    let best = Infinity, bestA = NaN;
    for (let i = 0; i <= 10000; i++) {
      const a = i / 10000;
      const v = a * a * sT + (1 - a) * (1 - a) * sS; // the objective, written out here
      if (v < best) [best, bestA] = [v, a];
    }
    assert(
      Math.abs(bestA - opt.weightTeacher) <= 1e-4,
      `(${sT}, ${sS}): ${bestA} vs ${opt.weightTeacher}`,
    );
    assert(opt.variance <= best + 1e-15, `(${sT}, ${sS}): ${opt.variance} vs grid ${best}`);
    assert(best - opt.variance <= (sT + sS) * 1e-8, `(${sT}, ${sS}): grid gap`);
    assertAlmostEquals(combinationVariance(opt.weightTeacher, sT, sS), opt.variance, 1e-15);
    assertAlmostEquals(opt.weightTeacher + opt.weightStudent, 1, 1e-15);
  }
});

Deno.test("Theorem 7.4: the minimum variance is below each, halves equal ones, tends to the smaller, is symmetric", () => {
  for (const [a, b] of [[1, 3], [0.5, 0.5], [7, 0.01], [2, 2.0001]]) {
    const v = optimalCombination(a, b).variance;
    assert(v <= Math.min(a, b), `${v} > min(${a}, ${b})`);
    assertAlmostEquals(v, optimalCombination(b, a).variance, 1e-15);
    assertAlmostEquals(
      optimalCombination(b, a).weightTeacher,
      optimalCombination(a, b).weightStudent,
      1e-15,
    );
  }
  assertAlmostEquals(optimalCombination(0.8, 0.8).variance, 0.4, 1e-15);
  // As s_T^2 grows the minimum approaches s_S^2 = 0.3 from below: 0.3 - v = 0.09 / (s_T^2 + 0.3).
  let prev = 0;
  for (const big of [1, 10, 1e3, 1e6, 1e12]) {
    const v = optimalCombination(big, 0.3).variance;
    assert(v > prev && v < 0.3, `${big}: ${v}`);
    assertAlmostEquals(0.3 - v, 0.09 / (big + 0.3), 1e-12);
    prev = v;
  }
  const huge = optimalCombination(1e308, 1e308); // the sum overflows; the weights must not
  assertAlmostEquals(huge.weightTeacher, 0.5, 1e-15);
  assertAlmostEquals(huge.variance / 1e308, 0.5, 1e-12);
});

Deno.test("edge cases: one zero variance takes all the weight, two zeros give equal weights", () => {
  const one = optimalCombination(0, 2);
  assertArrayClose([one.weightTeacher, one.weightStudent, one.variance], [1, 0, 0], 0);
  const other = optimalCombination(2, 0);
  assertArrayClose([other.weightTeacher, other.weightStudent, other.variance], [0, 1, 0], 0);
  const both = optimalCombination(0, 0);
  assertArrayClose([both.weightTeacher, both.weightStudent, both.variance], [0.5, 0.5, 0], 0);
});

Deno.test("bad Section 7.1 input throws an error naming the argument", () => {
  assertThrows(() => averagedLabelNoise(-1, 2), RangeError, "sigma2");
  assertThrows(() => averagedLabelNoise(1, 0), RangeError, "k must");
  assertThrows(() => averagedLabelNoise(1, 2.5), RangeError, "k must");
  assertThrows(() => optimalCombination(-1, 1), RangeError, "varTeacher");
  assertThrows(() => optimalCombination(1, NaN), RangeError, "varStudent");
  assertThrows(() => optimalCombination(Infinity, 1), RangeError, "varTeacher");
  assertThrows(() => combinationVariance(NaN, 1, 1), RangeError, "weightTeacher");
  assertThrows(
    () => averagedPredictiveVariance({ x: xTrain, d, xTest }, { sigma2: 1, k: 0 }),
    RangeError,
    "k must",
  );
  const dup = new Float64Array(20).map((_, i) => (i >> 1) % 5); // two identical columns
  assertThrows(
    () => averagedParameterCovariance({ x: dup, d: 2 }, { sigma2: 1 }),
    RangeError,
    "rank-deficient",
  );
  assertThrows(
    () => averagedParameterCovariance({ x: new Float64Array(3), d: 2 }, { sigma2: 1 }),
    RangeError,
    "x.length",
  );
});

Deno.test("sampleOptimalWeight: the weight minimizing the sample variance of a·t + (1 − a)·s", () => {
  // Uncorrelated draws with sums of squares 4 (t) and 16 (s): a = 16 / 20.
  const t = new Float64Array([1, -1, 1, -1]), s = new Float64Array([2, 2, -2, -2]);
  assertAlmostEquals(sampleOptimalWeight(t, s), 0.8, 1e-15);
  // A range of the draws: the same weight from the moments of that range only.
  const t2 = new Float64Array([9, ...t]), s2 = new Float64Array([-9, ...s]);
  assertAlmostEquals(sampleOptimalWeight(t2, s2, 1, 5), 0.8, 1e-15);
  assertThrows(() => sampleOptimalWeight(t, s, 0, 1), RangeError, "from");
});
