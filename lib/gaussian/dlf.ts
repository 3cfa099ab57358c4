/**
 * Gaussian distillation of a teacher ensemble into a deep latent factor
 * model (DLF; Park, Lee, Shin, Ohn & Kim, NeurIPS 2025): one student network
 * with c + q outputs, the mean μ_θ(x) ∈ ℝ^c and the factor loadings
 * Φ_θ(x) ∈ ℝ^q, and (c > 1) a lower-triangular c x c matrix L, define a
 * Gaussian process over functions f(x) = μ_θ(x) + L Z Φ_θ(x), Z ~ MN(0, I_c, I_q)
 * (univariate: f(x) = μ_θ(x) + Φ_θ(x)ᵀ z). Sampling Z gives new ensemble
 * members; the predictive is their mixture.
 *
 * Fitting (the paper's EM over mini-batches of design points): each
 * teacher's outputs on the batch are a noisy draw of the DLF,
 * F_i = M + L Z_i Φᵀ + V_i, V_i ~ N(0, σ_f² I). The E-step
 * (lib/gaussian/estep.ts) gives the posterior of every Z_i at the current
 * parameters; the M-step is one Adam step on −Q, the expected complete-data
 * negative log-likelihood with that posterior held fixed (derived here):
 * −Q = (1/2σ²)[Σ_i ‖R_i − L Ẑ_i Φᵀ‖² + n T] + (n m c/2) log σ², with
 * T = tr(Cov(vec Z)(ΦᵀΦ ⊗ LᵀL)) = Σ_ab D_ab ‖Φ U_b‖² ‖L V_a‖².
 * Initialisation (the paper's): θ pretrained with free Z_i, maximising the
 * complete-data likelihood minus λ·MMD²(Z, N(0, I)) with an RBF kernel.
 *
 * @module
 */
import {
  type FactorPosterior,
  factorPosterior,
  marginalLogLikelihood,
  timesSquare,
} from "./estep.ts";
import { Adam, createMlp, type Mlp, mlpBackward, mlpForward } from "../nn/mlp64.ts";
import { Rng } from "../random.ts";
import { parameterLayout } from "../nn/init.ts";

/**
 * A fitted deep latent factor model.
 *
 * @category Gaussian distillation
 */
export interface DlfModel {
  /** The student network: inputs d, outputs c + q (μ first, then Φ). */
  net: Mlp;
  /** Outputs c. */
  c: number;
  /** Factors q. */
  q: number;
  /** L, c x c row-major lower triangular ([1] when c = 1). */
  l: Float64Array;
  /** The teachers' residual variance around the DLF, σ_f². */
  sigma2: number;
}

/**
 * Options of {@link fitDlf}.
 *
 * @category Gaussian distillation
 */
export interface FitDlfOptions {
  /** Design points, m x d row-major. */
  x: ArrayLike<number>;
  /** Design points m. */
  m: number;
  /** Input dimension d. */
  d: number;
  /** Teacher outputs at the design points, n x m x c row-major (regression: c = 1). */
  teacherOutputs: ArrayLike<number>;
  /** Teachers n (>= 2). */
  teachers: number;
  /** Outputs c (default 1). */
  c?: number;
  /** Factors q (>= 1; the paper uses 10). */
  q: number;
  /** Hidden units of the student (the paper: 50). */
  hidden: number;
  /** EM epochs over the design points. */
  epochs: number;
  /** Design points per mini-batch (default all: full-batch EM). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Seed of the init and the batch order. */
  seed: number | Rng;
  /** MMD pretraining with free factors (default; h² = `bandwidth`, else median) or random. */
  init?: { kind: "mmd"; epochs: number; lambda?: number; bandwidth?: number } | { kind: "random" };
  /**
   * Epochs of a mean warm-up before the initialisation (default 0): the μ
   * outputs fitted by MSE to the teachers' mean over the design points, Φ
   * left at its init. Without it, when the teachers agree closely on the
   * design points (σ_f² small), EM moves slowly out of a start where Φ ẑ_i
   * carries a common offset that belongs to μ (measured on Boston with 20
   * teachers: the fitted μ was 0.65 SD from the teachers' mean on the design
   * points after 300 epochs). After the warm-up Φ's output layer is rescaled
   * so that the implied variance (mean of ‖Φ(x_j)‖² over the design points)
   * equals the teachers' mean spread.
   */
  meanWarmup?: number;
  /** Called after each EM epoch with the marginal log-likelihood per teacher and point (full data). */
  onEpoch?: (epoch: number, logLikelihood: number) => void;
}

