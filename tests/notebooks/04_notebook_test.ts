/**
 * Notebook 04 itself (notebooks/04_teacher_output_uncertainty.ipynb), whose cells build every
 * figure, table and claim of Section 4:
 *
 * - its configuration literals equal the step modules' `teacherOutputConfig` and
 *   `llmTemperatureConfig` at every scale (the cells are evaluated here, one module per scale),
 *   so the notebook and the tests and shards that call the step modules cannot drift apart;
 * - run headless at smoke scale through the project's runner (tools/run_notebooks.ts, as CI's
 *   notebook step runs it; about 40 s), into a temporary folder: every Vega-Lite spec it exports
 *   matches its committed snapshot (tests/experiments/snapshots/04_*.vl.json, compared as
 *   tests/experiments/snapshot.ts compares figures; the run stamp in `usermeta.run` aside), every
 *   table is written, and its claims ledger has the shape the chapter states, each rule able to
 *   go the other way.
 *
 * The run needs a Python with nbclient and the Deno kernelspec. Without them that test is
 * ignored with the reason, except when CI=true, where it must run (as run_notebooks_test.ts).
 */
import { declaringCells } from "./notebook_cells.ts";
import { checkExports, jupyterProblem, runSmoke as runNotebookAtSmoke } from "./smoke_run.ts";
import { assert, assertEquals } from "../assert.ts";
import { teacherOutputConfig } from "../../notebooks/04_teacher_output_uncertainty.ts";
import { llmTemperatureConfig } from "../../notebooks/04_llm_temperature.ts";
import type { Claim } from "../../lib/report/claims.ts";
import { decideAll } from "../../lib/report/claim_rules.ts";
import type { Scale } from "../../lib/config.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NOTEBOOK = `${REPO}/notebooks/04_teacher_output_uncertainty.ipynb`;

/** The exported charts of the notebook, by export name. */
const CHARTS = [
  "04_fig2_mean_test_mse",
  "04_fig2_variance_of_test_mse",
  "04_fig2_inter_student_variance",
  "04_fig4ab_llm_temperature",
  "04_fig4c_llm_predictive",
  "04_table2_narrower_share",
];
/** The exported tables of the notebook, by export name. */
const TABLES = ["04_curvature_tests", "04_table2_llm_narrower", "04_table5_noise_transfer"];

Deno.test("the configuration cells' literals are the step modules' configurations at every scale", async () => {
  for (const scale of ["smoke", "default", "paper"] as Scale[]) {
    const mod = await declaringCells("04_teacher_output_uncertainty", ["config", "llmConfig"], [
      "config",
      "llmConfig",
    ], scale);
    assertEquals(mod.config, teacherOutputConfig(scale), `teacherOutputConfig("${scale}")`);
    assertEquals(mod.llmConfig, llmTemperatureConfig(scale), `llmTemperatureConfig("${scale}")`);
  }
});

const missing = await jupyterProblem();
const ignoreRun = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignoreRun) console.warn(`notebook 04 smoke run ignored: ${missing}`);

