/**
 * Notebook 02 itself (notebooks/02_problem_definition.ipynb), whose cells build every figure,
 * table and claim of Section 2:
 *
 * - its configuration literal equals the step module's `problemDefinitionConfig` at every scale
 *   (the cell is evaluated here, one module per scale), so the notebook and the tests and shards
 *   that call the step module cannot drift apart;
 * - run headless at smoke scale through the project's runner (tools/run_notebooks.ts, as CI's
 *   notebook step runs it; about 10 s), into a temporary folder: every Vega-Lite spec it exports
 *   matches its committed snapshot (tests/experiments/snapshots/02_*.vl.json, compared as
 *   tests/experiments/snapshot.ts compares figures; the run stamp in `usermeta.run` aside), its
 *   table is written, and its claims ledger has the shape the chapter states.
 *
 * The run needs a Python with nbclient and the Deno kernelspec. Without them that test is
 * ignored with the reason, except when CI=true, where it must run (as run_notebooks_test.ts).
 */
import { declaringCells } from "./notebook_cells.ts";
import { checkExports, jupyterProblem, runSmoke as runNotebookAtSmoke } from "./smoke_run.ts";
import { assert, assertEquals } from "../assert.ts";
import { problemDefinitionConfig } from "../../notebooks/02_problem_definition.ts";
import type { Claim } from "../../lib/report/claims.ts";
import type { Scale } from "../../lib/config.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NOTEBOOK = `${REPO}/notebooks/02_problem_definition.ipynb`;

/** The exported charts of the notebook, by export name. */
const CHARTS = ["02_students_and_teacher", "02_theorem41_per_input", "02_variance_by_source"];
/** The exported tables of the notebook, by export name. */
const TABLES = ["02_variance_decomposition"];

Deno.test("the configuration cell's literal is the step module's configuration at every scale", async () => {
  for (const scale of ["smoke", "default", "paper"] as Scale[]) {
    const mod = await declaringCells("02_problem_definition", ["config"], ["config"], scale);
    assertEquals(
      mod.config,
      problemDefinitionConfig(scale),
      `problemDefinitionConfig("${scale}")`,
    );
  }
});

const missing = await jupyterProblem();
const ignoreRun = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignoreRun) console.warn(`notebook 02 smoke run ignored: ${missing}`);

/** Run notebook 02 at smoke scale through the runner, writing its exports under `out`. */
function runSmoke(out: string): Promise<void> {
  return runNotebookAtSmoke(NOTEBOOK, out, ["KD_MERGED_PROBLEM_DEFINITION"]);
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
    const out = await Deno.makeTempDir({ prefix: "nb02_smoke_" });
    try {
      await runSmoke(out);
      const ledger = { claims: await checkExports(out, CHARTS, TABLES, "02_problem_definition") };
      checkLedger(ledger.claims as Claim[], out);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** The ledger's shape: what the chapter says of each kind of claim (smoke: 30 OLS, 8 networks). */
function checkLedger(claims: Claim[], out: string): void {
  assertEquals(claims.map((c) => c.id), [
    "total-variance",
    "thm41-mean",
    "thm41-per-input",
    "linear-own-variance",
    "init-source",
    "students-narrower",
  ]);
  // True by construction: shown, never counted, and holding.
  for (const id of ["total-variance", "thm41-per-input", "linear-own-variance"]) {
    const c = byId(claims, id);
    assertEquals(c.verdict, "identity check", id);
    assert(c.rule.startsWith("holds"), `${id}: ${c.rule}`);
    assertEquals(c.test, undefined, id);
  }
  // Theorem 4.1 averaged: an equivalence within 5% of the closed form, SE over the 30 students,
  // or no verdict when too weak at this scale (powerGuard).
  const thm = byId(claims, "thm41-mean");
  if (thm.verdict === "not testable here") assert(thm.rule.includes("underpowered"), thm.rule);
  else {
    assertEquals(thm.test?.kind, "equivalence");
    assert(Math.abs(thm.test!.margin! - 0.05 * Number(thm.paper)) <= 1e-12 * Number(thm.paper));
    assertEquals(thm.test!.seOver, "30 students");
  }
  // Initialization: one-sided, shown positive with 8 networks.
  const init = byId(claims, "init-source");
  assertEquals([init.test?.kind, init.test?.direction], ["direction", "greater"]);
  assertEquals(init.verdict, "reproduced");
  // Students narrower: the paired network − OLS training MSE on the same labels.
  const n = byId(claims, "students-narrower").test!;
  assertEquals([n.kind, n.direction, n.seOver], [
    "direction",
    "less",
    "8 students, paired label sets",
  ]);
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
