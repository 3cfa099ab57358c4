import {
  bridgeFigure,
  bridgeShares,
  digitsReliabilityFigure,
  gaussianDistillationClaims,
  type GaussianDistillationConfig,
  gaussianDistillationConfig,
  regressionTable,
  runGaussianDistillation,
} from "../../lib/experiments/mod.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

/** Smaller than smoke: seconds per run. */
function tiny(): GaussianDistillationConfig {
  const c = gaussianDistillationConfig("smoke");
  return {
    ...c,
    splits: 2,
    teachers: 3,
    teacherHidden: 8,
    teacherEpochs: 40,
    student: { hidden: 4, epochs: 40, lr: 0.01 },
    dlf: { ...c.dlf, q: 2, hidden: 4, epochs: 4, initEpochs: 2, meanWarmup: 5, members: 8 },
    ablationSplits: 1,
    classification: {
      ...c.classification!,
      teachers: 2,
      teacherHidden: 4,
      teacherEpochs: 10,
      student: { hidden: 4, epochs: 10, lr: 0.01 },
      dlf: {
        ...c.classification!.dlf,
        q: 2,
        hidden: 4,
        epochs: 1,
        initEpochs: 1,
        meanWarmup: 1,
        members: 4,
      },
    },
  };
}

const quiet = { progress: false as const };

Deno.test("notebook 08 at a tiny scale: deterministic rows, every method scored, figure specs", async () => {
  const a = await runGaussianDistillation(tiny(), quiet);
  const b = await runGaussianDistillation(tiny(), quiet);
  const strip = (r: typeof a) => ({
    rows: r.rows.map(({ seconds: _, ...x }) => x),
    cls: r.classification?.map(({ seconds: _, ...x }) => x),
    ablation: r.ablation,
    bridge: r.bridge,
  });
  assertEquals(strip(a), strip(b), "same seed, same rows");
  // Every method on every split, with finite scores.
  assertEquals(a.rows.length, 2 * 6);
  for (const r of a.rows) {
    for (const k of ["rmse", "nll", "crps", "coverage95"] as const) {
      assert(Number.isFinite(r[k]), `${r.method} ${k}`);
    }
  }
  assertEquals(a.classification!.map((r) => r.method), [
    "Teachers",
    "Standard KD",
    "small-Ens",
    "Hydra",
    "EnD²",
    "DLF",
  ]);
  assertEquals(a.ablation.length, 4);
  // Structural facts that hold at any scale: the single student has no spread at all, every
  // multi-member method has some; the single student's MI is 0 everywhere, so its AUROC is ½.
  const shares = bridgeShares(a.bridge);
  assertEquals(shares.find((s) => s.method === "Standard KD")!.share, 1);
  for (const m of ["small-Ens", "Hydra", "DEGU", "DLF"]) {
    assert(shares.find((s) => s.method === m)!.ratio > 0, m);
  }
  assertEquals(a.classification!.find((r) => r.method === "Standard KD")!.oodAuroc, 0.5);
  const claims = gaussianDistillationClaims(a);
  assertEquals(new Set(claims.map((c) => c.id)).size, claims.length, "claim ids are unique");
  assert(regressionTable(a).rows.length === 6);
  await assertSnapshot("08_bridge", bridgeFigure(a).spec);
  await assertSnapshot("08_digits_reliability", digitsReliabilityFigure(a).spec);
});

Deno.test("notebook 08: a bad configuration gets a named error before any work", async () => {
  await assertRejects(
    () => runGaussianDistillation({ ...tiny(), teachers: 1 }, quiet),
    RangeError,
    "teachers must be >= 2",
  );
  await assertRejects(
    () => runGaussianDistillation({ ...tiny(), dlf: { ...tiny().dlf, q: 0 } }, quiet),
    RangeError,
    "q must be an integer >= 1",
  );
});
