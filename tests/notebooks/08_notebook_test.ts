/**
 * Notebook 08 itself (notebooks/08_gaussian_distillation.ipynb), whose cells build every figure,
 * table and claim of the Gaussian-distillation chapter:
 *
 * - its configuration literals equal the step module's `gaussianDistillationConfig` at every
 *   scale (the cells are evaluated here, one module per scale), so the notebook and the tests
 *   and shards that call the step module cannot drift apart;
 * - run headless at smoke scale through the project's runner (tools/run_notebooks.ts, as CI's
 *   notebook step runs it; about 20 s), into a temporary folder: every Vega-Lite spec it exports
 *   matches its committed snapshot (tests/experiments/snapshots/08_*.vl.json, compared as
 *   tests/experiments/snapshot.ts compares figures; the run stamp in `usermeta.run` aside), every
 *   table is written, and its claims ledger has the shape the chapter states.
 *
 * The run needs a Python with nbclient and the Deno kernelspec. Without them that test is
 * ignored with the reason, except when CI=true, where it must run (as run_notebooks_test.ts).
 */
import { declaringCells } from "./notebook_cells.ts";
import { checkExports, jupyterProblem, runSmoke as runNotebookAtSmoke } from "./smoke_run.ts";
import { assert, assertEquals } from "../assert.ts";
import { gaussianDistillationConfig } from "../../notebooks/08_gaussian_distillation.ts";
import type { Claim } from "../../lib/report/claims.ts";
import type { Scale } from "../../lib/config.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NOTEBOOK = `${REPO}/notebooks/08_gaussian_distillation.ipynb`;

/** The exported charts of the notebook, by export name. */
const CHARTS = [
  "08_boston_rmse",
  "08_teachers_scores",
  "08_pit",
  "08_bridge",
  "08_design_points_rmse",
  "08_init_ablation",
  "08_sizes",
  "08_digits_reliability",
  "08_mnist_reliability",
  "08_shift",
];
/** The exported tables of the notebook, by export name. */
const TABLES = [
  "08_regression",
  "08_teachers",
  "08_regression_splits",
  "08_design_points",
  "08_teacher_depth",
  "08_classification",
  "08_budgets",
  "08_sizes",
  "08_paired_contrasts",
  "08_shift_scores",
  "08_shift_replicates",
];

Deno.test("the configuration cells' literals are the step module's configuration at every scale", async () => {
  for (const scale of ["smoke", "default", "paper"] as Scale[]) {
    const mod = await declaringCells(
      "08_gaussian_distillation",
      ["dlf", "digits", "mnist", "config"],
      ["config"],
      scale,
    );
    assertEquals(mod.config, gaussianDistillationConfig(scale), `config at ${scale}`);
  }
});

const missing = await jupyterProblem();
const ignoreRun = missing !== undefined && Deno.env.get("CI") !== "true";
if (ignoreRun) console.warn(`notebook 08 smoke run ignored: ${missing}`);

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
    const out = await Deno.makeTempDir({ prefix: "nb08_smoke_" });
    try {
      await runNotebookAtSmoke(NOTEBOOK, out, ["KD_MERGED_GAUSSIAN_DISTILLATION"]);
      const ledger = {
        claims: await checkExports(out, CHARTS, TABLES, "08_gaussian_distillation"),
      };
      checkLedger(ledger.claims as Claim[], out);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** The ledger's shape: what the chapter says of each kind of claim (smoke: 2 splits, 1 ablation). */
function checkLedger(claims: Claim[], out: string): void {
  assertEquals(claims.map((c) => c.id), [
    "boston-teachers-rmse",
    "boston-teachers-nll",
    "boston-teachers-crps",
    "boston-teachers-coverage95",
    "boston-rmse-dlf-over-teachers",
    "boston-rmse-hydra-over-teachers",
    "boston-rmse-dlf-vs-hydra",
    "boston-nll-smallens-vs-dlf",
    "boston-spread-dlf-vs-hydra",
    "boston-spread-dlf-vs-smallens",
    "bridge-kd-collapses",
    "ablation-fresh-data",
    "ablation-teacher-data",
    "ablation-mixup-of-teacher-data",
    "ablation-mixup-of-fresh-data",
    "ablation-fresh-vs-teacher-data",
    "ablation-mixup-teacher-vs-teacher-data",
    "boston-nll-mmd-vs-random-init",
    "boston-rmse-mmd-vs-random-init",
    "dlf-lowest-ece",
    "dlf-highest-ood",
    "digits-proxy-endd-ece",
    "digits-proxy-endd-ood",
    "mnist-proxy-endd-ece",
    "mnist-proxy-endd-ood",
    ...["smallens", "hydra", "end2", "proxyend2"].flatMap((b) =>
      ["nll", "ece"].map((m) => `mnist-shift-${m}-dlf-vs-${b}`)
    ),
  ]);
  // Standard KD's collapse holds by construction: shown, never counted.
  const kd = byId(claims, "bridge-kd-collapses");
  assertEquals(kd.verdict, "identity check");
  assert(kd.rule.startsWith("holds"), kd.rule);
  // Fewer than 5 splits (smoke: 2 Boston splits, 1 ablation split): no verdict, ours in the reason.
  for (const c of claims.filter((c) => /^(boston|ablation)-/.test(c.id))) {
    assertEquals(c.verdict, "not testable here", c.id);
    assert(c.rule.includes("fewer than 5") && c.rule.includes("ours "), `${c.id}: ${c.rule}`);
  }
  // The shift's replicates (smoke: 2) are too few for a verdict; ours is in the reason.
  for (const c of claims.filter((c) => c.id.startsWith("mnist-shift-"))) {
    assertEquals(c.verdict, "not testable here", c.id);
    assert(c.rule.includes("2 replicates, fewer than 5") && c.rule.includes("ours "), c.rule);
  }
  // The paper's per-set image rankings are on sets we do not run.
  for (const id of ["dlf-lowest-ece", "dlf-highest-ood"]) {
    assertEquals(byId(claims, id).verdict, "not testable here", id);
  }
  // Proxy-EnD² − DLF: one-sided, paired bootstrap over test images, worded as the paper states.
  for (const ds of ["digits", "mnist"]) {
    for (const [m, direction] of [["ece", "less"], ["ood", "greater"]]) {
      const c = byId(claims, `${ds}-proxy-endd-${m}`);
      if (c.verdict === "not testable here") continue;
      assertEquals([c.test?.kind, c.test?.direction], ["direction", direction], c.id);
      assert(c.test!.seOver.includes("paired bootstrap"), c.test!.seOver);
    }
  }
  assert(byId(claims, "mnist-proxy-endd-ood").claim.includes("CIFAR-100 and Tiny ImageNet"));
  assert(byId(claims, "mnist-proxy-endd-ece").claim.includes("not on Tiny ImageNet"));
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
