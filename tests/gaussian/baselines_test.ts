import {
  distillDirichlet,
  distillHydra,
  distillMean,
  distillMeanSpread,
  distillSmallEnsemble,
  ensembleMean,
  type EnsembleTargets,
  memberAverage,
  memberMixture,
  memberProbabilities,
  memberVariance,
  type StudentOptions,
} from "../../lib/gaussian/baselines.ts";
import { fitDlf } from "../../lib/gaussian/dlf.ts";
import { sampleGamma } from "../../lib/gaussian/noise.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertRejects, assertThrows } from "../assert.ts";

/** n teachers f_i(x) = sin(x + a) + s_i x + b_i on 1-d inputs: the spread across teachers is Var(s) x² + Var(b) (about 0.25 x² + 0.04). */
function toyEnsemble(n: number, m: number, c = 1): EnsembleTargets {
  const rng = new Rng(5);
  const x = Float64Array.from({ length: m }, (_, j) => -1 + 2 * j / (m - 1));
  const slopes = Float64Array.from({ length: n }, () => 0.5 * rng.normal());
  const shifts = Float64Array.from({ length: n }, () => 0.2 * rng.normal());
  const outputs = new Float64Array(n * m * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      for (let a = 0; a < c; a++) {
        outputs[(i * m + j) * c + a] = Math.sin(x[j] + a) + slopes[i] * x[j] + shifts[i];
      }
    }
  }
  return { x, m, d: 1, outputs, teachers: n, c };
}

const student = { hidden: 16, epochs: 400, lr: 0.02, seed: 3 };

Deno.test("every baseline predicts K x m x c member outputs at new inputs", async () => {
  const t = toyEnsemble(4, 21, 2);
  const xNew = [0.1, -0.3, 0.7];
  for (
    const [fit, k] of [[distillMean, 1], [distillSmallEnsemble, 4], [distillHydra, 4]] as const
  ) {
    const p = await fit(t, student);
    assert(p.members === k && p.c === 2, p.method);
    const out = p.predict(xNew, 3);
    assert(out.length === k * 3 * 2 && out.every(Number.isFinite), p.method);
  }
});

/**
 * Standard KD within 0.1 of the ensemble mean everywhere, and each member of small-Ens and Hydra
 * following its own teacher: its squared gap to it under 0.1 of the teachers' spread.
 */
async function assertFitsTeachers(t: EnsembleTargets, o: StudentOptions): Promise<void> {
  const mean = ensembleMean(t);
  const kd = (await distillMean(t, o)).predict(t.x, t.m);
  let e = 0;
  for (let j = 0; j < t.m; j++) e = Math.max(e, Math.abs(kd[j] - mean[j]));
  assert(e < 0.1, `standard KD's largest gap to the ensemble mean: ${e}`);
  for (const fit of [distillSmallEnsemble, distillHydra]) {
    const p = await fit(t, o);
    const out = p.predict(t.x, t.m);
    let own = 0, spread = 0;
    for (let i = 0; i < t.teachers; i++) {
      for (let j = 0; j < t.m; j++) {
        own += (out[i * t.m + j] - t.outputs[i * t.m + j]) ** 2;
        spread += (t.outputs[i * t.m + j] - mean[j]) ** 2;
      }
    }
    assert(own < 0.1 * spread, `${p.method}: ${own} vs spread ${spread}`);
  }
}

Deno.test("standard KD fits the ensemble mean, small-Ens and Hydra the individual teachers", async () => {
  await assertFitsTeachers(toyEnsemble(4, 21), student);
});

