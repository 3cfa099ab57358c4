import {
  dlfCovariance,
  type DlfModel,
  fitDlf,
  mmdMedianBandwidth,
  mmdToNormal,
  mStepGradient,
  sampleDlfMembers,
} from "../../lib/gaussian/dlf.ts";
import { factorPosterior } from "../../lib/gaussian/estep.ts";
import { createMlp } from "../../lib/nn/mlp64.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertThrows } from "../assert.ts";

/** Finite-difference check of the M-step gradient (μ, Φ, L, log σ²) at a random point. */
Deno.test("the M-step gradient of −Q matches finite differences (c = 2, q = 3)", () => {
  const rng = new Rng(2), n = 4, m = 5, c = 2, q = 3;
  const r = (k: number) => Float64Array.from({ length: k }, () => rng.normal());
  const f = r(n * m * c), mu = r(m * c), phi = r(m * q);
  const l = Float64Array.of(1.2, 0, 0.4, 0.8);
  const sigma2 = 0.7;
  const post = factorPosterior({ f, n, m, c, mu, phi, q, l, sigma2 });
  const g = mStepGradient(f, n, m, c, q, mu, phi, l, sigma2, post);
  const loss = (mu2: Float64Array, phi2: Float64Array, l2: Float64Array, s2: number) =>
    mStepGradient(f, n, m, c, q, mu2, phi2, l2, s2, post).loss;
  const h = 1e-6;
  const check = (arr: Float64Array, grad: Float64Array, name: string, which: number) => {
    for (let i = 0; i < arr.length; i++) {
      if (name === "l" && i === 1) continue; // upper triangle is not a parameter
      const up = arr.slice(), dn = arr.slice();
      up[i] += h;
      dn[i] -= h;
      const args = (a: Float64Array) =>
        [which === 0 ? a : mu, which === 1 ? a : phi, which === 2 ? a : l, sigma2] as const;
      const fd = (loss(...args(up)) - loss(...args(dn))) / (2 * h);
      assertAlmostEquals(grad[i], fd, 1e-6, `${name}[${i}]`);
    }
  };
  check(mu, g.mu, "mu", 0);
  check(phi, g.phi, "phi", 1);
  check(l, g.l, "l", 2);
  const fd = (loss(mu, phi, l, sigma2 * Math.exp(h)) - loss(mu, phi, l, sigma2 * Math.exp(-h))) /
    (2 * h);
  assertAlmostEquals(g.logSigma2, fd, 1e-6);
});

Deno.test("the MMD gradient matches finite differences, and MMD² is near 0 for normal draws", () => {
  const rng = new Rng(3), n = 6, p = 2;
  const z = Float64Array.from({ length: n * p }, () => 2 + rng.normal());
  const { value, grad } = mmdToNormal(z, n, p);
  for (let i = 0; i < z.length; i++) {
    const up = z.slice(), dn = z.slice();
    up[i] += 1e-6;
    dn[i] -= 1e-6;
    assertAlmostEquals(
      grad[i],
      (mmdToNormal(up, n, p).value - mmdToNormal(dn, n, p).value) / 2e-6,
      1e-6,
    );
  }
  const normal = Float64Array.from({ length: 400 * p }, () => rng.normal());
  assert(mmdToNormal(normal, 400, p).value < value / 20, "normal draws are closer to N(0, I)");
});

/** Data from a known univariate DLF on 1-d inputs: μ(x) = sin x, Φ(x) = (1, x) · 0.5. */
function knownDlf(n: number, m: number, seed: number) {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: m }, (_, j) => -2 + 4 * j / (m - 1));
  const f = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const z1 = rng.normal(), z2 = rng.normal();
    for (let j = 0; j < m; j++) {
      f[i * m + j] = Math.sin(x[j]) + 0.5 * z1 + 0.5 * x[j] * z2 + 0.05 * rng.normal();
    }
  }
  const cov = (a: number, b: number) => 0.25 * (1 + a * b);
  return { x, f, cov };
}

Deno.test("EM recovers the covariance function Φ(x)ᵀΦ(x′) of a known DLF, and the likelihood does not fall", () => {
  const n = 200, m = 21;
  const { x, f, cov } = knownDlf(n, m, 7);
  const lls: number[] = [];
  const { model } = fitDlf({
    x,
    m,
    d: 1,
    teacherOutputs: f,
    teachers: n,
    q: 2,
    hidden: 32,
    epochs: 600,
    lr: 0.01,
    seed: 1,
    init: { kind: "random" },
    onEpoch: (_, ll) => lls.push(ll),
  });
  // Full-batch generalised EM: the marginal likelihood rises (tolerance for Adam's overshoot:
  // 1e-3 nats per value) and ends far above its start.
  let drops = 0;
  for (let t = 1; t < lls.length; t++) if (lls[t] < lls[t - 1] - 1e-3) drops++;
  assert(drops === 0, `likelihood fell by more than 1e-3 in ${drops} epochs`);
  assert(lls[lls.length - 1] > lls[0] + 0.5, `${lls[0]} -> ${lls[lls.length - 1]}`);
  // The covariance function, rotation-free, against the truth: with n = 200 teachers the sample
  // covariance of the factors has relative error about sqrt(2/n) = 0.1; tolerance 0.25 relative
  // to the largest entry.
  const k = dlfCovariance(model, x, m);
  let worst = 0, top = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      worst = Math.max(worst, Math.abs(k[i * m + j] - cov(x[i], x[j])));
      top = Math.max(top, cov(x[i], x[j]));
    }
  }
  assert(worst < 0.25 * top, `largest covariance error ${worst} vs scale ${top}`);
});

