import { assert, assertAlmostEquals, assertThrows } from "../assert.ts";
import {
  curvatureTest,
  fitWeightedPolynomial,
  logLogSlope,
  normalUpperTail,
  squaredCorrelation,
} from "../../lib/uncertainty/trend.ts";
import { Rng } from "../../lib/random.ts";

Deno.test("a polynomial through exact points is recovered with zero chi-square", () => {
  const x = [0, 0.5, 1, 1.5, 2];
  const y = x.map((v) => 1 - 2 * v + 3 * v * v);
  const fit = fitWeightedPolynomial(x, y, [0.1, 0.2, 0.1, 0.3, 0.1], 2);
  fit.coefficients.forEach((c, i) => assertAlmostEquals(c, [1, -2, 3][i], 1e-10));
  assertAlmostEquals(fit.chi2, 0, 1e-15);
  assertAlmostEquals(fit.scale, 1, 0);
});

Deno.test("a straight line's coefficients have the textbook weighted standard errors", () => {
  // Equal SEs s: Var(slope) = s^2 / Sxx, Var(intercept) = s^2 (1/n + xbar^2 / Sxx).
  const x = [0, 1, 2, 3], y = [0.1, 0.9, 2.1, 2.9], s = 0.5;
  const fit = fitWeightedPolynomial(x, y, [s, s, s, s], 1);
  // Sxx = 5, xbar = 1.5; slope 0.96, intercept 0.06, residuals .04, -.12, .12, -.04:
  // chi2 = SSres / s^2 = 0.032 / 0.25 = 0.128 < dof = 2, so no inflation.
  assertAlmostEquals(fit.chi2, 0.128, 1e-12);
  assertAlmostEquals(fit.standardErrors[1], s / Math.sqrt(5), 1e-12);
  assertAlmostEquals(fit.standardErrors[0], s * Math.sqrt(1 / 4 + 1.5 ** 2 / 5), 1e-12);
});

Deno.test("standard errors are inflated when the points scatter more than their SEs allow", () => {
  // Slope 0.4, intercept 0.4, residuals -.4, 1.2, -1.2, .4: SSres = 3.2, dof = 2. With
  // SEs s, chi2 / dof = 1.6 / s^2 > 1, and the scaled SE of the slope is
  // s / sqrt(Sxx) * sqrt(1.6) / s = sqrt(1.6 / 5), whatever s: the scatter, not the SEs.
  const x = [0, 1, 2, 3], y = [0, 2, 0, 2];
  for (const s of [0.01, 1]) {
    const fit = fitWeightedPolynomial(x, y, [s, s, s, s], 1);
    assertAlmostEquals(fit.chi2, 3.2 / (s * s), 1e-9 / (s * s));
    assertAlmostEquals(fit.scale, Math.sqrt(1.6) / s, 1e-9 / s);
    assertAlmostEquals(fit.standardErrors[1], Math.sqrt(1.6 / 5), 1e-12);
  }
});

Deno.test("the normal upper tail matches tabulated values, far into the tail", () => {
  assertAlmostEquals(normalUpperTail(0), 0.5, 1e-15);
  assertAlmostEquals(normalUpperTail(1.959963984540054), 0.025, 1e-13);
  assertAlmostEquals(normalUpperTail(-1.644853626951472), 0.95, 1e-13);
  // Q(3) = 1.3498980316300946e-3, Q(5) = 2.866515718791939e-7, Q(10) = 7.619853024160527e-24.
  assertAlmostEquals(normalUpperTail(3) / 1.3498980316300946e-3, 1, 1e-12);
  assertAlmostEquals(normalUpperTail(5) / 2.866515718791939e-7, 1, 1e-12);
  assertAlmostEquals(normalUpperTail(10) / 7.619853024160527e-24, 1, 1e-10);
});

Deno.test("under a straight line the curvature's z is standard normal", () => {
  // 2,000 simulated curves y = 1 + 2x + noise with known SEs: z ~ N(0, 1), so
  // the rejection rate at one-sided 5% is 0.05 with binomial SE sqrt(.05 .95 / 2000)
  // = 0.0049, and the mean of z is 0 with SE 1/sqrt(2000) = 0.022. Tolerances 4 SE.
  const rng = new Rng(4), reps = 2000;
  const x = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2];
  const se = x.map((v) => 0.05 + 0.1 * v);
  let reject = 0, sumZ = 0;
  for (let r = 0; r < reps; r++) {
    const y = x.map((v, i) => 1 + 2 * v + se[i] * rng.normal());
    const t = curvatureTest(x, y, se);
    if (t.pUpper < 0.05) reject++;
    sumZ += t.z;
  }
  assert(Math.abs(reject / reps - 0.05) < 4 * 0.0049, `rejection rate ${reject / reps}`);
  assert(Math.abs(sumZ / reps) < 4 / Math.sqrt(reps), `mean z ${sumZ / reps}`);
});

Deno.test("an upward-bending curve gives a large positive curvature z", () => {
  const x = [0.1, 0.5, 1, 1.5, 2], se = [0.01, 0.01, 0.01, 0.01, 0.01];
  const t = curvatureTest(x, x.map((v) => v + 0.2 * v * v), se);
  assertAlmostEquals(t.curvature, 0.2, 1e-10);
  assertAlmostEquals(t.slope, 1, 1e-10);
  assert(t.z > 10 && t.pUpper < 1e-20, `z ${t.z}, p ${t.pUpper}`);
  assertAlmostEquals(t.pTwoSided, 2 * t.pUpper, 1e-30);
});

Deno.test("the log-log slope of a power law is its exponent", () => {
  const x = [0.5, 1, 2, 4];
  assertAlmostEquals(logLogSlope(x, x.map((v) => 3 * v), x.map((v) => 0.1 * v)).slope, 1, 1e-12);
  assertAlmostEquals(logLogSlope(x, x.map((v) => v ** 1.5), [1, 1, 1, 1]).slope, 1.5, 1e-12);
});

Deno.test("bad input is refused, naming the argument", () => {
  assertThrows(() => curvatureTest([0, 1, 2], [0, 1], [1, 1, 1]), RangeError, "same length");
  assertThrows(() => curvatureTest([0, 1, 2], [0, 1, 2], [1, 0, 1]), RangeError, "se[1]");
  assertThrows(() => curvatureTest([0, 1, 2], [0, NaN, 2], [1, 1, 1]), RangeError, "y[1]");
  assertThrows(() => curvatureTest([0, 1], [0, 1], [1, 1]), RangeError, "at least 3 points");
  assertThrows(() => curvatureTest([1, 1, 1], [0, 1, 2], [1, 1, 1]), RangeError, "distinct");
  assertThrows(() => fitWeightedPolynomial([0], [0], [1], -1), RangeError, "degree");
  assertThrows(() => logLogSlope([0, 1], [1, 2], [1, 1]), RangeError, "x[0]");
});

Deno.test("squaredCorrelation is the R² of the least-squares line, NaN without variation", () => {
  assertAlmostEquals(squaredCorrelation([1, 2, 3, 4], [2, 4, 6, 8]), 1, 1e-12);
  assertAlmostEquals(squaredCorrelation([1, 2, 3], [1, 3, 2]), 0.25, 1e-12);
  assert(Number.isNaN(squaredCorrelation([1, 1, 1], [1, 2, 3])));
  assertThrows(() => squaredCorrelation([1, 2], [1]), RangeError, "paired");
});
