/**
 * Section 5.1 with language models, the step module's part
 * (notebooks/05_student_initialization_uncertainty.ts), on the tiny fixture setup
 * (tests/experiments/llm_fixture.ts): determinism, the students at s = 0, the streams per
 * student, the trends the notebook's claims test, and bad configurations. The notebook's
 * figures, table and claims are checked on its smoke run (05_notebook_test.ts).
 */
import {
  KEPT_FRACTION,
  runLlmInitialization,
} from "../../notebooks/05_student_initialization_uncertainty.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { TINY_CONFIGS, tinySetup } from "../experiments/llm_fixture.ts";

const TINY = TINY_CONFIGS.llm_initialization();
const quiet = { progress: false as const };
const setup = tinySetup();
const first = await runLlmInitialization(TINY, setup, quiet);

Deno.test("init rows are deterministic, and at s = 0 every student is the same network", async () => {
  const again = await runLlmInitialization(TINY, tinySetup(), quiet);
  const strip = (r: typeof first) => JSON.stringify({ ...r, seconds: 0, description: "" });
  assertEquals(strip(again), strip(first));
  const [l0, l1, l2] = first.levels;
  assertEquals(l0.paramVarBefore, 0);
  assertEquals(l0.paramVarAfter, 0);
  assertEquals(l0.inter.mean, 0);
  assertEquals(new Set(l0.trajectories.map((t) => t.join())).size, 1);
  // 4 pairs in batches of 2 for 2 epochs: 4 updates, plus the start
  assertEquals(l0.trajectories[0].length, 5);
  // the perturbation spreads the students before training, more at the larger scale;
  // relative noise: Var across students of p(1 + s·ε) is s²p², so the ratio is (0.2/0.05)² = 16
  assert(l1.paramVarBefore > 0);
  const ratio = l2.paramVarBefore / l1.paramVarBefore;
  assert(Math.abs(ratio - 16) < 1e-6 * 16, `ratio ${ratio}`);
  assertEquals(first.parameters > 0, true);
});

Deno.test("student k is the same at a level whatever the number of students", async () => {
  const more = await runLlmInitialization(
    { ...TINY, levels: [0.05, 0.2], students: 4 },
    tinySetup(),
    quiet,
  );
  assertEquals(more.levels[0].trajectories.slice(0, 3), first.levels[1].trajectories);
  assertEquals(
    more.levels[1].alignment.perStudent.slice(0, 3),
    first.levels[2].alignment.perStudent,
  );
});

Deno.test("bad configurations are named before any work", async () => {
  await assertRejects(
    () => runLlmInitialization({ ...TINY, students: 2 }, setup, quiet),
    RangeError,
    "config.students",
  );
  await assertRejects(
    () => runLlmInitialization({ ...TINY, levels: [0] }, setup, quiet),
    RangeError,
    "levels",
  );
  await assertRejects(
    () => runLlmInitialization({ ...TINY, track: { layer: 3, index: 0 } }, setup, quiet),
    RangeError,
    "track.layer",
  );
});

Deno.test("the trends the claims test: over students, the variance's over s > 0 only", () => {
  const [, l1, l2] = first.levels;
  // The variance trend over s > 0 (here s = 0.05 and 0.2), so the s = 0 point cannot carry it.
  const rises = first.trends.interPositive!;
  assertAlmostEquals(rises.slope, (l2.inter.mean - l1.inter.mean) / (l2.s - l1.s), 1e-9);
  assert(Number.isFinite(rises.se) && rises.se > 0, `jackknife SE ${rises.se}`);
  assertEquals(rises.z, rises.slope / rises.se);
  const al = first.trends.alignment.students;
  assert(Number.isFinite(al.se) && al.se > 0, `alignment SE over students ${al.se}`);
  // Distinct optima: after − ½ before at the largest s, with a jackknife SE over students.
  const kept = l2.paramVarKept;
  assertAlmostEquals(kept.value, l2.paramVarAfter - KEPT_FRACTION * l2.paramVarBefore, 1e-15);
  assertAlmostEquals(l2.paramVarGrowth.value, l2.paramVarAfter - l2.paramVarBefore, 1e-15);
  assert(kept.se > 0 && l2.paramVarGrowth.se > 0);
  assertEquals(first.tracked, { name: "h.0.attn.c_attn.w", index: 0 });
});
