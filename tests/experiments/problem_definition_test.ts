import {
  bonferroniZ,
  problemDefinitionClaims,
  type ProblemDefinitionConfig,
  problemDefinitionConfig,
  type ProblemDefinitionResult,
  runProblemDefinition,
  studentsFigure,
  theorem41Figure,
  variancesFigure,
  worstInput,
} from "../../lib/experiments/mod.ts";
import { applyHolm, claimMatches } from "../../lib/report/claims.ts";
import { pValues } from "../../lib/report/claim_rules.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

/** A tiny seeded configuration: 300 linear students, 6 networks (13-16-1, 60 epochs). */
const TINY: ProblemDefinitionConfig = {
  ...problemDefinitionConfig("smoke"),
  students: 300,
  neuralStudents: 6,
  epochs: 60,
};

let cached: ProblemDefinitionResult | undefined;
async function tiny(): Promise<ProblemDefinitionResult> {
  cached ??= await runProblemDefinition(TINY, { workers: 0 });
  return cached;
}

Deno.test("sampling one answer per student gives inter + intra (the law of total variance)", async () => {
  const r = await tiny();
  const lin = r.sources[0];
  // Expected pooled variance given the students: inter + intra (S-1)/S. SE: the Monte Carlo SE
  // of the pooled variance over the 300 students (interStudentVariance's SE); allow 3 SE.
  assert(lin.sampled !== null && lin.seSampled !== null);
  const z = (lin.sampled - r.expectedSampled) / lin.seSampled;
  assert(Math.abs(z) < 3, `z = ${z}`);
  assert(Math.abs(lin.total - (lin.inter + lin.intra)) < 1e-12);
});

Deno.test("Theorem 4.1 holds on average and input by input", async () => {
  const r = await tiny();
  const lin = r.sources[0];
  // Average over the test inputs, SE from the 300 students: within 3 SE.
  assert(Math.abs(lin.inter - r.theoryInter) < 3 * lin.se, `${lin.inter} vs ${r.theoryInter}`);
  // Per input, SE of a Gaussian population variance, sigma2 h sqrt(2(S-1))/S (exact: OLS
  // students' predictions are Gaussian). The largest of 102 |z| stays below the Bonferroni bound.
  assert(Math.abs(worstInput(r).z) < bonferroniZ(r.nTest), `z = ${worstInput(r).z}`);
  // Each linear student inherits the teacher's noise level as its own variance: the residual
  // variance RSS/(n-p) is unbiased for sigma2_T; SE over 300 students, within 3 SE.
  assert(Math.abs(lin.intra - r.sigma2T) < 3 * lin.seIntra, `${lin.intra} vs ${r.sigma2T}`);
  // Students disagree far less than each is unsure (about 30 times less at 404 training rows).
  assert(lin.intra > 10 * lin.inter);
});

Deno.test("initialization alone makes networks disagree, less than the teacher's noise does", async () => {
  const [, init, both] = (await tiny()).sources;
  assert(init.inter > 3 * init.se, `init-only inter ${init.inter} ± ${init.se}`);
  assert(both.inter > init.inter + 3 * Math.hypot(both.se, init.se));
});

Deno.test("the same seed gives identical results, on the calling thread or split across workers", async () => {
  // 90 networks make three chunks of students, split across two workers in the second run.
  const small = { ...TINY, students: 100, neuralStudents: 90, epochs: 10 };
  const a = await runProblemDefinition(small, { workers: 0 });
  const b = await runProblemDefinition(small, { workers: 2 });
  assertEquals(b.sources, a.sources);
  assertEquals(b.perInput, a.perInput);
  assertEquals(b.curves, a.curves);
});

Deno.test("the claims ledger of Section 2: counted claims by rules that can fail, identities apart", async () => {
  const r = await tiny();
  const claims = applyHolm(problemDefinitionClaims(r));
  assertEquals(claims.map((c) => c.id), [
    "total-variance",
    "thm41-mean",
    "thm41-per-input",
    "linear-own-variance",
    "init-source",
    "students-narrower",
  ]);
  const by = (id: string) => claims.find((c) => c.id === id)!;
  // True by construction: shown, never counted, and they hold on this run.
  for (const id of ["total-variance", "thm41-per-input", "linear-own-variance"]) {
    assertEquals(by(id).verdict, "identity check", id);
    assert(by(id).rule.startsWith("holds"), `${id}: ${by(id).rule}`);
    assertEquals(by(id).test, undefined);
  }
  // Thm 4.1 averaged: an equivalence within 5% of theory, SE over the 300 students.
  const t = by("thm41-mean").test!;
  assertEquals(t.kind, "equivalence");
  assertAlmostEquals(t.margin!, 0.05 * r.theoryInter, 1e-15);
  assertEquals(t.seOver, "300 students");
  // At 300 students (relative SE about 2%) the two one-sided tests reject at 5% before Holm;
  // the default's 1,000 students resolve it after Holm.
  assert(pValues(t, t.estimate).reproduce < 0.05, by("thm41-mean").rule);
  assert(by("thm41-mean").verdict !== "differs");
  // The same claim with the simulation 20% off the closed form must differ.
  const off = claimMatches({
    section: "4.1",
    id: "x",
    claim: "x",
    paper: r.theoryInter,
    ours: 1.2 * r.theoryInter,
    se: t.se,
    seOver: t.seOver,
    margin: t.margin!,
    marginWhy: t.marginWhy!,
  });
  assertEquals(off.verdict, "differs");
  // Initialization: one-sided, shown positive with 6 networks.
  assertEquals(by("init-source").test!.direction, "greater");
  assertEquals(by("init-source").verdict, "reproduced");
  // Students narrower: the paired network − OLS training MSE on the same labels.
  const n = by("students-narrower").test!;
  assertEquals([n.kind, n.direction, n.seOver], [
    "direction",
    "less",
    "6 students, paired label sets",
  ]);
  assertEquals(n.estimate, r.nnMinusOls.mean);
  assert(r.nnMinusOls.se > 0);
});

Deno.test("a malformed configuration is refused before any work", async () => {
  await assertRejects(
    () => runProblemDefinition({ ...TINY, neuralStudents: 400 }),
    RangeError,
    "neuralStudents",
  );
  await assertRejects(() => runProblemDefinition({ ...TINY, epochs: 0 }), RangeError, "epochs");
});

Deno.test("the Section 2 figures match their snapshots", async () => {
  const r = await tiny();
  await assertSnapshot("02_students_and_teacher", studentsFigure(r).spec);
  await assertSnapshot("02_theorem41_per_input", theorem41Figure(r).spec);
  const bars = variancesFigure(r);
  assert(JSON.stringify(bars.spec).includes('"type":"log"'), "the bars use a log scale");
  await assertSnapshot("02_variance_by_source", bars.spec);
});
