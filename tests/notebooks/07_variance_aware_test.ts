/**
 * Section 7's step module (notebooks/07_variance_aware_distillation.ts) at a tiny seeded
 * configuration: the closed forms of Theorems 7.1 and 7.3-7.4 against the simulation within
 * stated multiples of the Monte Carlo SE, the qualitative results that are stable at this scale,
 * and determinism of the rows. The notebook's figures, tables and claims are checked on its smoke
 * run (07_notebook_test.ts).
 */
import {
  type Method,
  type MethodRow,
  METHODS,
  runVarianceAware,
  type VarianceAwareConfig,
  varianceAwareConfig,
} from "../../notebooks/07_variance_aware_distillation.ts";
import { runCombinationCheck } from "../../notebooks/07_combination.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";

/** Two noise levels, k up to 6 (the table's 3 plus the pilot's 3), 3 networks per cell. */
function tiny(): VarianceAwareConfig {
  const c = varianceAwareConfig("smoke");
  return {
    ...c,
    alphas: [0.01, 0.5],
    linear: { runs: 400, ks: [1, 2, 3, 6] },
    nn: { ...c.nn, runs: 3, ks: [1, 2, 3, 6] },
    combination: { ...c.combination, draws: 8000 },
    tableK: [1, 2, 3],
    labelK: 3,
  };
}

const config = tiny();
const quiet = { progress: false as const };
const result = await runVarianceAware(config, quiet);
const comb = await runCombinationCheck(config, quiet);

/** The row of one cell of the sweep. */
function methodRow(model: MethodRow["model"], alpha: number, k: number, method: Method): MethodRow {
  const r = result.rows.find((r) =>
    r.model === model && r.alpha === alpha && r.k === k && r.method === method
  );
  if (!r) throw new Error(`no ${model} row at alpha ${alpha}, k ${k}, ${method}`);
  return r;
}

Deno.test("Theorem 7.1: averaged linear students match the closed forms within 3 Monte Carlo SE", () => {
  const shrink = (config.linear.runs - 1) / config.linear.runs;
  for (const t of result.linearTheory.filter((t) => t.alpha === 0.5)) {
    const r = methodRow("linear", 0.5, t.k, "averaging");
    // Label noise: a mean of runs x n squared N(0, σ²/k) means, SE (σ²/k)·√(2 / (runs·n)).
    const labelSe = t.labelNoise * Math.sqrt(2 / (config.linear.runs * result.nTrain.linear));
    assert(Math.abs(r.labelError - t.labelNoise) < 3 * labelSe, `label noise at k = ${t.k}`);
    // Inter-student variance: SE from the spread over students (interStudentVariance).
    assert(
      Math.abs(r.inter - t.inter * shrink) < 3 * r.interSe,
      `inter-student variance at k = ${t.k}`,
    );
    // Trace of the slopes' covariance: Wishart SE √(2 tr(Σ²) / (S − 1)).
    const traceSe = Math.sqrt(2 * t.slopeTraceSquared / (config.linear.runs - 1));
    assert(Math.abs(t.slopeTraceSim - t.slopeTrace * shrink) < 3 * traceSe, `trace at k = ${t.k}`);
  }
});

Deno.test("averaging: the inter-student variance falls with k (linear and NN, k = 1 against 6)", () => {
  for (const model of ["linear", "NN"] as const) {
    const one = methodRow(model, 0.5, 1, "averaging");
    const six = methodRow(model, 0.5, 6, "averaging");
    // Conservative SE of the difference: the two share teacher draws (positively correlated).
    assert(one.inter - six.inter > 2 * Math.hypot(one.interSe, six.interSe), model);
  }
});

Deno.test("the reference VW with k = 1 is averaging; the honest variant is charged k + kPilot", () => {
  for (const model of ["linear", "NN"] as const) {
    const avg = methodRow(model, 0.5, 1, METHODS[0]);
    const ref = methodRow(model, 0.5, 1, METHODS[1]);
    // The weights are 1/(0 + 1e-8) on the mean and 1/(σ² + 1e-8) on the oracle: equal to ~1e-8.
    assertAlmostEquals(ref.labelError, avg.labelError, 1e-6 * avg.labelError);
    if (model === "linear") assertAlmostEquals(ref.mean, avg.mean, 1e-6 * avg.mean);
    assertEquals(methodRow(model, 0.5, 2, METHODS[2]).budget, 2 + config.kPilot);
  }
});

Deno.test("Theorems 7.3-7.4: optimal weight within 4 SE, minimum variance within 3 SE", () => {
  for (const o of comb.optima) {
    // The weight's SE comes from 20 batches (19 degrees of freedom): 4 SE is about the 99.9%
    // two-sided t quantile (3.88), where 3 would be only 99.3%.
    assert(
      Math.abs(o.weightSim - o.weightTheory) < 4 * o.weightSe,
      `weight, s²(S) = ${o.s2Student}`,
    );
    assert(
      Math.abs(o.minimumSim - o.minimumTheory) < 3 * o.minimumSe,
      `minimum, s²(S) = ${o.s2Student}`,
    );
    assert(o.ratio <= 1, "the minimum is below either variance alone");
  }
  assertEquals(comb.optima.find((o) => o.s2Student === 1)!.ratio, 0.5);
});

Deno.test("the same seed gives identical rows", async () => {
  const again = await runVarianceAware(config, quiet);
  assertEquals(again.rows, result.rows);
  assertEquals(again.linearTheory, result.linearTheory);
  assertEquals((await runCombinationCheck(config, quiet)).optima, comb.optima);
});

Deno.test("a bad configuration is refused before any work", async () => {
  await assertRejects(
    () => runVarianceAware({ ...config, nn: { ...config.nn, ks: [] } }, quiet),
    RangeError,
    "nn.ks",
  );
  await assertRejects(
    () => runCombinationCheck({ ...config, alphas: [] }, quiet),
    RangeError,
    "alphas",
  );
});
