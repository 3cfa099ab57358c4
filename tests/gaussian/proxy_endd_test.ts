import { memberAverage, memberProbabilities } from "../../lib/gaussian/baselines.ts";
import { logGamma, sampleGamma } from "../../lib/gaussian/noise.ts";
import {
  dirichletKl,
  dirichletKlGradient,
  distillProxyDirichlet,
  proxyDirichletLoss,
  proxyDirichletTarget,
} from "../../lib/gaussian/proxy_endd.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

/** n draws of Dir(alpha) (n x c). */
function dirichletDraws(alpha: number[], n: number, rng: Rng): Float64Array {
  const c = alpha.length, out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < c; a++) s += out[i * c + a] = sampleGamma(alpha[a], rng);
    for (let a = 0; a < c; a++) out[i * c + a] /= s;
  }
  return out;
}

Deno.test("logGamma at known values (Python's math.lgamma, to 1e-12)", () => {
  assertAlmostEquals(logGamma(1), 0, 1e-12);
  assertAlmostEquals(logGamma(0.5), 0.5723649429247004, 1e-12);
  assertAlmostEquals(logGamma(0.1), 2.2527126517342055, 1e-12);
  assertAlmostEquals(logGamma(4.5), 2.453736570842443, 1e-12);
  assertAlmostEquals(logGamma(123.4), 469.3360974421906, 1e-10);
  assertThrows(() => logGamma(0), RangeError, "x must be > 0");
});

Deno.test("the Dirichlet KL is 0 at α = β and equals its Monte Carlo estimate E_α[ln p_α − ln p_β] (4 SE)", () => {
  const alpha = [2.5, 0.7, 4], beta = [1.2, 3, 2.2];
  assertAlmostEquals(dirichletKl(alpha, alpha), 0, 1e-12);
  const logDensity = (a: number[], p: ArrayLike<number>) => {
    let a0 = 0, s = 0;
    for (let k = 0; k < a.length; k++) {
      a0 += a[k];
      s += (a[k] - 1) * Math.log(p[k]) - logGamma(a[k]);
    }
    return s + logGamma(a0);
  };
  const n = 20000, draws = dirichletDraws(alpha, n, new Rng(12));
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const p = draws.subarray(3 * i, 3 * i + 3);
    const v = logDensity(alpha, p) - logDensity(beta, p);
    s += v;
    s2 += v * v;
  }
  const mc = s / n, se = Math.sqrt((s2 / n - mc * mc) / n);
  const kl = dirichletKl(alpha, beta);
  assert(kl > 0, "KL of different Dirichlets is positive");
  assert(Math.abs(kl - mc) < 4 * se, `KL ${kl} vs Monte Carlo ${mc} ± ${se}`);
});

Deno.test("the KL gradient in the log concentrations matches central differences, and vanishes at z = ln β", () => {
  const beta = [1.5, 6, 0.8, 3];
  for (const z of [[0.1, -0.5, 1.2, 0.3], [2, 1, -1, 0], beta.map(Math.log)]) {
    const g = dirichletKlGradient(z, beta);
    const h = 1e-5;
    for (let k = 0; k < z.length; k++) {
      const up = z.slice(), down = z.slice();
      up[k] += h;
      down[k] -= h;
      const fd = (dirichletKl(up.map(Math.exp), beta) - dirichletKl(down.map(Math.exp), beta)) /
        (2 * h);
      // Central differences: truncation O(h²) ~ 1e-10 times third derivatives of order 10.
      assertAlmostEquals(g[k], fd, 1e-6, `z = ${z}, component ${k}`);
    }
  }
  for (const v of dirichletKlGradient(beta.map(Math.log), beta)) assertAlmostEquals(v, 0, 1e-12);
});

