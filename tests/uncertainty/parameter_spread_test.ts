import {
  fixedBaseParameterVariance,
  initParameterVariance,
  meanSampleVariance,
} from "../../lib/uncertainty/parameter_spread.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { initCohortParameters, parameterLayout } from "../../lib/nn/mod.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

Deno.test("the authors' snapshot variance of an 11-128-1 net is (1536/33 + 129/384)/1665", () => {
  // Derived by hand from PyTorch's U(±1/√fan_in) init: variance 1/(3 fan_in) for the 1,408 + 128
  // parameters of layer 1 (fan_in 11) and the 128 + 1 of layer 2 (fan_in 128).
  assertAlmostEquals(
    initParameterVariance("torch", 11, 128),
    (1536 / 33 + 129 / 384) / 1665,
    1e-15,
  );
  // Kaiming: weights 2/fan_in, zero biases: (1408 · 2/11 + 128 · 2/128) / 1665.
  assertAlmostEquals(initParameterVariance("kaiming", 11, 128), (256 + 2) / 1665, 1e-15);
  assertThrows(() => initParameterVariance("torch", 0, 4), RangeError, "d must be");
  assertThrows(() => initParameterVariance("torch", 3, 4, -1), RangeError, "s must be");
});

Deno.test("drawn inits match the closed-form parameter variance within 4 Monte Carlo SEs", () => {
  const d = 11, h = 16, S = 400, P = parameterLayout(d, h, 1).count;
  const cases = [
    [{ kind: "torch" } as const, "torch", 0],
    [{ kind: "perturbed", scale: 0.4, base: "kaiming" } as const, "kaiming", 0.4],
  ] as const;
  for (const [spec, base, s] of cases) {
    const p = initCohortParameters(spec, d, h, 1, 3, 0, S, S);
    const v = interStudentVariance(p, P); // population variance: expected (S−1)/S of the theory
    const theory = initParameterVariance(base, d, h, s) * (S - 1) / S;
    assert(Math.abs(v.mean - theory) <= 4 * v.se, `${base}: ${v.mean} vs ${theory} ± ${v.se}`);
  }
});

Deno.test("perturbing one fixed base spreads weights as θ₀² s² and biases as (0.1 s)²", () => {
  const d = 3, h = 4, L = parameterLayout(d, h, 1), s = 0.3;
  const base = new Float32Array(L.count).fill(2);
  const biases = h + 1, weights = L.count - biases;
  assertAlmostEquals(
    fixedBaseParameterVariance(base, d, h, s),
    (weights * 4 * s * s + biases * (0.1 * s) ** 2) / L.count,
    1e-12,
  );
  const S = 2000, P = L.count;
  const drawn = initCohortParameters(
    { kind: "perturbed", scale: s, base: "kaiming", baseSeed: 9 },
    d,
    h,
    1,
    5,
    0,
    S,
    S,
  );
  const base0 = initCohortParameters(
    { kind: "perturbed", scale: 0, base: "kaiming", baseSeed: 9 },
    d,
    h,
    1,
    5,
    0,
    1,
    1,
  );
  const v = interStudentVariance(drawn, P);
  const theory = fixedBaseParameterVariance(base0, d, h, s) * (S - 1) / S;
  assert(Math.abs(v.mean - theory) <= 4 * v.se, `${v.mean} vs ${theory} ± ${v.se}`);
  assertThrows(() => fixedBaseParameterVariance(new Float32Array(3), d, h, s), RangeError, "base");
});

Deno.test("the mean sample variance and its delete-one values are exact", () => {
  const r = meanSampleVariance([
    Float32Array.of(0, 0),
    Float32Array.of(2, 0),
    Float32Array.of(4, 0),
  ]);
  assertEquals(r.value, 2);
  assertEquals(Array.from(r.deleteOne), [1, 4, 1]);
  const rng = new Rng(4);
  const xs = Array.from({ length: 6 }, () => Float32Array.from({ length: 5 }, () => rng.normal()));
  const flat = new Float64Array(30);
  xs.forEach((x, k) => flat.set(x, k * 5));
  // interStudentVariance is the population variance: × S/(S − 1) for the sample one.
  assertAlmostEquals(
    meanSampleVariance(xs).value,
    interStudentVariance(flat, 5).mean * 6 / 5,
    1e-12,
  );
  assertThrows(() => meanSampleVariance(xs.slice(0, 2)), RangeError, "at least 3");
});
