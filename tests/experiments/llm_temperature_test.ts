import {
  firstComponentScores,
  llmPredictiveFigure,
  llmTable2,
  llmTable5,
  llmTemperatureClaims,
  llmTemperatureFigure,
  noiseRegression,
  runLlmTemperature,
} from "../../lib/experiments/llm_temperature.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";
import { TINY_CONFIGS, tinySetup } from "./llm_fixture.ts";

const TINY = TINY_CONFIGS.llm_temperature();

const setup = tinySetup();
const quiet = { progress: false as const };
const first = await runLlmTemperature(TINY, setup, quiet);

Deno.test("temperature rows are deterministic: the same seed gives the same rows", async () => {
  const again = await runLlmTemperature(TINY, tinySetup(), quiet);
  const strip = (r: typeof first) => JSON.stringify({ ...r, seconds: 0, description: "" });
  assertEquals(strip(again), strip(first));
  assertEquals(first.arms.map((a) => a.temperature), [0.5, 1, 2]);
  for (const a of first.arms) {
    assertEquals(a.alignment.perStudent.length, 3);
    assertEquals(a.inter.perQuestion.length, 4);
    assertEquals(a.narrower.length, 3);
    assert(a.share.mean >= 0 && a.share.mean <= 1);
    // systematic noise is student minus Direct-FT noise, prompt by prompt
    const d = a.studentNoise.map((x, q) => x - first.direct.studentNoise[q]);
    assertAlmostEquals(a.systematic.mean, d.reduce((s, x) => s + x) / d.length, 1e-12);
  }
  assertEquals(first.predictive.teacher.length, 5);
  assertEquals(first.predictive.student.length, 5);
});

Deno.test("a student does not depend on the number of students (its own draws and order)", async () => {
  const more = await runLlmTemperature(
    { ...TINY, temperatures: [0.5, 1], students: 4 },
    tinySetup(),
    quiet,
  );
  // student 0's alignment per question at T = 0.5 and 1 is the same with 3 or 4 students
  for (let i = 0; i < 2; i++) {
    assertEquals(more.arms[i].alignment.perStudent.slice(0, 3), first.arms[i].alignment.perStudent);
  }
});

Deno.test("first principal component: scores of points on a line are their signed positions", () => {
  const pts = [-2, -1, 0, 1, 2].map((t) => [3 * t, 4 * t, 1]);
  const s = firstComponentScores(pts);
  const want = [-10, -5, 0, 5, 10];
  s.forEach((x, i) => assertAlmostEquals(Math.abs(x), Math.abs(want[i]), 1e-9));
  assertAlmostEquals(s[0] + s[4], 0, 1e-9);
});

Deno.test("bad configurations are named before any work", async () => {
  await assertRejects(
    () => runLlmTemperature({ ...TINY, students: 1 }, setup, quiet),
    RangeError,
    "config.students",
  );
  await assertRejects(
    () => runLlmTemperature({ ...TINY, evalQuestions: 9 }, setup, quiet),
    RangeError,
    "evalQuestions",
  );
  await assertRejects(
    () => runLlmTemperature({ ...TINY, noisePrompts: 4, evalQuestions: 3 }, setup, quiet),
    RangeError,
    "noisePrompts",
  );
  await assertRejects(
    () => runLlmTemperature({ ...TINY, predictiveTemperature: 1.5 }, setup, quiet),
    RangeError,
    "predictiveTemperature",
  );
});

Deno.test("claims, tables and figure specs", async () => {
  const claims = llmTemperatureClaims(first);
  assertEquals(claims.map((c) => c.id), [
    "llm-alignment",
    "llm-inter-flat",
    "llm-narrower",
    "appf-systematic-rises",
    "appf-transfer",
    "appf-systematic-positive",
  ]);
  assert(claims.every((c) => c.verdict !== "not testable here"));
  assertEquals(llmTable2(first).rows.length, 3);
  assertEquals(llmTable5(first).rows.length, 4);
  await assertSnapshot("llm_temperature_figure", llmTemperatureFigure(first).spec);
  await assertSnapshot("llm_predictive_figure", llmPredictiveFigure(first).spec);
});

Deno.test("Appendix F's regression: slope, SE and R² on constructed prompts", () => {
  const exact = noiseRegression([0.1, 0.2, 0.3, 0.4], [0.5, 0.7, 0.9, 1.1]);
  assertAlmostEquals(exact.slope, 2, 1e-12);
  assertAlmostEquals(exact.r2, 1, 1e-12);
  assertAlmostEquals(exact.seSlope, 0, 1e-6);
  // x = 0, 1, 2, 3; y = x + (1, −1, −1, 1): slope 1 (the residuals are orthogonal to x),
  // RSS 4, Sxx 5, Syy 9, so R² = 5/9 and SE = √(4/2/5)
  const noisy = noiseRegression([0, 1, 2, 3], [1, 0, 1, 4]);
  assertAlmostEquals(noisy.slope, 1, 1e-12);
  assertAlmostEquals(noisy.r2, 5 / 9, 1e-12);
  assertAlmostEquals(noisy.seSlope, Math.sqrt(0.4), 1e-12);
  assert(Number.isNaN(noiseRegression([1, 1], [0, 2]).slope));
});
