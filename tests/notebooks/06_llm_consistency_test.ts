/**
 * Section 6.2's step module (notebooks/06_llm_consistency.ts) on tiny models built here and a
 * hashing embedder (tests/experiments/llm_fixture.ts): the bit-identity of same-seed students,
 * the structure of the two arms, δ's definition on the rows, determinism of the rows, the
 * students' independence of their number, and bad configurations. The notebook's figure, table
 * and claims are checked on its smoke run (06_notebook_test.ts).
 */
import {
  consistencySummary,
  llmConsistencyConfig,
  llmConsistencySeconds,
  runLlmConsistency,
} from "../../notebooks/06_llm_consistency.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../assert.ts";
import { TINY_CONFIGS, tinySetup } from "../experiments/llm_fixture.ts";

/**
 * Batches of 2 over the 4 pairs, so the data order matters: it changes which
 * pairs share a batch (within one batch the order does not change the summed
 * gradient on the native engine).
 */
const tiny = TINY_CONFIGS.llm_consistency;

const quiet = { progress: false as const };
const setup = tinySetup();
const result = await runLlmConsistency(tiny(), setup, quiet);

Deno.test("students with the same data, order and init are bit-identical; another order is not", () => {
  const id = result.identity;
  assertEquals(id.differingSameOrder, 0);
  assert(id.differingOtherOrder > 0, "another data order must change some parameters");
  assert(id.parameters > 0);
});

Deno.test("the sampling-seed arm's seed 0 is the data-order arm's student 0 (same model, same draws)", () => {
  for (const T of tiny().temperatures) {
    const a = result.rows.find((r) =>
      r.arm === "data order" && r.student === 0 && r.temperature === T
    )!;
    const b = result.rows.find((r) =>
      r.arm === "sampling seed" && r.student === 0 && r.temperature === T
    )!;
    assertEquals(a, { ...b, arm: "data order" });
  }
  // one row per arm, student and temperature
  assertEquals(result.rows.length, 2 * 3 * 2);
  assertEquals(result.summaries.map((s) => `${s.temperature} ${s.arm}`), [
    "1 data order",
    "1 sampling seed",
    "2 data order",
    "2 sampling seed",
  ]);
});

Deno.test("δ is the teacher's per-answer variance minus the student's, averaged over prompts", () => {
  for (const s of result.summaries) {
    const rows = result.rows.filter((r) => r.arm === s.arm && r.temperature === s.temperature);
    for (const r of rows) assertAlmostEquals(r.delta, s.teacherVariance - r.variance, 1e-12);
    const mean = rows.reduce((a, r) => a + r.delta, 0) / rows.length;
    assertAlmostEquals(s.delta.mean, mean, 1e-12);
    assert(s.alignment.mean <= 1 + 1e-12 && s.inter.mean >= 0);
  }
});

Deno.test("the same seed gives identical rows and summaries", async () => {
  const again = await runLlmConsistency(tiny(), tinySetup(), quiet);
  assertEquals(again.rows, result.rows);
  assertEquals(again.summaries, result.summaries);
  assertEquals(again.baseAlignment, result.baseAlignment);
});

Deno.test("a student's rows do not depend on how many students the run has", async () => {
  const fewer = await runLlmConsistency({ ...tiny(), students: 2 }, tinySetup(), quiet);
  for (const arm of ["data order", "sampling seed"]) {
    const pick = (rows: typeof result.rows) => rows.filter((r) => r.arm === arm && r.student < 2);
    assertEquals(pick(fewer.rows), pick(result.rows));
  }
});

Deno.test("bad configurations are refused before any work, naming the field", async () => {
  await assertRejects(
    () => runLlmConsistency({ ...tiny(), students: 1 }, setup, quiet),
    RangeError,
    "config.students",
  );
  await assertRejects(
    () => runLlmConsistency({ ...tiny(), prompts: 99 }, setup, quiet),
    RangeError,
    "test questions",
  );
  await assertRejects(
    () => runLlmConsistency({ ...tiny(), temperatures: [0] }, setup, quiet),
    RangeError,
    "temperatures",
  );
});

Deno.test("lookup and expected time", () => {
  assertEquals(consistencySummary(result, "sampling seed", 2).temperature, 2);
  assertThrows(() => consistencySummary(result, "data order", 0.5), RangeError, "T = 0.5");
  assert(llmConsistencySeconds(llmConsistencyConfig("paper")) > llmConsistencySeconds(tiny()));
});
