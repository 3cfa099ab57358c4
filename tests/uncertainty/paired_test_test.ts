import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  bootstrapMeanDifference,
  pairedComparison,
  pairedTTest,
  wilcoxonSignedRank,
} from "../../lib/uncertainty/paired_test.ts";
import { Rng } from "../../lib/random.ts";

Deno.test("the paired t-test matches the formula on a hand-computed case", () => {
  // d = [1, 0, 1]: mean 2/3, sample variance ((1/3)^2 2 + (2/3)^2) / 2 = 1/3,
  // SE sqrt(1/3) / sqrt(3) = 1/3, t = 2 on 2 df. For 2 df the two-sided tail is
  // P(|T| >= t) = 1 - t / sqrt(2 + t^2) = 1 - 2 / sqrt(6).
  const r = pairedTTest([1, 2, 3], [0, 2, 2]);
  assertEquals([r.count, r.df], [3, 2]);
  assertAlmostEquals(r.meanDifference, 2 / 3, 1e-15);
  assertAlmostEquals(r.stdDifference, Math.sqrt(1 / 3), 1e-15);
  assertAlmostEquals(r.standardError, 1 / 3, 1e-15);
  assertAlmostEquals(r.statistic, 2, 1e-14);
  assertAlmostEquals(r.pValue, 1 - 2 / Math.sqrt(6), 1e-13);
});

Deno.test("with two pairs the t-test's p-value is the Cauchy tail 1 - (2/pi) atan|t|", () => {
  // d = [3, 1]: mean 2, sd sqrt(2), SE 1, t = 2 on 1 df.
  const r = pairedTTest([5, 2], [2, 1]);
  assertAlmostEquals(r.statistic, 2, 1e-14);
  assertAlmostEquals(r.pValue, 1 - (2 / Math.PI) * Math.atan(2), 1e-13);
  // Teacher and student swapped: t changes sign, p does not.
  const s = pairedTTest([2, 1], [5, 2]);
  assertAlmostEquals(s.statistic, -2, 1e-14);
  assertAlmostEquals(s.pValue, r.pValue, 1e-15);
});

Deno.test("the paired t-test agrees with scipy's ttest_rel", () => {
  const t = [0.31, 0.12, 0.55, 0.08, 0.91, 0.40, 0.22, 0.67, 0.05, 0.73, 0.36, 0.19];
  const s = [0.25, 0.15, 0.41, 0.08, 0.80, 0.44, 0.10, 0.60, 0.07, 0.70, 0.30, 0.22];
  // scipy 1.10.1 (Debian python3-scipy), once: stats.ttest_rel(t, s) ->
  // statistic 2.13336045278386, pvalue 0.05625038194209664.
  const r = pairedTTest(t, s);
  assertAlmostEquals(r.statistic, 2.13336045278386, 1e-12);
  assertAlmostEquals(r.pValue, 0.05625038194209664, 1e-12);
});

Deno.test("identical values give t = 0 and p = 1; equal nonzero differences an infinite t", () => {
  const same = pairedTTest([1, 2, 3], [1, 2, 3]);
  assertEquals([same.statistic, same.pValue, same.meanDifference], [0, 1, 0]);
  const shifted = pairedTTest([2, 3, 4], [1, 2, 3]);
  assertEquals([shifted.statistic, shifted.pValue], [Infinity, 0]);
});

Deno.test("the t-test rejects a true null at about its level", () => {
  // 2,000 paired samples of n = 20 with no true difference (skewed values, normal noise).
  // Rejection rate at alpha = 0.05 should be 0.05; binomial SE sqrt(0.05 0.95 / 2000)
  // = 0.0049; allow 4 SE.
  const reps = 2000, n = 20, rng = new Rng(3);
  let rejected = 0;
  for (let r = 0; r < reps; r++) {
    const base = Array.from({ length: n }, () => -Math.log(1 - rng.uniform()));
    const t = base.map((b) => b + 0.3 * rng.normal());
    const s = base.map((b) => b + 0.3 * rng.normal());
    if (pairedTTest(t, s).pValue < 0.05) rejected++;
  }
  const rate = rejected / reps;
  assert(Math.abs(rate - 0.05) < 4 * Math.sqrt(0.05 * 0.95 / reps), `rejection rate ${rate}`);
});

Deno.test("the bootstrap interval covers the true mean difference at about the nominal rate", () => {
  // 500 data sets of n = 100 pairs whose differences have mean 0.05 (normal noise on
  // exponential "entropies"), B = 1000 resamples each, 95% intervals. For normal
  // differences the percentile interval is close to dbar ± 1.96 sd_n / sqrt(n), whose
  // coverage is P(|t_99| <= 1.96 sqrt(0.99)) ≈ 0.947: a bias of -0.003, well inside the
  // tolerance of 4 binomial SE = 4 sqrt(0.95 0.05 / 500) = 0.039.
  const reps = 500, n = 100, rng = new Rng(11);
  let covered = 0, lowSide = 0;
  for (let r = 0; r < reps; r++) {
    const t = Array.from({ length: n }, () => -Math.log(1 - rng.uniform()));
    const s = t.map((v) => v - 0.05 + 0.2 * rng.normal());
    const ci = bootstrapMeanDifference(t, s, { seed: rng.child(r), resamples: 1000 });
    assert(ci.low <= ci.estimate && ci.estimate <= ci.high, "the estimate lies inside");
    if (ci.low <= 0.05 && 0.05 <= ci.high) covered++;
    else if (ci.high < 0.05) lowSide++;
  }
  const rate = covered / reps;
  assert(Math.abs(rate - 0.95) < 4 * Math.sqrt(0.95 * 0.05 / reps), `coverage ${rate}`);
  // Misses split about evenly between the two sides (each ~ Binomial(misses, 1/2)).
  const misses = reps - covered;
  assert(Math.abs(lowSide - misses / 2) <= 4 * Math.sqrt(misses / 4) + 1, `${lowSide}/${misses}`);
});

