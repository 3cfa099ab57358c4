/**
 * Notebook 08's classification students at their best (issue 30): trained on mini-batches of the
 * design points by Adam, with the losses their authors use.
 *
 * - {@link distillKl}: Standard KD (one student, the ensemble's mean probabilities) and small-Ens
 *   (one student per teacher, its own teacher's probabilities), each fitted by the KL divergence
 *   from the teacher's class probabilities to the student's softmax (Hinton et al. 2015, at
 *   temperature 1), not by MSE on logits.
 * - {@link distillHydraKl}: Hydra, a shared body and a head per teacher, each head fitted by KL
 *   from its own teacher's probabilities.
 * - {@link distillEnD2Annealed}: EnD² (Malinin, Mlodozeniec & Gales, ICLR 2020) with the
 *   temperature annealing its authors train it with: the teachers' probabilities are softened as
 *   softmax(z / T) and T falls linearly from `t0` to 1 over the first half of training, then
 *   stays at 1; the loss is the Dirichlet negative log-likelihood of the softened probabilities.
 *
 * @module
 */
import * as gd from "../lib/gaussian/mod.ts";
import { createMlp, mlpForward } from "../lib/nn/mod.ts";
import { Rng } from "../lib/random.ts";

/** Mini-batch training of one student: its width, epochs, batch size, learning rate, seed. */
export interface BatchStudentOptions {
  hidden: number;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

/** The optimiser steps `o` takes on m design points: epochs x ⌈m / batchSize⌉. */
export const batchSteps = (o: { epochs: number; batchSize: number }, m: number): number =>
  o.epochs * Math.ceil(m / Math.min(o.batchSize, m));

/** Softmax of each row of z / t (rows x c). */
function softmaxRows(z: ArrayLike<number>, rows: number, c: number, t = 1): Float64Array {
  const out = new Float64Array(rows * c);
  for (let j = 0; j < rows; j++) {
    let top = -Infinity, s = 0;
    for (let a = 0; a < c; a++) top = Math.max(top, z[j * c + a] / t);
    for (let a = 0; a < c; a++) s += out[j * c + a] = Math.exp(z[j * c + a] / t - top);
    for (let a = 0; a < c; a++) out[j * c + a] /= s;
  }
  return out;
}

/**
 * Standard KD (`perTeacher` false: one student, target the teachers' mean probabilities) or
 * small-Ens (true: one student per teacher), each by KL(teacher ‖ student) on mini-batches; the
 * gradient in the student's logits is (softmax(z) − p) / batch.
 */
export function distillKl(
  t: gd.EnsembleTargets,
  o: BatchStudentOptions,
  perTeacher: boolean,
): gd.MemberPredictor {
  const { m, d, c, teachers: n } = t, x = Float64Array.from(t.x);
  const probs = gd.memberProbabilities(t.outputs, c);
  const targets = perTeacher
    ? Array.from({ length: n }, (_, i) => probs.subarray(i * m * c, (i + 1) * m * c))
    : [gd.memberAverage(probs, n).subarray(0, m * c)];
  const nets = targets.map((p, i) => {
    const net = createMlp(d, o.hidden, c, new Rng(o.seed).child(2 + i));
    gd.adamOnBatches(net, x, m, d, { ...o, seed: new Rng(o.seed).child(2 + i).nextUint32() }, (
      rows,
      out,
    ) => {
      const q = softmaxRows(out, rows.length, c), b = rows.length;
      for (let j = 0; j < b; j++) {
        for (let a = 0; a < c; a++) q[j * c + a] = (q[j * c + a] - p[rows[j] * c + a]) / b;
      }
      return q;
    });
    return net;
  });
  return {
    method: perTeacher ? "small-Ens" : "Standard KD",
    members: nets.length,
    c,
    predict: (xx, mm) => {
      const out = new Float64Array(nets.length * mm * c);
      nets.forEach((net, i) => out.set(mlpForward(net, xx, mm).out, i * mm * c));
      return out;
    },
  };
}

/**
 * Hydra's KL loss on one mini-batch and its gradient in the logits: `out` is the batch's
 * b x (n c) head logits (head i's c logits at columns i c .. i c + c − 1), `p` the teachers'
 * probabilities n x m x c and `rows` the batch's design points. The loss is
 * (1/b) Σ_j Σ_i KL(p_i(x_j) ‖ softmax(z_i(x_j))), each head fitted to its own teacher and the
 * shared body to all of them; its gradient in z_i(x_j) is (softmax(z_i(x_j)) − p_i(x_j)) / b.
 */
export function hydraKlLoss(
  out: ArrayLike<number>,
  p: ArrayLike<number>,
  rows: ArrayLike<number>,
  m: number,
  n: number,
  c: number,
): { loss: number; grad: Float64Array } {
  const b = rows.length, grad = new Float64Array(b * n * c);
  let loss = 0;
  for (let j = 0; j < b; j++) {
    for (let i = 0; i < n; i++) {
      const at = j * n * c + i * c, pt = (i * m + rows[j]) * c;
      // Head i's softmax at x_j, written into grad, and its log-normaliser.
      let top = -Infinity, s = 0;
      for (let a = 0; a < c; a++) top = Math.max(top, out[at + a]);
      for (let a = 0; a < c; a++) s += grad[at + a] = Math.exp(out[at + a] - top);
      const logZ = top + Math.log(s);
      for (let a = 0; a < c; a++) {
        const pa = p[pt + a];
        if (pa > 0) loss += pa * (Math.log(pa) - (out[at + a] - logZ)) / b;
        grad[at + a] = (grad[at + a] / s - pa) / b;
      }
    }
  }
  return { loss, grad };
}

/**
 * Hydra (Tran et al. 2020, as Park et al. 2025 describe it) by KL on mini-batches: one d-h
 * body shared by n linear heads (a d-h-(n c) network), head i fitted by KL(teacher i's
 * probabilities ‖ softmax(head i)) ({@link hydraKlLoss}); the members are the heads. The same
 * epochs and batch size as {@link distillKl}'s students, so the same Adam steps.
 */
export function distillHydraKl(t: gd.EnsembleTargets, o: BatchStudentOptions): gd.MemberPredictor {
  const { m, d, c, teachers: n } = t, x = Float64Array.from(t.x);
  const probs = gd.memberProbabilities(t.outputs, c);
  const net = createMlp(d, o.hidden, n * c, new Rng(o.seed).child(2));
  gd.adamOnBatches(net, x, m, d, o, (rows, out) => hydraKlLoss(out, probs, rows, m, n, c).grad);
  return {
    method: "Hydra",
    members: n,
    c,
    predict: (xx, mm) => {
      const raw = mlpForward(net, xx, mm).out, res = new Float64Array(n * mm * c);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < mm; j++) {
          for (let a = 0; a < c; a++) res[(i * mm + j) * c + a] = raw[j * n * c + i * c + a];
        }
      }
      return res;
    },
  };
}

