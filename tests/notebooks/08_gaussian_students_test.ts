/**
 * Notebook 08's classification students at their best (notebooks/08_gaussian_students.ts): the
 * KL-distilled Standard KD and small-Ens students learn their targets' probabilities, EnD² with
 * temperature annealing learns the teachers' class, Hydra's KL gradient matches finite differences
 * and each of its heads learns its own teacher, and the budgets count Adam steps.
 */
import {
  batchSteps,
  budgetRows,
  distillEnD2Annealed,
  distillHydraKl,
  distillKl,
  dlfSchedule,
  hydraKlLoss,
} from "../../notebooks/08_gaussian_students.ts";
import { memberAverage, memberProbabilities } from "../../lib/gaussian/mod.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertEquals } from "../assert.ts";

/** Two teachers on m points in 2-d, c = 3 classes: logits linear in x, the teachers disagree a bit. */
function targets(m: number) {
  const rng = new Rng(11), c = 3, n = 2;
  const x = Float64Array.from({ length: m * 2 }, () => 2 * rng.uniform() - 1);
  const outputs = new Float64Array(n * m * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const [a, b] = [x[2 * j], x[2 * j + 1]];
      const z = [3 * a, 3 * b, -3 * a - 3 * b + 0.5 * i];
      for (let k = 0; k < c; k++) outputs[(i * m + j) * c + k] = z[k];
    }
  }
  return { x, m, d: 2, outputs, teachers: n, c };
}

/** Mean over points of KL(p ‖ q) for row-stochastic m x c arrays. */
function kl(p: Float64Array, q: Float64Array, c: number): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) s += p[k] * Math.log(p[k] / q[k]);
  return s / (p.length / c);
}

Deno.test("batchSteps counts epochs x batches; budgetRows lists every student with its steps", () => {
  assertEquals(batchSteps({ epochs: 3, batchSize: 64 }, 130), 9);
  assertEquals(batchSteps({ epochs: 3, batchSize: 500 }, 130), 3);
  const dlf = { epochs: 2, initEpochs: 1, meanWarmup: 1, batchSize: 64 };
  const cls = budgetRows("MNIST", 130, { epochs: 5 }, dlf, true);
  assertEquals(cls.map((r) => r.method), [
    "Standard KD",
    "small-Ens",
    "Hydra",
    "EnD²",
    "Proxy-EnD²",
    "DLF",
  ]);
  // 130 points in batches of 64: 3 steps an epoch; 5 student epochs, 1 + 1 + 2 DLF epochs.
  assertEquals(cls.map((r) => r.steps), [15, 15, 15, 15, 15, 12]);
  const reg = budgetRows("Boston", 130, { epochs: 5 }, dlf, false);
  const regMethods = ["Standard KD", "small-Ens", "Hydra", "BE", "DEGU", "DLF"];
  assertEquals(reg.map((r) => r.method), regMethods);
  // Standard KD, Hydra, BE and DEGU take the DLF's steps; small-Ens its full-batch epochs.
  assertEquals(reg.map((r) => r.steps), [12, 5, 12, 12, 12, 12]);
  assertEquals(dlfSchedule(dlf), { epochs: 4, batchSize: 64 });
  assertEquals(batchSteps(dlfSchedule(dlf), 130), reg[5].steps);
});

Deno.test("distillKl: Standard KD learns the teachers' mean probabilities, small-Ens each teacher's", () => {
  const t = targets(200), c = 3, m = 200;
  const o = { hidden: 16, epochs: 60, batchSize: 32, lr: 0.01, seed: 3 };
  const probs = memberProbabilities(t.outputs, c);
  const meanP = memberAverage(probs, 2).subarray(0, m * c);
  const kd = distillKl(t, o, false), ens = distillKl(t, o, true);
  assertEquals([kd.members, ens.members], [1, 2]);
  const kdP = memberProbabilities(kd.predict(t.x, m), c);
  const untrained = distillKl(t, { ...o, epochs: 1, lr: 1e-6 }, false);
  const before = kl(meanP, memberProbabilities(untrained.predict(t.x, m), c), c);
  const after = kl(meanP, kdP, c);
  // A linear target a one-hidden-layer student can represent: the KL falls by over 20 times.
  assert(after < before / 20, `KL ${before} -> ${after}`);
  const ensP = memberProbabilities(ens.predict(t.x, m), c);
  for (const i of [0, 1]) {
    const own = kl(
      probs.subarray(i * m * c, (i + 1) * m * c),
      ensP.subarray(i * m * c, (i + 1) * m * c),
      c,
    );
    assert(own < before / 20, `teacher ${i}: KL ${own}`);
  }
});

