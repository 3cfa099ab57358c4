/**
 * Sections 4.1-4.2's step module (notebooks/04_teacher_output_uncertainty.ts) at a tiny seeded
 * configuration: the closed forms of Theorems 4.1-4.3 against the simulation within the
 * Bonferroni bound, the shapes that are stable at this scale, one step against the sweep's row,
 * determinism across workers, and bad configurations. The notebook's figures, table and claims
 * are checked on its smoke run (04_notebook_test.ts).
 */
import {
  linearLevelStep,
  runTeacherOutput,
  type TeacherOutputConfig,
  teacherOutputConfig,
  type TeacherOutputResult,
  teacherOutputSetup,
  THM41,
  THM42,
  THM43,
} from "../../notebooks/04_teacher_output_uncertainty.ts";
import { bonferroniZ } from "../../lib/uncertainty/bonferroni.ts";
import { teacherNoiseGrid } from "../../lib/distill/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";

/**
 * A tiny configuration: the paper's 15 noise levels, 200 linear students per
 * level (cheap: one factorization), 6 neural students of 13-16-1 trained for
 * 60 epochs. Seeded, so every number below is fixed; the tolerances are what
 * the Monte Carlo error allows, stated at each assertion.
 */
const TINY: TeacherOutputConfig = {
  ...teacherOutputConfig("smoke"),
  students: 200,
  neuralStudents: 6,
  epochs: 60,
};

let cached: TeacherOutputResult | undefined;
async function tiny(): Promise<TeacherOutputResult> {
  cached ??= await runTeacherOutput(TINY, { progress: false, workers: 0 });
  return cached;
}

Deno.test("the configuration keeps the paper's structure at every scale", () => {
  for (const scale of ["smoke", "default", "paper"] as const) {
    const c = teacherOutputConfig(scale);
    assertEquals(c.levels, teacherNoiseGrid()); // the paper's 15 levels, written out
    assertEquals([c.hidden, c.epochs, c.lr, c.splitSeed], [16, 200, 0.01, 42]);
  }
  assertEquals(teacherOutputConfig("default").neuralStudents, 1000);
});

Deno.test("linear students: Theorems 4.1-4.3 hold at every level within the Bonferroni bound", async () => {
  const r = await tiny();
  // z = (sim - theory) / SE, the Monte Carlo SE of each level's mean over 200 students. The 14
  // levels at sigma2 > 0 are independent, so the largest |z| of a theorem exceeds the two-sided
  // Bonferroni bound (2.91 for 14) with probability at most 5% when the theorem holds.
  for (const what of [THM41, THM42, THM43]) {
    const scored = r.checks.filter((c) => c.what === what && c.z !== null);
    assertEquals(scored.length, 14);
    const worst = Math.max(...scored.map((c) => Math.abs(c.z!)));
    assert(worst < bonferroniZ(14), `${what}: |z| = ${worst}`);
  }
  // At sigma2 = 0 every student is the teacher's own OLS fit: exact agreement (round-off).
  const exact = r.checks.filter((c) => c.z === null);
  assertEquals(exact.length, 5);
  assert(Math.max(...exact.map((c) => Math.abs(c.sim - c.theory))) < 1e-12);
});

Deno.test("linear students: the inter-student variance rises with the noise, linearly", async () => {
  const r = await tiny();
  const top = r.linear[14], mid = r.linear[10];
  // Each level's value sits within 3 SE of its own closed form (above); the closed form is
  // sigma2 tr(H)/m, so doubling the noise level (1 -> 2) must double it: ratio 2 within the
  // combined relative SEs (about 10% each at 200 students).
  assert(top.inter.mean > mid.inter.mean);
  const rel = Math.hypot(top.inter.se / top.inter.mean, mid.inter.se / mid.inter.mean);
  assertAlmostEquals(top.inter.mean / mid.inter.mean, 2, 3 * rel * 2);
  // Curvature test: z = c / SE(c) of the weighted quadratic fit is not significant (|z| < 3).
  const t = r.trends.find((x) => x.student === "linear" && x.quantity.startsWith("inter"))!;
  assert(Math.abs(t.z) < 3, `curvature z = ${t.z}`);
  // The closed forms' curvature of the variance of the test MSE (vs truth) is positive.
  const v = r.trends.find((x) => x.student === "linear" && x.quantity.startsWith("variance"))!;
  assert(v.cTheory! > 0, `${v.cTheory}`);
});

Deno.test("neural students: their disagreement grows with the teacher's noise", async () => {
  const r = await tiny();
  const lo = r.neural[0].inter, hi = r.neural[14].inter;
  // From the init alone (level 0) to level 2: the gap is many times either SE (6 students).
  assert(hi.mean - lo.mean > 3 * Math.hypot(hi.se, lo.se), `${lo.mean} -> ${hi.mean}`);
  assert(r.neural[14].mseTruth.mean > r.neural[0].mseTruth.mean);
  // The monotone summary reads the steps of the mean test MSE.
  const m = r.monotone.neural;
  assertEquals([m.steps, m.first, m.last], [
    14,
    r.neural[0].mseTruth.mean,
    r.neural[14].mseTruth.mean,
  ]);
  assert(
    m.smallest.z <= Math.min(
      ...r.neural.slice(1).map((x, i) => {
        const prev = r.neural[i].mseTruth;
        return (x.mseTruth.mean - prev.mean) / Math.hypot(x.mseTruth.seMean, prev.seMean);
      }),
    ),
  );
});

Deno.test("a step is one setting in, one row out: linearLevelStep at level i is the sweep's row", async () => {
  const r = await tiny();
  const setup = await teacherOutputSetup(TINY);
  for (const i of [0, 7, 14]) {
    assertEquals(linearLevelStep(TINY, setup, TINY.levels[i], i), r.linear[i]);
  }
});

Deno.test("the same seed gives identical rows, on the calling thread or split across workers", async () => {
  // 90 networks make three chunks of students (about 1 MiB of activations each), so with two
  // workers the cohort is split across threads; every student's result must not change.
  const small = { ...TINY, levels: [0, 0.5, 1, 2], students: 20, neuralStudents: 90, epochs: 10 };
  const a = await runTeacherOutput(small, { progress: false, workers: 0 });
  const b = await runTeacherOutput(small, { progress: false, workers: 2 });
  assertEquals([a.workers, b.workers], [0, 2]);
  assertEquals(b.linear, a.linear);
  assertEquals(b.neural, a.neural);
  assertEquals(b.trends, a.trends);
});

Deno.test("a malformed configuration is refused before any work", async () => {
  await assertRejects(
    () => runTeacherOutput({ ...TINY, levels: [0, 1, 0.5, 2] }),
    RangeError,
    "increasing",
  );
  await assertRejects(() => runTeacherOutput({ ...TINY, students: 1 }), RangeError, "students");
  await assertRejects(() => runTeacherOutput({ ...TINY, lr: 0 }), RangeError, "lr");
});
