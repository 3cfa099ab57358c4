/**
 * The baselines Gaussian distillation is compared with (Park, Lee, Shin,
 * Ohn & Kim, NeurIPS 2025, Section 5), each taking the same inputs as
 * {@link fitDlf} (the teacher ensemble's outputs at the design points) and
 * giving the same prediction interface: K member outputs at new inputs
 * (K x m x c; regression values, or logits for classification), from which
 * the regression mixture ({@link memberMixture}) or the members' class
 * probabilities ({@link memberProbabilities}) follow.
 *
 * - Standard distillation: one student fitted to the ensemble mean (K = 1).
 * - small-Ens: one small student per teacher, each fitted to its teacher
 *   (K = n; one cohort with per-student targets).
 * - Hydra: a shared body with one linear head per teacher (K = n; one
 *   network with n c outputs and MSE).
 * - DEGU-style: one regression student with two outputs, the ensemble's mean
 *   and log spread, fitted by the Gaussian likelihood of the teachers'
 *   outputs (custom loss, float64 MLP of lib/nn/mlp64.ts).
 *
 * Classification students match logits by MSE (the cohort trainer's
 * cross-entropy takes hard labels only), as the DLF does.
 *
 * @module
 */
import { fitCohort, predictCohort } from "../nn/cohort.ts";
import type { GaussianMixture } from "../uncertainty/regression_scores.ts";
import { Adam, createMlp, type Mlp, mlpBackward, mlpForward } from "../nn/mlp64.ts";
import { digamma, sampleGamma, softmaxRows } from "./noise.ts";
import { permutation, Rng } from "../random.ts";

/**
 * The teacher ensemble's outputs at the design points: what every method distils.
 *
 * @category Gaussian distillation
 */
export interface EnsembleTargets {
  /** Design points, m x d row-major. */
  x: ArrayLike<number>;
  /** Design points m. */
  m: number;
  /** Input dimension d. */
  d: number;
  /** Teacher outputs, n x m x c row-major (regression values or logits). */
  outputs: ArrayLike<number>;
  /** Teachers n (>= 2). */
  teachers: number;
  /** Outputs per point c (1 for regression). */
  c: number;
}

/**
 * Training options of a baseline student.
 *
 * @category Gaussian distillation
 */
export interface StudentOptions {
  /** Hidden units (the paper: one hidden layer of 50). */
  hidden: number;
  /** Adam epochs (passes over the design points). */
  epochs: number;
  /** Adam learning rate. */
  lr: number;
  /** Seed. */
  seed: number;
  /**
   * Design points per mini-batch (regression students only). Absent (the default): full batch,
   * one Adam step an epoch, as before. Given: ⌈m / batchSize⌉ Adam steps an epoch on shuffled
   * mini-batches of a float64 network (lib/nn/mlp64.ts; {@link adamOnBatches}).
   */
  batchSize?: number;
}

/**
 * A fitted method that predicts K member outputs at new inputs.
 *
 * @category Gaussian distillation
 */
export interface MemberPredictor {
  /** The method's name (row label). */
  method: string;
  /** Members K. */
  members: number;
  /** Outputs per point c. */
  c: number;
  /** K x m x c member outputs at x (m x d). */
  predict(x: ArrayLike<number>, m: number): Float64Array;
}

function fail(msg: string): never {
  throw new RangeError(msg);
}

/**
 * Check the shared inputs of every method; `fn` names the caller in errors.
 *
 * @category Gaussian distillation
 */
export function checkEnsembleTargets(t: EnsembleTargets, fn: string): void {
  for (const [name, v] of [["m", t.m], ["d", t.d], ["c", t.c]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${fn}: ${name} must be an integer >= 1, got ${v}.`);
  }
  if (!Number.isInteger(t.teachers) || t.teachers < 2) {
    fail(
      `${fn}: teachers must be >= 2 (an ensemble of one member has no spread to distil); got ${t.teachers}.`,
    );
  }
  if (t.x.length !== t.m * t.d) {
    fail(`${fn}: x has ${t.x.length} values; expected m x d = ${t.m * t.d}.`);
  }
  if (t.outputs.length !== t.teachers * t.m * t.c) {
    fail(
      `${fn}: outputs has ${t.outputs.length} values; expected teachers x m x c = ${
        t.teachers * t.m * t.c
      }.`,
    );
  }
  for (const [name, a] of [["x", t.x], ["outputs", t.outputs]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        fail(`${fn}: ${name}[${i}] is ${a[i]}; design points and outputs must be finite (no NaN).`);
      }
    }
  }
}

function checkStudent(o: StudentOptions, fn: string): void {
  for (const [name, v] of [["hidden", o.hidden], ["epochs", o.epochs]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${fn}: ${name} must be an integer >= 1, got ${v}.`);
  }
  if (!(o.lr > 0)) fail(`${fn}: lr must be > 0, got ${o.lr}.`);
  checkBatchSize(o.batchSize, fn);
}