function fail(msg: string): never {
  throw new RangeError(msg);
}

/** The network's μ (m x c) and Φ (m x q) from its raw outputs. */
function split(
  out: Float64Array,
  m: number,
  c: number,
  q: number,
): { mu: Float64Array; phi: Float64Array } {
  const mu = new Float64Array(m * c), phi = new Float64Array(m * q);
  for (let j = 0; j < m; j++) {
    for (let a = 0; a < c; a++) mu[j * c + a] = out[j * (c + q) + a];
    for (let b = 0; b < q; b++) phi[j * q + b] = out[j * (c + q) + c + b];
  }
  return { mu, phi };
}

/**
 * μ (m x c) and Φ (m x q) of the model at inputs x (m x d).
 *
 * @category Gaussian distillation
 */
export function dlfOutputs(
  model: DlfModel,
  x: ArrayLike<number>,
  m: number,
): { mu: Float64Array; phi: Float64Array } {
  return split(mlpForward(model.net, x, m).out, m, model.c, model.q);
}

/**
 * Gradients of −Q/(n m c) with respect to μ, Φ, L and log σ², posterior fixed.
 *
 * @category Gaussian distillation
 */
export interface MStepGradient {
  /** d/dμ, m x c. */
  mu: Float64Array;
  /** d/dΦ, m x q. */
  phi: Float64Array;
  /** d/dL, c x c (upper triangle zero). */
  l: Float64Array;
  /** d/d log σ². */
  logSigma2: number;
  /** −Q/(n m c) itself. */
  loss: number;
}

/**
 * −Q/(n m c) and its gradient (see the module doc), for teachers' outputs f
 * (n x m x c) on a batch, with the E-step posterior `post` held fixed.
 *
 * @category Gaussian distillation
 */
export function mStepGradient(
  f: ArrayLike<number>,
  n: number,
  m: number,
  c: number,
  q: number,
  mu: Float64Array,
  phi: Float64Array,
  l: Float64Array,
  sigma2: number,
  post: FactorPosterior,
): MStepGradient {
  return mStepOf({ f, n, m, c, q, mu, phi, l, sigma2 }, post);
}

/** {@link mStepGradient} of a {@link Batch}. */
function mStepOf(batch: Batch, post: FactorPosterior): MStepGradient {
  const { n, m, c, q, sigma2 } = batch;
  const scale = 1 / (n * m * c);
  const gMu = new Float64Array(m * c), gPhi = new Float64Array(m * q), gL = new Float64Array(c * c);
  const sse = residualTerms(batch, post.means, gMu, gPhi, gL);
  const trace = traceTerms(batch, post, gPhi, gL);
  const k = scale / sigma2;
  for (let i = 0; i < gMu.length; i++) gMu[i] *= k;
  for (let i = 0; i < gPhi.length; i++) gPhi[i] *= k;
  for (let i = 0; i < gL.length; i++) gL[i] *= k;
  const quad = sse + n * trace;
  return {
    mu: gMu,
    phi: gPhi,
    l: gL,
    logSigma2: scale * (-quad / (2 * sigma2) + n * m * c / 2),
    loss: scale * (quad / (2 * sigma2) + (n * m * c / 2) * Math.log(sigma2)),
  };
}

/** A batch of the teachers' outputs with the network's μ and Φ there, L and σ². */
interface Batch {
  f: ArrayLike<number>;
  n: number;
  m: number;
  c: number;
  q: number;
  mu: Float64Array;
  phi: Float64Array;
  l: Float64Array;
  sigma2: number;
}