Deno.test("the DEGU-style student learns the mean and the spread across teachers", () => {
  const t = toyEnsemble(8, 21);
  const s = distillMeanSpread(t, { hidden: 16, epochs: 2000, lr: 0.01, seed: 2 });
  const { mean, variance } = s.predict(t.x, t.m);
  const trueMean = ensembleMean(t), trueVar = memberVariance(t.outputs, 8);
  let eMean = 0, eVar = 0, top = 0;
  for (let j = 0; j < t.m; j++) {
    // The likelihood weights the mean's error by 1/v: judge it in units of the local spread.
    eMean = Math.max(eMean, Math.abs(mean[j] - trueMean[j]) / (Math.sqrt(trueVar[j]) + 0.05));
    eVar = Math.max(eVar, Math.abs(variance[j] - trueVar[j]));
    top = Math.max(top, trueVar[j]);
  }
  assert(eMean < 0.5, `mean gap ${eMean} local SDs`);
  assert(eVar < 0.3 * top, `variance gap ${eVar} vs largest variance ${top}`);
});

Deno.test("member mixtures, probabilities and moments", () => {
  const p = memberMixture([1, 2, 3, 4], 2, [0.5, 2]);
  assert(Array.from(p.variances).join() === "0.5,0.5,2,2" && p.components === 2);
  assert(Array.from(memberMixture([1, 2], 1, [0.1]).variances).join() === "0.1,0.1");
  assertThrows(() => memberMixture([1, 2, 3, 4], 2, [1, 1, 1]), RangeError, "noise");
  assertThrows(() => memberMixture([1, 2], 2, [0, 1]), RangeError, "noise[0]");
  const probs = memberProbabilities([0, 0, Math.log(3), 0], 2);
  assertAlmostEquals(probs[0], 0.5, 1e-12);
  assertAlmostEquals(probs[2], 0.75, 1e-12);
  assert(Array.from(memberAverage([1, 2, 3, 4], 2)).join() === "2,3");
  assert(Array.from(memberVariance([1, 2, 3, 6], 2)).join() === "1,4");
});

Deno.test("bad input gets a named error before any work, for every method", async () => {
  const good = toyEnsemble(3, 5);
  const one = { ...good, teachers: 1, outputs: Array.from(good.outputs).slice(0, 5) };
  const nan = { ...good, x: Float64Array.from(good.x, (v, i) => (i === 2 ? NaN : v)) };
  const shape = { ...good, outputs: Array.from(good.outputs).slice(1) };
  for (const fit of [distillMean, distillSmallEnsemble, distillHydra]) {
    await assertRejects(() => fit(one, student), RangeError, "teachers must be >= 2");
    await assertRejects(() => fit(nan, student), RangeError, "x[2] is NaN");
    await assertRejects(() => fit(shape, student), RangeError, "outputs has 14 values");
    await assertRejects(() => fit(good, { ...student, hidden: 0 }), RangeError, "hidden");
  }
  assertThrows(() => distillMeanSpread(one, student), RangeError, "teachers must be >= 2");
  assertThrows(() => distillMeanSpread(nan, student), RangeError, "x[2] is NaN");
  assertThrows(() => distillMeanSpread(toyEnsemble(3, 5, 2), student), RangeError, "c must be 1");
  const dlf = {
    x: good.x,
    m: 5,
    d: 1,
    teacherOutputs: good.outputs,
    teachers: 3,
    hidden: 4,
    epochs: 1,
    seed: 1,
  };
  assertThrows(() => fitDlf({ ...dlf, q: 0 }), RangeError, "q must be an integer >= 1");
  assertThrows(() => fitDlf({ ...dlf, q: 1, teachers: 1 }), RangeError, "teachers must be >= 2");
  assertThrows(() => fitDlf({ ...dlf, q: 1, x: nan.x }), RangeError, "x[2] is NaN");
  assertThrows(() => fitDlf({ ...dlf, q: 1, meanWarmup: -1 }), RangeError, "meanWarmup");
});

