/**
 * The native engine of the language model: lib/llm/native/gpt_kernel.c,
 * compiled on first use with the system C compiler and loaded with
 * `Deno.dlopen`, calling OpenBLAS's `cblas_sgemm` for the matrix products.
 * Training (forward, backward, AdamW) and sampling with the KV cache run on
 * plain float32 buffers with no tfjs tensor in between, which removes the
 * ~1,300 small tfjs-wasm ops and the operand copies of a tfjs training step
 * (issue 12's profile) and the per-step tensor traffic of sampling.
 *
 * It computes the same model as lib/llm/model.ts, agreeing to float32
 * rounding (not bit for bit: sums run in another order); tests/llm/native_test.ts
 * compares logits, gradients, an AdamW step and generation against the tfjs
 * path with stated tolerances. Each engine alone is deterministic per seed.
 *
 * Build: `$KD_CC` (default `cc`) with `-O3 -shared -fPIC -ffp-contract=fast
 * -fno-math-errno`, to `$KD_NATIVE_DIR` or `<repo>/build/native/` (else
 * `$XDG_CACHE_HOME/kd-uncertainty/native/` or `~/.cache/...`) under a name
 * keyed by a hash of the source, compiler and flags, written through a
 * temporary file and a rename (two workers may build at once). Needs
 * `--allow-ffi` and `--allow-read`; a first build `--allow-run` and
 * `--allow-write`; and OpenBLAS (`apt-get install libopenblas0`). Without any
 * of these `loadGptNative()` returns null, `gptNativeUnavailableReason()`
 * says why, and the engine "auto" falls back to tfjs. `KD_LLM_ENGINE=tfjs`
 * forces the fallback for a whole process (to test it or compare).
 *
 * @module
 */
import { blasLibraryPaths, chooseOpenBlasCore as chooseFromFlags, loadSgemm } from "../blas.ts";
import { type GptConfig, type GptModel, gptParameterShapes, isDecayedParameter } from "./config.ts";
import { buildKernel, env, granted } from "../native_build.ts";

const SOURCE_URL = new URL("./native/gpt_kernel.c", import.meta.url);
const VERSION = 5;

/** The model's shape as the kernel takes it: vocabulary, context, layers, heads, width. */
const DIMS = ["i32", "i32", "i32", "i32", "i32"] as const;
const dims = (c: GptConfig) => [c.vocabSize, c.contextLength, c.layers, c.heads, c.width] as const;

const SYMBOLS = {
  kdl_version: { parameters: [], result: "i32" },
  kdl_init: { parameters: ["buffer"], result: "i32" },
  kdl_cpu: { parameters: [], result: "i32" },
  kdl_blas_core: { parameters: [], result: "pointer" },
  kdl_infer: {
    parameters: [
      "i32", // threads
      ...DIMS,
      "buffer", // params
      "i32", // R
      "buffer", // slot
      "buffer", // ids
      "buffer", // pos
      "buffer", // kc
      "buffer", // vc
      "i32", // nout
      "buffer", // outrows
      "buffer", // logits
    ],
    result: "i32",
  },
  kdl_copy_slot: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer", "i32", "i32", "i32"],
    result: "void",
  },
  kdl_loss_grad: {
    parameters: [
      "i32", // threads
      "i32", // parts
      ...DIMS,
      "buffer", // params
      "buffer", // grad
      "buffer", // scratch
      "i32", // S
      "buffer", // start
      "buffer", // ids
      "i32", // nsel
      "buffer", // sel
      "buffer", // tgt
    ],
    result: "f64",
  },
  kdl_sumsq: { parameters: ["isize", "buffer"], result: "f64" },
  kdl_adamw: {
    parameters: ["isize", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "void",
  },
} as const;

/** Which engine runs the language model: "native" (C + OpenBLAS), "tfjs", or "auto" (native when it loads). */
export type LlmEngine = "auto" | "native" | "tfjs";

/** A packed training batch: sequences back to back, no padding. */
export interface PackedBatch {
  /** Number of sequences S. */
  sequences: number;
  /** Row offsets, S + 1 of them (sequence s is rows start[s]..start[s+1]-1, positions 0..). */
  start: Int32Array;
  /** Token id of every row. */
  ids: Int32Array;
  /** Rows whose next token counts in the loss. */
  sel: Int32Array;
  /** The next token of each selected row. */
  targets: Int32Array;
}

