import { bonferroniZ } from "../../lib/uncertainty/mod.ts";
import {
  checkSummary,
  interStudentFigure,
  LINEAR_MARGIN,
  meanMseFigure,
  runTeacherOutput,
  teacherOutputClaims,
  type TeacherOutputConfig,
  teacherOutputConfig,
  type TeacherOutputResult,
  THEOREM_MARGIN,
  theoremRatio,
  THM41,
  THM42,
  THM43,
  varianceOfMseFigure,
  worstCheck,
} from "../../lib/experiments/mod.ts";
import { applyHolm } from "../../lib/report/claims.ts";
import { decideAll } from "../../lib/report/claim_rules.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

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
    assertEquals(c.levels.length, 15);
    assertEquals([c.levels[0], c.levels[14]], [0, 2]);
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
    const w = worstCheck(r, what);
    assertEquals(w.count, 14);
    assert(Math.abs(w.z) < bonferroniZ(14), `${what}: |z| = ${w.z} at level ${w.level}`);
  }
  // At sigma2 = 0 every student is the teacher's own OLS fit: exact agreement (round-off).
  assert(checkSummary(r).maxExactGap < 1e-12);
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
});

Deno.test("neural students: their disagreement grows with the teacher's noise", async () => {
  const r = await tiny();
  const lo = r.neural[0].inter, hi = r.neural[14].inter;
  // From the init alone (level 0) to level 2: the gap is many times either SE (6 students).
  assert(hi.mean - lo.mean > 3 * Math.hypot(hi.se, lo.se), `${lo.mean} -> ${hi.mean}`);
  assert(r.neural[14].mseTruth.mean > r.neural[0].mseTruth.mean);
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

Deno.test("the claims ledger names every Section 4 claim once, each by a rule that can fail", async () => {
  const r = await tiny();
  const claims = applyHolm(teacherOutputClaims(r));
  const ids = claims.map((c) => c.id);
  assertEquals(new Set(ids).size, ids.length);
  assertEquals(ids, [
    "thm41",
    "thm42",
    "thm43",
    "thm41-slope",
    "linear-inter-linear",
    "linear-varmse-linear",
    "neural-inter-superlinear",
    "neural-varmse-superlinear",
    "linear-mse-monotone",
    "neural-mse-monotone",
  ]);
  const by = (id: string) => claims.find((c) => c.id === id)!;
  for (const c of claims) {
    assert(c.test, `${c.id} records its rule`);
    assert(c.evidence?.startsWith("04_"), `${c.id} names its evidence`);
  }
  // Theorems: equivalence of the mean ratio sim / theory to 1 within 5%.
  for (const [id, what] of [["thm41", THM41], ["thm42", THM42], ["thm43", THM43]] as const) {
    const t = by(id).test!, ratio = theoremRatio(r, what);
    assertEquals([t.kind, t.reference, t.margin], ["equivalence", 1, THEOREM_MARGIN]);
    assertEquals(t.estimate, ratio.ratio);
    assertEquals(ratio.levels, 14);
    assertEquals(t.seOver, "200 students per level, 14 independent levels");
    assert(by(id).verdict !== "differs", `${id}: ${by(id).rule}`);
    // A simulation 15% off every closed form would differ.
    const moved = decideAll([{ ...t, estimate: 1.15 }])[0].verdict;
    assertEquals(moved, "differs", id);
  }
  // Theorem 4.1 is resolved at 200 students per level.
  assertEquals(by("thm41").verdict, "reproduced", by("thm41").rule);
  // "Linear": no-effect rule with the curvature's share at the largest σ² within 10%.
  const lin = by("linear-inter-linear").test!;
  assertEquals([lin.kind, lin.margin], ["no-effect", LINEAR_MARGIN]);
  assert(by("linear-inter-linear").verdict !== "differs", by("linear-inter-linear").rule);
  // At 200 students per level it is not resolved after Holm over 10 claims; with the default's
  // 1,000 students per level (SE / √5) the same estimate is shown linear.
  assertEquals(decideAll([{ ...lin, se: lin.se / Math.sqrt(5) }])[0].verdict, "reproduced");
  // A curvature twice the margin would differ.
  assertEquals(
    decideAll([{ ...lin, estimate: 2 * LINEAR_MARGIN + 5 * lin.se }])[0].verdict,
    "differs",
  );
  // Super-linear and monotone: one-sided, "greater".
  for (
    const id of [
      "neural-inter-superlinear",
      "neural-varmse-superlinear",
      "linear-mse-monotone",
      "neural-mse-monotone",
    ]
  ) {
    assertEquals([by(id).test!.kind, by(id).test!.direction], ["direction", "greater"], id);
  }
  // Monotone: the step with the smallest z (intersection-union), not a threshold of 0.
  const m = r.monotone.linear;
  assertEquals(by("linear-mse-monotone").test!.estimate, m.smallest.diff);
  const down = decideAll([{ ...by("linear-mse-monotone").test!, estimate: -5 * m.smallest.se }]);
  assertEquals(down[0].verdict, "differs");
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

Deno.test("Figure 2's specs match their snapshots (noise level on the x axis)", async () => {
  const r = await tiny();
  const inter = interStudentFigure(r);
  assert(JSON.stringify(inter.spec).includes("noise level σ² / Var(y_train)"));
  await assertSnapshot("04_fig2_inter_student_variance", inter.spec);
  await assertSnapshot("04_fig2_mean_test_mse", meanMseFigure(r).spec);
  await assertSnapshot("04_fig2_variance_of_test_mse", varianceOfMseFigure(r).spec);
});
