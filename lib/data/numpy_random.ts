/**
 * numpy's legacy `RandomState` (the MT19937 Mersenne Twister), draw for draw.
 *
 * The paper's reference code splits its data with scikit-learn, which draws
 * from `np.random.RandomState(seed)`. To use the very same training and test
 * rows we reproduce that generator exactly: the seeding, the 32-bit outputs,
 * the 53-bit doubles of `random_sample`, the masked rejection sampling of
 * `randint`, and the shuffle behind `permutation`, `shuffle` and
 * `choice(..., replace=False)`. Tests compare every method to draws written by
 * numpy 1.24 (tests/data/fixtures/numpy_random_state.json, made by
 * tools/make_split_fixtures.py).
 *
 * Use it only where numpy compatibility matters; everything else uses the
 * faster `Rng` of lib/random.ts.
 *
 * Algorithms: Matsumoto & Nishimura (1998), "Mersenne Twister: a
 * 623-dimensionally equidistributed uniform pseudo-random number generator",
 * ACM TOMACS 8(1), with their 2002 initialization (`init_genrand`,
 * `init_by_array`).
 *
 * @module
 */

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO32 = 4294967296;

function checkUint32(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`${name} must be an integer in [0, 2^32 - 1], got ${v}.`);
  }
}

function checkSize(size: number, name = "size"): void {
  if (!Number.isInteger(size) || size < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${size}.`);
  }
}

/** The smallest 2^k - 1 that is >= v (v < 2^53). */
function maskFor(v: number): number {
  let m = 1;
  while (m < v) m = m * 2 + 1;
  return m;
}

/**
 * numpy's `np.random.RandomState(seed)`: MT19937 with numpy's legacy methods.
 *
 * An integer seed uses MT19937's `init_genrand` (as numpy does for an int); an
 * array seed uses `init_by_array` (as numpy does for a list or array).
 *
 * @example
 * ```ts
 * const rs = new NumpyRandomState(0);
 * rs.random();          // 0.5488135039273248, as np.random.RandomState(0).random_sample()
 * rs.permutation(5);    // the same order as np.random.RandomState(0).permutation(5) after it
 * ```
 *
 * @category Splits
 */
export class NumpyRandomState {
  readonly #mt = new Uint32Array(N);
  #pos = N;

  /**
   * Seed the generator as `np.random.RandomState(seed)` does.
   *
   * @param seed an integer in [0, 2^32 - 1], or a non-empty array of such integers.
   * @throws RangeError when the seed or an entry is not such an integer, or the array is empty.
   */
  constructor(seed: number | readonly number[]) {
    if (typeof seed === "number") {
      checkUint32(seed, "seed");
      this.#initGenrand(seed);
    } else {
      if (seed.length === 0) {
        throw new RangeError("seed must be an integer or a non-empty array of integers, got [].");
      }
      seed.forEach((v, i) => checkUint32(v, `seed[${i}]`));
      this.#initByArray(seed);
    }
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      mt[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.#pos = N;
  }

  #initByArray(key: readonly number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.#pos = N;
  }

  #twist(): void {
    const mt = this.#mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
      mt[k] = (mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    this.#pos = 0;
  }

  /** The first `count` words of the 624-word state (numpy's `get_state()[1]`), for tests. */
  stateHead(count = N): Uint32Array {
    return this.#mt.slice(0, count);
  }

  /** The next 32-bit output (MT19937 `genrand_int32`), an integer in [0, 2^32). */
  nextUint32(): number {
    if (this.#pos >= N) this.#twist();
    let y = this.#mt[this.#pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * The next draw of numpy's 64-bit stream (high word first) restricted to the
   * low bits of `mask` (an all-ones mask of up to 53 bits), as an exact number.
   */
  #nextMasked64(mask: number): number {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    const hiMask = Math.floor(mask / TWO32);
    return (hi & hiMask) * TWO32 + lo;
  }

  /** A uniform integer in [0, max] by masked rejection (numpy's `random_interval`). */
  #interval(max: number): number {
    if (max === 0) return 0;
    const mask = maskFor(max);
    let v: number;
    if (max <= 0xffffffff) {
      do v = (this.nextUint32() & mask) >>> 0; while (v > max);
    } else {
      do v = this.#nextMasked64(mask); while (v > max);
    }
    return v;
  }

  /**
   * One uniform double in [0, 1) with 53 random bits, as `random_sample()`:
   * (a * 2^26 + b) / 2^53 with a, b the top 27 and 26 bits of two outputs.
   */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `size` draws of `random()`, as `random_sample(size)`. */
  randomSample(size: number): Float64Array {
    checkSize(size);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.random();
    return out;
  }

  /**
   * `size` uniform integers in [low, high), as legacy `randint(low, high, size)`
   * with the default int64 dtype: masked rejection sampling on 32-bit outputs
   * when high - low - 1 < 2^32, on 64-bit outputs otherwise. A range of one
   * value consumes no draws.
   *
   * @throws RangeError unless low < high are integers in [-2^53, 2^53] with high - low <= 2^53.
   */
  randint(low: number, high: number, size: number): Float64Array {
    if (!Number.isInteger(low) || !Number.isInteger(high) || low >= high) {
      throw new RangeError(`randint needs integers low < high, got low=${low}, high=${high}.`);
    }
    const range = high - 1 - low;
    if (Math.abs(low) > 2 ** 53 || Math.abs(high) > 2 ** 53 || range + 1 > 2 ** 53) {
      throw new RangeError(`randint supports high - low up to 2^53, got ${high - low}.`);
    }
    checkSize(size);
    const out = new Float64Array(size);
    if (range === 0) return out.fill(low);
    const mask = maskFor(range);
    for (let i = 0; i < size; i++) {
      let v: number;
      if (range <= 0xffffffff) {
        do v = (this.nextUint32() & mask) >>> 0; while (v > range);
      } else {
        do v = this.#nextMasked64(mask); while (v > range);
      }
      out[i] = low + v;
    }
    return out;
  }

  /**
   * Shuffle `arr` in place as legacy `shuffle` does for a 1-d array: for i from
   * n-1 down to 1, swap element i with element j, j uniform in [0, i].
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.#interval(i);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /** A random order of 0..n-1, as `permutation(n)` (`arange(n)` then `shuffle`). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`n must be an integer in [0, 2^31 - 1], got ${n}.`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * `size` draws from 0..n-1, as legacy `choice(n, size, replace)` without
   * probabilities. Without replacement it is `permutation(n)` cut to `size`
   * (so it always consumes a full shuffle of n); with replacement it is
   * `randint(0, n, size)`.
   *
   * @throws RangeError when size > n without replacement, or n < 1 while size > 0.
   */
  choice(n: number, size: number, { replace = true }: { replace?: boolean } = {}): Int32Array {
    checkSize(n, "n");
    checkSize(size);
    if (n === 0 && size > 0) {
      throw new RangeError("n must be at least 1 to draw from 0..n-1; got n=0.");
    }
    if (size === 0 && replace) return new Int32Array(0);
    if (replace) return Int32Array.from(this.randint(0, n, size));
    if (size > n) {
      throw new RangeError(
        `size must be at most n when replace is false, got size=${size}, n=${n}.`,
      );
    }
    return this.permutation(n).slice(0, size);
  }
}