/** The loaded native kernel. */
export interface GptNativeKernel {
  /** The shared library file. */
  path: string;
  /** OpenBLAS's name for the kernels it runs ("SkylakeX", "Haswell", "Prescott", ...). */
  blasCore: string;
  /**
   * One incremental forward pass over rows (slot, token, position) with the
   * cache buffers `kc`/`vc` (slots x layers x context x width each); logits of
   * `outRows` (nOut x V) are written to `logits`.
   */
  infer(
    c: GptConfig,
    params: Float32Array,
    slot: Int32Array,
    ids: Int32Array,
    pos: Int32Array,
    kc: Float32Array,
    vc: Float32Array,
    outRows: Int32Array,
    logits: Float32Array,
    threads?: number,
  ): void;
  /** Copy positions 0..n-1 of cache slot `from` to slot `to`. */
  copySlot(
    c: GptConfig,
    kc: Float32Array,
    vc: Float32Array,
    from: number,
    to: number,
    n: number,
  ): void;
  /**
   * Mean answer-only loss of a packed batch; the gradient is written to `grad`.
   * The sequences are cut into `parts` groups (default 1) whose gradients are
   * summed in order (each needs `grad.length` floats of `scratch` beyond the
   * first), spread over `threads` threads: the result depends on `parts`, not
   * on `threads`. Rows must be grouped by slot and `outRows` ascending for
   * `infer` with threads.
   */
  lossGrad(
    c: GptConfig,
    params: Float32Array,
    grad: Float32Array,
    b: PackedBatch,
    threads?: number,
    parts?: number,
    scratch?: Float32Array,
  ): number;
  /** Σ g², in float64. */
  sumSquares(g: Float32Array): number;
  /** One AdamW update in place; hp = [lr, β1, β2, eps, weightDecay, clip, c1, c2]. */
  adamw(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    decayed: Uint8Array,
    hp: Float64Array,
  ): void;
}

let cached: GptNativeKernel | null | undefined;
let reason = "";
let warned = false;

/** The OpenBLAS core type set from the CPU probe ("" when left to OpenBLAS). */
let coreChosen = "";

/**
 * OpenBLAS 0.3.21 (Debian 12's) does not recognise some current Xeons (the
 * CPU of this project's machine reports the model name "Intel Xeon
 * Processor") and falls back to its generic SSE3 "Prescott" kernel: 28
 * GFLOP/s at 512³ here, against 163 with its SkylakeX (AVX-512) kernel and
 * 85 with Haswell (AVX2). Unless the user set `OPENBLAS_CORETYPE`, set it
 * from the CPU's own feature bits before OpenBLAS is first opened (it reads
 * the variable when it loads). Without --allow-env, or once OpenBLAS is
 * already loaded in this process, this changes nothing.
 */
function chooseOpenBlasCore(cpu: number): void {
  if (!granted({ name: "env", variable: "OPENBLAS_CORETYPE" })) return;
  if (Deno.env.get("OPENBLAS_CORETYPE")) return;
  const core = cpu === 2 ? "SkylakeX" : cpu === 1 ? "Haswell" : "";
  if (core) {
    Deno.env.set("OPENBLAS_CORETYPE", core);
    coreChosen = core;
  }
}

/** The OpenBLAS core type this module chose from the CPU ("" when it left OpenBLAS to choose). */
export function openBlasCoreChosen(): string {
  return coreChosen;
}

const cstr = (s: string) => new TextEncoder().encode(s + "\0");

/** Open the library, check its version and start OpenBLAS in it (with the core type chosen). */
function openLibrary(path: string) {
  const lib = Deno.dlopen(path, SYMBOLS);
  if (lib.symbols.kdl_version() !== VERSION) {
    lib.close();
    throw new Error(`${path} is not version ${VERSION} of the kernel`);
  }
  // lib/blas.ts chooses from /proc/cpuinfo; the kernel's own CPU probe covers
  // systems without it.
  const fromFlags = chooseFromFlags();
  if (fromFlags) coreChosen = fromFlags;
  else chooseOpenBlasCore(lib.symbols.kdl_cpu());
  // lib/blas.ts opens the same library file first, so both share one handle (one core type).
  loadSgemm();
  const blas = blasLibraryPaths();
  if (!blas.some((p) => lib.symbols.kdl_init(cstr(p)) === 0)) {
    lib.close();
    throw new Error(`OpenBLAS did not load from any of ${blas.join(", ")}`);
  }
  return lib;
}

