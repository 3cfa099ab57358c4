import { assert, assertArrayClose, assertEquals, assertRejects } from "../assert.ts";
import { fitCohort, loadBlas, loadNative } from "../../lib/nn/mod.ts";
import { Rng } from "../../lib/random.ts";

// The native kernel is compared with the portable path only where it builds (a C
// compiler and --allow-run --allow-ffi); elsewhere these comparisons are skipped.
const NATIVE = loadNative();
const HAVE_BLAS = loadBlas() !== null;

// Tolerances. The native kernel sums gradients in float32 (portable: float64) and
// fuses multiply-adds, so after E Adam epochs the parameters differ by float32
// rounding amplified by Adam's normalisation (m / sqrt(v)) of small gradients:
// observed <= 2e-7 for 30 epochs at lr 0.01; 1e-4 leaves room and would still
// catch a wrong gradient (which moves parameters by ~lr = 1e-2 per epoch).
const ATOL = 1e-4, RTOL = 1e-4;

function inputs(seed: number, n: number, d: number) {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal());
}

function mseTargets(seed: number, S: number, x: Float64Array, n: number, d: number, o: number) {
  const rng = new Rng(seed);
  return Float64Array.from(
    { length: S * n * o },
    (_, k) => x[(Math.floor(k / o) % n) * d + (k % o) % d] + 0.4 * rng.normal(),
  );
}

function classLabels(seed: number, S: number, x: Float64Array, n: number, d: number, c: number) {
  const rng = new Rng(seed);
  return Int32Array.from({ length: S * n }, (_, k) => {
    const score = x[(k % n) * d] + 0.8 * rng.normal();
    return Math.min(c - 1, Math.max(0, Math.floor(score * c / 3 + c / 2)));
  });
}

interface Case {
  d: number;
  h: number;
  o: number;
  n: number;
  loss: "mse" | "cross-entropy";
  weighted: boolean;
  shared: boolean;
}

const CASES: Case[] = [
  { d: 13, h: 16, o: 1, n: 41, loss: "mse", weighted: false, shared: true },
  { d: 11, h: 128, o: 1, n: 37, loss: "mse", weighted: true, shared: false },
  { d: 3, h: 5, o: 1, n: 10, loss: "mse", weighted: false, shared: false },
  { d: 1, h: 20, o: 3, n: 22, loss: "mse", weighted: true, shared: false },
  { d: 7, h: 0, o: 1, n: 30, loss: "mse", weighted: true, shared: false },
  { d: 4, h: 0, o: 2, n: 30, loss: "mse", weighted: false, shared: true },
  { d: 6, h: 24, o: 10, n: 35, loss: "cross-entropy", weighted: true, shared: false },
  { d: 9, h: 64, o: 3, n: 29, loss: "cross-entropy", weighted: false, shared: true },
  { d: 5, h: 0, o: 4, n: 33, loss: "cross-entropy", weighted: true, shared: false },
];

for (const c of CASES) {
  const name = `${c.loss} ${c.d}-${c.h}-${c.o} on ${c.n} rows, ${
    c.weighted ? "weighted" : "unweighted"
  }, ${c.shared ? "shared" : "per-student"} targets`;
  Deno.test({
    name: `the native kernel trains ${name} like the portable path`,
    ignore: !NATIVE,
  }, async () => {
    if (!NATIVE) throw new Error("unreachable: ignored when the native kernel is absent");
    const S = 5, epochs = 30;
    const x = inputs(1, c.n, c.d);
    const per = c.shared ? 1 : S;
    const targets = c.loss === "mse"
      ? mseTargets(2, per, x, c.n, c.d, c.o)
      : classLabels(2, per, x, c.n, c.d, c.o);
    const rng = new Rng(3);
    const weights = c.weighted
      ? Float64Array.from({ length: S * c.n }, () => rng.int(3) + (rng.uniform() < 0.1 ? 0.5 : 0))
      : undefined;
    const opts = {
      x,
      n: c.n,
      d: c.d,
      hidden: c.h,
      outputs: c.o,
      loss: c.loss,
      targets,
      weights,
      students: S,
      epochs,
      lr: 0.01,
      seed: 17,
      track: [0, c.h > 0 ? c.d + 1 : c.d * c.o],
      workers: 0,
    };
    const a = await fitCohort({ ...opts, backend: "portable" });
    const b = await fitCohort({ ...opts, backend: "native" });
    assertEquals(b.backend, "native");
    assertEquals(Array.from(b.initialParameters), Array.from(a.initialParameters));
    assertArrayClose(b.parameters, a.parameters, ATOL, RTOL, "parameters");
    assertArrayClose(b.losses, a.losses, 1e-6, 1e-5, "losses");
    assertArrayClose(b.finalLoss, a.finalLoss, 1e-6, 1e-5, "final loss");
    assertArrayClose(b.trajectories, a.trajectories, ATOL, RTOL, "trajectories");
    // The parameters moved, so the comparison is not between two inits.
    let moved = 0;
    for (let i = 0; i < b.parameters.length; i++) {
      moved = Math.max(moved, Math.abs(b.parameters[i] - b.initialParameters[i]));
    }
    assert(moved > 0.05, `parameters moved by ${moved}`);
  });
}