Deno.test("the proxy target on constructed inputs: a hand-computed pair, agreeing teachers, a known Dirichlet", () => {
  // Two teachers (0.8, 0.2) and (0.6, 0.4): mean (0.7, 0.3); Σ π̂ (ln π̂ − mean ln p) = 0.0248842...
  // (computed by hand in Python), so α̂₀ = 1 / (2 × 0.0248842) = 20.0931 and β = 0.7 α̂₀ + 1, 0.3 α̂₀ + 1.
  const pair = proxyDirichletTarget([0.8, 0.2, 0.6, 0.4], 2, 1, 2, { smoothing: 1e-12 });
  assertAlmostEquals(pair[0], 15.06514645621797, 1e-8);
  assertAlmostEquals(pair[1], 7.027919909807702, 1e-8);
  const none = proxyDirichletTarget([0.8, 0.2, 0.6, 0.4], 2, 1, 2, { smoothing: 1e-12, offset: 0 });
  assertAlmostEquals(none[0] + none[1], 20.09306636602567, 1e-8);
  // Teachers that agree: the precision is the cap.
  const same = proxyDirichletTarget([0.5, 0.25, 0.25, 0.5, 0.25, 0.25], 2, 1, 3, {
    maxPrecision: 100,
    smoothing: 1e-12,
  });
  assertAlmostEquals(same[0], 0.5 * 100 + 1, 1e-9);
  // Teachers drawn from Dir(α*), α* = 60 (0.5, 0.3, 0.2): the Stirling MLE of the precision is
  // biased by the dropped 1/(12z) terms, relative (Σ 1/π − 1) / (6 α₀* (c − 1)) = 9.33 / 720
  // = 1.3% (derived); its Monte Carlo SE is estimated from 10 batches of 400 teachers.
  const star = [30, 18, 12], n = 4000, batches = 10;
  const probs = dirichletDraws(star, n, new Rng(5));
  const a0Of = (rows: Float64Array, k: number) => {
    const b = proxyDirichletTarget(rows, k, 1, 3, { offset: 0, smoothing: 1e-12 });
    return b[0] + b[1] + b[2];
  };
  const full = a0Of(probs, n);
  const parts = Array.from(
    { length: batches },
    (_, b) => a0Of(probs.subarray(b * 1200, (b + 1) * 1200), 400),
  );
  const pm = parts.reduce((x, y) => x + y, 0) / batches;
  const sd = Math.sqrt(parts.reduce((x, y) => x + (y - pm) ** 2, 0) / (batches - 1));
  const se = sd / Math.sqrt(batches);
  assert(
    Math.abs(full - 60 * (1 - 0.013)) < 4 * se + 0.01 * 60,
    `precision ${full} vs 60 (SE ${se})`,
  );
  const mean = proxyDirichletTarget(probs, n, 1, 3, { offset: 0, smoothing: 1e-12 });
  // The mean's SE per class is sqrt(π(1 − π)/(α₀ + 1)/n) <= 0.0011; 4 SE.
  for (let a = 0; a < 3; a++) assertAlmostEquals(mean[a] / full, star[a] / 60, 0.0045);
});

/**
 * n teachers' log probabilities at m inputs x on [−1, 1], each a Dir(α*(x)) draw with
 * α*(x) = 4 (2 + x, 2, 2 − x): the known-Dirichlet set-up of the Proxy-EnD² tests.
 */
function knownDirichletTeachers(n: number, m: number, rng: Rng) {
  const c = 3, x = Float64Array.from({ length: m }, (_, j) => -1 + 2 * j / (m - 1));
  const truth = (v: number) => [4 * (2 + v), 8, 4 * (2 - v)];
  const outputs = new Float64Array(n * m * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const p = dirichletDraws(truth(x[j]), 1, rng);
      for (let a = 0; a < c; a++) outputs[(i * m + j) * c + a] = Math.log(p[a]);
    }
  }
  return { x, truth, outputs };
}