/**
 * EnD² with temperature annealing: a d-h-c student of log concentrations α(x) = exp(z(x))
 * (clamped to [−15, 15], no gradient through the clamp: with one, a run on Digits diverged to
 * 66% accuracy) fitted on mini-batches by the Dirichlet NLL of the teachers'
 * probabilities softened at temperature T (softmax(logits / T), smoothed by ε = 1e-4 so their log
 * is finite), T falling linearly from `t0` to 1 over the first half of the epochs. Members are
 * draws from Dir(α(x)) (lib/gaussian's `dirichletMemberLogits`).
 */
export function distillEnD2Annealed(
  t: gd.EnsembleTargets,
  o: BatchStudentOptions & { members: number; t0: number },
): gd.MemberPredictor {
  const { m, d, c, teachers: n } = t, x = Float64Array.from(t.x), eps = 1e-4;
  const teacherLogits = Float64Array.from(t.outputs);
  const net = createMlp(d, o.hidden, c, new Rng(o.seed).child(2));
  const half = Math.max(1, Math.floor(o.epochs / 2));
  let meanLog = new Float64Array(0), temperature = NaN;
  const alpha = new Float64Array(c);
  gd.adamOnBatches(net, x, m, d, o, (rows, out, ep) => {
    const tNow = ep >= half ? 1 : o.t0 + (1 - o.t0) * ep / half;
    if (tNow !== temperature) {
      // Mean over teachers of log p at temperature T: the Dirichlet likelihood's statistic.
      temperature = tNow;
      meanLog = new Float64Array(m * c);
      for (let i = 0; i < n; i++) {
        const p = softmaxRows(teacherLogits.subarray(i * m * c, (i + 1) * m * c), m, c, tNow);
        for (let k = 0; k < m * c; k++) meanLog[k] += Math.log((1 - eps) * p[k] + eps / c) / n;
      }
    }
    const b = rows.length, g = new Float64Array(b * c);
    for (let j = 0; j < b; j++) {
      let a0 = 0;
      for (let a = 0; a < c; a++) {
        a0 += alpha[a] = Math.exp(Math.max(Math.min(out[j * c + a], 15), -15));
      }
      const psi0 = gd.digamma(a0);
      for (let a = 0; a < c; a++) {
        // No gradient through the clamp (as lib/gaussian's Proxy-EnD²).
        const inside = Math.abs(out[j * c + a]) < 15;
        const ga = alpha[a] * (gd.digamma(alpha[a]) - psi0 - meanLog[rows[j] * c + a]) / b;
        g[j * c + a] = inside ? ga : 0;
      }
    }
    return g;
  });
  return {
    method: "EnD²",
    members: o.members,
    c,
    predict: (xx, mm) =>
      gd.dirichletMemberLogits(mlpForward(net, xx, mm).out, mm, c, o.members, o.seed),
  };
}