Deno.test("distillEnD2Annealed: the Dirichlet student's members agree with the teachers' class", () => {
  const t = targets(200), c = 3, m = 200;
  const o = { hidden: 16, epochs: 60, batchSize: 32, lr: 0.01, seed: 5, members: 50, t0: 10 };
  const p = distillEnD2Annealed(t, o);
  const avg = memberAverage(memberProbabilities(p.predict(t.x, m), c), 50);
  const teach = memberAverage(memberProbabilities(t.outputs, c), 2);
  let agree = 0;
  for (let j = 0; j < m; j++) {
    const arg = (a: Float64Array) =>
      [0, 1, 2].reduce((b, k) => a[j * c + k] > a[j * c + b] ? k : b, 0);
    if (arg(avg) === arg(teach)) agree++;
  }
  // Classes are linear in x and well separated away from the boundaries: at least 90% agree.
  assert(agree >= 0.9 * m, `${agree} of ${m}`);
});

Deno.test("hydraKlLoss: its gradient in the heads' logits matches central differences", () => {
  const n = 2, c = 3, m = 4, rng = new Rng(21);
  const p = memberProbabilities(Float64Array.from({ length: n * m * c }, () => rng.normal()), c);
  const rows = Int32Array.from([3, 0, 2]), b = rows.length;
  const z = Float64Array.from({ length: b * n * c }, () => 2 * rng.normal());
  const { grad } = hydraKlLoss(z, p, rows, m, n, c);
  const h = 1e-6;
  for (let k = 0; k < z.length; k++) {
    const up = z.slice(), down = z.slice();
    up[k] += h;
    down[k] -= h;
    const fd = (hydraKlLoss(up, p, rows, m, n, c).loss - hydraKlLoss(down, p, rows, m, n, c).loss) /
      (2 * h);
    // Central differences on a smooth loss of O(1) curvature: truncation ~h² and round-off
    // ~1e-16 / h = 1e-10, so 1e-7 is loose for both.
    assert(Math.abs(grad[k] - fd) < 1e-7, `component ${k}: ${grad[k]} vs ${fd}`);
  }
  // The loss is 0 where every head's softmax is its own teacher's probabilities.
  const exact = new Float64Array(b * n * c);
  for (let j = 0; j < b; j++) {
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < c; a++) {
        exact[j * n * c + i * c + a] = Math.log(p[(i * m + rows[j]) * c + a]);
      }
    }
  }
  assert(Math.abs(hydraKlLoss(exact, p, rows, m, n, c).loss) < 1e-12, "KL at the target");
});

Deno.test("distillHydraKl: each head learns its own teacher, not the other one", () => {
  const t = targets(200), c = 3, m = 200;
  const o = { hidden: 16, epochs: 60, batchSize: 32, lr: 0.01, seed: 7 };
  const probs = memberProbabilities(t.outputs, c);
  const h = distillHydraKl(t, o);
  assertEquals(h.members, 2);
  const hp = memberProbabilities(h.predict(t.x, m), c);
  const part = (a: Float64Array, i: number) => a.subarray(i * m * c, (i + 1) * m * c);
  const gap = kl(part(probs, 0), part(probs, 1), c);
  for (const i of [0, 1]) {
    const own = kl(part(probs, i), part(hp, i), c);
    const other = kl(part(probs, 1 - i), part(hp, i), c);
    // The teachers differ by a shift of 0.5 in one logit (KL between them: `gap`); a head that
    // learnt its own teacher is within a fifth of that gap of it and nearer to it than the other.
    assert(own < gap / 5, `head ${i}: KL to its teacher ${own}, teachers' gap ${gap}`);
    assert(own < other, `head ${i}: own ${own} vs other ${other}`);
  }
});
