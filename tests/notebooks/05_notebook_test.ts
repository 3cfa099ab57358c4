/**
 * Notebook 05 itself (notebooks/05_student_initialization_uncertainty.ipynb), whose cells build
 * every figure, table and claim of Section 5:
 *
 * - its configuration literals equal the step module's `studentInitializationConfig` and
 *   `llmInitializationConfig` at every scale (the cells are evaluated here, one module per scale),
 *   so the notebook and the tests and shards that call the step module cannot drift apart;
 * - run headless at smoke scale through the project's runner (tools/run_notebooks.ts, as CI's
 *   notebook step runs it; about 25 s), into a temporary folder: every Vega-Lite spec it exports
 *   matches its committed snapshot (tests/experiments/snapshots/05_*.vl.json, compared as
 *   tests/experiments/snapshot.ts compares figures; the run stamp in `usermeta.run` aside), every
 *   table is written, and its claims ledger has the shape the chapter states.
 *
 * The run needs a Python with nbclient and the Deno kernelspec. Without them that test is
 * ignored with the reason, except when CI=true, where it must run (as run_notebooks_test.ts).
 */
import { declaringCells } from "./notebook_cells.ts";
import { checkExports, jupyterProblem, runSmoke as runNotebookAtSmoke } from "./smoke_run.ts";
import { assert, assertEquals } from "../assert.ts";
import {
  llmInitializationConfig,
  studentInitializationConfig,
} from "../../notebooks/05_student_initialization_uncertainty.ts";
import type { Claim } from "../../lib/report/claims.ts";
import type { Scale } from "../../lib/config.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NOTEBOOK = `${REPO}/notebooks/05_student_initialization_uncertainty.ipynb`;

/** The exported charts of the notebook, by export name. */
const CHARTS = [
  "05_init_test_mse",
  "05_init_parameter_variance",
  "05_init_bias_trajectories",
  "05_init_bias_students",
  "05_fig6_llm_init",
  "05_fig12_llm_trajectories",
  "05_bootstrap_linear",
  "05_bootstrap_nn",
];
/** The exported tables of the notebook, by export name. */
const TABLES = [
  "05_init_summary",
  "05_llm_init_summary",
  "05_theorem51_check",
  "05_bootstrap_linear",
  "05_bootstrap_nn",
];

Deno.test("the configuration cells' literals are the step module's configurations at every scale", async () => {
  for (const scale of ["smoke", "default", "paper"] as Scale[]) {
    const mod = await declaringCells(
      "05_student_initialization_uncertainty",
      ["config", "lmConfig"],
      ["config", "lmConfig"],
      scale,
    );
    assertEquals(
      mod.config,
      studentInitializationConfig(scale),
      `studentInitializationConfig("${scale}")`,
    );
    assertEquals(
      mod.lmConfig,
      llmInitializationConfig(scale),
      `llmInitializationConfig("${scale}")`,
    );
  }
});

const missing = await jupyterProblem();
const ignoreRun = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignoreRun) console.warn(`notebook 05 smoke run ignored: ${missing}`);

/** Run notebook 05 at smoke scale through the runner, writing its exports under `out`. */
function runSmoke(out: string): Promise<void> {
  return runNotebookAtSmoke(NOTEBOOK, out, ["KD_MERGED_STUDENT_INITIALIZATION"]);
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
    const out = await Deno.makeTempDir({ prefix: "nb05_smoke_" });
    try {
      await runSmoke(out);
      const ledger = {
        claims: await checkExports(out, CHARTS, TABLES, "05_student_initialization_uncertainty"),
      };
      checkLedger(ledger.claims as Claim[], out);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** The ledger's shape: what the chapter says of each kind of claim (smoke: 8 students). */
function checkLedger(claims: Claim[], out: string): void {
  // The ledger's order: the parts of 5.1, 5.2, then the language models.
  assertEquals(claims.map((c) => c.id), [
    "nn-mean-mse-flat",
    "nn-var-mse-flat",
    "fixed-s0-identical",
    "fixed-var-mse-rises",
    "param-var-rises",
    "distinct-optima",
    "snapshot-param-var",
    "kaiming-param-var",
    "thm51-exact",
    "thm52-stated",
    "thm52-robust",
    "thm53",
    "nn-var-falls-b",
    "nn-var-falls-a",
    "nn-a-below-b",
    "lm-s0-identical",
    "lm-alignment-drops",
    "lm-variance-rises",
    "lm-distinct-optima",
  ]);
  // True by construction: shown, never counted, and holding.
  for (
    const id of [
      "fixed-s0-identical",
      "snapshot-param-var",
      "kaiming-param-var",
      "thm51-exact",
      "lm-s0-identical",
    ]
  ) {
    const c = byId(claims, id);
    assertEquals(c.verdict, "identity check", id);
    assert(c.rule.startsWith("holds"), `${id}: ${c.rule}`);
    assertEquals(c.test, undefined, id);
  }
  // "Flat" is equivalence of the slope to 0 within 10% of the level at s = 0 across s ≤ 0.4; the
  // theorems are equivalence within 10% of their value; a powerGuard may withhold a verdict.
  for (const [id, kind] of [["nn-mean-mse-flat", "no-effect"], ["thm53", "equivalence"]]) {
    const c = byId(claims, id);
    if (c.verdict === "not testable here") assert(c.rule.includes("underpowered"), id);
    else assertEquals(c.test?.kind, kind, id);
  }
  // Trends and contrasts: one-sided tests, SEs over students.
  for (const id of ["fixed-var-mse-rises", "distinct-optima", "nn-var-falls-b", "nn-a-below-b"]) {
    const t = byId(claims, id).test;
    assertEquals([t?.kind, t?.direction], ["direction", "greater"], id);
    assert(/students/.test(t!.seOver), `${id}: ${t!.seOver}`);
  }
  assertEquals(byId(claims, "lm-alignment-drops").test?.direction, "less");
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
