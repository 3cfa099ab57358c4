import {
  auroc,
  gaussianCrps,
  intervalCoverage,
  mixtureCdf,
  mixtureCrps,
  mixtureNll,
  mixtureQuantile,
  mutualInformation,
} from "../../lib/uncertainty/regression_scores.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

Deno.test("the CRPS of N(0, 1) at its mean is 2φ(0) − 1/√π = (√2 − 1)/√π", () => {
  assertAlmostEquals(gaussianCrps([0], [1], [0])[0], (Math.SQRT2 - 1) / Math.sqrt(Math.PI), 1e-7);
  // Scale equivariance: CRPS(N(μ, σ²), y) = σ CRPS(N(0, 1), (y − μ)/σ).
  assertAlmostEquals(gaussianCrps([1], [4], [3])[0], 2 * gaussianCrps([0], [1], [1])[0], 1e-7);
});

Deno.test("a one-component mixture's CRPS is the Gaussian's", () => {
  const c = mixtureCrps({ means: [0.3, -1], variances: [0.5, 2], components: 1 }, [1, 0]);
  const g = gaussianCrps([0.3, -1], [0.5, 2], [1, 0]);
  for (let j = 0; j < 2; j++) assertAlmostEquals(c[j], g[j], 1e-9);
});

Deno.test("the mixture CRPS agrees with E|X − y| − ½E|X − X′| estimated by Monte Carlo", () => {
  // Three components at one point; 200,000 draws of X and X′. The estimator's SE is computed
  // from the draws; tolerance 4 SE.
  const p = {
    means: [-1, 0.5, 2],
    variances: [0.3, 1, 0.2],
    components: 3,
    weights: [0.2, 0.5, 0.3],
  };
  const y = 0.8, rng = new Rng(4), N = 200_000;
  const draw = () => {
    const u = rng.uniform();
    const k = u < 0.2 ? 0 : u < 0.7 ? 1 : 2;
    return p.means[k] + Math.sqrt(p.variances[k]) * rng.normal();
  };
  let s = 0, s2 = 0;
  for (let i = 0; i < N; i++) {
    const v = Math.abs(draw() - y) - 0.5 * Math.abs(draw() - draw());
    s += v;
    s2 += v * v;
  }
  const mc = s / N, se = Math.sqrt((s2 / N - mc * mc) / N);
  const exact = mixtureCrps(p, [y])[0];
  assert(Math.abs(exact - mc) < 4 * se, `${exact} vs ${mc} ± ${se}`);
});

Deno.test("NLL, CDF and quantiles of a mixture agree with each other", () => {
  const p = { means: [0, 3], variances: [1, 1], components: 2 };
  // Equal mixture of N(0,1) and N(3,1) at y = 0: density (φ(0) + φ(3))/2.
  const dens = (Math.exp(0) + Math.exp(-4.5)) / (2 * Math.sqrt(2 * Math.PI));
  assertAlmostEquals(mixtureNll(p, [0])[0], -Math.log(dens), 1e-12);
  const q = mixtureQuantile(p, 1, 0.3)[0];
  assertAlmostEquals(mixtureCdf(p, [q])[0], 0.3, 1e-7);
  assertThrows(() => mixtureQuantile(p, 1, 1), RangeError, "q");
});

Deno.test("a calibrated Gaussian predictive covers about the nominal share (binomial SE)", () => {
  const rng = new Rng(8), m = 4000;
  const mean = new Float64Array(m), variance = new Float64Array(m).fill(2), y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    mean[j] = rng.normal();
    y[j] = mean[j] + Math.SQRT2 * rng.normal();
  }
  for (
    const c of intervalCoverage({ means: mean, variances: variance, components: 1 }, y, [0.5, 0.9])
  ) {
    assert(Math.abs(c.coverage - c.level) < 4 * c.se, `${c.level}: ${c.coverage} ± ${c.se}`);
    // Width of the central interval: 2 z σ, z = Φ⁻¹((1 + level)/2).
    const z = c.level === 0.5 ? 0.6744897501960817 : 1.6448536269514722;
    assertAlmostEquals(c.width, 2 * z * Math.SQRT2, 1e-6);
  }
});

Deno.test("AUROC is the Mann-Whitney probability, ties counting one half", () => {
  assertEquals(auroc([0.1, 0.2], [0.3, 0.15]), 0.75);
  assertEquals(auroc([1, 1], [1]), 0.5);
  assertEquals(auroc([0], [1, 2]), 1);
  assertThrows(() => auroc([], [1]), RangeError, "non-empty");
});

Deno.test("mutual information is zero when members agree and log 2 when two disagree completely", () => {
  // 2 members, 2 inputs, 2 classes; input 0: both [0.5, 0.5]; input 1: [1, 0] and [0, 1].
  const mi = mutualInformation([0.5, 0.5, 1, 0, 0.5, 0.5, 0, 1], 2, 2);
  assertAlmostEquals(mi[0], 0, 1e-12);
  assertAlmostEquals(mi[1], Math.log(2), 1e-12);
});

Deno.test("bad predictive inputs are refused, naming the argument", () => {
  assertThrows(() => gaussianCrps([0], [0], [0]), RangeError, "variances[0]");
  assertThrows(() => gaussianCrps([0, 1], [1], [0, 1]), RangeError, "variances has 1 values");
  assertThrows(() => gaussianCrps([0], [1], [0, 1]), RangeError, "means has 1 values");
  assertThrows(
    () =>
      mixtureCrps({ means: [0, 1], variances: [1, 1], components: 2, weights: [0.3, 0.3] }, [0]),
    RangeError,
    "sum",
  );
  assertThrows(
    () => mixtureNll({ means: [0], variances: [1], components: 1 }, [NaN]),
    RangeError,
    "y[0]",
  );
});