function open(path: string): GptNativeKernel {
  const s = openLibrary(path).symbols;
  const corePtr = s.kdl_blas_core();
  const blasCore = corePtr ? new Deno.UnsafePointerView(corePtr).getCString() : "";
  return {
    path,
    blasCore,
    infer(c, params, slot, ids, pos, kc, vc, outRows, logits, threads = 1) {
      const rc = s.kdl_infer(
        threads,
        ...dims(c),
        params,
        ids.length,
        slot,
        ids,
        pos,
        kc,
        vc,
        outRows.length,
        outRows,
        logits,
      );
      if (rc !== 0) throw new Error(`native forward pass failed (code ${rc}): out of memory`);
    },
    copySlot(c, kc, vc, from, to, n) {
      s.kdl_copy_slot(c.layers, c.contextLength, c.width, kc, vc, from, to, n);
    },
    lossGrad(c, params, grad, b, threads = 1, parts = 1, scratch) {
      const need = (Math.min(parts, b.sequences) - 1) * grad.length;
      if (need > 0 && (!scratch || scratch.length < need)) {
        throw new RangeError(
          `lossGrad with ${parts} parts needs a scratch buffer of ${need} floats.`,
        );
      }
      const loss = s.kdl_loss_grad(
        threads,
        parts,
        ...dims(c),
        params,
        grad,
        need > 0 ? scratch! : grad,
        b.sequences,
        b.start,
        b.ids,
        b.sel.length,
        b.sel,
        b.targets,
      );
      if (Number.isNaN(loss)) throw new Error("native training step failed: out of memory");
      return loss;
    },
    sumSquares: (g) => s.kdl_sumsq(BigInt(g.length), g),
    adamw(p, g, m, v, decayed, hp) {
      s.kdl_adamw(BigInt(p.length), p, g, m, v, decayed, hp);
    },
  };
}

/**
 * The native kernel, compiled (once per source, compiler and flags) and
 * loaded; null when it cannot be, with the reason in
 * `gptNativeUnavailableReason()`. Cached per thread (each worker loads its own).
 *
 * @example
 * ```ts
 * const k = loadGptNative();
 * console.log(k ? k.path : gptNativeUnavailableReason());
 * ```
 */
export function loadGptNative(): GptNativeKernel | null {
  if (cached !== undefined) return cached;
  const got = buildKernel({
    source: SOURCE_URL,
    stem: "gpt_kernel",
    flags: [
      "-O3",
      "-shared",
      "-fPIC",
      "-pthread",
      "-std=gnu11",
      "-ffp-contract=fast",
      "-fno-math-errno",
      "-Wno-psabi",
    ],
    libs: ["-lm", "-ldl", "-lpthread"],
    open,
  });
  cached = "kernel" in got ? got.kernel : null;
  reason = "reason" in got ? got.reason : "";
  return cached;
}

/** Why `loadGptNative()` returned null (empty when it loaded or was not tried). */
export function gptNativeUnavailableReason(): string {
  return reason;
}

/**
 * The engine a call will use: "tfjs" or "native". "auto" (the default) takes
 * native when it loads, unless the environment variable `KD_LLM_ENGINE` is
 * "tfjs" (it may also be "native" or "auto").
 *
 * @throws RangeError for an unknown choice; Error when "native" is asked for
 *   and the kernel does not load (the message says why).
 */
export function resolveLlmEngine(choice: LlmEngine = "auto"): "native" | "tfjs" {
  if (choice !== "auto" && choice !== "native" && choice !== "tfjs") {
    throw new RangeError(`engine must be "auto", "native" or "tfjs", got "${choice}".`);
  }
  if (choice === "auto") {
    const e = env("KD_LLM_ENGINE");
    if (e === "tfjs" || e === "native") choice = e;
  }
  if (choice === "tfjs") return "tfjs";
  if (loadGptNative()) return "native";
  if (choice === "auto" && !warned && reason !== "no --allow-ffi") {
    // A missing permission is a choice; a failed build or a missing OpenBLAS is worth a line.
    warned = true;
    console.error(`lib/llm: native engine unavailable (${reason}); using tfjs (slower)`);
  }
  if (choice === "native") {
    throw new Error(
      `engine "native" was requested but the native kernel did not load: ${reason}. ` +
        `Install a C compiler and OpenBLAS (apt-get install gcc libopenblas0), run with ` +
        `--allow-ffi --allow-run --allow-read --allow-write, or use engine "auto".`,
    );
  }
  return "tfjs";
}

