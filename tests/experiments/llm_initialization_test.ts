import {
  llmInitializationClaims,
  llmInitializationFigure,
  llmInitializationTable,
  llmTrajectoryFigure,
  runLlmInitialization,
} from "../../lib/experiments/llm_initialization.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { KEPT_FRACTION } from "../../lib/experiments/student_initialization_claims.ts";
import { assertSnapshot } from "./snapshot.ts";
import { TINY_CONFIGS, tinySetup } from "./llm_fixture.ts";

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

Deno.test("claims, table and figure specs", async () => {
  const claims = llmInitializationClaims(first);
  assertEquals(claims.map((c) => c.id), [
    "lm-s0-identical",
    "lm-alignment-drops",
    "lm-variance-rises",
    "lm-distinct-optima",
  ]);
  assert(claims.every((c) => c.verdict !== "not testable here"));
  assert(claims.every((c) => c.evidence), "every claim names its evidence");
  // s = 0 is one network by design: an identity check, never counted.
  const s0 = claims[0];
  assertEquals(s0.verdict, "identity check");
  assert(s0.rule.startsWith("holds"), s0.rule);
  const test = (id: string) => claims.find((c) => c.id === id)!.test!;
  // The variance trend is fitted over s > 0 only (here s = 0.05 and 0.2), so the s = 0 point
  // cannot carry it; SEs over students.
  const [, l1, l2] = first.levels;
  const rises = test("lm-variance-rises");
  assertAlmostEquals(rises.estimate, (l2.inter.mean - l1.inter.mean) / (l2.s - l1.s), 1e-9);
  assertEquals([rises.kind, rises.direction], ["direction", "greater"]);
  assertEquals(test("lm-alignment-drops").direction, "less");
  assertEquals(test("lm-alignment-drops").se, first.trends.alignment.students.se);
  // Distinct optima: after − ½ before at the largest s, one-sided (can differ: pulled together).
  const kept = test("lm-distinct-optima");
  assertAlmostEquals(kept.estimate, l2.paramVarAfter - KEPT_FRACTION * l2.paramVarBefore, 1e-15);
  assertEquals(kept.direction, "greater");
  for (const id of ["lm-alignment-drops", "lm-variance-rises", "lm-distinct-optima"]) {
    assert(/3 students/.test(test(id).seOver), `${id}: ${test(id).seOver}`);
  }
  assertEquals(llmInitializationTable(first).rows.length, 3);
  await assertSnapshot("llm_initialization_figure", llmInitializationFigure(first).spec);
  await assertSnapshot("llm_trajectory_figure", llmTrajectoryFigure(first).spec);
});
