/**
 * Snapshot tests of figure specs (Observable Plot's practice): a figure built
 * from an experiment at a tiny, seeded configuration is compared with the
 * committed `tests/experiments/snapshots/<name>.vl.json`, so a change that
 * alters a figure shows up as a diff. A missing snapshot fails the test;
 * `KD_UPDATE_SNAPSHOTS=1 deno task test` writes (or rewrites) them.
 *
 * ## Tolerance
 * Everything but numbers (field names, marks, encodings, strings, the shape of
 * the data) must match exactly. Numbers must agree to
 *
 *     |ours - snapshot| <= SNAPSHOT_RTOL * scale,
 *
 * where `scale` is the largest magnitude in the number's column: the values of
 * the same key across the rows of one array of objects, or the elements of one
 * array of numbers (a lone number is its own scale). A column scale, not each
 * number's own size, because a quantity that is zero in exact arithmetic
 * (the variance of identical students) is a float32 rounding residue on a
 * machine, of the size of the column's rounding, not of its own.
 *
 * {@link SNAPSHOT_RTOL} is 2e-3. The experiments train in float32, through
 * OpenBLAS `sgemm` (whose kernels, Haswell AVX2 and SkylakeX AVX-512, sum
 * products in different orders), the native C kernel, or the portable
 * TypeScript path: each product differs in its last bits, and a few hundred
 * optimiser steps carry that to the 5th or 6th significant digit. Measured on
 * every snapshot here (2026-12-07, AMD EPYC with AVX-512, `KD_SNAPSHOT_REPORT`),
 * against snapshots written with one OpenBLAS kernel: with the other kernel
 * (SkylakeX against Haswell) the largest difference is 6.5e-6 of the column
 * scale on every snapshot but Figure 11's networks at smoke scale, where the
 * across-student SD of test MSE moved by 9.4e-3 and the inter-student
 * variance by 1.0e-3 (each over a handful of students: differences of small
 * numbers); on the bare-machine path (no OpenBLAS, no compiler:
 * `KD_BLAS_LIB=none KD_CC=/nonexistent`) by 2.8e-2 and 9.0e-3, and 1.0e-4 at
 * most elsewhere. So those two snapshots have their own tolerance
 * ({@link SNAPSHOT_RTOL_BY_NAME}); 2e-3 leaves a factor of 20 on the others
 * for CPUs not measured here, while a change of a figure's meaning (a seed, a
 * count, a formula) moves numbers by 1e-2 of the scale or more and still fails.
 * The snapshot files themselves are written at 6 significant digits.
 *
 * `KD_SNAPSHOT_REPORT=FILE` appends, for each compared snapshot, its largest
 * scaled difference (used to measure the numbers above).
 *
 * @module
 */
import { AssertionError } from "../assert.ts";

const DIR = new URL("./snapshots/", import.meta.url);

/** The relative tolerance (to the column's scale) for numbers in a snapshot; see the module doc. */
export const SNAPSHOT_RTOL = 2e-3;

/**
 * Snapshots whose numbers carry more of the training's rounding than
 * {@link SNAPSHOT_RTOL} allows, each with its tolerance and the measurement
 * behind it.
 */
export const SNAPSHOT_RTOL_BY_NAME: Readonly<Record<string, number>> = {
  // Figure 11's networks at smoke scale, a handful of students per point after 300 epochs, as
  // notebook 07 exports them: the across-student SD of test MSE moved by 2.8e-2 of its column's
  // scale and the inter-student variance by 9.0e-3 between the native kernel and the portable
  // path (9.4e-3 and 1.0e-3 between OpenBLAS kernels; measured 2026-12-07). The tolerances leave a
  // factor of 3; another seed or student count moves such a spread by tens of percent (the
  // relative SE of an SD of 4 values is about 40%), so the snapshots still catch one.
  "07_fig11_nn_test_mse": 1e-1,
  "07_fig11_inter_student_variance": 3e-2,
  // Figure 2's neural panels at smoke scale (20 networks per level after 200 epochs), as notebook
  // 04 exports them: the mean test MSE, the variance of the test MSE and the inter-student
  // variance moved by 1.8e-3, 2.7e-3 and 2.5e-3 of their column's scale between OpenBLAS kernels
  // (SkylakeX against Haswell) and by 1.2e-2, 2.2e-2 and 9.9e-3 on the portable path (measured
  // 2026-12-07); the linear panels (float64) did not move at all. The tolerances leave a
  // factor of 3; another seed or count moves the neural curves by tens of percent.
  "04_fig2_mean_test_mse": 4e-2,
  "04_fig2_variance_of_test_mse": 7e-2,
  "04_fig2_inter_student_variance": 3e-2,
  // Notebook 08's Boston charts at smoke scale (early-stopped teachers and students on one or two
  // splits): between OpenBLAS kernels (SkylakeX against Haswell) and on the portable path the
  // largest moves were 2.1e-3 and 5.2e-4 (08_boston_rmse), 2.3e-2 and 2.2e-3 (08_pit), 3.2e-6 and
  // 1.2e-3 (08_bridge) and 1.8e-1 and 9.1e-4 (08_init_ablation) of their column's scale (measured
  // 2026-12-07; a kernel's rounding can move a teacher's early-stopping epoch). Tolerances leave a
  // factor of 3. 08_init_ablation's values are paired MMD-minus-random differences near zero, so at
  // smoke scale its snapshot checks the figure's structure more than its numbers.
  "08_boston_rmse": 7e-3,
  "08_pit": 7e-2,
  "08_bridge": 4e-3,
  "08_init_ablation": 5.5e-1,
};

