/**
 * The system's OpenBLAS `cblas_sgemm` and `cblas_dgemm`, opened once through
 * Deno FFI and shared by the places that multiply with them: the cohort trainer
 * (lib/nn/gemm.ts), the float64 networks (lib/nn/mlp64.ts) and the language
 * model's matrix products (lib/llm/matmul.ts).
 *
 * Needs OpenBLAS (e.g. `apt-get install libopenblas0-pthread`) and
 * `--allow-ffi`; without them {@link loadSgemm} returns `null` and
 * {@link sgemmUnavailableReason} says why.
 *
 * @module
 */
import { granted } from "./native_build.ts";

/**
 * `C = op(A) op(B)` in row-major float32 (float64 for {@link Dgemm}), overwriting C (m x n), where
 * op(X) = Xᵀ when its flag is set. op(A) is m x k and op(B) is k x n, so A is
 * stored m x k (or k x m when `transA`) and B k x n (or n x k when `transB`).
 */
export type Sgemm = Gemm<Float32Array>;

/** {@link Sgemm} in float64: OpenBLAS's `cblas_dgemm`, for lib/nn/mlp64.ts. */
export type Dgemm = Gemm<Float64Array>;

type Gemm<A> = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: A,
  b: A,
  c: A,
) => void;

/** Library file names tried, in order, after `KD_BLAS_LIB` (if set). */
export const BLAS_CANDIDATES: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "libopenblas.so.0",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

/** `cblas_?gemm`'s parameters, with alpha and beta of the given float type. */
// deno-fmt-ignore
const gemmParameters = <F extends "f32" | "f64">(f: F) =>
  ["i32", "i32", "i32", "i32", "i32", "i32", f, "buffer", "i32", "buffer", "i32", f, "buffer", "i32"] as const;