Deno.test("the bootstrap interval is reproducible from its seed and narrows as the level drops", () => {
  const t = [0.31, 0.12, 0.55, 0.08, 0.91, 0.40, 0.22, 0.67, 0.05, 0.73, 0.36, 0.19];
  const s = [0.25, 0.15, 0.41, 0.08, 0.80, 0.44, 0.10, 0.60, 0.07, 0.70, 0.30, 0.22];
  const a = bootstrapMeanDifference(t, s, { seed: 5, resamples: 500 });
  const b = bootstrapMeanDifference(t, s, { seed: new Rng(5), resamples: 500 });
  assertEquals(a, b);
  assertAlmostEquals(a.estimate, 0.47 / 12, 1e-15); // d sums to 0.47
  const c = bootstrapMeanDifference(t, s, { seed: 5, resamples: 500, level: 0.5 });
  assert(a.low < c.low && c.high < a.high, "a 50% interval sits inside the 95% one");
  assertEquals([a.level, a.resamples, c.level], [0.95, 500, 0.5]);
});

Deno.test("the Wilcoxon signed-rank test drops zeros and averages tied ranks", () => {
  const t = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7];
  const s = [1, 2, 4, 3, 2, 6, 2, 2, 4, 5, 1, 8, 5, 5];
  // d = [2, -1, 0, -2, 3, 3, 0, 4, 1, -2, 4, 0, 4, 2]: 3 zeros, n = 11 nonzero.
  // |d| ranks: 1,1 -> 1.5; 2,2,2,2 -> 4.5; 3,3 -> 7.5; 4,4,4 -> 10.
  // W- = 1.5 + 4.5 + 4.5 = 10.5, W+ = 66 - 10.5 = 55.5. Mean 33; variance
  // 11 12 23 / 24 - (6 + 60 + 6 + 24) / 48 = 126.5 - 2 = 124.5; z = 22.5 / sqrt(124.5).
  const w = wilcoxonSignedRank(t, s);
  assertEquals([w.count, w.zeros, w.wPlus, w.wMinus], [11, 3, 55.5, 10.5]);
  assertAlmostEquals(w.z, 22.5 / Math.sqrt(124.5), 1e-14);
  // scipy 1.10.1 once: stats.wilcoxon(t, s, method="approx") -> statistic 10.5,
  // pvalue 0.04374790444995173, zstatistic -2.0164982172669936.
  assertAlmostEquals(w.pValue, 0.04374790444995173, 1e-12);
  const back = wilcoxonSignedRank(s, t);
  assertAlmostEquals(back.z, -w.z, 1e-15);
  assertAlmostEquals(back.pValue, w.pValue, 1e-15);
});

Deno.test("the Wilcoxon test of identical values has no p-value", () => {
  const w = wilcoxonSignedRank([1, 2], [1, 2]);
  assertEquals([w.count, w.zeros], [0, 2]);
  assert(Number.isNaN(w.pValue));
});

Deno.test("the paired comparison bundles the three views of the same differences", () => {
  const t = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7];
  const s = [1, 2, 4, 3, 2, 6, 2, 2, 4, 5, 1, 8, 5, 5];
  const c = pairedComparison(t, s, { seed: 2, resamples: 200 });
  assertEquals(c.tTest, pairedTTest(t, s));
  assertEquals(c.wilcoxon, wilcoxonSignedRank(t, s));
  assertEquals(c.bootstrap, bootstrapMeanDifference(t, s, { seed: 2, resamples: 200 }));
});

Deno.test("bad paired input throws naming the argument", () => {
  assertThrows(() => pairedTTest([1, 2, 3], [1, 2]), RangeError, "teacher.length (3)");
  assertThrows(() => pairedTTest([1], [2]), RangeError, "at least 2");
  assertThrows(() => pairedTTest([1, NaN], [1, 2]), RangeError, "teacher[1]");
  assertThrows(() => pairedTTest([1, 2], [2, NaN]), RangeError, "student[1]");
  assertThrows(() => pairedTTest([], []), RangeError, "at least 2");
  assertThrows(() => pairedTTest([1.7e308, 0], [-1.7e308, 0]), RangeError, "overflows");
  assertThrows(() => wilcoxonSignedRank([1, 2], [Infinity, 2]), RangeError, "student[0]");
  assertThrows(
    () => bootstrapMeanDifference([1, 2], [1, 3], { seed: 1, resamples: 1 }),
    RangeError,
    "options.resamples",
  );
  assertThrows(
    () => bootstrapMeanDifference([1, 2], [1, 3], { seed: 1, level: 95 }),
    RangeError,
    "options.level",
  );
});
