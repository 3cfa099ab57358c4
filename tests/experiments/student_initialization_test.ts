import {
  biasBandFigure,
  biasStudentsFigure,
  bootstrapLinearFigure,
  bootstrapNnFigure,
  FLAT_FRACTION,
  initParameterVariance,
  initSummaryTable,
  initTestMseFigure,
  KEPT_FRACTION,
  parameterVarianceFigure,
  runBootstrap,
  runInitPerturbation,
  studentInitializationClaims,
  type StudentInitializationConfig,
  studentInitializationConfig,
  theorem51Table,
  THEOREM_FRACTION,
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
import { decideAll } from "../../lib/report/claim_rules.ts";

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

const claim = (id: string) => {
  const c = claims.find((c) => c.id === id);
  assert(c, `no claim ${id}`);
  return c;
};

Deno.test("5.1: the init variances against their closed forms are identity checks that hold", () => {
  for (const id of ["snapshot-param-var", "kaiming-param-var", "fixed-s0-identical"]) {
    assertEquals(verdict(id), "identity check");
    assert(claim(id).rule.startsWith("holds"), `${id}: ${claim(id).rule}`);
    assertEquals(claim(id).test, undefined, `${id} is never counted`);
  }
  assert(init.snapshot.theory < init.kaimingTheory / 5, "the two quantities differ about 5.5x");
});

Deno.test("5.2: Theorem 5.1 is an identity check that holds; Theorems 5.2-5.3 by equivalence within 10%", () => {
  assertEquals(verdict("thm51-exact"), "identity check");
  assert(claim("thm51-exact").rule.startsWith("holds"));
  for (const r of boot.theorem51) assert(r.maxFull < 1e-9);
  const B = boot.linear.filter((r) => r.variant.startsWith("B"));
  const full = B[B.length - 1];
  for (
    const [id, theory] of [
      ["thm52-stated", full.thm52],
      ["thm52-robust", full.robust],
      ["thm53", full.theoryMse],
    ] as const
  ) {
    const t = claim(id).test!;
    assertEquals(t.kind, "equivalence");
    assertEquals(t.reference, theory);
    assertAlmostEquals(t.margin!, THEOREM_FRACTION * theory, 1e-15);
    assert(/bootstrap students/.test(t.seOver), t.seOver);
  }
  // At m = n the robust (sandwich) form is within its 10% margin of the simulation here, the
  // stated form is not (Boston's residuals are heteroscedastic): a test of our numbers.
  assert(Math.abs(full.variance / full.robust - 1) < THEOREM_FRACTION);
  assert(full.variance / full.thm52 - 1 > THEOREM_FRACTION);
  assert(B[0].variance > B[B.length - 1].variance, "variance falls with m");
});

Deno.test("5.1: fixed-base trends are fitted over s > 0 only; flat is equivalence within 10% of the s = 0 level", () => {
  const fixed = variantLevels(init, "fixed"), fresh = variantLevels(init, "fresh");
  const pos = fixed.filter((l) => l.s > 0);
  const xs = pos.map((l) => l.s), xm = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sxx = xs.reduce((a, b) => a + (b - xm) ** 2, 0);
  const slope = pos.reduce((a, l) => a + (l.s - xm) * l.varMse, 0) / sxx;
  assertAlmostEquals(claim("fixed-var-mse-rises").test!.estimate, slope, 1e-12 * Math.abs(slope));
  assertEquals(claim("fixed-var-mse-rises").test!.direction, "greater");
  const range = fresh.at(-1)!.s - fresh[0].s;
  const flat = claim("nn-mean-mse-flat").test!;
  assertEquals(flat.kind, "no-effect");
  assertAlmostEquals(flat.margin!, FLAT_FRACTION * fresh[0].mse / range, 1e-15);
  // distinct optima: after − ½ before at the largest s, one-sided
  const top = fixed.at(-1)!;
  const kept = claim("distinct-optima").test!;
  assertAlmostEquals(kept.estimate, top.after - KEPT_FRACTION * top.before, 1e-12);
  assertEquals(kept.direction, "greater");
});

Deno.test("every Section 5 claim names its evidence and its SE's unit, and counted ones could flip", () => {
  const exports = [
    "05_init_summary",
    "05_init_parameter_variance",
    "05_theorem51_check",
    "05_bootstrap_linear",
    "05_bootstrap_nn",
  ];
  for (const c of claims) {
    assert(c.evidence && exports.includes(c.evidence), `${c.id}: evidence ${c.evidence}`);
    if (c.verdict === "identity check") continue;
    const t = c.test;
    assert(t, `${c.id} records its rule`);
    assert(/students/.test(t.seOver), `${c.id}: SE over ${t.seOver}`);
    // The rule can reach both verdicts: the claimed side far out is reproduced (or, for an
    // equivalence, the paper's value itself with a tenth of the SE), the other side differs.
    const far = (e: number, se = t.se) => decideAll([{ ...t, estimate: e, se }])[0].verdict;
    if (t.kind === "direction") {
      const sign = t.direction === "less" ? -1 : 1;
      assertEquals(far(sign * 10 * t.se), "reproduced", c.id);
      assertEquals(far(-sign * 10 * t.se), "differs", c.id);
    } else {
      const se = t.margin! / 10;
      assertEquals(far(t.reference, se), "reproduced", c.id);
      assertEquals(far(t.reference + 3 * t.margin!, se), "differs", c.id);
    }
  }
});

Deno.test("the ledger has every Section 5 claim (the language-model ones are llmInitializationClaims)", () => {
  assertEquals(claims.map((c) => c.id), [
    "nn-mean-mse-flat",
    "nn-var-mse-flat",
    "fixed-s0-identical",
    "fixed-var-mse-rises",
    "param-var-rises",
    "distinct-optima",
    "snapshot-param-var",
    "kaiming-param-var",
    "thm51-exact",
    "thm52-stated",
    "thm52-robust",
    "thm53",
    "nn-var-falls-b",
    "nn-var-falls-a",
    "nn-a-below-b",
  ]);
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
