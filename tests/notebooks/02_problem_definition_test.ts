/**
 * Section 2's step module (notebooks/02_problem_definition.ts) at a tiny seeded configuration:
 * the law of total variance and Theorem 4.1 against the simulation within stated multiples of the
 * Monte Carlo SE, initialization as a source, determinism across workers, and a malformed
 * configuration refused. The notebook's figures, table and claims are checked on its smoke run
 * (02_notebook_test.ts).
 */
import { bonferroniZ } from "../../lib/uncertainty/bonferroni.ts";
import {
  type ProblemDefinitionConfig,
  problemDefinitionConfig,
  type ProblemDefinitionResult,
  runProblemDefinition,
  worstInput,
} from "../../notebooks/02_problem_definition.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";

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

Deno.test("a malformed configuration is refused before any work", async () => {
  await assertRejects(
    () => runProblemDefinition({ ...TINY, neuralStudents: 400 }),
    RangeError,
    "neuralStudents",
  );
  await assertRejects(() => runProblemDefinition({ ...TINY, epochs: 0 }), RangeError, "epochs");
});
