import {
  biasBandFigure,
  biasStudentsFigure,
  bootstrapLinearFigure,
  bootstrapNnFigure,
  initParameterVariance,
  initSummaryTable,
  initTestMseFigure,
  parameterVarianceFigure,
  runBootstrap,
  runInitPerturbation,
  studentInitializationClaims,
  type StudentInitializationConfig,
  studentInitializationConfig,
  theorem51Table,
  variantLevels,
} from "../../lib/experiments/mod.ts";
import {
  jackknifeCombination,
  jackknifeMean,
  jackknifeVariance,
} from "../../lib/experiments/jackknife.ts";
import { initCohortParameters, parameterLayout } from "../../lib/nn/mod.ts";
import { Rng } from "../../lib/random.ts";
import { interStudentVariance, monteCarloSummary } from "../../lib/uncertainty/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

/** A tiny configuration: the paper's structure (9 levels, 10 bootstrap sizes), a few students. */
const TINY: StudentInitializationConfig = {
  ...studentInitializationConfig("smoke"),
  students: 6,
  epochs: 10,
  trace: 3,
  linearStudents: 40,
  neuralStudents: 4,
};
const quiet = { progress: false } as const;
const init = await runInitPerturbation(TINY, quiet);
const boot = await runBootstrap(TINY, quiet);
const claims = studentInitializationClaims(init, boot);
const verdict = (id: string) => claims.find((c) => c.id === id)!.verdict;

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
    // SE: the interStudentVariance SE over the S students' mean squared deviations.
    assert(Math.abs(v.mean - theory) <= 4 * v.se, `${base}: ${v.mean} vs ${theory} ± ${v.se}`);
  }
});

Deno.test("the jackknife SE of a mean is the usual SE, and delete-one variances are exact", () => {
  const rng = new Rng(2);
  const x = Float64Array.from({ length: 30 }, () => rng.normal());
  const j = jackknifeMean(x);
  const se = jackknifeCombination([{ weight: 1, stat: j }]).se;
  assertAlmostEquals(se, monteCarloSummary(x).seMean, 1e-12);
  const v = jackknifeVariance(x);
  const without3 = x.filter((_, i) => i !== 3);
  assertAlmostEquals(v.deleteOne[3], interStudentVariance(without3, 1).mean, 1e-12);
  assertAlmostEquals(v.value, interStudentVariance(x, 1).mean, 1e-15);
});

Deno.test("5.1, fixed base: at s = 0 the students are one network; the spread grows with s", () => {
  const fixed = variantLevels(init, "fixed");
  assertEquals(fixed[0].before, 0);
  // Identical students train to the same network up to float32 rounding: the lockstep
  // trainer's wide products may sum one student's columns in another order than its
  // neighbour's (OpenBLAS's Haswell kernel does: SD 4.8e-9 of a test MSE of 0.683 here, 7e-9 of it),
  // so their test MSEs agree to float32 round-off (relative SD below 1e-6), not bit for bit.
  // The real spread at the first s > 0 is 0.105 of the MSE.
  const relSd0 = Math.sqrt(fixed[0].varMse) / fixed[0].mse;
  assert(relSd0 < 1e-6, `relative SD of test MSE at s = 0: ${relSd0}`);
  assert(Math.sqrt(fixed[1].varMse) / fixed[1].mse > 1e-3, "at s > 0 the students differ");
  for (let i = 1; i < fixed.length; i++) assert(fixed[i].before > fixed[i - 1].before);
  // Before training, the spread is the closed form given the base, within 4 jackknife SEs
  // (population variance over S students: (S − 1)/S of it).
  const S = TINY.students;
  for (const l of fixed.slice(1)) {
    const se = jackknifeCombination([{ weight: 1, stat: l.jack.before }]).se;
    const expected = l.beforeTheory * (S - 1) / S;
    assert(Math.abs(l.before - expected) <= 4 * se, `s = ${l.s}: ${l.before} vs ${expected}`);
  }
  assertEquals(verdict("param-var-rises"), "reproduced");
});

Deno.test("5.1: the authors' snapshot quantity and the Kaiming start agree with their closed forms", () => {
  assertEquals(verdict("snapshot-param-var"), "reproduced");
  assertEquals(verdict("kaiming-param-var"), "reproduced");
  assert(init.snapshot.theory < init.kaimingTheory / 5, "the two quantities differ about 5.5x");
});

Deno.test("5.2: Theorem 5.1 holds for full-rank resamples, and the robust Theorem 5.2 within 2 SE", () => {
  assertEquals(verdict("thm51-exact"), "reproduced");
  for (const r of boot.theorem51) assert(r.maxFull < 1e-9);
  // At m = n with 40 students the SE is ~7% of the variance; the robust (sandwich) form's
  // first-order error is a few per cent at m = 404, inside 2 SE.
  assertEquals(verdict("thm52-robust"), "reproduced");
  const B = boot.linear.filter((r) => r.variant.startsWith("B"));
  assert(B[0].variance > B[B.length - 1].variance, "variance falls with m");
});

Deno.test("the ledger has every Section 5 claim (the language-model ones are llmInitializationClaims)", () => {
  assertEquals(claims.length, 14);
  assertEquals(new Set(claims.map((c) => c.id)).size, claims.length);
  assertEquals(claims.filter((c) => c.id.startsWith("lm-")).length, 0);
});

Deno.test("same seed, same rows; a student's trajectory does not depend on the cohort size", async () => {
  const again = await runInitPerturbation(TINY, quiet);
  assertEquals(
    again.levels.map(({ jack: _j, ...r }) => r),
    init.levels.map(({ jack: _j, ...r }) => r),
  );
  const small = await runInitPerturbation({ ...TINY, students: 3, levels: [0, 0.4] }, quiet);
  const at = (r: typeof init, s: number) => variantLevels(r, "fixed").find((l) => l.s === s)!;
  assertEquals(at(small, 0.4).traces, at(init, 0.4).traces);
  const bootAgain = await runBootstrap(TINY, quiet);
  assertEquals(bootAgain.linear, boot.linear);
  assertEquals(bootAgain.neural, boot.neural);
});

Deno.test("a malformed configuration is refused before any training", async () => {
  await assertRejects(
    () => runInitPerturbation({ ...TINY, students: 1 }, quiet),
    RangeError,
    ">= 2",
  );
  await assertRejects(
    () => runBootstrap({ ...TINY, fractions: [0, 1] }, quiet),
    RangeError,
    "fractions",
  );
});

Deno.test("Section 5 figures and tables match their snapshots", async () => {
  await assertSnapshot("05_init_test_mse", initTestMseFigure(init).spec);
  await assertSnapshot("05_init_parameter_variance", parameterVarianceFigure(init).spec);
  await assertSnapshot("05_init_bias_trajectories", biasBandFigure(init).spec);
  await assertSnapshot("05_init_bias_students", biasStudentsFigure(init).spec);
  await assertSnapshot("05_bootstrap_linear", bootstrapLinearFigure(boot).spec);
  await assertSnapshot("05_bootstrap_nn", bootstrapNnFigure(boot).spec);
  const header = (t: { columns: readonly { label?: string; name: string }[] }) =>
    t.columns.map((c) => c.label ?? c.name);
  for (const h of header(theorem51Table(boot))) assert(!h.includes("|"), `pipe in header "${h}"`);
  const summary = initSummaryTable(init);
  assert(summary.rows.length === 2 * TINY.levels.length);
});
