/**
 * Scores of probabilistic regression predictions: how good a predictive
 * distribution is, not just its mean. Used to compare a teacher ensemble with
 * the students distilled from it (Gaussian distillation, notebook 08): the
 * continuous ranked probability score (CRPS), the negative log-likelihood,
 * central-interval coverage and width, the calibration curve (observed
 * against nominal coverage) and the probability integral transform (PIT).
 *
 * A predictive distribution is a Gaussian per test point, or a mixture of K
 * Gaussians per test point (an ensemble of Gaussian members, equal or given
 * weights): `means` and `variances` K x m row-major (member k's prediction
 * at point j is at k*m + j).
 *
 * @module
 */
import { errorFunction } from "simple-statistics";

const SQRT2 = Math.SQRT2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The standard normal CDF Φ(z) (via simple-statistics' error function, |error| < 2e-7).
 *
 * @category Regression scores
 */
export function normalCdf(z: number): number {
  if (z < -8) return 0;
  if (z > 8) return 1;
  return 0.5 * (1 + errorFunction(z / SQRT2));
}

/**
 * The standard normal density φ(z).
 *
 * @category Regression scores
 */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * A mixture of K Gaussians at each of m points.
 *
 * @category Regression scores
 */
export interface GaussianMixture {
  /** Component means, K x m row-major. */
  means: ArrayLike<number>;
  /** Component variances, K x m row-major (each > 0). */
  variances: ArrayLike<number>;
  /** Number of components K. */
  components: number;
  /** Component weights (K, summing to 1); default equal. */
  weights?: ArrayLike<number>;
}

function fail(msg: string): never {
  throw new RangeError(msg);
}

function checkMixture(p: GaussianMixture, m: number, fn: string): Float64Array {
  const K = p.components;
  if (!Number.isInteger(K) || K < 1) fail(`${fn}: components must be an integer >= 1, got ${K}.`);
  if (p.means.length !== K * m) {
    fail(`${fn}: means has ${p.means.length} values; expected components x points = ${K * m}.`);
  }
  if (p.variances.length !== K * m) {
    fail(`${fn}: variances has ${p.variances.length} values; expected ${K * m}.`);
  }
  for (let i = 0; i < K * m; i++) {
    if (!Number.isFinite(p.means[i])) fail(`${fn}: means[${i}] is ${p.means[i]}; must be finite.`);
    if (!(p.variances[i] > 0) || !Number.isFinite(p.variances[i])) {
      fail(`${fn}: variances[${i}] is ${p.variances[i]}; must be finite and > 0.`);
    }
  }
  const w = new Float64Array(K);
  if (p.weights === undefined) w.fill(1 / K);
  else {
    if (p.weights.length !== K) {
      fail(`${fn}: weights has ${p.weights.length} values; expected ${K}.`);
    }
    let s = 0;
    for (let k = 0; k < K; k++) {
      if (!(p.weights[k] >= 0)) fail(`${fn}: weights[${k}] is ${p.weights[k]}; must be >= 0.`);
      s += p.weights[k];
    }
    if (Math.abs(s - 1) > 1e-9) fail(`${fn}: weights sum to ${s}; they must sum to 1.`);
    w.set(Array.from(p.weights));
  }
  return w;
}

function checkY(y: ArrayLike<number>, fn: string): number {
  if (!(y.length > 0)) fail(`${fn}: y is empty.`);
  for (let j = 0; j < y.length; j++) {
    if (!Number.isFinite(y[j])) fail(`${fn}: y[${j}] is ${y[j]}; must be finite.`);
  }
  return y.length;
}

/** E|X| for X ~ N(mu, s2): 2σφ(μ/σ) + μ(2Φ(μ/σ) − 1). */
function absMoment(mu: number, s2: number): number {
  const s = Math.sqrt(s2), z = mu / s;
  return 2 * s * normalPdf(z) + mu * (2 * normalCdf(z) - 1);
}

/**
 * CRPS of a Gaussian prediction N(μ, σ²) at the observation y, per point, in
 * closed form: σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ (Gneiting &
 * Raftery 2007). Lower is better; it has the units of y.
 *
 * @throws RangeError when lengths differ, a value is not finite or a variance is not > 0.
 *
 * @example
 * ```ts
 * gaussianCrps([0], [1], [0]); // [0.2337]: σ(2φ(0) − 1/√π)
 * ```
 *
 * @category Regression scores
 */
export function gaussianCrps(
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  y: ArrayLike<number>,
): Float64Array {
  const m = checkY(y, "gaussianCrps");
  checkMixture({ means: mean, variances: variance, components: 1 }, m, "gaussianCrps");
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const s = Math.sqrt(variance[j]), z = (y[j] - mean[j]) / s;
    out[j] = s * (z * (2 * normalCdf(z) - 1) + 2 * normalPdf(z) - INV_SQRT_PI);
  }
  return out;
}

