/**
 * Section 7.3's experiment (notebook 07's Table 1) on tiny models built here
 * and a hashing embedder (tests/experiments/llm_fixture.ts): equal teacher
 * cost per k, the labels each method picks (checked against the text
 * averaging and variance weighting of lib/llm on the same draws), systematic
 * noise against Direct FT, determinism of the rows, the claims, and the
 * figure spec as a snapshot.
 */
import {
  armName,
  correctionComparison,
  correctionRow,
  correctionsFigure,
  correctionsLabelTable,
  correctionsTable,
  correctionsTestsTable,
  llmCorrectionsClaims,
  llmCorrectionsConfig,
  llmCorrectionsSeconds,
  runLlmCorrections,
  sampleDraws,
} from "../../lib/experiments/mod.ts";
import { cosine, textAverage, textVarianceWeighting } from "../../lib/llm/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
import { TINY_CONFIGS, tinySetup } from "./llm_fixture.ts";
import { assertSnapshot } from "./snapshot.ts";

/** Batches of 2 over the 4 pairs, so students differ in their data order. */
const tiny = TINY_CONFIGS.llm_corrections;

const quiet = { progress: false as const };
const setup = tinySetup();
const result = await runLlmCorrections(tiny(), setup, quiet);

Deno.test("the arms in table order, with equal teacher cost at each k and VW's student calls counted", () => {
  assertEquals(result.rows.map(armName), [
    "Direct FT",
    "Single response",
    "Multi-response k=2",
    "Averaging k=2",
    "Variance-weighting k=2",
    "Multi-response k=3",
    "Averaging k=3",
    "Variance-weighting k=3",
  ]);
  for (const k of [2, 3]) {
    const rows = result.rows.filter((r) => r.k === k);
    assertEquals(rows.map((r) => r.teacherCalls), [k, k, k]);
    assertEquals(rows.map((r) => r.studentCalls), [0, 0, k]);
    assertEquals(rows.map((r) => r.pairsPerQuestion), [k, 1, 1]);
  }
  assert(correctionRow(result, "Direct FT").uses.includes("ground truth"));
  assertEquals(result.rows.filter((r) => r.uses !== "").length, 1);
});

Deno.test("labels: Averaging and VW keep the draw lib/llm's text averaging and VW choose", async () => {
  const c = tiny();
  const qs = setup.qa.train.slice(0, c.trainQuestions).map((p) => p.question);
  const truths = await setup.embed(setup.qa.train.slice(0, c.trainQuestions).map((p) => p.answer));
  const t = setup.teacherAnswers(qs, { temperature: c.temperature, seed: c.seed, draws: 3 });
  const s = sampleDraws(setup.base, qs, {
    temperature: c.studentTemperature,
    seed: c.seed + 1,
    draws: 3,
    maxNewTokens: setup.maxNewTokens,
  });
  for (const k of [2, 3]) {
    let avg = 0, vw = 0;
    for (let i = 0; i < qs.length; i++) {
      const eT = await setup.embed(t.slice(0, k).map((d) => d[i]));
      const eS = await setup.embed(s.slice(0, k).map((d) => d[i]));
      avg += cosine(eT[textAverage(eT).index], truths[i]) / qs.length;
      vw += cosine(eT[textVarianceWeighting(eT, eS).index], truths[i]) / qs.length;
    }
    assertAlmostEquals(correctionRow(result, `Averaging k=${k}`).labelCosine.mean, avg, 1e-12);
    assertAlmostEquals(
      correctionRow(result, `Variance-weighting k=${k}`).labelCosine.mean,
      vw,
      1e-12,
    );
  }
  // Single response trains on draw 0; Direct FT on the truth itself.
  assertEquals(correctionRow(result, "Single response").example.label, t[0][0]);
  assertEquals(correctionRow(result, "Direct FT").labelCosine.mean, 1);
});

Deno.test("systematic noise is the arm's average noise minus Direct FT's", () => {
  const direct = correctionRow(result, "Direct FT");
  assertEquals(direct.systematic, null);
  for (const r of result.rows.slice(1)) {
    assertAlmostEquals(r.systematic!.mean, r.noise.mean - direct.noise.mean, 1e-12);
  }
  const cmp = correctionComparison(result, "Averaging k=3", "Single response", "noise");
  const a = correctionRow(result, "Averaging k=3").noise.perQuestion;
  const b = correctionRow(result, "Single response").noise.perQuestion;
  assertAlmostEquals(cmp.diff.mean, a.reduce((x, v, i) => x + v - b[i], 0) / a.length, 1e-12);
});

Deno.test("the same seed gives identical rows", async () => {
  const again = await runLlmCorrections(tiny(), tinySetup(), quiet);
  assertEquals(again.rows, result.rows);
  assertEquals(again.comparisons, result.comparisons);
});

Deno.test("claims: the paper's cosine for every arm it prints, and the paired claims per k", () => {
  const claims = llmCorrectionsClaims(result);
  const ids = claims.map((c) => c.id);
  assertEquals(new Set(ids).size, ids.length);
  // k = 3 is the paper's; k = 2 is not in Table 1.
  for (const a of ["direct-ft", "single-response", "averaging-k-3", "variance-weighting-k-3"]) {
    assert(ids.includes(`llm-${a}-cosine`), a);
  }
  assert(!ids.includes("llm-averaging-k-2-cosine"));
  assert(ids.includes("llm-averaging-k-3-vs-single-response-hallucination"));
  assert(ids.includes("llm-averaging-k-3-vs-averaging-k-2-cosine"));
});

Deno.test("bad configurations are refused before any work, naming the field", async () => {
  await assertRejects(
    () => runLlmCorrections({ ...tiny(), ks: [1] }, setup, quiet),
    RangeError,
    "config.ks",
  );
  await assertRejects(
    () => runLlmCorrections({ ...tiny(), noisePrompts: 9 }, setup, quiet),
    RangeError,
    "noisePrompts",
  );
});

Deno.test("tables and expected time", () => {
  assertEquals(correctionsTable(result).rows.length, 8);
  assertEquals(correctionsLabelTable(result).rows.length, 8);
  assertEquals(correctionsTestsTable(result).rows.length, result.comparisons.length);
  assert(llmCorrectionsSeconds(llmCorrectionsConfig("paper")) > llmCorrectionsSeconds(tiny()));
});

Deno.test("Table 1's figure spec matches its snapshot", async () => {
  await assertSnapshot("07_table1_llm_corrections", correctionsFigure(result).spec);
});
