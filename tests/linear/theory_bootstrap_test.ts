import {
  assert,
  assertAlmostEquals,
  assertArrayClose,
  assertEquals,
  assertThrows,
} from "../assert.ts";
import { fitOls, predictOls } from "../../lib/linear/ols.ts";
import {
  groundTruthBootstrapMse,
  groundTruthBootstrapVariance,
  groundTruthBootstrapVarianceRobust,
  olsNoiseVariance,
  teacherBootstrapCheck,
} from "../../lib/linear/theory_bootstrap.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { bootstrapCounts, normal, Rng, toRng } from "../../lib/random.ts";
import {
  applyStandardizer,
  fitStandardizer,
  loadBoston,
  sklearnTrainTestSplit,
  take,
  takeRows,
} from "../../lib/data/mod.ts";
import { inverse } from "./dense_inverse.ts";

// Section 5.2's linear setting: Boston, 13 features, split seed 42, scaler (X and y) fit on
// the training split only.
const boston = await loadBoston();
const d = boston.d, p = d + 1;
const split = sklearnTrainTestSplit(boston.n, { testSize: 0.2, randomState: 42 });
const sx = fitStandardizer(boston.x, d, split.train),
  sy = fitStandardizer(boston.y, 1, split.train);
const xAll = applyStandardizer(sx, boston.x, d), yAll = applyStandardizer(sy, boston.y, 1);
const xTrain = takeRows(xAll, d, split.train), yTrain = take(yAll, split.train);
const xTest = takeRows(xAll, d, split.test);
const n = yTrain.length, q = xTest.length / d;
const teacher = fitOls(xTrain, d, yTrain);

/** S bootstrap-count vectors of size m, student-major S x n. */
function counts(S: number, nn: number, m: number, seed: number): Float64Array {
  const root = toRng(seed);
  const w = new Float64Array(S * nn);
  for (let s = 0; s < S; s++) w.set(bootstrapCounts(root.child(s), nn, m), s * nn);
  return w;
}

/** Test predictions of S ground-truth-bootstrap students (variant B). */
function variantB(
  x: Float64Array,
  y: Float64Array,
  xt: Float64Array,
  S: number,
  m: number,
  seed: number,
) {
  const nn = y.length;
  const labels = new Float64Array(S * nn);
  for (let s = 0; s < S; s++) labels.set(y, s * nn);
  const fit = fitOls(x, d, labels, { weights: counts(S, nn, m, seed) });
  return { fit, pred: predictOls(xt, fit) };
}

Deno.test("Theorem 5.1: teacher-bootstrap students equal the OLS teacher to round-off", () => {
  const nn = n;
  for (const [m, seed] of [[nn, 1], [Math.floor(nn / 2), 2], [Math.floor(nn / 10), 3]]) {
    const c = teacherBootstrapCheck(xTrain, d, teacher, counts(200, nn, m, seed), { xEval: xTest });
    assertEquals(c.students, 200);
    for (let s = 0; s < 200; s++) {
      if (c.fullRank[s]) {
        assert(c.maxAbsPredictionDiff[s] < 1e-10, `m=${m} s=${s}: ${c.maxAbsPredictionDiff[s]}`);
        assert(c.maxAbsCoefDiff[s] < 1e-9, `m=${m} s=${s}: coef ${c.maxAbsCoefDiff[s]}`);
      }
    }
    assert(c.maxFullRankDiff < 1e-10, `m=${m}: ${c.maxFullRankDiff}`);
    if (m >= nn / 2) assertEquals(c.rankDeficientCount, 0);
  }
});

