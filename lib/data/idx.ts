/**
 * The IDX format of the MNIST files (LeCun et al.), and a loader for full
 * MNIST from the four standard files at a path the user gives.
 *
 * IDX: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte,
 * 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of
 * dimensions, each dimension as a big-endian uint32, then the values,
 * big-endian, row-major. Files may be gzipped (`.gz`); we detect gzip by content.
 *
 * @module
 */

import { largeDataDir } from "../config.ts";
import type { ClassificationDataset } from "./dataset.ts";
import { readDataBytes } from "./read_file.ts";

/**
 * An IDX array: its dimensions and its values, row-major.
 *
 * @category Loaders
 */
export interface IdxArray {
  /** Size of each dimension, outermost first (e.g. [60000, 28, 28]). */
  dims: number[];
  /** The values, row-major, in the file's type. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { size: number; name: string }> = {
  0x08: { size: 1, name: "uint8" },
  0x09: { size: 1, name: "int8" },
  0x0b: { size: 2, name: "int16" },
  0x0c: { size: 4, name: "int32" },
  0x0d: { size: 4, name: "float32" },
  0x0e: { size: 8, name: "float64" },
};

/**
 * Decode IDX bytes (already decompressed).
 *
 * @param path used in error messages only.
 * @throws Error naming the path when the magic number, type, dimensions or length are wrong.
 *
 * @category Loaders
 */
export function decodeIdx(bytes: Uint8Array, path = "<bytes>"): IdxArray {
  const bad = (why: string) =>
    new Error(`the file "${path}" is not a valid IDX file: ${why}. Expected the MNIST IDX format.`);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw bad("it does not start with 0x0000");
  }
  const type = TYPES[bytes[2]];
  if (!type) throw bad(`unknown type byte 0x${bytes[2].toString(16)}`);
  const nd = bytes[3];
  if (nd < 1) throw bad("it has zero dimensions");
  const start = 4 + 4 * nd;
  if (bytes.length < start) throw bad("it ends inside the header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < nd; k++) dims.push(view.getUint32(4 + 4 * k));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + count * type.size) {
    throw bad(
      `dimensions ${dims.join(" x ")} need ${
        start + count * type.size
      } bytes, the file has ${bytes.length}`,
    );
  }
  const body = bytes.subarray(start);
  let data: IdxArray["data"];
  switch (type.name) {
    case "uint8":
      data = body.slice();
      break;
    case "int8":
      data = new Int8Array(body.slice().buffer);
      break;
    default: {
      const read = {
        int16: (o: number) => view.getInt16(o),
        int32: (o: number) => view.getInt32(o),
        float32: (o: number) => view.getFloat32(o),
        float64: (o: number) => view.getFloat64(o),
      }[type.name as "int16" | "int32" | "float32" | "float64"];
      const ctor = {
        int16: Int16Array,
        int32: Int32Array,
        float32: Float32Array,
        float64: Float64Array,
      }[type.name as "int16" | "int32" | "float32" | "float64"];
      data = new ctor(count);
      for (let i = 0; i < count; i++) data[i] = read(start + i * type.size);
    }
  }
  return { dims, data };
}

/**
 * Read an IDX file, gzipped or not.
 *
 * @throws Error naming the path when it is missing or not valid IDX.
 * @example
 * ```ts
 * const labels = await readIdx("/data/mnist/t10k-labels-idx1-ubyte.gz"); // dims [10000]
 * ```
 *
 * @category Loaders
 */
export async function readIdx(path: string): Promise<IdxArray> {
  return decodeIdx(await readDataBytes(path, "the IDX file"), path);
}

/**
 * Options of `loadMnistIdx` and `loadMnist`.
 *
 * @category Loaders
 */
export interface MnistIdxOptions {
  /** "train" (60,000), "test" (10,000) or "all" (train then test: 70,000, as the paper). */
  split?: "train" | "test" | "all";
}

/** Options of `loadMnist`: the split, and the folder of the IDX files. */
export interface MnistOptions extends MnistIdxOptions {
  /** Folder of the four IDX files; default `<largeDataDir()>/mnist` (the shipped copy, or KD_DATA_DIR's). */
  dir?: string;
}

/**
 * Full MNIST from the copy the project ships in `data/mnist` (or
 * `KD_DATA_DIR/mnist` when that is set, or `dir`): `loadMnistIdx` with the
 * folder filled in. Pixels divided by 255 (Section 6.1; docs/protocols.md).
 *
 * @throws Error as `loadMnistIdx`.
 * @example
 * ```ts
 * const mnist = await loadMnist({ split: "all" }); // 70,000 x 784, as the paper
 * ```
 */