/**
 * Check an optional mini-batch size: absent, or an integer >= 1.
 *
 * @category Gaussian distillation
 */
export function checkBatchSize(batchSize: number | undefined, fn: string): void {
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) {
    fail(`${fn}: batchSize must be an integer >= 1 (or absent: full batch), got ${batchSize}.`);
  }
}

/**
 * Adam on shuffled mini-batches of the m design points x (m x d) for `epochs` epochs, each
 * epoch a fresh permutation from `new Rng(seed).child(1).child(epoch)` cut into ⌈m / b⌉
 * batches (b = min(batchSize, m)): `grad(rows, out, epoch)` gives d loss / d outputs of the
 * batch (b x outputs) for the network's outputs `out` on the batch's rows (`epoch` for a loss
 * that changes over training, such as an annealed temperature). One Adam step a batch.
 *
 * @category Gaussian distillation
 */
export function adamOnBatches(
  net: Mlp,
  x: ArrayLike<number>,
  m: number,
  d: number,
  o: { epochs: number; batchSize: number; lr: number; seed: number },
  grad: (rows: Int32Array, out: Float64Array, epoch: number) => ArrayLike<number>,
): void {
  const adam = new Adam(net.params.length, o.lr), rng = new Rng(o.seed).child(1);
  const b = Math.min(o.batchSize, m);
  for (let ep = 0; ep < o.epochs; ep++) {
    const order = permutation(rng.child(ep), m);
    for (let s = 0; s < m; s += b) {
      const rows = order.subarray(s, Math.min(s + b, m)), xb = new Float64Array(rows.length * d);
      for (let j = 0; j < rows.length; j++) {
        for (let k = 0; k < d; k++) xb[j * d + k] = x[rows[j] * d + k];
      }
      const fwd = mlpForward(net, xb, rows.length);
      adam.step(net.params, mlpBackward(net, xb, rows.length, fwd, grad(rows, fwd.out, ep)));
    }
  }
}

/**
 * The ensemble mean at the design points, m x c.
 *
 * @category Gaussian distillation
 */
export function ensembleMean(t: EnsembleTargets): Float64Array {
  const { m, c, teachers: n } = t;
  const out = new Float64Array(m * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m * c; k++) out[k] += t.outputs[i * m * c + k] / n;
  }
  return out;
}

/**
 * Standard distillation: one student d-h-c fitted by MSE to the ensemble mean
 * at the design points (K = 1 member).
 *
 * @category Gaussian distillation
 */
export async function distillMean(
  t: EnsembleTargets,
  o: StudentOptions,
): Promise<MemberPredictor> {
  checkEnsembleTargets(t, "distillMean");
  checkStudent(o, "distillMean");
  return {
    method: "Standard KD",
    members: 1,
    c: t.c,
    predict: await mseStudents(t, o, t.c, ensembleMean(t), 1),
  };
}

/**
 * `students` d-h-outputs students fitted by MSE to `targets` (students x m x outputs, or
 * m x outputs when students is 1); their K x m x outputs. Full batch: one cohort of the native
 * trainer; with `o.batchSize`: float64 networks on mini-batches ({@link adamOnBatches}), the
 * loss (1/b) Σ_j ½ Σ_k (f_k(x_j) − y_jk)² per batch of b (the cohort's, per point).
 */