/** Σ_i ‖R_i − L Ẑ_i Φᵀ‖², adding its gradients (unscaled) into gMu, gPhi and gL. */
function residualTerms(
  { f, n, m, c, q, mu, phi, l }: Batch,
  means: Float64Array,
  gMu: Float64Array,
  gPhi: Float64Array,
  gL: Float64Array,
): number {
  let sse = 0;
  const lz = new Float64Array(c * q); // L Ẑ_i
  const zphi = new Float64Array(c * m); // Ẑ_i Φᵀ
  const e = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const z = means.subarray(i * c * q, (i + 1) * c * q);
    lowerTimes(l, c, z, q, lz);
    for (let a = 0; a < c; a++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let b = 0; b < q; b++) s += z[a * q + b] * phi[j * q + b];
        zphi[a * m + j] = s;
      }
    }
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < c; r++) {
        let fit = mu[j * c + r];
        for (let b = 0; b < q; b++) fit += lz[r * q + b] * phi[j * q + b];
        e[r] = f[(i * m + j) * c + r] - fit;
        sse += e[r] * e[r];
        gMu[j * c + r] -= e[r];
        for (let b = 0; b < q; b++) gPhi[j * q + b] -= e[r] * lz[r * q + b];
        for (let a = 0; a <= r; a++) gL[r * c + a] -= e[r] * zphi[a * m + j];
      }
    }
  }
  return sse;
}

/** out (c x q) = L z for lower-triangular L (c x c). */
function lowerTimes(l: Float64Array, c: number, z: Float64Array, q: number, out: Float64Array) {
  for (let r = 0; r < c; r++) {
    for (let b = 0; b < q; b++) {
      let s = 0;
      for (let a = 0; a <= r; a++) s += l[r * c + a] * z[a * q + b];
      out[r * q + b] = s;
    }
  }
}

/** Column b's squared norms of a (rows x k), summed over rows in order. */
function columnNorms(a: Float64Array, rows: number, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let r = 0; r < rows; r++) for (let b = 0; b < k; b++) out[b] += a[r * k + b] * a[r * k + b];
  return out;
}

/** T = Σ_ab D_ab ‖Φ U_b‖² ‖L V_a‖², adding n dT (unscaled) into gPhi and gL. */
function traceTerms(
  { n, m, c, q, phi, l }: Batch,
  { u, v, d }: FactorPosterior,
  gPhi: Float64Array,
  gL: Float64Array,
): number {
  // β_b = Σ_a D_ab ‖L V_a‖², α_a = Σ_b D_ab ‖Φ U_b‖².
  const lv = timesSquare(l, c, v, c), pu = timesSquare(phi, m, u, q);
  const lvNorm = columnNorms(lv, c, c), puNorm = columnNorms(pu, m, q);
  let trace = 0;
  const beta = new Float64Array(q), alpha = new Float64Array(c);
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < q; b++) {
      const w = d[a * q + b];
      trace += w * puNorm[b] * lvNorm[a];
      beta[b] += w * lvNorm[a];
      alpha[a] += w * puNorm[b];
    }
  }
  // n (Φ U diag(β) Uᵀ) and n (L V diag(α) Vᵀ), i.e. n ΦU diag(β) Uᵀ.
  for (let j = 0; j < m; j++) {
    for (let b = 0; b < q; b++) {
      let s = 0;
      for (let w = 0; w < q; w++) s += pu[j * q + w] * beta[w] * u[b * q + w];
      gPhi[j * q + b] += n * s;
    }
  }
  for (let r = 0; r < c; r++) {
    for (let a = 0; a <= r; a++) {
      let s = 0;
      for (let w = 0; w < c; w++) s += lv[r * c + w] * alpha[w] * v[a * c + w];
      gL[r * c + a] += n * s;
    }
  }
  return trace;
}

type Mmd = { value: number; grad: Float64Array };

/**
 * MMD² between the rows of z (n x p) and N(0, I_p), RBF kernel exp(−‖a − b‖² / (2 h²)) with
 * h² = `h2` (default 1), and its gradient (the expectations under N(0, I_p) in closed form).
 *
 * @category Gaussian distillation
 */
