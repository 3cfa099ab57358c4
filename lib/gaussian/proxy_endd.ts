/**
 * Proxy-EnD² (Ryabinin, Malinin & Gales, "Scaling Ensemble Distribution
 * Distillation to Many Classes with Proxy Targets", NeurIPS 2021), a
 * classification baseline of Park et al. (2025), Table 2: a Dirichlet
 * student trained not on the teachers' probabilities themselves (EnD²'s
 * Dirichlet likelihood, {@link distillDirichlet}) but on one Dirichlet per
 * design point built from them, the *proxy target*, by the reverse KL
 * divergence KL[Dir(α(x)) ‖ Dir(β(x))].
 *
 * The proxy target (derived here; Ryabinin et al. give the same form): its
 * mean is the ensemble mean π̂_c = mean_i p_ic, and its precision the
 * maximiser of the Dirichlet likelihood of the teachers' probabilities along
 * that mean with Stirling's approximation ln Γ(z) ≈ (z − ½) ln z − z:
 * α̂₀ = (c − 1) / (2 Σ_c π̂_c (ln π̂_c − mean_i ln p_ic)). The denominator is
 * ≥ 0 by Jensen's inequality and 0 only when all teachers agree, so α̂₀ is
 * capped (`maxPrecision`). The target is β_c = π̂_c α̂₀ + `offset` (default 1,
 * our reading of the paper: every β_c > 1, a unimodal target).
 *
 * The loss and its gradient (derived):
 * KL = ln Γ(α₀) − Σ ln Γ(α_c) − ln Γ(β₀) + Σ ln Γ(β_c) + Σ (α_c − β_c)(ψ(α_c) − ψ(α₀)),
 * ∂KL/∂α_c = (α_c − β_c) ψ′(α_c) − (α₀ − β₀) ψ′(α₀); with α = exp(z),
 * ∂KL/∂z_c = α_c ∂KL/∂α_c.
 *
 * Normalised per point (`normalise: true`, {@link proxyDirichletLoss}): our reading of the
 * authors' public loss is that each point's reverse KL is divided by its target precision
 * β₀(x) = Σ_c β_c(x) before the batch mean, (1/b) Σ_j KL[Dir(α(x_j)) ‖ Dir(β(x_j))] / β₀(x_j),
 * so the points where the teachers agree (β₀ in the thousands or more) do not dominate the
 * gradient; with it the precision cap is raised (`maxPrecision`, e.g. 1e16) so it no longer
 * binds. Without it (the default) the loss is the plain mean of the KL, as before.
 *
 * @module
 */
import { Adam, createMlp, mlpBackward, mlpForward } from "../nn/mlp64.ts";
import {
  adamOnBatches,
  checkBatchSize,
  checkEnsembleTargets,
  dirichletMemberLogits,
  type DirichletOptions,
  type EnsembleTargets,
  type MemberPredictor,
  memberProbabilities,
} from "./baselines.ts";
import { digamma, logGamma, trigamma } from "./noise.ts";

function fail(msg: string): never {
  throw new RangeError(msg);
}

/**
 * Options of {@link proxyDirichletTarget}.
 *
 * @category Gaussian distillation
 */
export interface ProxyTargetOptions {
  /** Added to every concentration of the target (default 1). */
  offset?: number;
  /** Cap of the precision α̂₀ where the teachers (nearly) agree (default 1e4). */
  maxPrecision?: number;
  /** Smoothing ε of the teachers' probabilities, (1 − ε) p + ε / c (default 1e-4). */
  smoothing?: number;
}

/**
 * The proxy Dirichlet target at each design point from the teachers'
 * probabilities (n x m x c, rows on the simplex): β (m x c) with mean the
 * ensemble mean and the Stirling-approximate ML precision (see the module doc).
 *
 * @throws RangeError for shapes that do not fit, probabilities off the
 *   simplex, or a non-finite or negative offset, a cap <= 0, a smoothing outside (0, 1).
 * @example
 * ```ts
 * const beta = proxyDirichletTarget(probs, 50, m, 10); // m x 10 concentrations
 * ```
 *
 * @category Gaussian distillation
 */