export function loadMnist(opts: MnistOptions = {}): Promise<ClassificationDataset> {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`opts must be an object such as { split: "all" }, got ${opts}.`);
  }
  const { dir, ...rest } = opts;
  return loadMnistIdx(dir ?? `${largeDataDir()}/mnist`, rest);
}

async function findFile(dir: string, stem: string, kind: string): Promise<string> {
  const names = [`${stem}-${kind}.gz`, `${stem}-${kind}`, `${stem}-${kind.replace("-", ".")}`];
  for (const name of names) {
    try {
      await Deno.stat(`${dir}/${name}`);
      return `${dir}/${name}`;
    } catch { /* try the next name */ }
  }
  throw new Error(
    `dir "${dir}" has no MNIST file ${names.join(" or ")}. Point dir at the folder holding ` +
      `the four standard IDX files (train-images-idx3-ubyte.gz, ...).`,
  );
}

async function loadPart(
  dir: string,
  stem: string,
): Promise<{ x: Float64Array; y: Int32Array; side: [number, number] }> {
  const imgPath = await findFile(dir, `${stem}-images`, "idx3-ubyte");
  const lblPath = await findFile(dir, `${stem}-labels`, "idx1-ubyte");
  const img = await readIdx(imgPath), lbl = await readIdx(lblPath);
  if (img.dims.length !== 3 || !(img.data instanceof Uint8Array)) {
    throw new Error(
      `the file "${imgPath}" must hold uint8 images n x rows x cols; got dims ${img.dims}.`,
    );
  }
  if (lbl.dims.length !== 1 || lbl.dims[0] !== img.dims[0] || !(lbl.data instanceof Uint8Array)) {
    throw new Error(
      `the file "${lblPath}" must hold ${
        img.dims[0]
      } uint8 labels, one per image of "${imgPath}"; got dims ${lbl.dims}.`,
    );
  }
  const x = new Float64Array(img.data.length);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i] / 255;
  const y = new Int32Array(lbl.data.length);
  for (let i = 0; i < y.length; i++) {
    if (lbl.data[i] > 9) {
      throw new Error(`the file "${lblPath}" has label ${lbl.data[i]} at ${i}; expected 0..9.`);
    }
    y[i] = lbl.data[i];
  }
  return { x, y, side: [img.dims[1], img.dims[2]] };
}

/**
 * Full MNIST from the standard IDX files in `dir` (`train-images-idx3-ubyte[.gz]`,
 * `train-labels-idx1-ubyte[.gz]`, `t10k-...`), in file order, pixels divided
 * by 255 as in the paper (Section 6; docs/protocols.md).
 *
 * @throws Error when dir lacks a file, a file is not valid IDX, or images and labels disagree.
 * @example
 * ```ts
 * const mnist = await loadMnistIdx("data/mnist", { split: "all" }); // 70,000 x 784
 * ```
 *
 * @category Loaders
 */
export async function loadMnistIdx(
  dir: string,
  opts: MnistIdxOptions = {},
): Promise<ClassificationDataset> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(`dir must be the folder of the MNIST IDX files, got ${dir}.`);
  }
  const split = opts.split ?? "train";
  if (!["train", "test", "all"].includes(split)) {
    throw new RangeError(`split must be "train", "test" or "all", got "${split}".`);
  }
  const folder = dir.replace(/\/$/, "");
  const parts = split === "all"
    ? [await loadPart(folder, "train"), await loadPart(folder, "t10k")]
    : [await loadPart(folder, split === "train" ? "train" : "t10k")];
  const [h, w] = parts[0].side;
  if (parts.some((p) => p.side[0] !== h || p.side[1] !== w)) {
    throw new Error(`the train and test images in "${dir}" differ in size; expected the same.`);
  }
  const d = h * w;
  const n = parts.reduce((a, p) => a + p.y.length, 0);
  const x = new Float64Array(n * d), y = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * d);
    y.set(p.y, at);
    at += p.y.length;
  }
  const featureNames: string[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) featureNames.push(`pixel_${r}_${c}`);
  return {
    name: `MNIST (${split}, ${n.toLocaleString("en-US")} images)`,
    task: "classification",
    x,
    y,
    n,
    d,
    featureNames,
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    source: `IDX files in ${dir}; LeCun, Cortes & Burges, MNIST`,
  };
}