Deno.test("Theorem 5.1: a rank-deficient resample is reported, not a crash, even with m < d", () => {
  for (const m of [1, 5, d]) {
    const c = teacherBootstrapCheck(xTrain, d, teacher, counts(20, n, m, 10 + m));
    // With an intercept, at most m - 1 centred directions: rank <= m - 1 < d.
    assertEquals(c.rankDeficientCount, 20);
    for (let s = 0; s < 20; s++) {
      assert(!c.fullRank[s] && c.rank[s] <= m - 1, `m=${m}: rank ${c.rank[s]}`);
      assert(Number.isFinite(c.maxAbsPredictionDiff[s]));
    }
    assertEquals(c.maxFullRankDiff, 0);
  }
  // A resample whose binary feature (CHAS, column 3) is constant: rank d - 1, reported.
  const w = new Float64Array(n);
  for (let i = 0, drawn = 0; i < n && drawn < 200; i++) {
    if (xTrain[i * d + 3] < 0) [w[i], drawn] = [1, drawn + 1];
  }
  const c = teacherBootstrapCheck(xTrain, d, teacher, w);
  assertEquals(c.rank[0], d - 1);
  assert(!c.fullRank[0]);
  // The minimum-norm student still reproduces the teacher on the rows it saw.
  const rows = [...w].map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  const seen = takeRows(xTrain, d, rows);
  const again = teacherBootstrapCheck(xTrain, d, teacher, w, { xEval: seen });
  assert(again.maxAbsPredictionDiff[0] < 1e-10, `${again.maxAbsPredictionDiff[0]}`);
});

Deno.test("the noise variance is the full-data OLS residual variance RSS / (n - d - 1)", () => {
  const pred = predictOls(xTrain, teacher);
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (yTrain[i] - pred[i]) ** 2;
  assertAlmostEquals(olsNoiseVariance(xTrain, d, yTrain), rss / (n - d - 1), 1e-14);
});

Deno.test("Theorem 5.2's x~^T Sigma^-1 x~ uses the augmented second-moment matrix, from an explicit inverse", () => {
  const sigma2 = 0.3, m = 150;
  for (const intercept of [true, false]) {
    const aug = (x: Float64Array, i: number) => {
      const r = [...x.subarray(i * d, i * d + d)];
      return intercept ? [1, ...r] : r;
    };
    const k = intercept ? p : d;
    const sig = Array.from({ length: k }, () => new Array(k).fill(0));
    for (let i = 0; i < n; i++) {
      const a = aug(xTrain, i);
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) sig[r][c] += (a[r] * a[c]) / n;
    }
    const si = inverse(sig);
    const want = Array.from({ length: q }, (_, j) => {
      const a = aug(xTest, j);
      let v = 0;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) v += a[r] * si[r][c] * a[c];
      return (sigma2 / m) * v;
    });
    const got = groundTruthBootstrapVariance({ x: xTrain, d, xTest, intercept }, {
      noiseVariance: sigma2,
      m,
    });
    assertArrayClose(got.perInput, want, 1e-14, 1e-9);
  }
});

Deno.test("the robust (sandwich) form equals (1/m) x~^T Sigma^-1 Omega Sigma^-1 x~ from explicit matrices", () => {
  const m = 100;
  for (const intercept of [true, false]) {
    const aug = (x: Float64Array, i: number) => {
      const r = [...x.subarray(i * d, i * d + d)];
      return intercept ? [1, ...r] : r;
    };
    const k = intercept ? p : d;
    const e = predictOls(xTrain, fitOls(xTrain, d, yTrain, { intercept })).map((v, i) =>
      yTrain[i] - v
    );
    const sig = Array.from({ length: k }, () => new Array(k).fill(0));
    const om = Array.from({ length: k }, () => new Array(k).fill(0));
    for (let i = 0; i < n; i++) {
      const a = aug(xTrain, i);
      for (let r = 0; r < k; r++) {
        for (let c = 0; c < k; c++) {
          sig[r][c] += (a[r] * a[c]) / n;
          om[r][c] += (e[i] * e[i] * a[r] * a[c]) / n;
        }
      }
    }
    const si = inverse(sig);
    const want = Array.from({ length: q }, (_, j) => {
      const a = aug(xTest, j);
      const u = si.map((row) => row.reduce((s, v, c) => s + v * a[c], 0));
      let v = 0;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) v += u[r] * om[r][c] * u[c];
      return v / m;
    });
    const got = groundTruthBootstrapVarianceRobust({ x: xTrain, d, xTest, intercept }, {
      y: yTrain,
      m,
    });
    assertArrayClose(got.perInput, want, 1e-14, 1e-8);
  }
});