/**
 * The regression baselines' mini-batch schedule under the DLF's budget: mini-batches of the
 * DLF's size and as many epochs as the DLF's mean warm-up, MMD pretraining and EM together, so
 * on the same m design points a baseline takes exactly the DLF's Adam steps ({@link batchSteps}).
 */
export const dlfSchedule = (
  dlf: { epochs: number; initEpochs: number; meanWarmup: number; batchSize: number },
): { epochs: number; batchSize: number } => ({
  epochs: dlf.meanWarmup + dlf.initEpochs + dlf.epochs,
  batchSize: dlf.batchSize,
});

/**
 * Proxy-EnD²'s target precision cap with its per-point normalisation: 1e16, where the gap
 * Σ π̂ (ln π̂ − mean ln p) of the Stirling precision is at float64 round-off (the teachers agree
 * to about 16 digits). Measured at default scale (seed 8): the old cap, 1e4, bound at 85.5% of
 * Digits' and 55.9% of MNIST's design points (at smoke: 0% and 1.8%); 1e16 binds at 0.07% and
 * 1.2%, all of them points where the uncapped precision is 1e16 or more (0.3% of MNIST's
 * points have a gap of exactly 0).
 */
export const PROXY_MAX_PRECISION = 1e16;

/** One method's training budget on one task: its loss, how it is optimised, its Adam steps. */
export interface BudgetRow {
  task: string;
  method: string;
  loss: string;
  optimiser: string;
  steps: number;
}

/**
 * The budgets of one task's students on m design points, as {@link classificationStep} and
 * `regressionStep` train them: every classification student on mini-batches of the DLF's size
 * for `student.epochs` epochs (above, and Proxy-EnD² from lib/gaussian); the regression
 * baselines Standard KD, Hydra and DEGU on the same mini-batches for the DLF's epochs
 * ({@link dlfSchedule}: the DLF's steps), small-Ens full batch (`student.epochs` steps: n
 * float64 students on mini-batches would take about 10 s a split, over the notebook's time
 * budget; the native cohort trainer is full-batch only); and the DLF (mean warm-up, MMD
 * pretraining and EM on mini-batches).
 */
export function budgetRows(
  task: string,
  m: number,
  student: { epochs: number },
  dlf: { epochs: number; initEpochs: number; meanWarmup: number; batchSize: number },
  classification: boolean,
): BudgetRow[] {
  const optimiser = `Adam, mini-batches of ${Math.min(dlf.batchSize, m)}`;
  const mini = { optimiser, steps: batchSteps({ ...dlfSchedule(dlf), epochs: student.epochs }, m) };
  const dlfSteps = batchSteps(dlfSchedule(dlf), m);
  const matched = { optimiser, steps: dlfSteps };
  const rows: Omit<BudgetRow, "task">[] = classification
    ? [
      { method: "Standard KD", loss: "KL from the teachers' mean probabilities", ...mini },
      { method: "small-Ens", loss: "KL from its own teacher's probabilities (each)", ...mini },
      { method: "Hydra", loss: "KL from each teacher's probabilities (a head each)", ...mini },
      { method: "EnD²", loss: `Dirichlet NLL, temperature ${END2_T0_WORDS}`, ...mini },
      {
        method: "Proxy-EnD²",
        loss: "reverse KL to a proxy Dirichlet, divided by its precision, per point",
        ...mini,
      },
    ]
    : [
      { method: "Standard KD", loss: "MSE to the teachers' mean", ...matched },
      {
        method: "small-Ens",
        loss: "MSE to its own teacher (each)",
        optimiser: "Adam, full batch (n students on mini-batches: over the time budget)",
        steps: student.epochs,
      },
      { method: "Hydra", loss: "MSE to each teacher (a head each)", ...matched },
      { method: "BE", loss: "MSE to each teacher (rank-1 factors each)", ...matched },
      { method: "DEGU", loss: "Gaussian NLL of every teacher's output", ...matched },
    ];
  rows.push({
    method: "DLF",
    loss: "mean warm-up (MSE), MMD pretraining, EM (−Q)",
    optimiser,
    steps: dlfSteps,
  });
  return rows.map((r) => ({ task, ...r }));
}

const END2_T0_WORDS = "10 → 1 over the first half";