/** Run notebook 04 at smoke scale through the runner, writing its exports under `out`. */
function runSmoke(out: string): Promise<void> {
  return runNotebookAtSmoke(NOTEBOOK, out, [
    "KD_MERGED_TEACHER_OUTPUT",
    "KD_MERGED_LLM_TEMPERATURE",
  ]);
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
    const out = await Deno.makeTempDir({ prefix: "nb04_smoke_" });
    try {
      await runSmoke(out);
      const ledger = {
        claims: await checkExports(out, CHARTS, TABLES, "04_teacher_output_uncertainty"),
      };
      checkLedger(ledger.claims as Claim[], out);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** The ids of the ledger, in its order: Sections 4.1-4.2, then 4.3 at the smoke temperatures. */
function ledgerIds(): string[] {
  const Ts = [0.5, 0.8, 1, 1.2, 1.5, 2];
  return [
    ...["thm41", "thm42", "thm43", "thm41-slope", "linear-inter-linear", "linear-varmse-linear"],
    ...["neural-inter-superlinear", "neural-varmse-superlinear", "linear-mse-monotone"],
    ...["neural-mse-monotone", "llm-alignment", "llm-inter-flat"],
    ...Ts.map((t) => `llm-narrower-T${t}`),
    ...["appf-slope-direct", "appf-r2-direct", "appf-slope-T0.5", "appf-r2-T0.5", "appf-slope-T1"],
    ...["appf-r2-T1", "appf-r2-T1.2", "appf-slope-T2", "appf-r2-T2", "appf-average-levels"],
    "appf-systematic-levels",
    ...Ts.flatMap((t) => [`appf-systematic-positive-T${t}`, `appf-transfer-T${t}`]),
    ...["appf-systematic-rises", "appf-slope-falls", "appf-r2-falls"],
  ];
}

/** The ledger's shape: what the chapter says of each kind of claim (smoke scale). */
function checkLedger(claims: Claim[], out: string): void {
  assertEquals(claims.map((c) => c.id), ledgerIds());
  // Theorems: equivalence of the mean ratio sim / theory to 1 within 5%; 15% off would differ.
  for (const id of ["thm41", "thm42", "thm43"]) {
    const t = byId(claims, id).test!;
    assertEquals([t.kind, t.reference, t.margin], ["equivalence", 1, 0.05], id);
    assertEquals(t.seOver, "50 students per level, 14 independent levels");
    assert(byId(claims, id).verdict !== "differs", byId(claims, id).rule);
    assertEquals(decideAll([{ ...t, estimate: 1.15 }])[0].verdict, "differs", id);
  }
  // "Linear": the curvature's share at the largest σ² within 10%; twice the margin would differ.
  // At smoke scale (50 students per level) the margin may be too small against its SE: then the
  // rule is withheld as underpowered, naming the margin.
  for (const id of ["linear-inter-linear", "linear-varmse-linear"]) {
    const c = byId(claims, id), lin = c.test;
    if (!lin) {
      assertEquals(c.verdict, "not testable here", id);
      assert(c.rule.startsWith("underpowered") && c.rule.includes("margin 0.1 "), c.rule);
      continue;
    }
    assertEquals([lin.kind, lin.margin], ["no-effect", 0.1]);
    const bent = { ...lin, estimate: 2 * 0.1 + 5 * lin.se };
    assertEquals(decideAll([bent])[0].verdict, "differs");
  }
  // Super-linear, monotone, the trends in T and the contrasts: one-sided tests.
  for (const id of ["neural-inter-superlinear", "linear-mse-monotone", "neural-mse-monotone"]) {
    const t = byId(claims, id).test!;
    assertEquals([t.kind, t.direction], ["direction", "greater"], id);
  }
  // Monotone: a falling step shown would differ (intersection-union on the smallest z).
  const mono = byId(claims, "linear-mse-monotone").test!;
  assertEquals(decideAll([{ ...mono, estimate: -5 * mono.se }])[0].verdict, "differs");
  checkLlmClaims(claims);
  // Every claim with a verdict names an export the run wrote; every counted one records its test.
  for (const c of claims) {
    if (c.verdict === "not testable here") continue;
    assert(c.evidence?.startsWith("04_"), `${c.id} names its evidence`);
    const written = [".md", ".vl.json"].some((ext) => {
      try {
        return Deno.statSync(`${out}/${c.evidence}${ext}`).isFile;
      } catch {
        return false;
      }
    });
    assert(written, `${c.id}: evidence ${c.evidence} was not written`);
    assert(c.test, `${c.id} records its rule`);
  }
}

/** Section 4.3's claims: SEs over students, Table 5's levels untested, Table 2 and 5's rules. */
function checkLlmClaims(claims: Claim[]): void {
  for (const c of claims.filter((c) => c.id.startsWith("llm-") || c.id.startsWith("appf-"))) {
    if (!c.test) continue;
    // Every SE is over students, never over prompts or pooled prompt × T cells.
    assert(/students/.test(c.test.seOver) && !/prompt/.test(c.test.seOver), c.test.seOver);
  }
  for (const id of ["appf-average-levels", "appf-systematic-levels"]) {
    assertEquals(byId(claims, id).verdict, "not testable here", id);
  }
  const n05 = byId(claims, "llm-narrower-T0.5");
  assertEquals(n05.paper, "99.96%");
  if (n05.test) {
    assertEquals([n05.test.kind, n05.test.direction, n05.test.seOver], [
      "direction",
      "greater",
      "2 sampled students",
    ]);
  }
  const s1 = byId(claims, "appf-slope-T1");
  if (s1.test) assertEquals([s1.test.kind, s1.test.margin], ["equivalence", 0.5 * 0.182]);
  assertEquals(byId(claims, "llm-alignment").test?.direction ?? "less", "less");
  assertEquals(byId(claims, "appf-r2-falls").test?.direction ?? "less", "less");
}