async function mseStudents(
  t: EnsembleTargets,
  o: StudentOptions,
  outputs: number,
  targets: Float32Array | Float64Array,
  students: number,
): Promise<MemberPredictor["predict"]> {
  if (o.batchSize !== undefined) {
    const { m, d } = t, batchSize = o.batchSize;
    const nets = Array.from({ length: students }, (_, i) => {
      const seed = new Rng(o.seed).child(2 + i).nextUint32();
      const net = createMlp(d, o.hidden, outputs, seed), y = targets;
      adamOnBatches(net, t.x, m, d, { ...o, batchSize, seed }, (rows, out) => {
        const g = new Float64Array(out.length), b = rows.length;
        for (let j = 0; j < b; j++) {
          const at = (i * m + rows[j]) * outputs;
          for (let k = 0; k < outputs; k++) {
            g[j * outputs + k] = (out[j * outputs + k] - y[at + k]) / b;
          }
        }
        return g;
      });
      return net;
    });
    return (x, mm) => {
      const out = new Float64Array(students * mm * outputs);
      nets.forEach((net, i) => out.set(mlpForward(net, x, mm).out, i * mm * outputs));
      return out;
    };
  }
  const cohort = await fitCohort({
    x: t.x,
    n: t.m,
    d: t.d,
    hidden: o.hidden,
    outputs,
    loss: "mse",
    targets,
    students,
    epochs: o.epochs,
    lr: o.lr,
    seed: o.seed,
    ...(students === 1 ? { workers: 0 } : {}),
  });
  return (x, m) => Float64Array.from(predictCohort(cohort, x, m, { probabilities: false }));
}

/**
 * small-Ens: one student per teacher, each fitted by MSE to its own teacher (K = n).
 *
 * @category Gaussian distillation
 */
export async function distillSmallEnsemble(
  t: EnsembleTargets,
  o: StudentOptions,
): Promise<MemberPredictor> {
  checkEnsembleTargets(t, "distillSmallEnsemble");
  checkStudent(o, "distillSmallEnsemble");
  const targets = Float32Array.from(t.outputs);
  return {
    method: "small-Ens",
    members: t.teachers,
    c: t.c,
    predict: await mseStudents(t, o, t.c, targets, t.teachers),
  };
}

/**
 * Hydra: one network, a shared hidden layer and one linear head per teacher
 * (n c outputs), fitted by MSE to all teachers at once (K = n members, the heads).
 *
 * @category Gaussian distillation
 */
export async function distillHydra(
  t: EnsembleTargets,
  o: StudentOptions,
): Promise<MemberPredictor> {
  checkEnsembleTargets(t, "distillHydra");
  checkStudent(o, "distillHydra");
  const { m, c, teachers: n } = t;
  const targets = new Float32Array(m * n * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      for (let a = 0; a < c; a++) targets[j * n * c + i * c + a] = t.outputs[(i * m + j) * c + a];
    }
  }
  const heads = await mseStudents(t, o, n * c, targets, 1);
  return {
    method: "Hydra",
    members: n,
    c,
    predict: (x, mm) => {
      const raw = heads(x, mm);
      const out = new Float64Array(n * mm * c);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < mm; j++) {
          for (let a = 0; a < c; a++) out[(i * mm + j) * c + a] = raw[j * n * c + i * c + a];
        }
      }
      return out;
    },
  };
}

/**
 * A DEGU-style student: the ensemble's mean and spread at each input.
 *
 * @category Gaussian distillation
 */
export interface MeanSpreadStudent {
  /** The network: outputs μ(x) and log v(x). */
  net: Mlp;
  /** The mean μ(x) and the spread v(x) (variance across teachers) at x (m x d). */
  predict(x: ArrayLike<number>, m: number): { mean: Float64Array; variance: Float64Array };
}

/**
 * DEGU-style mean-and-spread distillation (regression): one student with two
 * outputs μ(x) and log v(x), fitted by Adam (full batch, or mini-batches of
 * `o.batchSize`) to the Gaussian
 * negative log-likelihood of every teacher's output,
 * (1/nm) Σ_ij ½[log v_j + (f_ij − μ_j)²/v_j].
 *
 * @category Gaussian distillation
 */
