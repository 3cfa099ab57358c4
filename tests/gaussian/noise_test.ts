import {
  digamma,
  dlfClassProbabilities,
  dlfPredictive,
  fitInverseGamma,
  sampleInverseGamma,
  trigamma,
} from "../../lib/gaussian/noise.ts";
import { type DlfModel, dlfOutputs, fitDlf } from "../../lib/gaussian/dlf.ts";
import { createMlp } from "../../lib/nn/mlp64.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertThrows } from "../assert.ts";

Deno.test("digamma and trigamma at known values", () => {
  const euler = 0.5772156649015329;
  assertAlmostEquals(digamma(1), -euler, 1e-12);
  assertAlmostEquals(digamma(0.5), -euler - 2 * Math.LN2, 1e-12);
  assertAlmostEquals(trigamma(1), Math.PI ** 2 / 6, 1e-12);
  assertAlmostEquals(trigamma(0.5), Math.PI ** 2 / 2, 1e-11);
});

Deno.test("the inverse-gamma MLE recovers (α, β) from IG draws within 4 standard errors", () => {
  // Fisher information of Gamma(α, rate β) on w = 1/s: the MLE's asymptotic variance of α̂ is
  // α / (n (α ψ′(α) − 1)); tolerance 4 of those SEs (β̂/α̂ = 1/w̄ is tighter; checked at 4 SE too).
  for (const [alpha, beta, seed] of [[5, 2, 1], [1.5, 0.3, 2], [20, 10, 3]]) {
    const n = 4000;
    const s = sampleInverseGamma({ alpha, beta }, n, seed);
    const fit = fitInverseGamma(s);
    const seA = Math.sqrt(alpha / (n * (alpha * trigamma(alpha) - 1)));
    assert(Math.abs(fit.alpha - alpha) < 4 * seA, `alpha ${fit.alpha} vs ${alpha} (SE ${seA})`);
    // β/α = E[w]⁻¹ with w ~ Gamma(α, β): relative SE of w̄ is 1/√(n α).
    const ratio = fit.beta / fit.alpha, trueRatio = beta / alpha;
    assert(
      Math.abs(ratio / trueRatio - 1) < 4 / Math.sqrt(n * alpha),
      `beta/alpha ${ratio} vs ${trueRatio}`,
    );
  }
});

Deno.test("the inverse-gamma draws have the IG mean β/(α − 1) (Monte Carlo, 4 SE)", () => {
  const alpha = 6, beta = 5, n = 20000;
  const s = sampleInverseGamma({ alpha, beta }, n, 4);
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const sd = beta / ((alpha - 1) * Math.sqrt(alpha - 2)); // IG standard deviation
  assert(Math.abs(mean - beta / (alpha - 1)) < 4 * sd / Math.sqrt(n), `${mean}`);
});

Deno.test("fitInverseGamma: bad input gets a named error", () => {
  assertThrows(() => fitInverseGamma([0.1]), RangeError, "at least 2");
  assertThrows(() => fitInverseGamma([0.1, -1]), RangeError, "values[1]");
  assertThrows(() => fitInverseGamma([0.1, NaN]), RangeError, "values[1]");
  assertThrows(() => fitInverseGamma([0.2, 0.2, 0.2]), RangeError, "all values are equal");
});

const model1: DlfModel = {
  net: createMlp(2, 6, 1 + 3, 11),
  c: 1,
  q: 3,
  l: Float64Array.of(1),
  sigma2: 0.1,
};

Deno.test("the DLF mixture predictive: K members, one noise variance per member from the IG", () => {
  const x = Float64Array.of(0, 1, -1, 2, 0.5, 0.5), m = 3, K = 5;
  const p = dlfPredictive(model1, x, m, { members: K, seed: 3, noise: { alpha: 4, beta: 1 } });
  assert(p.components === K && p.means.length === K * m && p.variances.length === K * m);
  for (let k = 0; k < K; k++) {
    for (let j = 1; j < m; j++) assert(p.variances[k * m + j] === p.variances[k * m]);
  }
  const again = dlfPredictive(model1, x, m, { members: K, seed: 3, noise: { alpha: 4, beta: 1 } });
  assert(Array.from(again.means).every((v, i) => v === p.means[i]), "deterministic in the seed");
  assertThrows(
    () => dlfPredictive(model1, x, m, { members: 0, seed: 1, noise: { alpha: 1, beta: 1 } }),
    RangeError,
    "members",
  );
  assertThrows(
    () =>
      dlfPredictive({ ...model1, c: 2 }, x, m, {
        members: 2,
        seed: 1,
        noise: { alpha: 1, beta: 1 },
      }),
    RangeError,
    "c = 2",
  );
});

