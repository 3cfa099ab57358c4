/**
 * Cohort-trainer benchmark (`deno task bench`): students per second and GFLOP/s
 * of `fitCohort` on Boston-shaped regression, the BLAS back end's matmul
 * ceiling on this machine, and a one-student-at-a-time PyTorch loop
 * (bench/reference_torch.py, Debian's python3-torch) side by side.
 *
 * Flops per student per epoch (forward + backward, d-h-o, n rows, P parameters):
 *   4 n d h      X W1 and X^T dZ (the two wide products)
 * + 6 n h o      output layer forward, its weight gradient, and dH = g W2^T
 * + 4 n h        bias, ReLU, ReLU mask, bias gradient
 * + 10 P         Adam
 * (loss and its gradient, O(n o), left out). 13-16-1, n = 404: 403,434 per epoch.
 *
 * Each configuration runs on every back end that loads here (native, blas,
 * and portable on a tenth or twentieth of the students), then the whole
 * Figure 2 neural sweep at paper scale (15 noise levels x 1,000 students,
 * 13-16-1, 200 epochs) with the default back end.
 *
 * Flags: `--quick` cuts the student counts by 10 and extrapolates the sweep
 * (a smoke run); `--no-sweep` extrapolates the sweep; `--no-torch` skips PyTorch.
 *
 * @module
 */

import { loadBoston } from "../lib/data/mod.ts";
import { fitCohort, loadBlas, loadNative, nativeUnavailableReason } from "../lib/nn/mod.ts";
import { Rng } from "../lib/random.ts";

const args = new Set(Deno.args);
const QUICK = args.has("--quick");
const N_TRAIN = 404;
const PYTHON = "/usr/bin/python3";

/** Flops of one student for one epoch (see the module doc). */
export function flopsPerStudentEpoch(n: number, d: number, h: number, o: number): number {
  const P = h * d + h + o * h + o;
  return 4 * n * d * h + 6 * n * h * o + 4 * n * h + 10 * P;
}

function zscore(a: Float64Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let k = 0; k < d; k++) {
    let m = 0, v = 0;
    for (let i = 0; i < n; i++) m += a[i * d + k] / n;
    for (let i = 0; i < n; i++) v += (a[i * d + k] - m) ** 2 / n;
    const sd = Math.sqrt(v) || 1;
    for (let i = 0; i < n; i++) out[i * d + k] = (a[i * d + k] - m) / sd;
  }
  return out;
}

/** The first 404 Boston rows, standardized (or random data of that shape if absent). */
async function bostonLike(d: 11 | 13): Promise<{ x: Float32Array; y: Float32Array; src: string }> {
  try {
    const b = await loadBoston({ numericOnly: d === 11 });
    return {
      x: zscore(b.x.subarray(0, N_TRAIN * d), N_TRAIN, d),
      y: zscore(b.y.subarray(0, N_TRAIN), N_TRAIN, 1),
      src: "Boston (first 404 rows, standardized)",
    };
  } catch (e) {
    const rng = new Rng(7);
    const x = Float32Array.from({ length: N_TRAIN * d }, () => rng.normal());
    const y = Float32Array.from({ length: N_TRAIN }, (_, i) => x[i * d] + 0.5 * rng.normal());
    return { x, y, src: `random standardized data (Boston not loaded: ${(e as Error).message})` };
  }
}