// Tolerance for the bootstrap theorems against simulation. The closed forms are first order in
// p/m. The exact bootstrap variance is larger: E[(X*^T X*)^-1] exceeds its first-order value by
// about (p+1)/(m-p-1) for Gaussian designs, and the sandwich's fourth-moment terms add about as
// much again (measured: 4.2-5.0% at m = n and 8-10% at m = n/2 on Gaussian designs with n = 404,
// p = 14, against 2(p+1)/m = 7.4% and 14.9%). So the simulation must lie in
// [theory - 4 SE, theory (1 + 2 (p+1)/m) + 4 SE], SE its Monte Carlo standard error.
function withinBootstrapTolerance(sim: number, se: number, th: number, m: number): boolean {
  return sim > th - 4 * se && sim < th * (1 + (2 * (p + 1)) / m) + 4 * se;
}

Deno.test("Theorem 5.2 on Boston (robust form) matches the ground-truth bootstrap at m = n and n/2", () => {
  const S = 2000;
  for (const [m, seed] of [[n, 51], [Math.floor(n / 2), 52]]) {
    const sim = interStudentVariance(variantB(xTrain, yTrain, xTest, S, m, seed).pred, q);
    const th = groundTruthBootstrapVarianceRobust({ x: xTrain, d, xTest }, { y: yTrain, m }).mean;
    const expected = (th * (S - 1)) / S;
    assert(
      withinBootstrapTolerance(sim.mean, sim.se, expected, m),
      `m=${m}: sim ${sim.mean} (SE ${sim.se}) vs robust theory ${expected}`,
    );
  }
});

Deno.test("Theorems 5.2 and 5.3 as stated match the bootstrap on a well-specified linear model", () => {
  // Gaussian features (Sigma = I), homoscedastic Gaussian noise, n = 404, d = 13: the setting
  // the theorems assume. R training samples x S students each; per sample, the ratio of the
  // simulated variance to Theorem 5.2 (with the estimated noise variance). The SE of the mean
  // ratio over the R samples covers both the Monte Carlo error and the sample-to-sample spread
  // (the estimate sigma2_hat, residuals that look heteroscedastic by chance).
  const nn = 404, R = 8, S = 400, sigma2 = 0.5, qq = 200;
  const beta = Array.from({ length: d }, (_, j) => (j % 3) - 1 + 0.1 * j);
  for (const m of [nn, nn / 2]) {
    const ratios: number[] = [];
    const mses: number[] = [];
    for (let r = 0; r < R; r++) {
      const rng = new Rng(1000 + r);
      const x = normal(rng, nn * d), xt = normal(rng, qq * d);
      const y = new Float64Array(nn).map((_, i) => {
        let v = 0.3;
        for (let j = 0; j < d; j++) v += beta[j] * x[i * d + j];
        return v + Math.sqrt(sigma2) * rng.normal();
      });
      const { fit, pred } = variantB(x, y, xt, S, m, 2000 + r);
      const sim = interStudentVariance(pred, qq).mean;
      const s2 = olsNoiseVariance(x, d, y);
      const th = groundTruthBootstrapVariance({ x, d, xTest: xt }, { noiseVariance: s2, m }).mean;
      ratios.push(sim / ((th * (S - 1)) / S));
      // Population test MSE of each student, exact for x ~ N(0, I): sigma2 + |parameter error|^2.
      let mse = 0;
      for (let s = 0; s < S; s++) {
        let e = (fit.intercept[s] - 0.3) ** 2;
        for (let j = 0; j < d; j++) e += (fit.coef[s * d + j] - beta[j]) ** 2;
        mse += (sigma2 + e) / S;
      }
      mses.push(mse);
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y) / a.length;
    const se = (a: number[]) => {
      const mu = mean(a);
      return Math.sqrt(a.reduce((s, v) => s + (v - mu) ** 2, 0) / (a.length - 1) / a.length);
    };
    const rr = mean(ratios);
    assert(
      withinBootstrapTolerance(rr, se(ratios), 1, m),
      `m=${m}: ratio ${rr} (SE ${se(ratios)})`,
    );
    // Theorem 5.3 with the true noise variance. What it leaves out, all >= 0: the full-data
    // fit's own error, E = sigma2 p / n, and the excess-term inflation above. So
    // th - 4 SE < sim < th + sigma2 p / n + sigma2 (p/m) 2 (p+1)/m + 4 SE.
    const th53 = groundTruthBootstrapMse({ noiseVariance: sigma2, d, m });
    const sim53 = mean(mses), se53 = se(mses);
    const slack = (sigma2 * p) / nn + ((sigma2 * p) / m) * ((2 * (p + 1)) / m);
    assert(
      sim53 > th53 - 4 * se53 && sim53 < th53 + slack + 4 * se53,
      `m=${m}: MSE ${sim53} (SE ${se53}) vs Theorem 5.3 ${th53} (+ slack ${slack})`,
    );
  }
});