Deno.test("DLF class probabilities: K x m x c rows on the simplex", () => {
  const model: DlfModel = {
    net: createMlp(2, 6, 3 + 2, 12),
    c: 3,
    q: 2,
    l: Float64Array.of(1, 0, 0, 0.3, 1, 0, 0.1, 0.2, 1),
    sigma2: 0.1,
  };
  const p = dlfClassProbabilities(model, [0, 1, 2, 3], 2, 4, 5);
  assert(p.length === 4 * 2 * 3);
  for (let r = 0; r < 8; r++) assertAlmostEquals(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2], 1, 1e-12);
  assertThrows(() => dlfClassProbabilities(model1, [0, 1], 1, 2, 1), RangeError, "c >= 2");
});

Deno.test("the multivariate EM (c = 2) recovers the cross-output covariance (LLᵀ)_ab Φ(x)ᵀΦ(x′)", () => {
  // Known DLF: μ(x) = (sin x, cos x), Φ(x) = 0.5 (1, x), L = [[1, 0], [0.5, 0.8]].
  const n = 200, m = 15, c = 2, rng = new Rng(21);
  const x = Float64Array.from({ length: m }, (_, j) => -2 + 4 * j / (m - 1));
  const L = [[1, 0], [0.5, 0.8]];
  const f = new Float64Array(n * m * c);
  for (let i = 0; i < n; i++) {
    const z = [[rng.normal(), rng.normal()], [rng.normal(), rng.normal()]];
    for (let j = 0; j < m; j++) {
      const phi = [0.5, 0.5 * x[j]];
      const zphi = [0, 1].map((a) => z[a][0] * phi[0] + z[a][1] * phi[1]);
      for (let r = 0; r < c; r++) {
        const mu = r === 0 ? Math.sin(x[j]) : Math.cos(x[j]);
        f[(i * m + j) * c + r] = mu + L[r][0] * zphi[0] + L[r][1] * zphi[1] +
          0.05 * rng.normal();
      }
    }
  }
  const lls: number[] = [];
  const { model } = fitDlf({
    x,
    m,
    d: 1,
    teacherOutputs: f,
    teachers: n,
    c,
    q: 2,
    hidden: 32,
    epochs: 500,
    lr: 0.01,
    seed: 2,
    init: { kind: "random" },
    onEpoch: (_, ll) => lls.push(ll),
  });
  assert(lls[lls.length - 1] > lls[0] + 0.5, `${lls[0]} -> ${lls[lls.length - 1]}`);
  const { phi } = dlfOutputs(model, x, m);
  const l = model.l;
  const llt = (a: number, b: number) => {
    let s = 0;
    for (let t = 0; t < c; t++) s += l[a * c + t] * l[b * c + t];
    return s;
  };
  const trueLlt = (a: number, b: number) => L[a][0] * L[b][0] + L[a][1] * L[b][1];
  // With n = 200 teachers the factors' sample covariance has relative error ~ sqrt(2/n) = 0.1;
  // tolerance 0.25 of the largest entry (as the univariate test).
  let worst = 0, top = 0;
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < c; b++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          const k = llt(a, b) * (phi[i * 2] * phi[j * 2] + phi[i * 2 + 1] * phi[j * 2 + 1]);
          const t = trueLlt(a, b) * 0.25 * (1 + x[i] * x[j]);
          worst = Math.max(worst, Math.abs(k - t));
          top = Math.max(top, Math.abs(t));
        }
      }
    }
  }
  assert(worst < 0.25 * top, `largest covariance error ${worst} vs scale ${top}`);
});
