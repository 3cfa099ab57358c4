/**
 * What a practitioner wants to know about a teacher's saved outputs before
 * distilling from them, accumulated while the targets stream past: the
 * distribution of the per-input teacher variance, what averaging k
 * responses buys (Theorem 7.1, with the curve measured by sub-sampling the
 * user's own responses), the inputs the teacher disagrees with itself most
 * on, and the variance-weighting weights with their uncertainty.
 *
 * @module
 */
import { Rng } from "../../lib/random.ts";
import type { ResponseMatrix, Target } from "../../lib/targets/targets.ts";

/**
 * The sub-sampling curve: per k, the measured and the predicted squared distance.
 *
 * @category Variance-aware targets for your teacher
 */
export interface SubsampleCurve {
  /** Subset sizes k. */
  k: number[];
  /** Mean over inputs of |mean of a random k-subset − mean of all n|² (per dimension). */
  measured: number[];
  /** Its Monte Carlo standard error. */
  se: number[];
  /** The finite-population value s²(1/k − 1/n), averaged over the same inputs. */
  theory: number[];
  /** Inputs that contributed (those with n > k). */
  inputs: number[];
}

/**
 * One of the inputs with the largest teacher variance.
 *
 * @category Variance-aware targets for your teacher
 */
export interface Disagreement {
  /** The input's id. */
  id: string | number;
  /** s² at that input. */
  teacherVariance: number;
  /** Responses given. */
  responses: number;
  /** The first responses, shortened, as text. */
  preview: string;
}

/**
 * Options of {@link TargetSummary}.
 *
 * @category Variance-aware targets for your teacher
 */
export interface SummaryOptions {
  /** Seed of the sub-sampling (default 1); the inputs draw from one stream, in file order. */
  seed?: number;
  /** Largest subset size on the curve (default 32). */
  maxK?: number;
  /** How many most-disagreeing inputs to keep (default 10). */
  top?: number;
}

function preview(responses: readonly unknown[]): string {
  const s = responses.slice(0, 3).map((r) =>
    typeof r === "number" ? String(Number(r.toPrecision(4))) : JSON.stringify(r).slice(0, 40)
  ).join("; ");
  return responses.length > 3 ? `${s}; …` : s;
}

/**
 * The q-quantile (linear interpolation) of sorted finite values.
 *
 * @category Variance-aware targets for your teacher
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Accumulates the report's numbers input by input. Memory: a few numbers per
 * input (its variance, weight and k), whatever the number of responses.
 *
 * @example
 * ```ts
 * const s = new TargetSummary({ seed: 1 });
 * const rec = { id: "a", responses: [1.9, 2.1, 2.6] };
 * s.add(rec.responses, responseMatrix(rec.responses), recordTarget(rec, { method: "mean" }));
 * s.recommendK(0.01); // { k: 13, meanVariance: 0.13, shareMeeting: 1 }
 * ```
 *
 * @category Variance-aware targets for your teacher
 */
export class TargetSummary {
  /** s² per input (NaN where k = 1), in input order. */
  readonly variances: number[] = [];
  /** a_T per input for variance weighting (NaN otherwise). */
  readonly weights: number[] = [];
  /** SE of a_T per input. */
  readonly weightSes: number[] = [];
  /** Responses per input (the k used). */
  readonly ks: number[] = [];
  readonly #rng: Rng;
  readonly #maxK: number;
  readonly #topN: number;
  #top: Disagreement[] = [];
  readonly #sum: Float64Array;
  readonly #sumSq: Float64Array;
  readonly #theory: Float64Array;
  readonly #count: Float64Array;
  #perm = new Int32Array(0);
  #bufs = [new Float64Array(0), new Float64Array(0)];

  /** A summary with its own sub-sampling stream (`seed`, default 1). */
  constructor(opts: SummaryOptions = {}) {
    this.#rng = new Rng(opts.seed ?? 1);
    this.#maxK = opts.maxK ?? 32;
    this.#topN = opts.top ?? 10;
    if (!Number.isInteger(this.#maxK) || this.#maxK < 1) {
      throw new RangeError(`maxK must be an integer >= 1, got ${opts.maxK}.`);
    }
    this.#sum = new Float64Array(this.#maxK);
    this.#sumSq = new Float64Array(this.#maxK);
    this.#theory = new Float64Array(this.#maxK);
    this.#count = new Float64Array(this.#maxK);
  }

  /** Add one input: its responses in vector form (all n of them) and its target. */
  add(responses: readonly unknown[], m: ResponseMatrix, t: Target): void {
    const v = t.teacherVariance ?? NaN;
    this.variances.push(v);
    this.weights.push(t.weightTeacher ?? NaN);
    this.weightSes.push(t.weightTeacherSe ?? NaN);
    this.ks.push(t.k);
    if (Number.isFinite(v)) {
      const worst = this.#top.length < this.#topN
        ? -Infinity
        : this.#top[this.#top.length - 1].teacherVariance;
      if (v > worst) {
        this.#top.push({
          id: t.id,
          teacherVariance: v,
          responses: m.n,
          preview: preview(responses),
        });
        this.#top.sort((a, b) => b.teacherVariance - a.teacherVariance);
        if (this.#top.length > this.#topN) this.#top.pop();
      }
    }
    this.#subsample(m);
  }