Deno.test("EnD²: the Dirichlet student recovers a known Dirichlet of the teachers' probabilities", () => {
  // Teachers' probabilities at x are Dir(α*(x)) draws, α*(x) = 4 (2 + x, 2, 2 − x), x in [−1, 1];
  // logits are log p. With 200 teachers, the ML concentration's relative error is about
  // 1/√(n) per point ~ 0.07; the fitted mean α/α₀ is checked to 0.05, α₀ to 25%.
  const n = 200, m = 11, c = 3, rng = new Rng(9);
  const x = Float64Array.from({ length: m }, (_, j) => -1 + 2 * j / (m - 1));
  const truth = (v: number) => [4 * (2 + v), 8, 4 * (2 - v)];
  const outputs = new Float64Array(n * m * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const g = truth(x[j]).map((a) => sampleGamma(a, rng));
      const s = g[0] + g[1] + g[2];
      for (let a = 0; a < c; a++) outputs[(i * m + j) * c + a] = Math.log(g[a] / s);
    }
  }
  const p = distillDirichlet({ x, m, d: 1, outputs, teachers: n, c }, {
    hidden: 16,
    epochs: 3000,
    lr: 0.01,
    seed: 4,
    members: 4000,
  });
  const members = memberProbabilities(p.predict(x, m), c);
  const mean = memberAverage(members, 4000);
  for (let j = 0; j < m; j++) {
    const a = truth(x[j]), a0 = a[0] + a[1] + a[2];
    for (let k = 0; k < c; k++) {
      assertAlmostEquals(mean[j * c + k], a[k] / a0, 0.05, `mean at x = ${x[j]}, class ${k}`);
    }
    // Var of p_0 under Dir is μ(1 − μ)/(α₀ + 1): recover α₀ from the members' variance.
    let v = 0;
    for (let s = 0; s < 4000; s++) v += (members[(s * m + j) * c] - mean[j * c]) ** 2 / 4000;
    const mu = mean[j * c], fitted = mu * (1 - mu) / v - 1;
    assert(Math.abs(fitted / a0 - 1) < 0.25, `α₀ at x = ${x[j]}: ${fitted} vs ${a0}`);
  }
  assertThrows(
    () => distillDirichlet(toyEnsemble(3, 5), { ...student, members: 2 }),
    RangeError,
    "c must be >= 2",
  );
  assertThrows(
    () => distillDirichlet(toyEnsemble(3, 5, 2), { ...student, members: 0 }),
    RangeError,
    "members",
  );
});

Deno.test("on mini-batches (batchSize): standard KD fits the mean, small-Ens and Hydra their teachers, DEGU the spread", async () => {
  // 100 epochs of 3 batches of 8 (and one of 5): 300 Adam steps (400 full batch above).
  await assertFitsTeachers(toyEnsemble(4, 21), { ...student, epochs: 100, batchSize: 8 });
  const t8 = toyEnsemble(8, 21);
  const s = distillMeanSpread(t8, { hidden: 16, epochs: 500, lr: 0.01, seed: 2, batchSize: 8 });
  const { variance } = s.predict(t8.x, t8.m), trueVar = memberVariance(t8.outputs, 8);
  let eVar = 0, top = 0;
  for (let j = 0; j < t8.m; j++) {
    eVar = Math.max(eVar, Math.abs(variance[j] - trueVar[j]));
    top = Math.max(top, trueVar[j]);
  }
  // As the full-batch test above: within 30% of the largest variance.
  assert(eVar < 0.3 * top, `variance gap ${eVar} vs largest variance ${top}`);
});

Deno.test("batchSize: bad values get a named error before any work; EnD² takes none", async () => {
  const good = toyEnsemble(3, 5);
  for (const batchSize of [0, -1, 2.5, NaN, Infinity]) {
    const o = { ...student, batchSize };
    for (const fit of [distillMean, distillSmallEnsemble, distillHydra]) {
      await assertRejects(() => fit(good, o), RangeError, "batchSize must be an integer >= 1");
    }
    assertThrows(() => distillMeanSpread(good, o), RangeError, "batchSize must be an integer");
  }
  const cls = toyEnsemble(3, 5, 2);
  assertThrows(
    () => distillDirichlet(cls, { ...student, members: 2, batchSize: 4 }),
    RangeError,
    "full batch only",
  );
});
