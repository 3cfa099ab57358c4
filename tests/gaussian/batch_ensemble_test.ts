/**
 * BE, BatchEnsemble distilled from a teacher ensemble (lib/gaussian/batch_ensemble.ts): its loss
 * gradient against central differences, each member learning its own teacher, bad input.
 */
import {
  batchEnsembleLayout,
  batchEnsembleLoss,
  distillBatchEnsemble,
} from "../../lib/gaussian/batch_ensemble.ts";
import { ensembleMean } from "../../lib/gaussian/baselines.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

Deno.test("batchEnsembleLoss: its gradient in every parameter matches central differences", () => {
  const d = 3, h = 4, n = 2, b = 5, rng = new Rng(41), l = batchEnsembleLayout(d, h, n);
  // Parameters away from ReLU kinks: first-layer biases positive so most units are on.
  const p = Float64Array.from({ length: l.count }, () => rng.normal());
  for (let k = 0; k < n * h; k++) p[l.b1 + k] = 1 + Math.abs(p[l.b1 + k]);
  const x = Float64Array.from({ length: b * d }, () => rng.normal());
  const y = Float64Array.from({ length: n * b }, () => rng.normal());
  const { grad } = batchEnsembleLoss(p, l, x, b, y);
  const hstep = 1e-6;
  let checked = 0;
  for (let k = 0; k < l.count; k++) {
    const up = p.slice(), down = p.slice();
    up[k] += hstep;
    down[k] -= hstep;
    const fd = (batchEnsembleLoss(up, l, x, b, y).loss - batchEnsembleLoss(down, l, x, b, y).loss) /
      (2 * hstep);
    // The loss is piecewise quadratic-in-products (smooth off the ReLU kinks, which a step of
    // 1e-6 crosses only if a pre-activation is within 1e-6 of 0): truncation ~h² x O(10) and
    // round-off ~1e-16 x |loss| / h ~ 1e-9, so 1e-6 relative to max(1, |fd|) is loose for both.
    assert(
      Math.abs(grad[k] - fd) < 1e-6 * Math.max(1, Math.abs(fd)),
      `parameter ${k}: ${grad[k]} vs ${fd}`,
    );
    checked++;
  }
  assertEquals(checked, 3 * 4 + 4 + 2 * (3 + 4 + 4 + 4 + 1 + 1));
});

Deno.test("distillBatchEnsemble: member i follows teacher i (on mini-batches and full batch)", () => {
  // Four teachers f_i(x) = sin(x) + s_i x + b_i on 21 points in [−1, 1] (as baselines_test).
  const rng = new Rng(5), n = 4, m = 21;
  const x = Float64Array.from({ length: m }, (_, j) => -1 + 2 * j / (m - 1));
  const slopes = Float64Array.from({ length: n }, () => 0.5 * rng.normal());
  const shifts = Float64Array.from({ length: n }, () => 0.2 * rng.normal());
  const outputs = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) outputs[i * m + j] = Math.sin(x[j]) + slopes[i] * x[j] + shifts[i];
  }
  const t = { x, m, d: 1, outputs, teachers: n, c: 1 }, mean = ensembleMean(t);
  for (const batchSize of [8, undefined]) {
    const be = distillBatchEnsemble(t, { hidden: 16, epochs: 400, lr: 0.02, seed: 3, batchSize });
    assertEquals([be.members, be.c, be.method], [n, 1, "BE"]);
    const out = be.predict(x, m);
    // As small-Ens's test: each member's squared gap to its own teacher is under a tenth of the
    // teachers' spread about their mean, and under its gap to any other teacher.
    let own = 0, spread = 0;
    for (let i = 0; i < n; i++) {
      let mine = 0;
      const other = new Float64Array(n);
      for (let j = 0; j < m; j++) {
        mine += (out[i * m + j] - outputs[i * m + j]) ** 2;
        spread += (outputs[i * m + j] - mean[j]) ** 2;
        for (let k = 0; k < n; k++) other[k] += (out[i * m + j] - outputs[k * m + j]) ** 2;
      }
      own += mine;
      for (let k = 0; k < n; k++) {
        if (k !== i) assert(mine < other[k], `batch ${batchSize}: member ${i} nearer teacher ${k}`);
      }
    }
    assert(own < 0.1 * spread, `batch ${batchSize}: ${own} vs spread ${spread}`);
  }
});

Deno.test("distillBatchEnsemble: bad input gets a named error before any work", () => {
  const t = { x: [0, 1], m: 2, d: 1, outputs: [0, 1, 1, 0], teachers: 2, c: 1 };
  const o = { hidden: 2, epochs: 1, lr: 0.01, seed: 1 };
  assertThrows(
    () => distillBatchEnsemble({ ...t, teachers: 1, outputs: [0, 1] }, o),
    RangeError,
    "teachers must be >= 2",
  );
  assertThrows(
    () => distillBatchEnsemble({ ...t, c: 2, outputs: [0, 1, 1, 0, 0, 1, 1, 0] }, o),
    RangeError,
    "c must be 1",
  );
  assertThrows(() => distillBatchEnsemble(t, { ...o, hidden: 0 }), RangeError, "hidden");
  assertThrows(() => distillBatchEnsemble(t, { ...o, lr: 0 }), RangeError, "lr must be > 0");
  assertThrows(() => distillBatchEnsemble(t, { ...o, batchSize: 0 }), RangeError, "batchSize");
});