Deno.test("Proxy-EnD²: the student recovers a known Dirichlet of the teachers' probabilities", () => {
  // As the EnD² test: teachers' probabilities at x are Dir(α*(x)) draws, α*(x) = 4 (2 + x, 2, 2 − x).
  // The target precision is the Stirling MLE (bias about 6% at α₀* = 24 by the formula above, plus
  // the +1 offset per class: α₀ + 3), so the fitted α₀ is checked against α₀* + 3 to 30%.
  const n = 200, m = 11, c = 3;
  const { x, truth, outputs } = knownDirichletTeachers(n, m, new Rng(9));
  const K = 4000;
  const p = distillProxyDirichlet({ x, m, d: 1, outputs, teachers: n, c }, {
    hidden: 16,
    epochs: 3000,
    lr: 0.01,
    seed: 4,
    members: K,
  });
  const members = memberProbabilities(p.predict(x, m), c);
  const mean = memberAverage(members, K);
  for (let j = 0; j < m; j++) {
    const a = truth(x[j]), a0 = a[0] + a[1] + a[2];
    // The target mean is (π̂ α̂₀ + 1)/(α̂₀ + 3): pulled towards 1/3 by at most 3/27 of the gap.
    for (let k = 0; k < c; k++) {
      const want = (a[k] + 1) / (a0 + 3);
      assertAlmostEquals(mean[j * c + k], want, 0.05, `mean at x = ${x[j]}, class ${k}`);
    }
    let v = 0;
    for (let s = 0; s < K; s++) v += (members[(s * m + j) * c] - mean[j * c]) ** 2 / K;
    const mu = mean[j * c], fitted = mu * (1 - mu) / v - 1;
    assert(Math.abs(fitted / (a0 + 3) - 1) < 0.3, `α₀ at x = ${x[j]}: ${fitted} vs ${a0 + 3}`);
  }
});

Deno.test("Proxy-EnD² and its target: bad input gets a named error before any work", () => {
  const t = { x: [0, 1], m: 2, d: 1, outputs: [0, 0, 0, 0, 1, 0, 0, 1], teachers: 2, c: 2 };
  const o = { hidden: 2, epochs: 1, lr: 0.01, seed: 1, members: 2 };
  assertThrows(
    () => distillProxyDirichlet({ ...t, teachers: 1 }, o),
    RangeError,
    "teachers must be >= 2",
  );
  assertThrows(() => distillProxyDirichlet({ ...t, x: [0, NaN] }, o), RangeError, "x[1] is NaN");
  assertThrows(
    () => distillProxyDirichlet({ ...t, outputs: [0, 0] }, o),
    RangeError,
    "outputs has 2 values",
  );
  assertThrows(() => distillProxyDirichlet(t, { ...o, members: 0 }), RangeError, "members must be");
  assertThrows(
    () => distillProxyDirichlet({ ...t, c: 1, outputs: [0, 0, 0, 0] }, o),
    RangeError,
    "c must be >= 2",
  );
  assertThrows(
    () => proxyDirichletTarget([0.5, 0.6, 0.5, 0.5], 2, 1, 2),
    RangeError,
    "sums to 1.1",
  );
  assertThrows(
    () => proxyDirichletTarget([0.5, 0.5], 1, 1, 2),
    RangeError,
    "teachers must be >= 2",
  );
  assertThrows(
    () => proxyDirichletTarget([0.5, 0.5, 0.5, 0.5], 2, 1, 2, { offset: -1 }),
    RangeError,
    "offset",
  );
  assertThrows(() => dirichletKl([1, 0], [1, 1]), RangeError, "concentrations must be > 0");
});