  #subsample(m: ResponseMatrix): void {
    const { n, d } = m;
    let values = m.values;
    if (n < 2) return;
    const full = this.#buf(0, d);
    // Values near 1e308 overflow the sums: then work on the values divided by their largest
    // absolute value, and scale the squared distances back by its square (`unit`).
    let unit = 1, ss = 0;
    for (let pass = 0; pass < 2; pass++) {
      full.fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) full[j] += values[i * d + j];
      ss = 0;
      for (let j = 0; j < d; j++) full[j] /= n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) ss += (values[i * d + j] - full[j]) ** 2;
      }
      if (Number.isFinite(ss)) break;
      let scale = 0;
      for (const v of m.values) scale = Math.max(scale, Math.abs(v));
      values = m.values.map((v) => v / scale);
      unit = scale * scale;
    }
    const s2 = ss / (n - 1) / d * unit;
    // One random permutation per input: its first k entries are a uniform random k-subset for
    // every k at once (the subsets of one input are nested; inputs stay independent).
    if (this.#perm.length < n) this.#perm = new Int32Array(n);
    const perm = this.#perm;
    for (let i = 0; i < n; i++) perm[i] = i;
    const sub = this.#buf(1, d);
    sub.fill(0);
    const top = Math.min(n - 1, this.#maxK);
    for (let k = 1; k <= top; k++) {
      const r = k - 1 + Math.floor(this.#rng.uniform() * (n - k + 1));
      const pick = perm[r];
      perm[r] = perm[k - 1];
      perm[k - 1] = pick;
      let dist = 0;
      for (let j = 0; j < d; j++) {
        sub[j] += values[pick * d + j];
        dist += (sub[j] / k - full[j]) ** 2;
      }
      dist = dist / d * unit;
      this.#sum[k - 1] += dist;
      this.#sumSq[k - 1] += dist * dist;
      this.#theory[k - 1] += s2 * (1 / k - 1 / n);
      this.#count[k - 1]++;
    }
  }

  #buf(i: number, d: number): Float64Array {
    if (this.#bufs[i].length < d) this.#bufs[i] = new Float64Array(d);
    return this.#bufs[i].length === d ? this.#bufs[i] : this.#bufs[i].subarray(0, d);
  }

  /** Inputs added. */
  get inputs(): number {
    return this.variances.length;
  }

  /** The inputs with the largest teacher variance, largest first. */
  get top(): readonly Disagreement[] {
    return this.#top;
  }

  /** The sub-sampling curve (k with at least one contributing input). */
  curve(): SubsampleCurve {
    const out: SubsampleCurve = { k: [], measured: [], se: [], theory: [], inputs: [] };
    this.#count.forEach((c, i) => {
      if (!c) return;
      const mean = this.#sum[i] / c;
      let varr = c > 1 ? (this.#sumSq[i] / c - mean * mean) * c / (c - 1) : NaN;
      // Equal draws: what is left of the difference is rounding, not spread.
      if (varr <= 1e-12 * mean * mean) varr = 0;
      out.k.push(i + 1);
      out.measured.push(mean);
      out.se.push(Math.sqrt(Math.max(varr, 0) / c));
      out.theory.push(this.#theory[i] / c);
      out.inputs.push(c);
    });
    return out;
  }

  /** The finite per-input variances, sorted. */
  sortedVariances(): Float64Array {
    return Float64Array.from(this.variances.filter(Number.isFinite)).sort();
  }

  /**
   * The flag threshold: Tukey's "far out" fence Q3 + 3·IQR of the per-input
   * teacher variances (Infinity when fewer than 4 inputs have a variance).
   */
  flagThreshold(): number {
    const s = this.sortedVariances();
    if (s.length < 4) return Infinity;
    const q1 = quantileSorted(s, 0.25), q3 = quantileSorted(s, 0.75);
    return q3 + 3 * (q3 - q1);
  }

  /**
   * The smallest k whose predicted label noise s̄²/k (Theorem 7.1, with s̄²
   * the mean per-input variance) is at most `targetNoise`, and the share of
   * inputs whose own s²/k meets it at that k.
   *
   * @throws RangeError when `targetNoise` is not positive.
   */
  recommendK(targetNoise: number): { k: number; meanVariance: number; shareMeeting: number } {
    if (!(targetNoise > 0) || !Number.isFinite(targetNoise)) {
      throw new RangeError(`targetNoise must be a positive number, got ${targetNoise}.`);
    }
    const s = this.sortedVariances();
    let mean = 0;
    for (const v of s) mean += v;
    mean /= s.length || 1;
    const k = Math.max(1, Math.ceil(mean / targetNoise - 1e-12));
    let meet = 0;
    for (const v of s) if (v / k <= targetNoise) meet++;
    return { k, meanVariance: mean, shareMeeting: s.length ? meet / s.length : NaN };
  }
}