/**
 * Threads the native engine uses by default: `KD_LLM_THREADS` if set, else
 * `navigator.hardwareConcurrency` (at most 16). Threads change the speed only:
 * sampling splits the rows by sequence, training splits each batch into a
 * fixed number of parts (`NATIVE_GRADIENT_PARTS`) whatever the threads.
 */
export function defaultLlmThreads(): number {
  const e = Number(env("KD_LLM_THREADS"));
  if (Number.isInteger(e) && e >= 1) return Math.min(e, 16);
  const n = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  return Math.max(1, Math.min(16, n));
}

/**
 * Groups a native training batch is cut into; their gradients are summed in
 * order, so a student's training does not depend on the threads used (2: one
 * per core of this project's machine).
 */
export const NATIVE_GRADIENT_PARTS = 2;

/** Check a `threads` option. @throws RangeError unless a positive integer. */
export function checkThreads(threads: number | undefined): number {
  if (threads === undefined) return defaultLlmThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer, got ${threads}.`);
  }
  return Math.min(threads, 16);
}

/** The model's parameters in one buffer, in gptParameterShapes order (the kernel's layout). */
export function flatParameters(model: GptModel): Float32Array {
  const shapes = gptParameterShapes(model.config);
  let n = 0;
  for (const [, s] of shapes) n += s.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let o = 0;
  for (const [name] of shapes) {
    const v = model.params.get(name)!.dataSync() as Float32Array;
    out.set(v, o);
    o += v.length;
  }
  return out;
}

/** Offset of each parameter in the flat buffer. */
export function parameterOffsets(config: GptConfig): Map<string, { offset: number; size: number }> {
  const out = new Map<string, { offset: number; size: number }>();
  let o = 0;
  for (const [name, s] of gptParameterShapes(config)) {
    const size = s.reduce((a, b) => a * b, 1);
    out.set(name, { offset: o, size });
    o += size;
  }
  return out;
}

/** Per entry of the flat buffer, 1 where weight decay applies (isDecayedParameter). */
export function decayMask(config: GptConfig): Uint8Array {
  const offs = parameterOffsets(config);
  let n = 0;
  for (const { size } of offs.values()) n += size;
  const out = new Uint8Array(n);
  for (const [name, { offset, size }] of offs) {
    if (isDecayedParameter(name)) out.fill(1, offset, offset + size);
  }
  return out;
}

/**
 * Encoded examples packed for the kernel: inputs are tokens[0..n-2], the
 * target of row t is token t + 1, and rows with t + 1 >= promptLength count in
 * the loss (the answer and end-of-sequence, as `makeBatch`'s mask).
 *
 * @throws RangeError when no example has an answer token.
 */
export function packExamples(
  examples: readonly { tokens: readonly number[]; promptLength: number }[],
): PackedBatch {
  let rows = 0, nsel = 0;
  for (const e of examples) {
    rows += e.tokens.length - 1;
    nsel += Math.max(0, e.tokens.length - Math.max(1, e.promptLength));
  }
  const start = new Int32Array(examples.length + 1);
  const ids = new Int32Array(rows), sel = new Int32Array(nsel), targets = new Int32Array(nsel);
  let r = 0, k = 0;
  examples.forEach((e, s) => {
    start[s] = r;
    for (let t = 0; t + 1 < e.tokens.length; t++, r++) {
      ids[r] = e.tokens[t];
      if (t + 1 >= e.promptLength) {
        sel[k] = r;
        targets[k++] = e.tokens[t + 1];
      }
    }
  });
  start[examples.length] = r;
  if (k === 0) throw new RangeError("the batch has no answer token to train on.");
  return {
    sequences: examples.length,
    start,
    ids,
    sel: sel.subarray(0, k),
    targets: targets.subarray(0, k),
  };
}
