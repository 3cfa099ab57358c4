/**
 * Seeded pseudo-random numbers for every stochastic part of the toolkit.
 *
 * The generator is **xoshiro128\*\*** (Blackman & Vigna, 2018): 128 bits of
 * state, period 2^128 - 1, 32-bit outputs, and only 32-bit integer operations,
 * so it is fast in JavaScript without BigInt. The 128-bit state is filled from
 * the seed with **SplitMix32**-style mixing, so nearby seeds (1, 2, 3, ...) give
 * unrelated streams.
 *
 * Child streams: `childStreams(seed, count)` (or `rng.child(i)`) derive stream i
 * by hashing (seed, i) into a fresh state. Each student in a cohort gets its own
 * stream, so student 17's init is the same whether it is trained alone or in a
 * cohort of 10,000.
 *
 * This is not numpy's generator: for index-for-index compatibility with the
 * authors' numpy/scikit-learn code see `lib/data/numpy_random.ts`.
 *
 * @module
 */

/** Largest seed accepted: seeds are integers in [0, 2^53). */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

function checkSeed(seed: number, name = "seed"): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(
      `${name} must be an integer in [0, 2^53 - 1], got ${seed}. ` +
        `Pass a fixed non-negative integer such as 42.`,
    );
  }
}

/** One round of a 32-bit avalanche mix (the MurmurHash3 finalizer). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Fill a 128-bit state from up to three 32-bit words with SplitMix32 steps. */
function seedState(a: number, b: number, c: number): Uint32Array {
  const s = new Uint32Array(4);
  let x = (mix32(a ^ 0x9e3779b9) ^ mix32(b + 0x7f4a7c15) ^ mix32(c ^ 0x632be5ab)) >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    s[i] = mix32(x ^ Math.imul(i + 1, 0x2545f491));
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is forbidden
  return s;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A seeded xoshiro128** generator.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform(); // in [0, 1)
 * rng.normal();  // standard normal
 * rng.int(10);   // integer in [0, 10)
 * ```
 *
 * @category Random streams
 */
export class Rng {
  readonly #s: Uint32Array;
  readonly #seed: number;
  readonly #path: readonly number[];
  #spare = NaN;

  /**
   * A generator for `seed`, or for its child stream along `path`.
   *
   * @param seed an integer in [0, 2^53).
   * @param path child indices below the root stream of `seed` (empty: the root).
   *   `new Rng(seed, [3])` is the same stream as `new Rng(seed).child(3)`.
   * @throws RangeError when the seed or a path entry is not such an integer.
   */
  constructor(seed: number, path: readonly number[] = []) {
    checkSeed(seed);
    path.forEach((p, i) => checkSeed(p, `path[${i}]`));
    this.#seed = seed;
    this.#path = Object.freeze([...path]);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    if (path.length === 0) {
      this.#s = seedState(lo, hi, 0);
    } else {
      // Fold the path into one 32-bit word, then seed from (seed, word, depth).
      let h = 0x811c9dc5;
      for (const p of path) {
        h = mix32(h ^ (p >>> 0));
        h = mix32(h ^ (Math.floor(p / 4294967296) >>> 0));
      }
      this.#s = seedState((lo ^ h) >>> 0, hi, mix32(h + path.length));
    }
  }

  /** The seed this generator (or its root ancestor) was created with. */
  get seed(): number {
    return this.#seed;
  }

  /** The child indices from the root generator to this one (empty for a root). */
  get path(): readonly number[] {
    return this.#path;
  }

  /**
   * The independent child stream number `index` of this generator. The child
   * depends only on this generator's seed and path and on `index`, not on how
   * many numbers have been drawn, so `child(i)` is the same stream whenever it
   * is asked for.
   */
  child(index: number): Rng {
    return new Rng(this.#seed, [...this.#path, index]);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n), without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`n must be an integer in [1, 2^32], got ${n}.`);
    }
    if (n === 4294967296) return this.nextUint32();
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextUint32(); while (x >= limit);
    return x % n;
  }

  /** A standard normal draw (Marsaglia's polar method; the pair's second value is cached). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const v = this.#spare;
      this.#spare = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * f;
    return u * f;
  }
}

/**
 * The one seed convention of the library: every random function or option takes
 * `seed: Seed`, a number (an integer in [0, 2^53): a fresh root stream) or an
 * {@link Rng} (drawn from, or asked for child streams, as the function says).
 * The same number always gives the same numbers.
 *
 * @category Random streams
 */
export type Seed = number | Rng;

/**
 * The generator itself, or a fresh root generator for a number.
 *
 * @throws TypeError when `seed` is neither a number nor an `Rng` (for example
 *   undefined, from an options object that still says `rng:` instead of `seed:`).
 *
 * @category Random streams
 */
export function toRng(seed: Seed): Rng {
  if (typeof seed === "number") return new Rng(seed);
  if (seed instanceof Rng) return seed;
  throw new TypeError(
    `seed must be a number or an Rng, got ${String(seed)}; options take { seed }, not { rng }.`,
  );
}

function checkCount(n: number, name: string, min = 0): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${n}.`);
  }
}

