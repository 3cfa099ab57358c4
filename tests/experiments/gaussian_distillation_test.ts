import {
  bridgeFigure,
  bridgeShares,
  classificationReliabilityFigure,
  classificationTable,
  digitsReliabilityFigure,
  gaussianDistillationClaims,
  type GaussianDistillationConfig,
  gaussianDistillationConfig,
  mixup,
  regressionScores,
  regressionTable,
  rotateDigits,
  rotateImages,
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
    teacherLayers: 2,
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
    mnist: {
      ...c.mnist!,
      train: 120,
      test: 60,
      teachers: 2,
      teacherHidden: 4,
      teacherEpochs: 5,
      student: { hidden: 4, epochs: 5, lr: 0.01 },
      dlf: {
        ...c.mnist!.dlf,
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
    differences: r.differences,
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
  const methods = ["Teachers", "Standard KD", "small-Ens", "Hydra", "EnD²", "Proxy-EnD²", "DLF"];
  for (const ds of ["Digits", "MNIST"]) {
    const rows = a.classification!.filter((r) => r.dataset === ds);
    assertEquals(rows.map((r) => r.method), methods, ds);
    for (const r of rows) {
      for (const k of ["accuracySe", "nllSe", "eceSe", "oodAurocSe"] as const) {
        assert(Number.isFinite(r[k]) && r[k] >= 0, `${ds} ${r.method} ${k}`);
      }
    }
    // Every ordered pair of the six students, for ECE and AUROC.
    assertEquals(a.differences.filter((x) => x.dataset === ds).length, 6 * 5 * 2);
  }
  assertEquals(a.ablation.length, 4);
  // The teacher-depth check: both depths on every regression split, same split, finite RMSE.
  assertEquals(a.teacherDepth.map((r) => [r.split, r.layers]), [[0, 2], [0, 1], [1, 2], [1, 1]]);
  for (const r of a.teacherDepth) assert(Number.isFinite(r.rmse) && r.rmse > 0);
  // The main table's teachers are the two-layer ensemble (teacherLayers: 2).
  for (const split of [0, 1]) {
    const t = a.rows.find((r) => r.split === split && r.method === "Teachers")!;
    const d = a.teacherDepth.find((r) => r.split === split && r.layers === 2)!;
    assertAlmostEquals(t.rmse, d.rmse, 1e-9);
  }
  // Structural facts that hold at any scale: the single student has no spread at all, every
  // multi-member method has some; the single student's MI is 0 everywhere, so its AUROC is ½.
  const shares = bridgeShares(a.bridge);
  assertEquals(shares.find((s) => s.method === "Standard KD")!.share, 1);
  for (const m of ["small-Ens", "Hydra", "DEGU", "DLF"]) {
    assert(shares.find((s) => s.method === m)!.ratio > 0, m);
  }
  for (const r of a.classification!.filter((r) => r.method === "Standard KD")) {
    assertEquals(r.oodAuroc, 0.5, r.dataset);
    assertEquals(r.oodAurocSe, 0, r.dataset);
  }
  const claims = gaussianDistillationClaims(a);
  assertEquals(new Set(claims.map((c) => c.id)).size, claims.length, "claim ids are unique");
  assert(regressionTable(a).rows.length === 6);
  await assertSnapshot("08_bridge", bridgeFigure(a).spec);
  assert(claims.some((c) => c.id === "mnist-proxy-endd-ece"), "the Proxy-EnD² ECE claim is tested");
  assertEquals(classificationTable(a).rows.length, 2 * 7);
  await assertSnapshot("08_digits_reliability", digitsReliabilityFigure(a).spec);
  await assertSnapshot("08_mnist_reliability", classificationReliabilityFigure(a, "MNIST").spec);
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
  await assertRejects(
    () => runGaussianDistillation({ ...tiny(), teacherLayers: 3 as 2 }, quiet),
    RangeError,
    "teacherLayers must be 1 or 2",
  );
  await assertRejects(
    () => runGaussianDistillation({ ...tiny(), mnist: { ...tiny().mnist!, train: 70000 } }, quiet),
    RangeError,
    "mnist.train must be an integer in [10, 60000]",
  );
  await assertRejects(
    () => runGaussianDistillation({ ...tiny(), mnist: { ...tiny().mnist!, teachers: 1 } }, quiet),
    RangeError,
    "mnist.teachers must be >= 2",
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
  // A 3 x 3 image turned clockwise: the first row becomes the last column.
  assertEquals(Array.from(rotateImages(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 1, 3)), [
    7,
    4,
    1,
    8,
    5,
    2,
    9,
    6,
    3,
  ]);
  const pts = Float64Array.of(0, 0, 1, 2);
  const mixed = mixup(pts, 2, 2, 50, new Rng(1));
  for (let k = 0; k < 50; k++) {
    // Every mixup point of (0, 0) and (1, 2) lies on the segment: y = 2x, 0 <= x <= 1.
    assertAlmostEquals(mixed[2 * k + 1], 2 * mixed[2 * k], 1e-12);
    assert(mixed[2 * k] >= 0 && mixed[2 * k] <= 1);
  }
});