export function mmdToNormal(z: Float64Array, n: number, p: number, h2 = 1): Mmd {
  const grad = new Float64Array(n * p);
  let kk = 0, kn = 0;
  const c1 = (h2 / (h2 + 1)) ** (p / 2);
  for (let i = 0; i < n; i++) {
    let zz = 0;
    for (let t = 0; t < p; t++) zz += z[i * p + t] ** 2;
    const e = c1 * Math.exp(-zz / (2 * (h2 + 1)));
    kn += e;
    for (let t = 0; t < p; t++) grad[i * p + t] += (2 / n) * e * z[i * p + t] / (h2 + 1);
    for (let j = 0; j < n; j++) {
      let dd = 0;
      for (let t = 0; t < p; t++) dd += (z[i * p + t] - z[j * p + t]) ** 2;
      const k = Math.exp(-dd / (2 * h2));
      kk += k;
      if (i !== j) {
        for (let t = 0; t < p; t++) {
          grad[i * p + t] -= (2 / (n * n * h2)) * k * (z[i * p + t] - z[j * p + t]);
        }
      }
    }
  }
  return { value: kk / (n * n) - 2 * kn / n + (h2 / (h2 + 2)) ** (p / 2), grad };
}

/**
 * The median heuristic's h² for N(0, I_p): median ‖w − w′‖² = 2 χ²_p's, 2p (1 − 2/(9p))³
 * (Wilson–Hilferty); the pull towards N(0, I) then does not vanish as 2^(−p/2) does at h² = 1.
 * @category Gaussian distillation
 */
export const mmdMedianBandwidth = (p: number): number => 2 * p * (1 - 2 / (9 * p)) ** 3;

function checkFit(o: FitDlfOptions): number {
  const c = o.c ?? 1;
  const sizes = { m: o.m, d: o.d, q: o.q, hidden: o.hidden, epochs: o.epochs, c };
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 1) fail(`fitDlf: ${name} must be an integer >= 1, got ${v}.`);
  }
  if (!Number.isInteger(o.teachers) || o.teachers < 2) {
    fail(
      `fitDlf: teachers must be >= 2 (an ensemble of one member has no spread to distil); got ${o.teachers}.`,
    );
  }
  if (o.x.length !== o.m * o.d) {
    fail(`fitDlf: x has ${o.x.length} values; expected m x d = ${o.m * o.d}.`);
  }
  if (o.teacherOutputs.length !== o.teachers * o.m * c) {
    fail(
      `fitDlf: teacherOutputs has ${o.teacherOutputs.length} values; expected teachers x m x c = ${
        o.teachers * o.m * c
      }.`,
    );
  }
  for (const [name, a] of [["x", o.x], ["teacherOutputs", o.teacherOutputs]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        fail(
          `fitDlf: ${name}[${i}] is ${a[i]}; design points and outputs must be finite (no NaN).`,
        );
      }
    }
  }
  const warm = o.meanWarmup ?? 0;
  if (!Number.isInteger(warm) || warm < 0) {
    fail(`fitDlf: meanWarmup must be an integer >= 0, got ${warm}.`);
  }
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 2)) {
    fail(`fitDlf: batchSize must be an integer >= 2, got ${o.batchSize}.`);
  }
  return c;
}

function gather(x: ArrayLike<number>, idx: Int32Array | number[], width: number): Float64Array {
  const out = new Float64Array(idx.length * width);
  idx.forEach((j, r) => {
    for (let t = 0; t < width; t++) out[r * width + t] = x[j * width + t];
  });
  return out;
}

function gatherTeachers(
  f: ArrayLike<number>,
  n: number,
  m: number,
  c: number,
  idx: ArrayLike<number>,
): Float64Array {
  const b = idx.length, out = new Float64Array(n * b * c);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < b; r++) {
      for (let a = 0; a < c; a++) out[(i * b + r) * c + a] = f[(i * m + idx[r]) * c + a];
    }
  }
  return out;
}

/** dLoss/dOutputs of the network from the gradients with respect to μ and Φ. */
function outputGrad(
  gMu: Float64Array,
  gPhi: Float64Array,
  m: number,
  c: number,
  q: number,
): Float64Array {
  const g = new Float64Array(m * (c + q));
  for (let j = 0; j < m; j++) {
    for (let a = 0; a < c; a++) g[j * (c + q) + a] = gMu[j * c + a];
    for (let b = 0; b < q; b++) g[j * (c + q) + c + b] = gPhi[j * q + b];
  }
  return g;
}