Deno.test("proxyDirichletLoss: its gradient matches central differences, plain and normalised per point", () => {
  const rng = new Rng(31), b = 3, c = 4;
  const beta = Float64Array.from(
    { length: b * c },
    (_, k) => 0.5 + 40 * rng.uniform() * (1 + k % 3),
  );
  const z = Float64Array.from({ length: b * c }, () => 2 * rng.normal());
  for (const normalise of [false, true]) {
    const { grad } = proxyDirichletLoss(z, beta, b, c, normalise);
    const h = 1e-5;
    for (let k = 0; k < z.length; k++) {
      const up = z.slice(), down = z.slice();
      up[k] += h;
      down[k] -= h;
      const fd = (proxyDirichletLoss(up, beta, b, c, normalise).loss -
        proxyDirichletLoss(down, beta, b, c, normalise).loss) / (2 * h);
      // Central differences: truncation ~h² x third derivatives (concentrations up to ~e^4,
      // targets up to ~120: at most ~1e3), ~1e-7; round-off ~1e-16 x |KL| / h ≤ ~1e-9.
      assertAlmostEquals(grad[k], fd, 1e-6 * Math.max(1, Math.abs(fd)), `${normalise} ${k}`);
    }
  }
  // Normalised, each point's KL and gradient are the plain ones divided by its β₀.
  const plain = proxyDirichletLoss(z, beta, b, c, false),
    norm = proxyDirichletLoss(z, beta, b, c, true);
  for (let j = 0; j < b; j++) {
    let b0 = 0;
    for (let a = 0; a < c; a++) b0 += beta[j * c + a];
    for (let a = 0; a < c; a++) {
      assertAlmostEquals(norm.grad[j * c + a] * b0, plain.grad[j * c + a], 1e-12 * b0);
    }
  }
  // Without the loss (training), the same gradient and a NaN loss.
  const fast = proxyDirichletLoss(z, beta, b, c, true, false);
  assert(Number.isNaN(fast.loss), "no loss asked for");
  for (let k = 0; k < z.length; k++) assertAlmostEquals(fast.grad[k], norm.grad[k], 0);
});

Deno.test("Proxy-EnD² on mini-batches, normalised per point: the student still learns the teachers' mean", () => {
  // The known-Dirichlet set-up above, smaller: teachers' probabilities at x are Dir(α*(x)) draws.
  const n = 100, m = 11, c = 3;
  const { x, truth, outputs } = knownDirichletTeachers(n, m, new Rng(19));
  const K = 2000;
  const p = distillProxyDirichlet({ x, m, d: 1, outputs, teachers: n, c }, {
    ...{ hidden: 16, epochs: 1500, lr: 0.01, seed: 4, members: K },
    ...{ batchSize: 4, normalise: true, maxPrecision: 1e16 },
  });
  const mean = memberAverage(memberProbabilities(p.predict(x, m), c), K);
  for (let j = 0; j < m; j++) {
    const a = truth(x[j]), a0 = a[0] + a[1] + a[2];
    // As above: the target mean (π̂ α̂₀ + 1)/(α̂₀ + 3), π̂ from 100 teachers (SE per class
    // <= sqrt(0.25 / 25 / 100) = 0.01), K = 2000 members (SE <= 0.003); 0.05 as above.
    for (let k = 0; k < c; k++) {
      assertAlmostEquals(mean[j * c + k], (a[k] + 1) / (a0 + 3), 0.05, `x = ${x[j]}, class ${k}`);
    }
  }
});

Deno.test("Proxy-EnD²'s batchSize and normalise: bad values get a named error before any work", () => {
  const t = { x: [0, 1], m: 2, d: 1, outputs: [0, 0, 0, 0, 1, 0, 0, 1], teachers: 2, c: 2 };
  const o = { hidden: 2, epochs: 1, lr: 0.01, seed: 1, members: 2 };
  for (const batchSize of [0, -3, 1.5, NaN, Infinity]) {
    assertThrows(
      () => distillProxyDirichlet(t, { ...o, batchSize }),
      RangeError,
      "batchSize must be an integer >= 1",
    );
  }
  assertThrows(
    () => distillProxyDirichlet(t, { ...o, normalise: "yes" as unknown as boolean }),
    RangeError,
    "normalise must be a boolean",
  );
  // Good values train: a batch larger than m is the full batch, one step an epoch.
  const ok = distillProxyDirichlet(t, { ...o, batchSize: 5, normalise: true });
  assertEquals(ok.members, 2);
});
