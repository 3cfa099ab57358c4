/**
 * Notebook 06 itself (notebooks/06_student_output_uncertainty.ipynb), whose cells build every
 * figure, table and claim of Section 6:
 *
 * - its configuration literals equal the step modules' `studentOutputConfig` and
 *   `llmConsistencyConfig` at every scale (the cells are evaluated here, one module per scale),
 *   so the notebook and the tests and shards that call the step modules cannot drift apart;
 * - run headless at smoke scale through the project's runner (tools/run_notebooks.ts, as CI's
 *   notebook step runs it; about 40 s), into a temporary folder: every Vega-Lite spec it exports
 *   matches its committed snapshot (tests/experiments/snapshots/06_*.vl.json, compared as
 *   tests/experiments/snapshot.ts compares figures; the run stamp in `usermeta.run` aside), every
 *   table is written, and its claims ledger has the shape the chapter states.
 *
 * The run needs a Python with nbclient and the Deno kernelspec. Without them that test is
 * ignored with the reason, except when CI=true, where it must run (as run_notebooks_test.ts).
 */
import { checkExports, jupyterProblem, runSmoke } from "./smoke_run.ts";
import { cellDeclaring, codeCells, evaluateCells } from "./notebook_cells.ts";
import { assert, assertEquals } from "../assert.ts";
import { studentOutputConfig } from "../../notebooks/06_student_output_uncertainty.ts";
import { llmConsistencyConfig } from "../../notebooks/06_llm_consistency.ts";
import type { Claim } from "../../lib/report/claims.ts";
import type { Scale } from "../../lib/config.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NAME = "06_student_output_uncertainty";

/** The exported charts of the notebook, by export name. */
const CHARTS = [
  "06_fig9_entropy_logistic",
  "06_fig9_entropy_nn",
  "06_reliability_logistic",
  "06_reliability_nn",
  "06_fig10_llm_consistency",
];
/** The exported tables of the notebook, by export name. */
const TABLES = [
  "06_table3_logistic",
  "06_table4_nn",
  "06_entropy_comparison",
  "06_investigation",
  "06_paired_tests",
  "06_fig10_llm_consistency_table",
];

Deno.test("the configuration cells' literals are the step modules' configurations at every scale", async () => {
  // The cells up to the language-model configuration: the scale, the variants, the data sets,
  // the configuration of 6.1, that of 6.2.
  const cells = codeCells(NAME);
  const upTo = cells.slice(0, cellDeclaring(cells, "llmConfig") + 1);
  for (const scale of ["smoke", "default", "paper"] as Scale[]) {
    const mod = await evaluateCells(upTo, ["config", "llmConfig"], scale);
    assertEquals(mod.config, studentOutputConfig(scale), `studentOutputConfig("${scale}")`);
    assertEquals(mod.llmConfig, llmConsistencyConfig(scale), `llmConsistencyConfig("${scale}")`);
  }
});

const missing = await jupyterProblem();
const ignoreRun = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignoreRun) console.warn(`notebook 06 smoke run ignored: ${missing}`);

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
    const out = await Deno.makeTempDir({ prefix: "nb06_smoke_" });
    try {
      const unset = ["KD_MERGED_STUDENT_OUTPUT", "KD_MERGED_LLM_CONSISTENCY"];
      await runSmoke(`${REPO}/notebooks/${NAME}.ipynb`, out, unset);
      const ledger = { claims: await checkExports(out, CHARTS, TABLES, NAME) };
      checkLedger(ledger.claims as Claim[], out);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** The ledger's shape at smoke: 10 pairs (MNIST and Covertype subsampled), 3 runs, T = 1. */
function checkLedger(claims: Claim[], out: string): void {
  assertEquals(new Set(claims.map((c) => c.id)).size, claims.length, "unique ids");
  // Per pair: the test-set size and 2 accuracies, then 6 entropy cells, 3 teacher-student
  // contrasts; then per temperature 4 language-model claims and the bit-identity.
  assertEquals(claims.length, 10 * 12 + 4 + 1);
  assertEquals(claims.slice(0, 3).map((c) => c.id), [
    "wine-logistic-test-size",
    "wine-logistic-teacher-accuracy",
    "wine-logistic-student-accuracy",
  ]);
  assertEquals(claims.filter((c) => /-entropy-(all|correct|incorrect)$/.test(c.id)).length, 60);
  assertEquals(claims.filter((c) => c.id.includes("-teacher-student-")).length, 30);
  assertEquals(claims.slice(-5).map((c) => c.id), [
    "llm-alignment-high-T1",
    "llm-inter-student-tiny-T1",
    "llm-delta-negative-T1",
    "llm-delta-negligible-T1",
    "llm-same-seed-identical",
  ]);
  // True by construction: the small sets' test-set sizes and the same-seed students.
  const identities = claims.filter((c) => c.verdict === "identity check").map((c) => c.id);
  assertEquals(identities.length, 7, `${identities}`);
  assertEquals(byId(claims, "digits-nn-test-size").ours, 360);
  assertEquals(byId(claims, "llm-same-seed-identical").ours, 0);
  // The subsampled sets get no verdict, and say why.
  for (const c of claims.filter((c) => /^(mnist|covertype)-/.test(c.id))) {
    assertEquals(c.verdict, "not testable here", c.id);
    assert(c.rule.includes("1000 rows"), `${c.id}: ${c.rule}`);
  }
  // Every tested claim: its rule recorded, the SE over runs (6.1) or students and prompts (6.2).
  for (const c of claims.filter((c) => c.test)) {
    const unit = c.section === "6.2" ? /students|prompts/ : /runs \(init x split seeds\)/;
    assert(unit.test(c.test!.seOver), `${c.id}: ${c.test!.seOver}`);
  }
  const entropy = claims.find((c) => c.id === "wine-nn-teacher-entropy-all")!;
  if (entropy.test) assertEquals(entropy.test.margin, 0.2 * 0.070);
  for (
    const [id, direction] of [["llm-alignment-high-T1", "greater"], [
      "llm-delta-negative-T1",
      "less",
    ]]
  ) {
    const c = byId(claims, id);
    if (c.test) assertEquals(c.test.direction, direction, id);
  }
  // Every claim with a verdict names an export the run wrote.
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
  }
}