/** Numbers rounded to 6 significant digits, as the snapshot files are written. */
function stable(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? Number(v.toPrecision(6)) : String(v);
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, stable(x)]),
    );
  }
  return v;
}

/** The first difference beyond tolerance, and the largest scaled difference seen. */
interface Diff {
  path: string;
  expected: unknown;
  actual: unknown;
  why: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The column scales of an array: per key for rows of objects, one for numbers. */
function columnScales(a: unknown[], b: unknown[]): Map<string, number> {
  const scales = new Map<string, number>();
  const add = (key: string, x: unknown) => {
    if (typeof x === "number" && Number.isFinite(x)) {
      scales.set(key, Math.max(scales.get(key) ?? 0, Math.abs(x)));
    }
  };
  for (const arr of [a, b]) {
    for (const item of arr) {
      if (isObject(item)) { for (const [k, x] of Object.entries(item)) add(k, x); }
      else add("", item);
    }
  }
  return scales;
}

/**
 * Compare `actual` with `expected` (both already `stable`); returns the first
 * difference beyond tolerance (or undefined) and the largest scaled numeric
 * difference.
 */
export function compareSnapshot(
  expected: unknown,
  actual: unknown,
  rtol = SNAPSHOT_RTOL,
): { diff?: Diff; largest: number } {
  let largest = 0;
  const walk = (e: unknown, a: unknown, path: string, scale?: number): Diff | undefined => {
    if (typeof e === "number" && typeof a === "number") {
      const s = Math.max(scale ?? 0, Math.abs(e), Math.abs(a));
      const d = Math.abs(e - a);
      const scaled = s === 0 ? 0 : d / s;
      largest = Math.max(largest, scaled);
      return scaled <= rtol ? undefined : {
        path,
        expected: e,
        actual: a,
        why: `differs by ${scaled.toExponential(2)} of its scale`,
      };
    }
    if (Array.isArray(e) && Array.isArray(a)) {
      if (e.length !== a.length) {
        return { path, expected: e.length, actual: a.length, why: "array lengths differ" };
      }
      const scales = columnScales(e, a);
      for (let i = 0; i < e.length; i++) {
        const ei = e[i], ai = a[i];
        let d: Diff | undefined;
        if (isObject(ei) && isObject(ai)) d = walkObject(ei, ai, `${path}[${i}]`, scales);
        else d = walk(ei, ai, `${path}[${i}]`, scales.get(""));
        if (d) return d;
      }
      return undefined;
    }
    if (isObject(e) && isObject(a)) return walkObject(e, a, path);
    return Object.is(e, a) ? undefined : { path, expected: e, actual: a, why: "values differ" };
  };
  const walkObject = (
    e: Record<string, unknown>,
    a: Record<string, unknown>,
    path: string,
    scales?: Map<string, number>,
  ): Diff | undefined => {
    const ek = Object.keys(e), ak = Object.keys(a);
    if (ek.join("\u0000") !== ak.join("\u0000")) {
      return { path, expected: ek, actual: ak, why: "keys differ" };
    }
    for (const k of ek) {
      const d = walk(e[k], a[k], `${path}.${k}`, scales?.get(k));
      if (d) return d;
    }
    return undefined;
  };
  const diff = walk(expected, actual, "$");
  return { diff, largest };
}

/** Compare `value` (a Vega-Lite spec or any JSON value) with its committed snapshot. */
export async function assertSnapshot(name: string, value: unknown): Promise<void> {
  const stableValue = stable(value);
  const text = JSON.stringify(stableValue, null, 1) + "\n";
  const url = new URL(`${name}.vl.json`, DIR);
  if (Deno.env.get("KD_UPDATE_SNAPSHOTS") === "1") {
    await Deno.mkdir(DIR, { recursive: true });
    await Deno.writeTextFile(url, text);
    return;
  }
  let old: string;
  try {
    old = await Deno.readTextFile(url);
  } catch {
    throw new AssertionError(
      `no snapshot ${url.pathname}; write it with KD_UPDATE_SNAPSHOTS=1 and commit it.`,
    );
  }
  // Round-trip through JSON so the comparison sees what a file would hold.
  const rtol = SNAPSHOT_RTOL_BY_NAME[name] ?? SNAPSHOT_RTOL;
  const { diff, largest } = compareSnapshot(JSON.parse(old), JSON.parse(text), rtol);
  const report = Deno.env.get("KD_SNAPSHOT_REPORT");
  if (report) {
    await Deno.writeTextFile(report, `${name}\t${largest.toExponential(3)}\n`, { append: true });
  }
  if (diff) {
    throw new AssertionError(
      `figure ${name} differs from its snapshot at ${diff.path} (${diff.why}; tolerance ` +
        `${rtol} of the column's largest magnitude):\n- ${JSON.stringify(diff.expected)}\n+ ${
          JSON.stringify(diff.actual)
        }\n` +
        "If the change is intended, rewrite it with KD_UPDATE_SNAPSHOTS=1 and commit it.",
    );
  }
}