Deno.test({
  name: "a native student is bit-identical whatever the chunking and the worker count",
  ignore: !NATIVE,
}, async () => {
  const n = 45, d = 6, S = 11;
  const x = inputs(7, n, d);
  const base = {
    x,
    n,
    d,
    hidden: 12,
    outputs: 3,
    loss: "cross-entropy" as const,
    targets: classLabels(8, S, x, n, d, 3),
    weights: Float64Array.from({ length: S * n }, (_, i) => 1 + (i % 3)),
    students: S,
    epochs: 15,
    lr: 0.02,
    seed: 5,
    backend: "native" as const,
  };
  const ref = await fitCohort({ ...base, workers: 0 });
  for (const [workers, chunkStudents] of [[0, 1], [0, 4], [1, 3], [2, 2], [2, 5]]) {
    const c = await fitCohort({ ...base, workers, chunkStudents });
    assertEquals(c.workers, workers);
    assertEquals(
      Array.from(c.parameters),
      Array.from(ref.parameters),
      `${workers}/${chunkStudents}`,
    );
    assertEquals(Array.from(c.losses), Array.from(ref.losses));
    assertEquals(Array.from(c.finalLoss), Array.from(ref.finalLoss));
  }
});

/** Run a script in a fresh Deno process (its own native-kernel cache), never prompting. */
async function runFresh(code: string, env: Record<string, string>, perms: string[]) {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, code);
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...perms, file],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output().finally(() => Deno.remove(file));
  return {
    ok: r.success,
    stdout: new TextDecoder().decode(r.stdout).trim(),
    stderr: new TextDecoder().decode(r.stderr),
  };
}

const MOD = new URL("../../lib/nn/mod.ts", import.meta.url).href;
const SNIPPET = `
import { fitCohort } from "${MOD}";
const c = await fitCohort({ x: [0, 1, 2, 3], n: 4, d: 1, hidden: 4, outputs: 1, loss: "mse",
  targets: [0, 1, 0, 1], students: 2, epochs: 3, lr: 0.01, seed: 1, workers: 0 });
let forced = "built";
try {
  await fitCohort({ x: [0, 1], n: 2, d: 1, hidden: 4, outputs: 1, loss: "mse", targets: [0, 1],
    students: 1, epochs: 1, lr: 0.01, seed: 1, workers: 0, backend: "native" });
} catch (e) { forced = e.message; }
console.log(JSON.stringify({ backend: c.backend, finite: c.parameters.every(Number.isFinite), forced }));
`;

Deno.test("auto falls back to BLAS or portable when the C compiler is missing, and native then rejects", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runFresh(SNIPPET, { KD_CC: "/nonexistent/cc", KD_NATIVE_DIR: dir }, ["-A"]);
    assert(r.ok, r.stderr);
    const out = JSON.parse(r.stdout);
    // The child runs with -A: it loads OpenBLAS whenever this process does (and may when this
    // process, run without --allow-ffi, cannot tell).
    if (HAVE_BLAS) assertEquals(out.backend, "blas");
    else assert(out.backend === "blas" || out.backend === "portable", out.backend);
    assert(out.finite, "the fallback trained finite parameters");
    assert(r.stderr.includes("native kernel unavailable"), r.stderr);
    assert(out.forced.includes('backend "native" was requested'), out.forced);
    assert(out.forced.includes("/nonexistent/cc"), out.forced);
    assertEquals([...Deno.readDirSync(dir)].length, 0, "nothing left in the cache folder");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without --allow-ffi auto falls back to the portable path without prompting", async () => {
  const r = await runFresh(SNIPPET, {}, ["--allow-read", "--allow-env"]);
  assert(r.ok, r.stderr);
  const out = JSON.parse(r.stdout);
  assertEquals(out.backend, "portable");
  assert(out.forced.includes("no --allow-ffi"), out.forced);
});

Deno.test({
  name: "two processes compiling the kernel at once both load it and leave one library",
  ignore: !NATIVE,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs = await Promise.all(
      [0, 1, 2].map(() => runFresh(SNIPPET, { KD_NATIVE_DIR: dir }, ["-A"])),
    );
    for (const r of runs) {
      assert(r.ok, r.stderr);
      const out = JSON.parse(r.stdout);
      assertEquals(out.backend, "native");
      assertEquals(out.forced, "built");
    }
    const files = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(files.length, 1, files.join(", "));
    assert(/^cohort_kernel-[0-9a-f]{16}\.(so|dylib|dll)$/.test(files[0]), files[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rejects an unknown backend naming the choices", async () => {
  await assertRejects(
    () =>
      fitCohort({
        x: [0, 1],
        n: 2,
        d: 1,
        hidden: 2,
        outputs: 1,
        loss: "mse",
        targets: [0, 1],
        students: 1,
        epochs: 1,
        lr: 0.01,
        seed: 1,
        backend: "cuda" as "auto",
      }),
    RangeError,
    "native",
  );
});