Deno.test("members sampled from a DLF have the model's mean and covariance (Monte Carlo)", () => {
  const model: DlfModel = {
    net: createMlp(1, 8, 3, 5),
    c: 1,
    q: 2,
    l: Float64Array.of(1),
    sigma2: 0.1,
  };
  const x = Float64Array.of(-1, 0, 1), K = 20000;
  const members = sampleDlfMembers(model, x, 3, K, 9);
  const k = dlfCovariance(model, x, 3);
  // Variance at x = -1: sample variance of K draws, SE ≈ v sqrt(2/K); tolerance 4 SE.
  let s = 0, s2 = 0;
  for (let t = 0; t < K; t++) {
    s += members[t * 3];
    s2 += members[t * 3] ** 2;
  }
  const v = s2 / K - (s / K) ** 2;
  assert(Math.abs(v - k[0]) < 4 * k[0] * Math.sqrt(2 / K), `${v} vs ${k[0]}`);
});

Deno.test("bad DLF inputs get a named error before any work", () => {
  const base = {
    x: [0, 1, 2],
    m: 3,
    d: 1,
    teacherOutputs: [0, 1, 2, 1, 2, 3],
    teachers: 2,
    q: 1,
    hidden: 4,
    epochs: 1,
    seed: 1,
  };
  assertThrows(
    () => fitDlf({ ...base, teachers: 1, teacherOutputs: [0, 1, 2] }),
    RangeError,
    "one member",
  );
  assertThrows(() => fitDlf({ ...base, q: 0 }), RangeError, "q must be");
  assertThrows(() => fitDlf({ ...base, x: [0, NaN, 2] }), RangeError, "x[1]");
  assertThrows(
    () => fitDlf({ ...base, teacherOutputs: [0, 1, 2, 1, 2] }),
    RangeError,
    "teacherOutputs has 5",
  );
});

Deno.test("the MMD with bandwidth h²: closed-form value against a brute-force kernel sum, gradient by finite differences", () => {
  const rng = new Rng(4), n = 5, p = 3, h2 = 4;
  const z = Float64Array.from({ length: n * p }, () => 1 + rng.normal());
  const { value, grad } = mmdToNormal(z, n, p, h2);
  for (let i = 0; i < z.length; i++) {
    const up = z.slice(), dn = z.slice();
    up[i] += 1e-6;
    dn[i] -= 1e-6;
    const fd = (mmdToNormal(up, n, p, h2).value - mmdToNormal(dn, n, p, h2).value) / 2e-6;
    assertAlmostEquals(grad[i], fd, 1e-6);
  }
  // The expectations under N(0, I) by Monte Carlo: N draws w, kernel k(a, b) = exp(−‖a−b‖²/2h²).
  const N = 4000, w = Float64Array.from({ length: N * p }, () => rng.normal());
  const k = (a: Float64Array, i: number, b: Float64Array, j: number) => {
    let dd = 0;
    for (let t = 0; t < p; t++) dd += (a[i * p + t] - b[j * p + t]) ** 2;
    return Math.exp(-dd / (2 * h2));
  };
  let zz = 0, zw = 0, ww = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) zz += k(z, i, z, j) / (n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < N; j++) zw += k(z, i, w, j) / (n * N);
  for (let j = 0; j < N; j += 2) ww += k(w, j, w, j + 1) / (N / 2);
  // Kernel values lie in [0, 1]: the Monte Carlo SE of each mean is at most 0.5/sqrt(2000) ≈ 0.011
  // (zw averages N draws per z row: SE ≤ 0.5/sqrt(4000)); 5 SE of the sum of the two: 0.09.
  assertAlmostEquals(value, zz - 2 * zw + ww, 0.09);
});

Deno.test("the MMD's median bandwidth keeps a pull towards N(0, I) at every dimension p", () => {
  // Rows at 2 (far from N(0, I)): with h² = 1 the gradient vanishes as 2^(−p/2); with the median
  // heuristic's h² (2p(1 − 2/(9p))³ ≈ 2p) the gradient per coordinate stays of order 1/p.
  // The medians of χ²_p (p = 2: 2 ln 2 exactly; 10 and 100 from tables, qchisq(0.5, p)).
  const chi2Median: Record<number, number> = { 2: 2 * Math.LN2, 10: 9.3418, 100: 99.3341 };
  const n = 4;
  for (const p of [2, 10, 100]) {
    const z = new Float64Array(n * p).fill(2 / Math.sqrt(p));
    const norm = (g: Float64Array) => Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    const h2 = mmdMedianBandwidth(p);
    // Wilson–Hilferty's error is under 1.5% at p = 2 and far smaller above.
    assert(Math.abs(h2 / (2 * chi2Median[p]) - 1) < 0.015, `p ${p}: h² ${h2}`);
    const median = norm(mmdToNormal(z, n, p, h2).grad), one = norm(mmdToNormal(z, n, p).grad);
    assert(median > 0.02 / Math.sqrt(p), `p ${p}: median-bandwidth gradient ${median}`);
    if (p === 100) assert(one < 1e-12, `p 100: unit-bandwidth gradient ${one}`);
  }
});