Deno.test("a bootstrap sample smaller than the number of features does not crash variant B", () => {
  const { fit, pred } = variantB(xTrain, yTrain, xTest, 30, 5, 61);
  assert(fit.rankDeficient);
  for (const v of pred) assert(Number.isFinite(v));
  // The closed forms accept any m >= 1 (and say they are not accurate there).
  assert(
    groundTruthBootstrapVariance({ x: xTrain, d, xTest }, { noiseVariance: 0.3, m: 5 }).mean > 0,
  );
});

Deno.test("bad bootstrap-theory input throws an error naming the argument", () => {
  const design = { x: xTrain, d, xTest };
  assertThrows(
    () => groundTruthBootstrapVariance(design, { noiseVariance: -1, m: 10 }),
    RangeError,
    "noiseVariance",
  );
  assertThrows(
    () => groundTruthBootstrapVariance(design, { noiseVariance: 1, m: 0 }),
    RangeError,
    "m (the bootstrap",
  );
  assertThrows(
    () => groundTruthBootstrapVarianceRobust(design, { y: yTrain.subarray(1), m: 10 }),
    RangeError,
    "y must",
  );
  assertThrows(
    () =>
      groundTruthBootstrapVarianceRobust({ ...design, xTest: new Float64Array(0) }, {
        y: yTrain,
        m: 10,
      }),
    RangeError,
    "xTest",
  );
  assertThrows(
    () => groundTruthBootstrapMse({ noiseVariance: NaN, d, m: 10 }),
    RangeError,
    "noiseVariance",
  );
  assertThrows(
    () => groundTruthBootstrapMse({ noiseVariance: 1, d: 0, m: 10 }),
    RangeError,
    "d must",
  );
  assertThrows(() => olsNoiseVariance(xTrain, d, yTrain.subarray(2)), RangeError, "y must");
  assertThrows(
    () => teacherBootstrapCheck(xTrain, d, teacher, new Float64Array(n + 1)),
    RangeError,
    "counts",
  );
  assertThrows(
    () => teacherBootstrapCheck(xTrain, d, teacher, new Float64Array(n)),
    RangeError,
    "sums to zero",
  );
  const two = fitOls(xTrain, d, new Float64Array(2 * n));
  assertThrows(
    () => teacherBootstrapCheck(xTrain, d, two, new Float64Array(n).fill(1)),
    RangeError,
    "teacher",
  );
  const neg = new Float64Array(n).fill(1);
  neg[3] = -1;
  assertThrows(() => teacherBootstrapCheck(xTrain, d, teacher, neg), RangeError, "weights[3]");
});
