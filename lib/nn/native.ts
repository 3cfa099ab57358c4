/**
 * The native back end of the cohort trainer: lib/nn/native/cohort_kernel.c,
 * compiled on first use with the system C compiler and loaded with
 * `Deno.dlopen`. It trains one student at a time with forward, backward and
 * Adam fused over the rows, so the hidden activations (n x h per student) never
 * go to memory; see the C file for the arithmetic. Inputs where most entries
 * equal their column's majority value (standardized images: a blank pixel is
 * one number) are read in a sparse form, each row or tile of rows listing only
 * its other entries (`inputs` in `fitCohort`; lib/nn/sparse.ts): on
 * standardized MNIST about twice as fast (`deno task bench:sparse`), and equal
 * to the dense passes up to float32 rounding.
 *
 * Build: `$KD_CC` (default `cc`) with `-O3 -shared -fPIC -ffp-contract=fast
 * -fno-math-errno`. On x86-64 the C file compiles its kernel twice, with AVX +
 * FMA and plain, and picks at run time (`__builtin_cpu_supports`), so the
 * build needs no CPU probing (Deno refuses to read /proc/cpuinfo without
 * --allow-all) and a cached library is safe to move between machines; the
 * plain variant is about 10x slower. The library goes to `$KD_NATIVE_DIR` if
 * set, else `<repo>/build/native/` (else `$XDG_CACHE_HOME/kd-uncertainty/native/`
 * or `~/.cache/...`), under a name keyed by a hash of the source, the compiler,
 * the flags and the target, so an edit rebuilds and a cached build needs no
 * compiler. Compiling writes a temporary
 * file and renames it, so two workers or processes may compile at once.
 *
 * Needs `--allow-ffi` and `--allow-read`; a first build also `--allow-run` and
 * `--allow-write`. Without them, or without a compiler, `loadNative()` returns
 * null and says why in `nativeUnavailableReason()`; `backend: "auto"` then
 * falls back to BLAS or the portable path.
 *
 * @module
 */

import { parameterLayout } from "./init.ts";
import { type ChunkResult, type CohortProblem, rowCoefficients } from "./kernel.ts";
import { buildKernel } from "../native_build.ts";

const SOURCE_URL = new URL("./native/cohort_kernel.c", import.meta.url);
const VERSION = 3;

const SYMBOLS = {
  kd_train: {
    parameters: [
      "i32", // n
      "i32", // d
      "i32", // h
      "i32", // o
      "i32", // loss kind
      "i32", // count
      "i32", // epochs
      "f64", // lr
      "buffer", // x
      "buffer", // y
      "isize", // ystride
      "buffer", // labels
      "isize", // lstride
      "buffer", // coef
      "isize", // cstride
      "buffer", // params
      "buffer", // losses
      "buffer", // final loss
      "buffer", // track
      "i32", // T
      "buffer", // trajectories
      "i32", // inputs: 0 dense, 1 sparse, 2 auto
    ],
    result: "i32",
  },
  kd_version: { parameters: [], result: "i32" },
  kd_variant: { parameters: [], result: "i32" },
} as const;

/**
 * A loaded native kernel.
 *
 * @category Back ends
 */
export interface NativeKernel {
  /** The shared library file that was loaded. */
  path: string;
  /** The compiler flags it was built with. */
  flags: string;
  /** The code this CPU runs: 8-wide AVX with FMA, or plain (much slower) C. */
  variant: "avx+fma" | "generic";
  /** Train students `first .. first + count - 1` from `init` (count x P, flattened). */
  train(p: CohortProblem, first: number, count: number, init: Float32Array): ChunkResult;
}

/** The kernel's codes of CohortProblem.inputs. */
const INPUTS = { dense: 0, sparse: 1, auto: 2 } as const;

let cached: NativeKernel | null | undefined;
let reason = "";

function open(path: string, flags: string): NativeKernel {
  const lib = Deno.dlopen(path, SYMBOLS);
  if (lib.symbols.kd_version() !== VERSION) {
    lib.close();
    throw new Error(`${path} is not version ${VERSION} of the kernel`);
  }
  const train = lib.symbols.kd_train;
  return {
    path,
    flags,
    variant: lib.symbols.kd_variant() === 1 ? "avx+fma" : "generic",
    train(p, first, count, init) {
      const { n, d, h, o, epochs } = p;
      const P = parameterLayout(d, h, o).count;
      const T = p.track.length;
      const params = init.slice(0, count * P);
      const losses = new Float32Array(count * epochs);
      const finalLoss = new Float32Array(count);
      const trajectories = new Float32Array(count * T * (epochs + 1));
      const coef = Float32Array.from(rowCoefficients(p, first, count));
      const ce = p.loss === "cross-entropy";
      const per = ce ? n : n * o;
      const t = p.targetsShared ? p.targets : p.targets.slice(first * per, (first + count) * per);
      const stride = p.targetsShared ? 0 : per;
      const rc = train(
        n,
        d,
        h,
        o,
        ce ? 1 : 0,
        count,
        epochs,
        p.lr,
        p.x,
        ce ? null : t as Float32Array,
        BigInt(ce ? 0 : stride),
        ce ? t as Int32Array : null,
        BigInt(ce ? stride : 0),
        coef,
        BigInt(n),
        params,
        losses,
        finalLoss,
        p.track,
        T,
        trajectories,
        INPUTS[p.inputs ?? "auto"],
      );
      if (rc < 0) throw new Error(`native kernel failed (code ${rc}): out of memory`);
      return { parameters: params, losses, finalLoss, trajectories };
    },
  };
}

/**
 * The native kernel, compiled (once per source, compiler and flags) and
 * loaded; null when it cannot be, with the reason in
 * `nativeUnavailableReason()`. Set `KD_CC` to choose the compiler (e.g.
 * `KD_CC=clang`; a path that does not exist disables the build).
 * Cached per thread.
 *
 * @example
 * ```ts
 * const native = loadNative();
 * console.log(native ? native.path : nativeUnavailableReason());
 * ```
 *
 * @category Back ends
 */
export function loadNative(): NativeKernel | null {
  if (cached !== undefined) return cached;
  const flags = [
    "-O3",
    "-shared",
    "-fPIC",
    "-std=gnu11",
    "-ffp-contract=fast",
    "-fno-math-errno",
    "-Wno-psabi",
  ];
  const got = buildKernel({
    source: SOURCE_URL,
    stem: "cohort_kernel",
    flags,
    open: (path) => open(path, flags.join(" ")),
    log: "lib/nn: the native kernel",
  });
  cached = "kernel" in got ? got.kernel : null;
  reason = "reason" in got ? got.reason : "";
  return cached;
}

/**
 * Why `loadNative()` returned null (empty when it loaded or was not tried).
 *
 * @category Back ends
 */
export function nativeUnavailableReason(): string {
  return reason;
}