export function proxyDirichletTarget(
  probabilities: ArrayLike<number>,
  teachers: number,
  m: number,
  c: number,
  options: ProxyTargetOptions = {},
): Float64Array {
  const fn = "proxyDirichletTarget";
  if (!Number.isInteger(teachers) || teachers < 2) {
    fail(`${fn}: teachers must be >= 2 (one member has no spread), got ${teachers}.`);
  }
  if (!Number.isInteger(m) || m < 1) fail(`${fn}: m must be an integer >= 1, got ${m}.`);
  if (!Number.isInteger(c) || c < 2) fail(`${fn}: c must be an integer >= 2, got ${c}.`);
  if (probabilities.length !== teachers * m * c) {
    fail(
      `${fn}: probabilities has ${probabilities.length} values; expected teachers x m x c = ${
        teachers * m * c
      }.`,
    );
  }
  const offset = options.offset ?? 1, cap = options.maxPrecision ?? 1e4;
  const eps = options.smoothing ?? 1e-4;
  if (!(Number.isFinite(offset) && offset >= 0)) {
    fail(`${fn}: offset must be a finite number >= 0, got ${offset}.`);
  }
  if (!(cap > 0)) fail(`${fn}: maxPrecision must be > 0, got ${cap}.`);
  if (!(eps > 0 && eps < 1)) fail(`${fn}: smoothing must be in (0, 1), got ${eps}.`);
  for (let r = 0; r < teachers * m; r++) {
    let s = 0;
    for (let a = 0; a < c; a++) {
      const v = probabilities[r * c + a];
      if (!(v >= 0 && v <= 1)) {
        fail(`${fn}: probabilities[${r * c + a}] is ${v}; each must be in [0, 1].`);
      }
      s += v;
    }
    if (Math.abs(s - 1) > 1e-6) {
      fail(`${fn}: row ${r} of probabilities sums to ${s}; rows must sum to 1 (softmax first).`);
    }
  }
  const beta = new Float64Array(m * c);
  const mean = new Float64Array(c), meanLog = new Float64Array(c);
  for (let j = 0; j < m; j++) {
    mean.fill(0);
    meanLog.fill(0);
    for (let i = 0; i < teachers; i++) {
      for (let a = 0; a < c; a++) {
        const p = (1 - eps) * probabilities[(i * m + j) * c + a] + eps / c;
        mean[a] += p / teachers;
        meanLog[a] += Math.log(p) / teachers;
      }
    }
    let gap = 0;
    for (let a = 0; a < c; a++) gap += mean[a] * (Math.log(mean[a]) - meanLog[a]);
    const a0 = gap > 0 ? Math.min((c - 1) / (2 * gap), cap) : cap;
    for (let a = 0; a < c; a++) beta[j * c + a] = mean[a] * a0 + offset;
  }
  return beta;
}

/**
 * KL[Dir(α) ‖ Dir(β)] for one point (α, β of length c, all > 0).
 *
 * @category Gaussian distillation
 */
export function dirichletKl(alpha: ArrayLike<number>, beta: ArrayLike<number>): number {
  const c = alpha.length;
  if (c < 2 || beta.length !== c) {
    fail(
      `dirichletKl: alpha and beta must have the same length >= 2, got ${c} and ${beta.length}.`,
    );
  }
  let a0 = 0, b0 = 0;
  for (let k = 0; k < c; k++) {
    if (!(alpha[k] > 0) || !(beta[k] > 0)) {
      fail(
        `dirichletKl: concentrations must be > 0; got alpha ${alpha[k]}, beta ${beta[k]} at ${k}.`,
      );
    }
    a0 += alpha[k];
    b0 += beta[k];
  }
  const psi0 = digamma(a0);
  let kl = logGamma(a0) - logGamma(b0);
  for (let k = 0; k < c; k++) {
    kl += logGamma(beta[k]) - logGamma(alpha[k]) +
      (alpha[k] - beta[k]) * (digamma(alpha[k]) - psi0);
  }
  return kl;
}

/**
 * The gradient of KL[Dir(exp z) ‖ Dir(β)] with respect to the log
 * concentrations z (one point): α_c [(α_c − β_c) ψ′(α_c) − (α₀ − β₀) ψ′(α₀)].
 *
 * @category Gaussian distillation
 */
export function dirichletKlGradient(z: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const c = z.length;
  const alpha = Float64Array.from(z, (v) => Math.exp(v));
  let a0 = 0, b0 = 0;
  for (let k = 0; k < c; k++) {
    a0 += alpha[k];
    b0 += beta[k];
  }
  const common = (a0 - b0) * trigamma(a0);
  return Float64Array.from(
    alpha,
    (a, k) => a * ((a - beta[k]) * trigamma(a) - common),
  );
}

/**
 * Options of {@link distillProxyDirichlet}: a Dirichlet student's and the proxy target's, and
 * how the loss is averaged.
 *
 * @category Gaussian distillation
 */
export interface ProxyDirichletOptions extends DirichletOptions, ProxyTargetOptions {
  /** Design points per mini-batch (absent, the default: full batch, one Adam step an epoch). */
  batchSize?: number;
  /** Divide each point's KL by its target precision β₀ (default false: the plain mean). */
  normalise?: boolean;
}

/**
 * Proxy-EnD²'s loss on a batch of b points and its gradient in the log concentrations z
 * (b x c, clamped to [−15, 15] with no gradient through the clamp): the mean over the batch of
 * KL[Dir(exp z_j) ‖ Dir(β_j)], each divided by β₀_j = Σ_c β_jc when `normalise` (see the
 * module doc). `beta` holds the b targets (b x c) in the batch's order. Training asks for the
 * gradient only (`withLoss` false: the loss is then NaN).
 *
 * @category Gaussian distillation
 */