/**
 * Fit a DLF to the teachers' outputs at the design points by EM (see the
 * module doc). Returns the model and the marginal log-likelihood (per
 * teacher and point, on all design points) after each epoch.
 *
 * @throws RangeError naming the argument: an ensemble of one member, q < 1,
 *   design points or outputs with NaN, mismatched shapes.
 *
 * @example
 * ```ts
 * const { model } = fitDlf({
 *   x: xTrain, m: nTrain, d, teacherOutputs, teachers: 50, q: 10, hidden: 50,
 *   epochs: 300, seed: 1,
 * });
 * const members = sampleDlfMembers(model, xTest, nTest, 100, 2); // 100 new ensemble members
 * ```
 *
 * @category Gaussian distillation
 */
export function fitDlf(o: FitDlfOptions): { model: DlfModel; logLikelihood: number[] } {
  const c = checkFit(o);
  const { m, d, q, teachers: n } = o;
  const rng = typeof o.seed === "number" ? new Rng(o.seed) : o.seed;
  const net = createMlp(d, o.hidden, c + q, rng.child(0));
  const l = new Float64Array(c * c);
  for (let a = 0; a < c; a++) l[a * c + a] = 1;
  // σ_f² starts at the teachers' spread around their mean.
  let spread = 0;
  for (let j = 0; j < m * c; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = o.teacherOutputs[i * m * c + j];
      s += v;
      s2 += v * v;
    }
    spread += s2 / n - (s / n) ** 2;
  }
  const lr = o.lr ?? 1e-3;
  const fit: Fit = {
    o,
    c,
    net,
    l,
    lr,
    logSigma2: Math.log(Math.max(spread / (m * c), 1e-8) / 4),
    adam: [new Adam(net.params.length, lr), new Adam(c * c, lr), new Adam(1, lr)],
    bs: Math.min(o.batchSize ?? m, m),
  };
  if ((o.meanWarmup ?? 0) > 0) warmUpMean(fit, rng.child(4), spread);
  // MMD initialisation: free factors Z_i, complete-data likelihood minus λ MMD².
  const init = o.init ?? { kind: "mmd", epochs: Math.max(1, Math.round(o.epochs / 2)) };
  if (init.kind === "mmd") mmdInit(fit, init, rng);
  const model: DlfModel = { net, c, q, l, sigma2: Math.exp(fit.logSigma2) };
  const logLikelihood: number[] = [];
  for (let ep = 0; ep < o.epochs; ep++) {
    for (const idx of batches(m, fit.bs, rng.child(3).child(ep))) {
      const at = batchAt(fit, idx);
      mStep(fit, at, mStepOf(at.batch, factorPosterior(at.batch)));
    }
    model.sigma2 = Math.exp(fit.logSigma2);
    const ll = dlfLogLikelihood(model, o.x, m, o.teacherOutputs, n);
    logLikelihood.push(ll);
    o.onEpoch?.(ep, ll);
  }
  model.sigma2 = Math.exp(fit.logSigma2);
  return { model, logLikelihood };
}

/** The state of one fit: the network, L, log σ² and their optimisers. */
interface Fit {
  o: FitDlfOptions;
  c: number;
  net: Mlp;
  l: Float64Array;
  lr: number;
  logSigma2: number;
  /** Adam of the network, of L and of log σ². */
  adam: [Adam, Adam, Adam];
  /** Design points per mini-batch. */
  bs: number;
}