export function distillMeanSpread(t: EnsembleTargets, o: StudentOptions): MeanSpreadStudent {
  checkEnsembleTargets(t, "distillMeanSpread");
  checkStudent(o, "distillMeanSpread");
  if (t.c !== 1) fail(`distillMeanSpread: a regression method; outputs c must be 1, got ${t.c}.`);
  const { m, d, teachers: n } = t;
  const mean = ensembleMean(t);
  const spread = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) spread[j] += (t.outputs[i * m + j] - mean[j]) ** 2 / n;
  }
  const net = createMlp(d, o.hidden, 2, o.seed);
  // d loss / d (μ, log v) on the rows of a batch (their mean): mean over i of (f_ij − μ)² is
  // spread_j + (mean_j − μ)².
  const grad = (rows: ArrayLike<number>, out: Float64Array) => {
    const b = rows.length, g = new Float64Array(2 * b);
    for (let k = 0; k < b; k++) {
      const j = rows[k], mu = out[2 * k];
      const v = Math.exp(Math.max(Math.min(out[2 * k + 1], 30), -30));
      const sq = spread[j] + (mean[j] - mu) ** 2;
      g[2 * k] = -(mean[j] - mu) / v / b;
      g[2 * k + 1] = 0.5 * (1 - sq / v) / b;
    }
    return g;
  };
  if (o.batchSize !== undefined) {
    adamOnBatches(net, t.x, m, d, { ...o, batchSize: o.batchSize }, grad);
  } else {
    const adam = new Adam(net.params.length, o.lr),
      all = Int32Array.from({ length: m }, (_, j) => j);
    for (let ep = 0; ep < o.epochs; ep++) {
      const fwd = mlpForward(net, t.x, m);
      adam.step(net.params, mlpBackward(net, t.x, m, fwd, grad(all, fwd.out)));
    }
  }
  return {
    net,
    predict(x, mm) {
      const out = mlpForward(net, x, mm).out;
      const meanOut = new Float64Array(mm), variance = new Float64Array(mm);
      for (let j = 0; j < mm; j++) {
        meanOut[j] = out[2 * j];
        variance[j] = Math.exp(Math.max(Math.min(out[2 * j + 1], 30), -30));
      }
      return { mean: meanOut, variance };
    },
  };
}

/**
 * The regression mixture of K members' outputs (K x m) with noise variances:
 * one per member (`noise.length === K`) or one shared (`noise.length === 1`).
 *
 * @category Gaussian distillation
 */
export function memberMixture(
  outputs: ArrayLike<number>,
  members: number,
  noise: ArrayLike<number>,
): GaussianMixture {
  const m = outputs.length / members;
  if (!Number.isInteger(m) || m < 1) {
    fail(`memberMixture: outputs has ${outputs.length} values, not members x points.`);
  }
  if (noise.length !== members && noise.length !== 1) {
    fail(`memberMixture: noise has ${noise.length} values; expected 1 or members = ${members}.`);
  }
  const variances = new Float64Array(members * m);
  for (let k = 0; k < members; k++) {
    const v = noise[noise.length === 1 ? 0 : k];
    if (!(v > 0)) fail(`memberMixture: noise[${k}] is ${v}; variances must be > 0.`);
    variances.fill(v, k * m, (k + 1) * m);
  }
  return { means: Float64Array.from(outputs), variances, components: members };
}

/**
 * Softmax of K x m x c logits, row by row.
 *
 * @category Gaussian distillation
 */
export function memberProbabilities(logits: ArrayLike<number>, c: number): Float64Array {
  if (!Number.isInteger(c) || c < 2 || logits.length % c !== 0) {
    fail(`memberProbabilities: c must be >= 2 and divide logits' length ${logits.length}.`);
  }
  return softmaxRows(logits, c);
}

/**
 * The mean over members of K x m x c values: m x c.
 *
 * @category Gaussian distillation
 */
export function memberAverage(values: ArrayLike<number>, members: number): Float64Array {
  const mc = values.length / members;
  if (!Number.isInteger(mc)) {
    fail(`memberAverage: ${values.length} values do not split into ${members} members.`);
  }
  const out = new Float64Array(mc);
  for (let k = 0; k < members; k++) {
    for (let i = 0; i < mc; i++) out[i] += values[k * mc + i] / members;
  }
  return out;
}

/**
 * The variance across members (population, /K) of K x m values: m.
 *
 * @category Gaussian distillation
 */
export function memberVariance(values: ArrayLike<number>, members: number): Float64Array {
  const m = values.length / members;
  const mean = memberAverage(values, members), out = new Float64Array(m);
  for (let k = 0; k < members; k++) {
    for (let j = 0; j < m; j++) out[j] += (values[k * m + j] - mean[j]) ** 2 / members;
  }
  return out;
}

/**
 * Options of {@link distillDirichlet}.
 *
 * @category Gaussian distillation
 */
export interface DirichletOptions extends StudentOptions {
  /** Members K sampled from the predicted Dirichlet at prediction time. */
  members: number;
  /** Smoothing ε of the teachers' probabilities, (1 − ε) p + ε / c (default 1e-4): log p must be finite. */
  smoothing?: number;
}

