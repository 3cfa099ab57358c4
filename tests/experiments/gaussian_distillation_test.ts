import {
  bridgeFigure,
  bridgeShares,
  digitsReliabilityFigure,
  gaussianDistillationClaims,
  type GaussianDistillationConfig,
  gaussianDistillationConfig,
  mixup,
  regressionScores,
  regressionTable,
  rotateDigits,
  runGaussianDistillation,
} from "../../lib/experiments/mod.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../assert.ts";
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

Deno.test("regressionScores reports in original units: RMSE and CRPS scale by s, NLL shifts by log s", () => {
  const p = { means: [0, 1, 0.5, 1.5], variances: [1, 1, 0.5, 0.5], components: 2 };
  const y = [0.2, 1.4];
  const a = regressionScores(p, y, 1), b = regressionScores(p, y, 3);
  assertAlmostEquals(b.rmse, 3 * a.rmse, 1e-12);
  assertAlmostEquals(b.crps, 3 * a.crps, 1e-12);
  assertAlmostEquals(b.nll, a.nll + Math.log(3), 1e-12);
  // RMSE of the mixture mean: means (0.25, 1.25) against (0.2, 1.4).
  assertAlmostEquals(a.rmse, Math.sqrt((0.05 ** 2 + 0.15 ** 2) / 2), 1e-12);
});

Deno.test("rotateDigits turns an 8 x 8 image by 90 degrees (four turns are the identity); mixup stays on segments", () => {
  const x = Float64Array.from({ length: 128 }, (_, i) => i);
  const once = rotateDigits(x, 2);
  assert(once[0 * 8 + 7] === x[0], "top-left goes to top-right");
  const four = rotateDigits(rotateDigits(rotateDigits(once, 2), 2), 2);
  assertEquals(Array.from(four), Array.from(x));
  const pts = Float64Array.of(0, 0, 1, 2);
  const mixed = mixup(pts, 2, 2, 50, new Rng(1));
  for (let k = 0; k < 50; k++) {
    // Every mixup point of (0, 0) and (1, 2) lies on the segment: y = 2x, 0 <= x <= 1.
    assertAlmostEquals(mixed[2 * k + 1], 2 * mixed[2 * k], 1e-12);
    assert(mixed[2 * k] >= 0 && mixed[2 * k] <= 1);
  }
});