/**
 * `count` independent child streams of one seed: stream i is `new Rng(seed).child(i)`.
 * One per student, so each student's randomness does not depend on the cohort size.
 *
 * @example
 * ```ts
 * const streams = childStreams(7, 1000); // 1,000 students, one stream each
 * ```
 *
 * @category Random streams
 */
export function childStreams(seed: Seed, count: number): Rng[] {
  checkCount(count, "count");
  const root = toRng(seed);
  return Array.from({ length: count }, (_, i) => root.child(i));
}

/**
 * `n` uniform draws in [low, high).
 *
 * @category Random streams
 */
export function uniform(seed: Seed, n: number, low = 0, high = 1): Float64Array {
  checkCount(n, "n");
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new RangeError(`need finite low <= high, got low=${low}, high=${high}.`);
  }
  const r = toRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * r.uniform();
  return out;
}

/**
 * `n` normal draws with the given mean and standard deviation.
 *
 * @category Random streams
 */
export function normal(seed: Seed, n: number, mean = 0, std = 1): Float64Array {
  checkCount(n, "n");
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new RangeError(`need a finite mean and a finite std >= 0, got mean=${mean}, std=${std}.`);
  }
  const r = toRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + std * r.normal();
  return out;
}

/**
 * A uniformly random permutation of 0..n-1 (Fisher-Yates shuffle).
 *
 * @category Random streams
 */
export function permutation(seed: Seed, n: number): Int32Array {
  checkCount(n, "n");
  const r = toRng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * `k` distinct indices from 0..n-1, uniformly at random, in the order drawn
 * (a partial Fisher-Yates shuffle).
 *
 * @throws RangeError when k > n.
 *
 * @category Random streams
 */
export function sampleWithoutReplacement(seed: Seed, n: number, k: number): Int32Array {
  checkCount(n, "n");
  checkCount(k, "k");
  if (k > n) {
    throw new RangeError(`k must be at most n to sample without replacement, got k=${k}, n=${n}.`);
  }
  const r = toRng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + r.int(n - i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p.slice(0, k);
}

/**
 * A bootstrap sample: `m` indices drawn from 0..n-1 with replacement
 * (m defaults to n).
 *
 * @category Random streams
 */
export function bootstrapIndices(seed: Seed, n: number, m = n): Int32Array {
  checkCount(n, "n", 1);
  checkCount(m, "m");
  const r = toRng(seed);
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[i] = r.int(n);
  return out;
}

/**
 * Bootstrap counts: how many times each of the n examples is drawn in a
 * bootstrap sample of size m. Training with these counts as example weights is
 * the same as training on the resampled rows, but keeps the inputs shared across
 * students (see the cohort trainer). Equals counting `bootstrapIndices(seed, n, m)`
 * for the same seed or generator state.
 *
 * @category Random streams
 */
export function bootstrapCounts(seed: Seed, n: number, m = n): Float64Array {
  const idx = bootstrapIndices(seed, n, m);
  const counts = new Float64Array(n);
  for (const i of idx) counts[i]++;
  return counts;
}

/**
 * Bootstrap counts for a cohort: `students` count vectors ({@link bootstrapCounts}) of
 * samples of size m over the n examples, drawn in turn from one generator, student-major
 * (student s's counts at s·n): the example weights of bootstrap students sharing one design.
 *
 * @throws RangeError when `students` or n is not a positive integer, or m is negative.
 *
 * @example
 * ```ts
 * const w = bootstrapCountRows(1, 3, 5); // 3 x 5 counts, each row summing to 5
 * ```
 *
 * @category Random streams
 */
export function bootstrapCountRows(seed: Seed, students: number, n: number, m = n): Float64Array {
  checkCount(students, "students", 1);
  const r = toRng(seed), out = new Float64Array(students * n);
  for (let s = 0; s < students; s++) out.set(bootstrapCounts(r, n, m), s * n);
  return out;
}