/** One epoch's mini-batches of the m design points, shuffled by `epochRng`. */
function batches(m: number, bs: number, epochRng: Rng): number[][] {
  const perm = Array.from({ length: m }, (_, j) => j);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(epochRng.uniform() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const out: number[][] = [];
  for (let s = 0; s + 1 < perm.length; s += bs) {
    out.push(perm.slice(s, Math.min(s + bs, perm.length)));
  }
  return out;
}

/** The design points idx: their inputs, the forward pass, and the {@link Batch} there. */
function batchAt(
  s: Fit,
  idx: number[],
): { xb: Float64Array; fwd: ReturnType<typeof mlpForward>; batch: Batch } {
  const { o, c, net, l } = s, { m, d, q, teachers: n } = o;
  const bm = idx.length, xb = gather(o.x, idx, d);
  const f = gatherTeachers(o.teacherOutputs, n, m, c, idx);
  const fwd = mlpForward(net, xb, bm);
  const { mu, phi } = split(fwd.out, bm, c, q);
  return { xb, fwd, batch: { f, n, m: bm, c, q, mu, phi, l, sigma2: Math.exp(s.logSigma2) } };
}

/** One Adam step of the network, L (c > 1) and log σ² (kept in [−20, 20]) down an M-step gradient. */
function mStep(s: Fit, { xb, fwd, batch }: ReturnType<typeof batchAt>, g: MStepGradient): void {
  const gradOut = outputGrad(g.mu, g.phi, batch.m, s.c, batch.q);
  s.adam[0].step(s.net.params, mlpBackward(s.net, xb, batch.m, fwd, gradOut));
  if (s.c > 1) s.adam[1].step(s.l, g.l);
  const v = Float64Array.of(s.logSigma2);
  s.adam[2].step(v, [g.logSigma2]);
  s.logSigma2 = Math.max(Math.min(v[0], 20), -20);
}

/** The mean warm-up ({@link FitDlfOptions.meanWarmup}), then Φ's output layer rescaled. */
function warmUpMean(s: Fit, rng: Rng, spread: number): void {
  const { o, c, net } = s, { m, d, q, teachers: n } = o;
  const target = new Float64Array(m * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m * c; k++) target[k] += o.teacherOutputs[i * m * c + k] / n;
  }
  const adamW = new Adam(net.params.length, s.lr);
  for (let ep = 0; ep < o.meanWarmup!; ep++) {
    for (const idx of batches(m, s.bs, rng.child(ep))) {
      const bm = idx.length, xb = gather(o.x, idx, d), tb = gather(target, idx, c);
      const fwd = mlpForward(net, xb, bm);
      const g = new Float64Array(bm * (c + q));
      for (let r = 0; r < bm; r++) {
        for (let a = 0; a < c; a++) {
          g[r * (c + q) + a] = (fwd.out[r * (c + q) + a] - tb[r * c + a]) / (bm * c);
        }
      }
      adamW.step(net.params, mlpBackward(net, xb, bm, fwd, g));
    }
  }
  // Φ's output rows rescaled so the implied variance, the mean of ‖Φ(x_j)‖² over the design
  // points, equals the teachers' mean spread: EM shrinks an over-large Φ only slowly.
  const phiNow = split(mlpForward(net, o.x, m).out, m, c, q).phi;
  let size = 0;
  for (let k = 0; k < m * q; k++) size += phiNow[k] ** 2 / m;
  const f = Math.sqrt(Math.max(spread / (m * c), 1e-12) / Math.max(size, 1e-12));
  const lay = parameterLayout(d, o.hidden, c + q);
  for (let b = c; b < c + q; b++) {
    for (let u = 0; u < o.hidden; u++) net.params[lay.w2 + b * o.hidden + u] *= f;
    net.params[lay.b2 + b] *= f;
  }
}

/** The MMD initialisation: free factors Z_i, the complete-data likelihood minus λ MMD². */
function mmdInit(s: Fit, init: { epochs: number; lambda?: number; bandwidth?: number }, rng: Rng) {
  const { o, c } = s, { q, teachers: n } = o, { epochs, lambda = 1 } = init;
  const h2 = init.bandwidth ?? mmdMedianBandwidth(c * q);
  const zRng = rng.child(1);
  const z = Float64Array.from({ length: n * c * q }, () => 0.1 * zRng.normal());
  const adamZ = new Adam(z.length, s.lr * 10);
  // A posterior with zero covariance at the free factors: the complete-data likelihood.
  const zero = (k: number) => new Float64Array(k);
  const post = { c, q, n, means: z, u: eye(q), lambda: zero(q), v: eye(c), gamma: zero(c) };
  const fixed = { ...post, d: zero(c * q), logDetPrecision: 0 };
  for (let ep = 0; ep < epochs; ep++) {
    for (const idx of batches(o.m, s.bs, rng.child(2).child(ep))) {
      const at = batchAt(s, idx);
      const g = mStepOf(at.batch, fixed);
      const gz = factorGradient(at.batch, z);
      const mmd = mmdToNormal(z, n, c * q, h2);
      for (let i = 0; i < z.length; i++) gz[i] += lambda * mmd.grad[i];
      mStep(s, at, g);
      adamZ.step(z, gz);
    }
  }
}