/**
 * CRPS of a Gaussian mixture at y, per point, in closed form:
 * E|X − y| − ½ E|X − X′| = Σₖ wₖ A(y − μₖ, σₖ²) − ½ Σₖₗ wₖ wₗ A(μₖ − μₗ, σₖ² + σₗ²),
 * A(μ, s²) = E|N(μ, s²)| (Grimit et al. 2006). Cost O(K²) per point.
 *
 * @throws RangeError as {@link gaussianCrps}, and for bad weights.
 *
 * @category Regression scores
 */
export function mixtureCrps(p: GaussianMixture, y: ArrayLike<number>): Float64Array {
  const m = checkY(y, "mixtureCrps");
  const w = checkMixture(p, m, "mixtureCrps");
  const K = p.components, out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let a = 0, b = 0;
    for (let k = 0; k < K; k++) {
      const mk = p.means[k * m + j], vk = p.variances[k * m + j];
      a += w[k] * absMoment(y[j] - mk, vk);
      b += w[k] * w[k] * absMoment(0, 2 * vk);
      for (let l = k + 1; l < K; l++) {
        b += 2 * w[k] * w[l] * absMoment(mk - p.means[l * m + j], vk + p.variances[l * m + j]);
      }
    }
    out[j] = a - 0.5 * b;
  }
  return out;
}

/**
 * Negative log-likelihood of y under the mixture, per point (log-sum-exp, so
 * narrow components do not underflow). A single Gaussian is the K = 1 case.
 *
 * @throws RangeError as {@link mixtureCrps}.
 *
 * @category Regression scores
 */
export function mixtureNll(p: GaussianMixture, y: ArrayLike<number>): Float64Array {
  const m = checkY(y, "mixtureNll");
  const w = checkMixture(p, m, "mixtureNll");
  const K = p.components, out = new Float64Array(m);
  const logs = new Float64Array(K);
  for (let j = 0; j < m; j++) {
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      const v = p.variances[k * m + j], r = y[j] - p.means[k * m + j];
      logs[k] = Math.log(w[k]) - 0.5 * (Math.log(2 * Math.PI * v) + r * r / v);
      if (logs[k] > top) top = logs[k];
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(logs[k] - top);
    out[j] = -(top + Math.log(s));
  }
  return out;
}

/**
 * The mixture's CDF at y, per point: the probability integral transform (PIT).
 *
 * @category Regression scores
 */
export function mixtureCdf(p: GaussianMixture, y: ArrayLike<number>): Float64Array {
  const m = checkY(y, "mixtureCdf");
  const w = checkMixture(p, m, "mixtureCdf");
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let c = 0;
    for (let k = 0; k < p.components; k++) {
      c += w[k] * normalCdf((y[j] - p.means[k * m + j]) / Math.sqrt(p.variances[k * m + j]));
    }
    out[j] = c;
  }
  return out;
}

/**
 * The mixture's q-quantile per point, by bisection on its CDF to 1e-10 of
 * the range of the components' ±10σ.
 *
 * @throws RangeError when q is not in (0, 1).
 *
 * @category Regression scores
 */
export function mixtureQuantile(p: GaussianMixture, m: number, q: number): Float64Array {
  if (!(q > 0 && q < 1)) fail(`mixtureQuantile: q must be in (0, 1), got ${q}.`);
  const w = checkMixture(p, m, "mixtureQuantile");
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let lo = Infinity, hi = -Infinity;
    for (let k = 0; k < p.components; k++) {
      const s = Math.sqrt(p.variances[k * m + j]), mu = p.means[k * m + j];
      lo = Math.min(lo, mu - 10 * s);
      hi = Math.max(hi, mu + 10 * s);
    }
    const tol = 1e-10 * (hi - lo);
    while (hi - lo > tol) {
      const mid = 0.5 * (lo + hi);
      let c = 0;
      for (let k = 0; k < p.components; k++) {
        c += w[k] * normalCdf((mid - p.means[k * m + j]) / Math.sqrt(p.variances[k * m + j]));
      }
      if (c < q) lo = mid;
      else hi = mid;
    }
    out[j] = 0.5 * (lo + hi);
  }
  return out;
}

/**
 * Coverage and width of central prediction intervals at one nominal level.
 *
 * @category Regression scores
 */
