/**
 * Choosing the next token from one row of logits, with Hugging Face's
 * semantics and order: repetition penalty, then temperature, then top-k, then
 * a draw from the softmax (or the arg max when greedy).
 *
 * @module
 */
import type { Rng } from "../random.ts";

/** How the next token is chosen. */
export interface SamplingOptions {
  /** Arg max instead of a draw (default false). Temperature and top-k are then ignored. */
  greedy?: boolean;
  /** Logits are divided by this before the softmax (default 1). 0 means greedy. */
  temperature?: number;
  /** Keep only the k highest logits (ties with the k-th kept); 0 keeps all (default 50, as Hugging Face). */
  topK?: number;
  /** Hugging Face's repetition penalty θ (default 1: none): a seen token's logit l becomes l/θ if l > 0, else l·θ. */
  repetitionPenalty?: number;
}

/**
 * Check sampling options.
 *
 * @throws RangeError naming the bad field: temperature < 0, topK not a
 *   non-negative integer, repetitionPenalty <= 0.
 */
export function checkSamplingOptions(o: SamplingOptions): void {
  const t = o.temperature ?? 1;
  if (!(t >= 0 && isFinite(t))) {
    throw new RangeError(`temperature must be finite and >= 0, got ${t}.`);
  }
  const k = o.topK ?? 50;
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`topK must be an integer >= 0, got ${k}.`);
  }
  const r = o.repetitionPenalty ?? 1;
  if (!(r > 0 && isFinite(r))) {
    throw new RangeError(`repetitionPenalty must be finite and > 0, got ${r}.`);
  }
}

/**
 * Apply Hugging Face's repetition penalty in place: for every distinct token id
 * in `seen` (prompt and generated so far), logit l → l / θ when l > 0, else l · θ.
 */
export function applyRepetitionPenalty(
  logits: Float32Array | Float64Array,
  seen: Iterable<number>,
  penalty: number,
): void {
  if (penalty === 1) return;
  for (const id of new Set(seen)) {
    const l = logits[id];
    logits[id] = l > 0 ? l / penalty : l * penalty;
  }
}

/**
 * The probabilities a draw uses after temperature and top-k (the penalty must
 * already be applied): softmax(l / T) restricted to the top-k logits and renormalised.
 *
 * @throws RangeError when temperature is not positive.
 */
export function samplingProbabilities(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number,
): Float64Array {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}.`);
  const n = logits.length;
  let threshold = -Infinity;
  if (topK > 0 && topK < n) threshold = kthLargest(logits, topK);
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] >= threshold && logits[i] > max) max = logits[i];
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (logits[i] >= threshold) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
  }
  for (let i = 0; i < n; i++) p[i] /= sum;
  return p;
}

/**
 * The k-th largest of the values (1 ≤ k ≤ n), as the element at index n − k
 * of the ascending sort, found by selection in O(n) on average instead of a
 * sort (NaN never occurs in logits and is not handled).
 */
export function kthLargest(values: ArrayLike<number>, k: number): number {
  if (k <= 64 && k < values.length) return kthLargestHeap(values, k);
  const a = Float64Array.from(values);
  const want = a.length - k;
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    // median of three as the pivot, then a three-way partition around it
    const mid = (lo + hi) >>> 1;
    const x = a[lo], y = a[mid], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      const e = a[i];
      if (e < pivot) {
        a[i] = a[lt];
        a[lt++] = e;
        i++;
      } else if (e > pivot) {
        a[i] = a[gt];
        a[gt--] = e;
      } else i++;
    }
    if (want < lt) hi = lt - 1;
    else if (want > gt) lo = gt + 1;
    else return pivot;
  }
  return a[want];
}

/** kthLargest for small k: one pass keeping the k largest in a min-heap. */
function kthLargestHeap(values: ArrayLike<number>, k: number): number {
  const h = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    // sift up
    let j = i;
    const x = values[i];
    while (j > 0) {
      const parent = (j - 1) >> 1;
      if (h[parent] <= x) break;
      h[j] = h[parent];
      j = parent;
    }
    h[j] = x;
  }
  const n = values.length;
  for (let i = k; i < n; i++) {
    const x = values[i];
    if (x <= h[0]) continue;
    // replace the minimum and sift down
    let j = 0;
    for (;;) {
      const l = 2 * j + 1;
      if (l >= k) break;
      const r = l + 1;
      const c = r < k && h[r] < h[l] ? r : l;
      if (h[c] >= x) break;
      h[j] = h[c];
      j = c;
    }
    h[j] = x;
  }
  return h[0];
}

/** Index of the largest value (the first one on ties). */
export function argMax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/**
 * The next token for one row of logits. `logits` is modified in place (penalty).
 *
 * @param seen the tokens so far (prompt and generated), for the repetition penalty.
 * @param rng the row's generator (one uniform draw per sampled token).
 */
export function chooseToken(
  logits: Float32Array | Float64Array,
  seen: Iterable<number>,
  options: SamplingOptions,
  rng: Rng,
): number {
  applyRepetitionPenalty(logits, seen, options.repetitionPenalty ?? 1);
  const t = options.temperature ?? 1;
  if (options.greedy || t === 0) return argMax(logits);
  // samplingProbabilities' arithmetic, visiting only the kept tokens (in index
  // order, so every sum and the draw are the same numbers).
  if (!(t > 0)) throw new RangeError(`temperature must be > 0, got ${t}.`);
  const n = logits.length, topK = options.topK ?? 50;
  const threshold = topK > 0 && topK < n ? kthLargest(logits, topK) : -Infinity;
  const kept: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (logits[i] >= threshold) {
      kept.push(i);
      if (logits[i] > max) max = logits[i];
    }
  }
  const e = new Float64Array(kept.length);
  let sum = 0;
  for (let j = 0; j < kept.length; j++) {
    e[j] = Math.exp((logits[kept[j]] - max) / t);
    sum += e[j];
  }
  const u = rng.uniform();
  let acc = 0, last = 0;
  for (let j = 0; j < kept.length; j++) {
    const p = e[j] / sum;
    if (p > 0) {
      acc += p;
      last = kept[j];
      if (u < acc) return kept[j];
    }
  }
  return last; // rounding left u above the total
}