/**
 * EnD² (ensemble distribution distillation; Malinin, Mlodozeniec & Gales,
 * ICLR 2020), a baseline of Park et al. (2025) for classification: one
 * student d-h-c whose outputs are the log concentrations of a Dirichlet,
 * α(x) = exp(z(x)), fitted by full-batch Adam to the teachers' class
 * probabilities by the Dirichlet negative log-likelihood,
 * −(1/m) Σ_j [ln Γ(α₀) − Σ_c ln Γ(α_c) + Σ_c (α_c − 1) mean_i log p_ijc]
 * (gradient in z_c: α_c [ψ(α_c) − ψ(α₀) − mean_i log p_ijc]). Members are
 * draws p_k ~ Dir(α(x)), returned as logits log p_k (K = `members`).
 * Proxy-EnD² is {@link distillProxyDirichlet} (lib/gaussian/proxy_endd.ts).
 *
 * @throws RangeError as the other methods, and for c < 2 or members < 1.
 *
 * @category Gaussian distillation
 */
export function distillDirichlet(t: EnsembleTargets, o: DirichletOptions): MemberPredictor {
  checkEnsembleTargets(t, "distillDirichlet");
  checkStudent(o, "distillDirichlet");
  if (o.batchSize !== undefined) {
    fail(`distillDirichlet: full batch only; batchSize must be absent.`);
  }
  if (t.c < 2) fail(`distillDirichlet: a classification method; c must be >= 2, got ${t.c}.`);
  if (!Number.isInteger(o.members) || o.members < 1) {
    fail(`distillDirichlet: members must be an integer >= 1, got ${o.members}.`);
  }
  const eps = o.smoothing ?? 1e-4;
  if (!(eps > 0 && eps < 1)) fail(`distillDirichlet: smoothing must be in (0, 1), got ${eps}.`);
  const { m, d, c, teachers: n } = t;
  // Mean over teachers of log p (the Dirichlet likelihood's sufficient statistic), m x c.
  const probs = memberProbabilities(t.outputs, c);
  const meanLog = new Float64Array(m * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m * c; k++) {
      meanLog[k] += Math.log((1 - eps) * probs[i * m * c + k] + eps / c) / n;
    }
  }
  const net = createMlp(d, o.hidden, c, o.seed);
  const adam = new Adam(net.params.length, o.lr);
  const g = new Float64Array(m * c);
  const alpha = new Float64Array(c);
  for (let ep = 0; ep < o.epochs; ep++) {
    const fwd = mlpForward(net, t.x, m);
    for (let j = 0; j < m; j++) {
      let a0 = 0;
      for (let a = 0; a < c; a++) {
        alpha[a] = Math.exp(Math.max(Math.min(fwd.out[j * c + a], 15), -15));
        a0 += alpha[a];
      }
      const psi0 = digamma(a0);
      for (let a = 0; a < c; a++) {
        g[j * c + a] = alpha[a] * (digamma(alpha[a]) - psi0 - meanLog[j * c + a]) / m;
      }
    }
    adam.step(net.params, mlpBackward(net, t.x, m, fwd, g));
  }
  return {
    method: "EnD²",
    members: o.members,
    c,
    predict: (x, mm) => dirichletMemberLogits(mlpForward(net, x, mm).out, mm, c, o.members, o.seed),
  };
}

/**
 * Members of a Dirichlet student: for log concentrations z (m x c), K draws
 * p_k ~ Dir(exp(z)) per point from `new Rng(seed).child(1).child(k)`, returned
 * as logits log p_k (K x m x c). Concentrations are clamped to [e^−15, e^15].
 *
 * @category Gaussian distillation
 */
export function dirichletMemberLogits(
  z: ArrayLike<number>,
  m: number,
  c: number,
  members: number,
  seed: number,
): Float64Array {
  const rng = new Rng(seed).child(1);
  const out = new Float64Array(members * m * c);
  for (let k = 0; k < members; k++) {
    const r = rng.child(k);
    for (let j = 0; j < m; j++) {
      let s = 0;
      const off = (k * m + j) * c;
      for (let a = 0; a < c; a++) {
        const al = Math.exp(Math.max(Math.min(z[j * c + a], 15), -15));
        out[off + a] = Math.max(sampleGamma(al, r), 1e-300);
        s += out[off + a];
      }
      for (let a = 0; a < c; a++) out[off + a] = Math.log(out[off + a] / s);
    }
  }
  return out;
}