const SYMBOLS = {
  cblas_sgemm: { parameters: gemmParameters("f32"), result: "void" },
  cblas_dgemm: { parameters: gemmParameters("f64"), result: "void", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
} as const;

let coreType: string | undefined;

/**
 * The text of /proc/cpuinfo, or "" when it cannot be read. Deno reads /proc
 * files only with --allow-all, so with --allow-run it asks `cat` instead (the
 * test, notebook, shard and model tasks have it); without either, "".
 */
function cpuinfo(): string {
  try {
    if (granted({ name: "read", path: "/proc/cpuinfo" })) {
      return Deno.readTextFileSync("/proc/cpuinfo");
    }
  } catch { /* needs --allow-all: try cat */ }
  if (!granted({ name: "run", command: "cat" })) return "";
  try {
    const out = new Deno.Command("cat", { args: ["/proc/cpuinfo"], stderr: "null" }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : "";
  } catch {
    return ""; // not Linux
  }
}

/**
 * Choose OpenBLAS's kernel ("core type") from the CPU's flags before the
 * library is first opened in this process, and return it ("" when left to
 * OpenBLAS). Debian 12's OpenBLAS 0.3.21 does not recognise some current Xeons
 * (this project's machines report "Intel Xeon Processor") and falls back to its
 * generic SSE3 "Prescott" kernel, about 28 GFLOP/s at 512³ against about 150
 * with its AVX-512 "SkylakeX" kernel. OpenBLAS reads `OPENBLAS_CORETYPE` when
 * it loads, and every opener in the project (this module, lib/llm/native.ts) calls this first, so one process uses one kernel whatever
 * module opens the library first. A user's own `OPENBLAS_CORETYPE` is kept.
 * Without --allow-env, or without --allow-all or --allow-run (to read
 * /proc/cpuinfo), nothing is set and OpenBLAS chooses for itself.
 *
 * The kernel changes the last bits of float32 products (not their meaning):
 * results are reproducible per CPU feature level, as with any BLAS.
 */
export function chooseOpenBlasCore(): string {
  if (coreType !== undefined) return coreType;
  coreType = "";
  if (!granted({ name: "env", variable: "OPENBLAS_CORETYPE" })) return coreType;
  const own = Deno.env.get("OPENBLAS_CORETYPE");
  if (own) return coreType = own;
  const text = cpuinfo();
  if (text === "") return coreType;
  const flags = new Set((text.match(/^flags\s*:(.*)$/m)?.[1] ?? "").trim().split(/\s+/));
  const all = (...f: string[]) => f.every((x) => flags.has(x));
  const core = all("avx512f", "avx512dq", "avx512bw", "avx512vl")
    ? "SkylakeX"
    : all("avx2", "fma")
    ? "Haswell"
    : "";
  if (core) Deno.env.set("OPENBLAS_CORETYPE", core);
  return coreType = core;
}

type Symbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
let opened: Symbols | null | undefined;
let cachedReason = "";
let cachedS: Sgemm | null | undefined;
let cachedD: Dgemm | null | undefined;

/**
 * The OpenBLAS files every opener in the project tries, in order:
 * `KD_BLAS_LIB` (when set) then {@link BLAS_CANDIDATES}. `KD_BLAS_LIB=none`
 * tries none, so a machine with OpenBLAS runs the paths of one without it (the
 * portable cohort trainer, tfjs for the language models, float64 products in
 * TypeScript), as a test of those paths.
 */
export function blasLibraryPaths(): string[] {
  let forced: string | undefined;
  try {
    forced = Deno.env.get("KD_BLAS_LIB") || undefined;
  } catch {
    forced = undefined; // no --allow-env: use the default candidates
  }
  if (forced === "none") return [];
  return [...(forced ? [forced] : []), ...BLAS_CANDIDATES];
}

/**
 * OpenBLAS's `cblas_sgemm` as an {@link Sgemm}, or `null` when no candidate
 * library loads (no OpenBLAS installed, or no `--allow-ffi`). The library is
 * opened once per thread (each Deno worker opens its own handle) and set to one
 * BLAS thread: the products are small, and the callers get their parallelism
 * elsewhere (one cohort worker per core; the tfjs-wasm thread). Set
 * `KD_BLAS_LIB` to try another library file first, or to `none` to load none
 * ({@link blasLibraryPaths}).
 *
 * @example
 * ```ts
 * const sgemm = loadSgemm();
 * const c = new Float32Array(1);
 * sgemm?.(false, true, 1, 1, 2, new Float32Array([1, 2]), new Float32Array([3, 4]), c); // c[0] = 11
 * ```
 */
export function loadSgemm(): Sgemm | null {
  if (cachedS === undefined) cachedS = rowMajor(openBlas()?.cblas_sgemm);
  return cachedS;
}

/**
 * OpenBLAS's `cblas_dgemm` as a {@link Dgemm} (the library {@link loadSgemm}
 * opens), or `null` when no library loads.
 */
export function loadDgemm(): Dgemm | null {
  if (cachedD === undefined) cachedD = rowMajor(openBlas()?.cblas_dgemm);
  return cachedD;
}

/** The first library of {@link blasLibraryPaths} that opens, set to one BLAS thread; once per thread. */
function openBlas(): Symbols | null {
  if (opened !== undefined) return opened;
  chooseOpenBlasCore();
  const paths = blasLibraryPaths();
  const reasons: string[] = paths.length === 0 ? ["KD_BLAS_LIB=none"] : [];
  for (const path of paths) {
    try {
      const lib = Deno.dlopen(path, SYMBOLS);
      lib.symbols.openblas_set_num_threads?.(1);
      return opened = lib.symbols;
    } catch (e) {
      reasons.push(`${path}: ${(e as Error).message}`);
    }
  }
  cachedReason = reasons.join("; ");
  return opened = null;
}

/** A row-major product through `cblas_?gemm` `f` (null when it did not load). */
function rowMajor<A>(f: ((...args: GemmArgs<A>) => void) | null | undefined): Gemm<A> | null {
  if (!f) return null;
  return (ta, tb, m, n, k, a, b, c) =>
    // 101 = CblasRowMajor, 111 = CblasNoTrans, 112 = CblasTrans.
    f(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, 0, c, n);
}

// deno-fmt-ignore
type GemmArgs<A> = [number, number, number, number, number, number, number, A, number, A, number, number, A, number];

/** Why `loadSgemm()` returned null (empty when it loaded or was not tried). */
export function sgemmUnavailableReason(): string {
  return cachedReason;
}