function eye(k: number): Float64Array {
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) a[i * k + i] = 1;
  return a;
}

/** d/dZ_i of the complete-data −log-likelihood/(n m c), for the MMD initialisation. */
function factorGradient(
  { f, n, m, c, q, mu, phi, l, sigma2 }: Batch,
  z: Float64Array,
): Float64Array {
  const g = new Float64Array(n * c * q);
  const k = 1 / (n * m * c * sigma2);
  const e = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const zi = z.subarray(i * c * q, (i + 1) * c * q);
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < c; r++) {
        let fit = mu[j * c + r];
        for (let a = 0; a <= r; a++) {
          for (let b = 0; b < q; b++) fit += l[r * c + a] * zi[a * q + b] * phi[j * q + b];
        }
        e[r] = f[(i * m + j) * c + r] - fit;
      }
      // −e_r L[r][a] Φ[j][b]
      for (let r = 0; r < c; r++) {
        for (let a = 0; a <= r; a++) {
          for (let b = 0; b < q; b++) {
            g[i * c * q + a * q + b] -= k * e[r] * l[r * c + a] * phi[j * q + b];
          }
        }
      }
    }
  }
  return g;
}

/**
 * The marginal log-likelihood of the teachers' outputs under the model, per teacher and output value.
 *
 * @category Gaussian distillation
 */
export function dlfLogLikelihood(
  model: DlfModel,
  x: ArrayLike<number>,
  m: number,
  f: ArrayLike<number>,
  n: number,
): number {
  const { mu, phi } = dlfOutputs(model, x, m);
  const inp = { f, n, m, c: model.c, mu, phi, q: model.q, l: model.l, sigma2: model.sigma2 };
  return marginalLogLikelihood(inp, factorPosterior(inp)) / (n * m * model.c);
}

/**
 * K new ensemble members drawn from the DLF at m inputs: f_k(x) = μ(x) + L Z_k Φ(x),
 * Z_k ~ N(0, I); K x m x c row-major. Member k draws from `Rng(seed).child(k)`.
 *
 * @category Gaussian distillation
 */
export function sampleDlfMembers(
  model: DlfModel,
  x: ArrayLike<number>,
  m: number,
  members: number,
  seed: number | Rng,
): Float64Array {
  if (!Number.isInteger(members) || members < 1) {
    fail(`sampleDlfMembers: members must be >= 1, got ${members}.`);
  }
  const { c, q, l } = model;
  const { mu, phi } = dlfOutputs(model, x, m);
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  const out = new Float64Array(members * m * c);
  const z = new Float64Array(c * q), lz = new Float64Array(c * q);
  for (let k = 0; k < members; k++) {
    const r = rng.child(k);
    for (let t = 0; t < c * q; t++) z[t] = r.normal();
    lowerTimes(l, c, z, q, lz);
    for (let j = 0; j < m; j++) {
      for (let a = 0; a < c; a++) {
        let s = mu[j * c + a];
        for (let b = 0; b < q; b++) s += lz[a * q + b] * phi[j * q + b];
        out[(k * m + j) * c + a] = s;
      }
    }
  }
  return out;
}

/**
 * The covariance function the DLF implies between inputs j and j′ for output
 * a: (L Lᵀ)_aa Φ(x_j)ᵀΦ(x_j′), as an m x m matrix for output a = 0 (the
 * rotation-free quantity EM identifies).
 *
 * @category Gaussian distillation
 */
export function dlfCovariance(model: DlfModel, x: ArrayLike<number>, m: number): Float64Array {
  const { phi } = dlfOutputs(model, x, m);
  const { q, l } = model;
  const lla = l[0] ** 2; // (L Lᵀ)_00 = L[0][0]² for lower-triangular L
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += phi[i * q + b] * phi[j * q + b];
      out[i * m + j] = lla * s;
    }
  }
  return out;
}
