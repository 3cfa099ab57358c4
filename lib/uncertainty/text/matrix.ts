/**
 * Embedding matrices as the text-uncertainty measures take them (internal):
 * n rows of d numbers, row-major, in a Float32Array or Float64Array.
 *
 * @module
 */

/**
 * A row-major n x d matrix of embeddings (one response per row).
 *
 * @category Embeddings
 */
export type Embeddings = Float32Array | Float64Array;

/**
 * Check that `x` holds `n >= minRows` finite rows of `d` numbers and return n.
 *
 * @throws RangeError naming `name` when d is not a positive integer, the length
 *   is not a multiple of d, there are too few rows, or an entry is not finite.
 */
export function rowsOf(x: Embeddings, d: number, name: string, minRows = 1): number {
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`the embedding dimension d must be a positive integer; got ${d}.`);
  }
  if (x.length % d !== 0) {
    throw new RangeError(
      `${name}.length (${x.length}) must be a multiple of d (${d}): pass n x d row-major embeddings.`,
    );
  }
  const n = x.length / d;
  if (n < minRows) {
    throw new RangeError(`${name} has ${n} rows; at least ${minRows} are needed.`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new RangeError(`${name}[${i}] is ${x[i]}: every entry must be finite.`);
    }
  }
  return n;
}

/** Throw unless two per-prompt series have the same positive length of finite numbers. */
export function checkSeries(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  nameA: string,
  nameB: string,
  minLength = 1,
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `${nameA} (${a.length}) and ${nameB} (${b.length}) must have one entry per prompt each.`,
    );
  }
  if (a.length < minLength) {
    throw new RangeError(`${nameA} has ${a.length} entries; at least ${minLength} are needed.`);
  }
  for (const [arr, name] of [[a, nameA], [b, nameB]] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) {
        throw new RangeError(`${name}[${i}] is ${arr[i]}: every entry must be finite.`);
      }
    }
  }
}
