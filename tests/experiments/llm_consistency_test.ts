/**
 * Section 6.2's experiment (notebook 06's language-model part) on tiny
 * models built here and a hashing embedder (tests/experiments/llm_fixture.ts):
 * the bit-identity of same-seed students, the structure of the two arms,
 * δ's definition on the rows, determinism of the rows, the claims, and the
 * figure spec as a snapshot.
 */
import {
  consistencyFigure,
  consistencySummary,
  consistencyTable,
  llmConsistencyClaims,
  llmConsistencyConfig,
  llmConsistencySeconds,
  runLlmConsistency,
} from "../../lib/experiments/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { TINY_CONFIGS, tinySetup } from "./llm_fixture.ts";
import { assertSnapshot } from "./snapshot.ts";

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

Deno.test("claims: per temperature, each SE over students, the identity apart", () => {
  const claims = llmConsistencyClaims(result);
  const per = ["alignment-high", "inter-student-tiny", "delta-negative", "delta-negligible"];
  assertEquals(claims.map((c) => c.id), [
    ...per.map((k) => `llm-${k}-T1`),
    ...per.map((k) => `llm-${k}-T2`),
    "llm-same-seed-identical",
  ]);
  // Bit-identical students by design: an identity check, never counted as reproduced.
  assertEquals(claims[8].verdict, "identity check");
  assert(claims[8].rule.startsWith("holds"), claims[8].rule);
  for (const T of [1, 2]) {
    const rows = result.rows.filter((r) => r.arm === "data order" && r.temperature === T);
    const d = rows.map((r) => r.delta);
    const m = d.reduce((a, b) => a + b, 0) / d.length;
    const se = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1) / d.length);
    for (const id of [`llm-delta-negative-T${T}`, `llm-delta-negligible-T${T}`]) {
      const c = claims.find((x) => x.id === id)!;
      assert(c.test, id);
      // δ of this temperature alone, SE over the 3 students (not over prompts, not pooled over T).
      assertAlmostEquals(c.test.estimate, m, 1e-12);
      assertAlmostEquals(c.test.se, se, 1e-12);
      assertEquals(c.test.seOver, "3 students (data order)");
      assertEquals(c.evidence, "06_fig10_llm_consistency_table");
    }
    const neg = claims.find((x) => x.id === `llm-delta-negligible-T${T}`)!.test!;
    const tv = consistencySummary(result, "data order", T).teacherVariance;
    assertAlmostEquals(neg.margin!, 0.1 * tv, 1e-15);
    assertEquals(claims.find((x) => x.id === `llm-delta-negative-T${T}`)!.test!.direction, "less");
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

Deno.test("table, lookup and expected time", () => {
  assertEquals(consistencyTable(result).rows.length, 4);
  assertEquals(consistencySummary(result, "sampling seed", 2).temperature, 2);
  assert(llmConsistencySeconds(llmConsistencyConfig("paper")) > llmConsistencySeconds(tiny()));
});

Deno.test("Figure 10's spec matches its snapshot", async () => {
  await assertSnapshot("06_fig10_llm_consistency", consistencyFigure(result).spec);
});
