/**
 * Section 5's step module (notebooks/05_student_initialization_uncertainty.ts) with small
 * networks and OLS students, at a tiny seeded configuration: the closed forms against the
 * simulation within stated multiples of the Monte Carlo SE, what holds by design, determinism of
 * the rows, and the refusal of a malformed configuration. The notebook's figures, tables and
 * claims are checked on its smoke run (05_notebook_test.ts).
 */
import {
  type InitLevel,
  type InitPerturbationResult,
  runBootstrap,
  runInitPerturbation,
  type StudentInitializationConfig,
  studentInitializationConfig,
} from "../../notebooks/05_student_initialization_uncertainty.ts";
import { jackknifeCombination } from "../../lib/uncertainty/mod.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";

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

/** The levels of one variant, in order of s. */
function variantLevels(r: InitPerturbationResult, variant: "fresh" | "fixed"): InitLevel[] {
  return r.levels.filter((l) => l.variant === variant).sort((a, b) => a.s - b.s);
}

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
});

Deno.test("5.1: the snapshot and Kaiming closed forms are those of their inits, about 5.5x apart", () => {
  assertEquals(init.parameters, 11 * 128 + 128 + 128 + 1);
  assert(init.snapshot.theory < init.kaimingTheory / 5, "the two quantities differ about 5.5x");
  // The Kaiming init the students train from (fresh base, s = 0), as a sample variance, within 4
  // jackknife SEs of its closed form.
  const S = TINY.students, before = variantLevels(init, "fresh")[0].jack.before;
  const k = before.value * S / (S - 1);
  const se = jackknifeCombination([{ weight: S / (S - 1), stat: before }]).se;
  assert(Math.abs(k - init.kaimingTheory) <= 4 * se, `Kaiming spread ${k} ± ${se}`);
});

Deno.test("5.2: Theorem 5.1 holds on full-rank resamples; Theorem 5.2's robust form fits at m = n", () => {
  for (const r of boot.theorem51) assert(r.maxFull < 1e-9);
  const B = boot.linear.filter((r) => r.variant.startsWith("B"));
  const full = B[B.length - 1];
  // At m = n the robust (sandwich) form is within 10% of the simulation here, the stated form is
  // not (Boston's residuals are heteroscedastic): a test of our numbers.
  assert(Math.abs(full.variance / full.robust - 1) < 0.1);
  assert(full.variance / full.thm52 - 1 > 0.1);
  assert(B[0].variance > B[B.length - 1].variance, "variance falls with m");
  assertEquals(boot.neural.length, 2 * TINY.fractions.length);
  assertEquals(boot.p, 14);
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