export function proxyDirichletLoss(
  z: ArrayLike<number>,
  beta: ArrayLike<number>,
  b: number,
  c: number,
  normalise: boolean,
  withLoss = true,
): { loss: number; grad: Float64Array } {
  const grad = new Float64Array(b * c);
  let loss = withLoss ? 0 : NaN;
  for (let j = 0; j < b; j++) {
    const zj = Float64Array.from(
      { length: c },
      (_, a) => Math.max(Math.min(z[j * c + a], 15), -15),
    );
    const bj = Array.prototype.slice.call(beta, j * c, (j + 1) * c) as number[];
    const per = normalise ? b * bj.reduce((u, v) => u + v, 0) : b;
    if (withLoss) loss += dirichletKl(zj.map(Math.exp), bj) / per;
    const gj = dirichletKlGradient(zj, bj);
    for (let a = 0; a < c; a++) {
      // No gradient through the clamp.
      grad[j * c + a] = z[j * c + a] === zj[a] ? gj[a] / per : 0;
    }
  }
  return { loss, grad };
}

/**
 * Proxy-EnD²: one student d-h-c whose outputs are log concentrations z(x),
 * fitted by Adam to {@link proxyDirichletLoss}: by default full batch, the plain mean
 * over design points of KL[Dir(exp z(x_j)) ‖ Dir(β_j)] (as before); with `batchSize`, on
 * shuffled mini-batches (`adamOnBatches`, ⌈m / batchSize⌉ steps an epoch); with `normalise`,
 * each point's KL divided by its target precision β₀_j. β is the
 * {@link proxyDirichletTarget} of the teachers' logits (`t.outputs`, softmaxed here). Members
 * are draws from the predicted Dirichlet, as for EnD² (K = `members`). Log concentrations are
 * clamped to [−15, 15].
 *
 * @throws RangeError as the other methods (see `checkEnsembleTargets`), and
 *   for c < 2, members < 1, a batchSize that is not an integer >= 1, a normalise that is
 *   not a boolean, or bad target options, before any training.
 * @example
 * ```ts
 * const p = distillProxyDirichlet(targets, { hidden: 50, epochs: 300, lr: 0.01, seed: 1, members: 50 });
 * const logits = p.predict(xTest, mTest); // 50 x mTest x c member logits
 * ```
 *
 * @category Gaussian distillation
 */
export function distillProxyDirichlet(
  t: EnsembleTargets,
  o: ProxyDirichletOptions,
): MemberPredictor {
  const fn = "distillProxyDirichlet";
  checkEnsembleTargets(t, fn);
  for (const [name, v] of [["hidden", o.hidden], ["epochs", o.epochs]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${fn}: ${name} must be an integer >= 1, got ${v}.`);
  }
  if (!(o.lr > 0)) fail(`${fn}: lr must be > 0, got ${o.lr}.`);
  if (t.c < 2) fail(`${fn}: a classification method; c must be >= 2, got ${t.c}.`);
  if (!Number.isInteger(o.members) || o.members < 1) {
    fail(`${fn}: members must be an integer >= 1, got ${o.members}.`);
  }
  checkBatchSize(o.batchSize, fn);
  const normalise = o.normalise ?? false;
  if (typeof normalise !== "boolean") fail(`${fn}: normalise must be a boolean, got ${normalise}.`);
  const { m, d, c, teachers: n } = t;
  const beta = proxyDirichletTarget(memberProbabilities(t.outputs, c), n, m, c, o);
  const net = createMlp(d, o.hidden, c, o.seed);
  if (o.batchSize !== undefined) {
    const opts = { ...o, batchSize: o.batchSize };
    adamOnBatches(net, t.x, m, d, opts, (rows, out) => {
      const bb = new Float64Array(rows.length * c);
      rows.forEach((r, j) => bb.set(beta.subarray(r * c, (r + 1) * c), j * c));
      return proxyDirichletLoss(out, bb, rows.length, c, normalise, false).grad;
    });
  } else {
    const adam = new Adam(net.params.length, o.lr);
    for (let ep = 0; ep < o.epochs; ep++) {
      const fwd = mlpForward(net, t.x, m);
      const g = proxyDirichletLoss(fwd.out, beta, m, c, normalise, false).grad;
      adam.step(net.params, mlpBackward(net, t.x, m, fwd, g));
    }
  }
  return {
    method: "Proxy-EnD²",
    members: o.members,
    c,
    predict: (x, mm) => dirichletMemberLogits(mlpForward(net, x, mm).out, mm, c, o.members, o.seed),
  };
}
