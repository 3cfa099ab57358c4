/**
 * Notebook 07 itself (notebooks/07_variance_aware_distillation.ipynb), whose cells build every
 * figure, table and claim of Section 7:
 *
 * - its configuration literals equal the step module's `varianceAwareConfig` and
 *   `llmCorrectionsConfig` at every scale (the cells are evaluated here, one module per scale),
 *   so the notebook and the tests and shards that call the step module cannot drift apart;
 * - run headless at smoke scale through the project's runner (tools/run_notebooks.ts, as CI's
 *   notebook step runs it; about 30 s), into a temporary folder: every Vega-Lite spec it exports
 *   matches its committed snapshot (tests/experiments/snapshots/07_*.vl.json, compared as
 *   tests/experiments/snapshot.ts compares figures; the run stamp in `usermeta.run` aside), every
 *   table is written, and its claims ledger has the shape the chapter states.
 *
 * The run needs a Python with nbclient and the Deno kernelspec. Without them that test is
 * ignored with the reason, except when CI=true, where it must run (as run_notebooks_test.ts).
 */
import { declaringCells } from "./notebook_cells.ts";
import { checkExports, jupyterProblem, runSmoke as runNotebookAtSmoke } from "./smoke_run.ts";
import { assert, assertEquals } from "../assert.ts";
import { llmCorrectionsConfig } from "../../notebooks/07_llm_corrections.ts";
import { varianceAwareConfig } from "../../notebooks/07_variance_aware_distillation.ts";
import type { Claim } from "../../lib/report/claims.ts";
import type { Scale } from "../../lib/config.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NOTEBOOK = `${REPO}/notebooks/07_variance_aware_distillation.ipynb`;

/** The exported charts of the notebook, by export name. */
const CHARTS = [
  "07_theorem73_combination",
  "07_fig11_linear_test_mse",
  "07_fig11_nn_test_mse",
  "07_fig11_inter_student_variance",
  "07_table1_llm_corrections",
];
/** The exported tables of the notebook, by export name. */
const TABLES = [
  "07_theorem73_check",
  "07_theorem71_check",
  "07_table_test_mse",
  "07_table_label_error",
  "07_table_gains",
  "07_table1_llm_corrections",
  "07_table1_llm_labels",
  "07_table1_llm_paired_tests",
];

Deno.test("the configuration cells' literals are the step module's configurations at every scale", async () => {
  for (const scale of ["smoke", "default", "paper"] as Scale[]) {
    const mod = await declaringCells("07_variance_aware_distillation", ["config", "llmConfig"], [
      "config",
      "llmConfig",
    ], scale);
    assertEquals(mod.config, varianceAwareConfig(scale), `varianceAwareConfig("${scale}")`);
    assertEquals(mod.llmConfig, llmCorrectionsConfig(scale), `llmCorrectionsConfig("${scale}")`);
  }
});

const missing = await jupyterProblem();
const ignoreRun = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignoreRun) console.warn(`notebook 07 smoke run ignored: ${missing}`);

/** Run notebook 07 at smoke scale through the runner, writing its exports under `out`. */
function runSmoke(out: string): Promise<void> {
  return runNotebookAtSmoke(NOTEBOOK, out, ["KD_MERGED_VARIANCE_AWARE"]);
}

/** A claim of the ledger by id. */
function byId(claims: Claim[], id: string): Claim {
  const c = claims.find((x) => x.id === id);
  assert(c, `no claim ${id}`);
  return c;
}

Deno.test({
  name: "at smoke scale the notebook's specs match their snapshots, its tables are written, " +
    "and its ledger has the chapter's shape",
  ignore: ignoreRun,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "nb07_smoke_" });
    try {
      await runSmoke(out);
      const ledger = {
        claims: await checkExports(out, CHARTS, TABLES, "07_variance_aware_distillation"),
      };
      checkLedger(ledger.claims as Claim[], out);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** The ledger's shape: what the chapter says of each kind of claim (smoke: 2 LLM students). */
function checkLedger(claims: Claim[], out: string): void {
  assertEquals(new Set(claims.map((c) => c.id)).size, claims.length, "ids are unique");
  // True by construction: shown, never counted, and holding.
  const identities = [
    "7.1-label-noise",
    "7.1-test-mse",
    ...[0.25, 1, 4].flatMap((s) => [`7.3-weight-${s}`, `7.4-minimum-${s}`]),
    ...["linear", "nn"].flatMap((m) =>
      ["mse", "variance", "stable"].map((w) => `fig11-${m}-oracle-${w}`)
    ),
  ];
  for (const id of identities) {
    const c = byId(claims, id);
    assertEquals(c.verdict, "identity check", id);
    assert(c.rule.startsWith("holds"), `${id}: ${c.rule}`);
    assertEquals(c.test, undefined, id);
  }
  // Theorem 7.1 on the simulated students: equivalence within 10% of the closed form, or no
  // verdict when too weak at this scale (powerGuard).
  for (const id of ["7.1-parameter-covariance", "7.1-inter-student"]) {
    const c = byId(claims, id);
    if (c.verdict === "not testable here") assert(c.rule.includes("underpowered"), id);
    else {
      assertEquals(c.test?.kind, "equivalence", id);
      assert(Math.abs(c.test!.margin! - 0.1 * Number(c.paper)) <= 1e-12 * Number(c.paper), id);
      assert(c.test!.seOver.includes("100 runs"), id);
    }
  }
  // Figure 11's trends and Table 1's contrasts: one-sided tests.
  for (const id of ["fig11-linear-avg-variance", "fig11-linear-k2", "fig11-nn-honest-stable"]) {
    assertEquals(byId(claims, id).test?.kind, "direction", id);
  }
  assertEquals(byId(claims, "fig11-linear-avg-variance").verdict, "reproduced");
  const vw = byId(claims, "llm-variance-weighting-k-3-vs-averaging-k-3-cosine");
  assertEquals(vw.test?.kind, "direction");
  assertEquals(vw.paper, "largest and most consistent gains (0.353 vs 0.352)");
  assertEquals(
    vw.test?.seOver,
    "2 students, paired by data-order stream; SE widened so the normal test is a t test with 1 df",
  );
  // Table 1's levels are listed, not testable; the jackknife needs 3 students.
  assertEquals(byId(claims, "llm-single-response-systematic").verdict, "not testable here");
  assertEquals(byId(claims, "llm-direct-ft-r2").paper, 0.151);
  assertEquals(claims.find((c) => c.id === "llm-direct-ft-cosine"), undefined);
  const inter = byId(claims, "llm-averaging-k-3-vs-single-response-inter-student-variance");
  assert(inter.rule.includes("jackknife needs 3"), inter.rule);
  // Every claim with a verdict names an export the run wrote; every counted one records its test.
  for (const c of claims) {
    if (c.verdict === "not testable here") continue;
    assert(c.evidence, `${c.id} names no evidence`);
    const written = [".md", ".vl.json"].some((ext) => {
      try {
        return Deno.statSync(`${out}/${c.evidence}${ext}`).isFile;
      } catch {
        return false;
      }
    });
    assert(written, `${c.id}: evidence ${c.evidence} was not written`);
    if (c.verdict !== "identity check") assert(c.test, `${c.id} records its rule`);
  }
}