async function torchAvailable(): Promise<string | null> {
  try {
    const r = await new Deno.Command(PYTHON, {
      args: ["-c", "import torch; print(torch.__version__)"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return r.success ? new TextDecoder().decode(r.stdout).trim() : null;
  } catch {
    return null;
  }
}

async function torchSecondsPerStudent(
  x: Float32Array,
  y: Float32Array,
  d: number,
  h: number,
  epochs: number,
  students: number,
): Promise<number> {
  const file = await Deno.makeTempFile({ suffix: ".f32" });
  try {
    const buf = new Float32Array(x.length + y.length);
    buf.set(x);
    buf.set(y, x.length);
    await Deno.writeFile(file, new Uint8Array(buf.buffer));
    const script = new URL("./reference_torch.py", import.meta.url).pathname;
    const r = await new Deno.Command(PYTHON, {
      args: [
        script,
        "--data",
        file,
        "--n",
        String(N_TRAIN),
        "--d",
        String(d),
        "--hidden",
        String(h),
        "--epochs",
        String(epochs),
        "--students",
        String(students),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
    return JSON.parse(new TextDecoder().decode(r.stdout)).seconds_per_student;
  } finally {
    await Deno.remove(file);
  }
}

/** Single-thread sgemm GFLOP/s of the BLAS back end for C (M x N) = A (M x K) B. */
function matmulGflops(M: number, N: number, K: number): number {
  const blas = loadBlas();
  if (!blas) return NaN;
  const A = new Float32Array(M * K).fill(0.5), B = new Float32Array(K * N).fill(0.25);
  const C = new Float32Array(M * N);
  blas.gemm(false, M, N, K, A, B, C);
  const reps = Math.max(3, Math.ceil(3e9 / (2 * M * N * K)));
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) blas.gemm(false, M, N, K, A, B, C);
  return (2 * M * N * K * reps) / ((performance.now() - t0) / 1000) / 1e9;
}

interface Run {
  label: string;
  studentsPerSecond: number;
  gflops: number;
  seconds: number;
  backend: string;
  workers: number;
}

async function runCohort(
  label: string,
  x: Float32Array,
  y: Float32Array,
  d: number,
  h: number,
  epochs: number,
  S: number,
  backend: "auto" | "native" | "blas" | "portable" = "auto",
  seed = 1,
): Promise<Run> {
  const t0 = performance.now();
  const c = await fitCohort({
    x,
    n: N_TRAIN,
    d,
    hidden: h,
    outputs: 1,
    loss: "mse",
    targets: y,
    students: S,
    epochs,
    lr: 0.01,
    seed,
    backend,
  });
  const seconds = (performance.now() - t0) / 1000;
  const flops = S * epochs * flopsPerStudentEpoch(N_TRAIN, d, h, 1);
  return {
    label,
    studentsPerSecond: S / seconds,
    gflops: flops / seconds / 1e9,
    seconds,
    backend: c.backend,
    workers: c.workers,
  };
}

const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");

const cores = navigator.hardwareConcurrency ?? 1;
console.log(`# Cohort trainer benchmark (${cores} hardware threads${QUICK ? ", --quick" : ""})`);
const b13 = await bostonLike(13);
const b11 = await bostonLike(11);
console.log(`data: ${b13.src}`);

// Ceiling: one BLAS thread per worker, one worker per core.
const g512 = matmulGflops(512, 512, 512);
const gWide = matmulGflops(N_TRAIN, 16000, 13);
const ceiling = g512 * cores;
console.log(
  `matmul (OpenBLAS sgemm, 1 thread): 512^3 ${f(g512)} GFLOP/s, [404x13]x[13x16000] ${
    f(gWide)
  } GFLOP/s; ceiling for ${cores} workers = ${cores} x 512^3 = ${f(ceiling)} GFLOP/s`,
);

const S16 = QUICK ? 100 : 1000, S128 = QUICK ? 20 : 200;
type Backend = "native" | "blas" | "portable";
const configs = [
  { label: "13-16-1, 200 epochs", x: b13.x, y: b13.y, d: 13, h: 16, epochs: 200, S: S16 },
  { label: "11-128-1, 300 epochs", x: b11.x, y: b11.y, d: 11, h: 128, epochs: 300, S: S128 },
];
const available: Backend[] = [];
const native = loadNative();
if (native) {
  available.push("native");
  console.log(`native kernel: ${native.variant} (${native.path})`);
} else console.log(`native kernel: not available (${nativeUnavailableReason()})`);
if (loadBlas()) available.push("blas");
available.push("portable");
const runs: { config: number; run: Run }[] = [];
for (const [i, c] of configs.entries()) {
  for (const backend of available) {
    // The portable path is ~20x slower: time a tenth (13-16-1) or a twentieth of the students.
    const S = backend === "portable" ? Math.max(2, c.S / (c.h > 16 ? 20 : 10)) : c.S;
    const label = backend === "portable" ? `${c.label} (S = ${S})` : c.label;
    runs.push({
      config: i,
      run: await runCohort(label, c.x, c.y, c.d, c.h, c.epochs, S, backend),
    });
  }
}

const torch = args.has("--no-torch") ? null : await torchAvailable();
const torchRate: (number | null)[] = [null, null];
if (torch === null) {
  console.log(
    `PyTorch: skipped (${
      args.has("--no-torch") ? "--no-torch" : `${PYTHON} cannot import torch`
    }; apt-get install -y python3-torch)`,
  );
} else {
  const n16 = QUICK ? 5 : 20, n128 = QUICK ? 3 : 10;
  torchRate[0] = 1 / await torchSecondsPerStudent(b13.x, b13.y, 13, 16, 200, n16);
  torchRate[1] = 1 / await torchSecondsPerStudent(b11.x, b11.y, 11, 128, 300, n128);
  console.log(`PyTorch ${torch}: one student at a time, ${n16} and ${n128} students timed`);
}

console.log("");
console.log(
  "| configuration | backend | workers | students/s | GFLOP/s | % of ceiling | PyTorch students/s | speed-up |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const { config, run: r } of runs) {
  const t = torchRate[config];
  console.log(
    `| ${r.label} | ${r.backend} | ${r.workers} | ${f(r.studentsPerSecond)} | ${f(r.gflops)} | ${
      f((100 * r.gflops) / ceiling)
    }% | ${t === null ? "skipped" : f(t, 2)} | ${
      t === null ? "n/a" : f(r.studentsPerSecond / t) + "x"
    } |`,
  );
}
console.log("");
console.log("targets: >= 50x PyTorch (13-16-1), >= 20x (11-128-1), >= 25% of the ceiling");

// The Figure 2 sweep with the default back end (auto).
const best = runs.find((r) => r.config === 0)!.run;
if (!QUICK && !args.has("--no-sweep")) {
  const t0 = performance.now();
  let backend = "";
  for (let level = 0; level < 15; level++) {
    const c = await fitCohort({
      x: b13.x,
      n: N_TRAIN,
      d: 13,
      hidden: 16,
      outputs: 1,
      loss: "mse",
      targets: b13.y,
      students: 1000,
      epochs: 200,
      lr: 0.01,
      seed: 100 + level,
    });
    backend = c.backend;
  }
  console.log(
    `Figure 2 neural sweep (15 x 1,000 students, 13-16-1, 200 epochs, ${backend}): ${
      f((performance.now() - t0) / 1000)
    } s (target < 120 s)`,
  );
} else {
  console.log(
    `Figure 2 neural sweep (15 x 1,000 students) extrapolated from ${best.backend}: ${
      f(15000 / best.studentsPerSecond)
    } s (target < 120 s; timed unless --quick or --no-sweep)`,
  );
}