export interface IntervalCoverage {
  /** The nominal level, e.g. 0.95. */
  level: number;
  /** Share of points whose y lies inside its interval. */
  coverage: number;
  /** Binomial standard error of the coverage, √(c(1 − c)/m). */
  se: number;
  /** Mean interval width. */
  width: number;
}

/**
 * Observed coverage of the mixture's central intervals [q((1−ℓ)/2), q((1+ℓ)/2)]
 * at each nominal level ℓ: the calibration curve of a regression predictive
 * (perfect calibration is coverage = ℓ).
 *
 * @throws RangeError when a level is not in (0, 1).
 *
 * @example
 * ```ts
 * const curve = intervalCoverage(pred, yTest, [0.5, 0.8, 0.95]);
 * curve[2].coverage; // close to 0.95 for a calibrated predictive
 * ```
 *
 * @category Regression scores
 */
export function intervalCoverage(
  p: GaussianMixture,
  y: ArrayLike<number>,
  levels: readonly number[] = [0.5, 0.8, 0.9, 0.95],
): IntervalCoverage[] {
  const m = checkY(y, "intervalCoverage");
  return levels.map((level) => {
    if (!(level > 0 && level < 1)) fail(`intervalCoverage: level must be in (0, 1), got ${level}.`);
    const lo = mixtureQuantile(p, m, (1 - level) / 2), hi = mixtureQuantile(p, m, (1 + level) / 2);
    let inside = 0, width = 0;
    for (let j = 0; j < m; j++) {
      if (y[j] >= lo[j] && y[j] <= hi[j]) inside++;
      width += hi[j] - lo[j];
    }
    const c = inside / m;
    return { level, coverage: c, se: Math.sqrt(c * (1 - c) / m), width: width / m };
  });
}

/**
 * Area under the ROC curve for telling out-of-distribution inputs (positives)
 * from in-distribution ones by a score (higher = more likely OOD), e.g. the
 * mutual information of an ensemble: the Mann-Whitney probability that a
 * random OOD score exceeds a random in-distribution score (ties count ½).
 *
 * @throws RangeError when either set is empty or holds a non-finite score.
 *
 * @example
 * ```ts
 * auroc([0.1, 0.2], [0.3, 0.15]); // 0.75
 * ```
 *
 * @category Regression scores
 */
export function auroc(inScores: ArrayLike<number>, outScores: ArrayLike<number>): number {
  if (!(inScores.length > 0) || !(outScores.length > 0)) {
    fail("auroc: both score sets must be non-empty.");
  }
  const all: [number, number][] = [];
  for (let i = 0; i < inScores.length; i++) all.push([inScores[i], 0]);
  for (let i = 0; i < outScores.length; i++) all.push([outScores[i], 1]);
  for (const [v] of all) if (!Number.isFinite(v)) fail(`auroc: score ${v} is not finite.`);
  all.sort((a, b) => a[0] - b[0]);
  // Mid-ranks of ties; U = (sum of OOD ranks) − n₁(n₁ + 1)/2.
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const mid = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (all[t][1] === 1) rankSum += mid;
    i = j;
  }
  const n1 = outScores.length, n0 = inScores.length;
  return (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0);
}

/**
 * Mutual information between the prediction and the ensemble member, per
 * input: H(mean of the members' probabilities) − mean of the members'
 * entropies (the "epistemic" part of an ensemble's uncertainty, in nats).
 *
 * @param probs members x inputs x classes, row-major.
 * @throws RangeError when the shape does not match.
 *
 * @category Regression scores
 */
export function mutualInformation(
  probs: ArrayLike<number>,
  members: number,
  classes: number,
): Float64Array {
  if (!Number.isInteger(members) || members < 1) fail(`mutualInformation: members must be >= 1.`);
  if (!Number.isInteger(classes) || classes < 2) fail(`mutualInformation: classes must be >= 2.`);
  const n = probs.length / (members * classes);
  if (!Number.isInteger(n) || n < 1) {
    fail(`mutualInformation: probs has ${probs.length} values, not members x inputs x classes.`);
  }
  const out = new Float64Array(n);
  const mean = new Float64Array(classes);
  const h = (p: number) => (p > 0 ? -p * Math.log(p) : 0);
  for (let i = 0; i < n; i++) {
    mean.fill(0);
    let memberH = 0;
    for (let s = 0; s < members; s++) {
      for (let c = 0; c < classes; c++) {
        const p = probs[(s * n + i) * classes + c];
        mean[c] += p / members;
        memberH += h(p) / members;
      }
    }
    let meanH = 0;
    for (let c = 0; c < classes; c++) meanH += h(mean[c]);
    out[i] = Math.max(0, meanH - memberH);
  }
  return out;
}
