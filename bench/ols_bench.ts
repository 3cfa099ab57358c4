/**
 * Speed of the linear students: Section 4 fits 15 noise levels x 1,000 OLS
 * students on one shared design; Section 5 fits 10 bootstrap sizes x 1,000
 * students, each with its own bootstrap counts as weights.
 * Run: deno bench bench/ols_bench.ts
 */
import { fitOls, predictOls } from "../lib/linear/ols.ts";
import { bootstrapCounts, normal, Rng } from "../lib/random.ts";

const n = 404, d = 13, s = 1000;
const rng = new Rng(2024);
const x = normal(rng.child(0), n * d);
const y = normal(rng.child(1), s * n);
const xTest = normal(rng.child(2), 102 * d);
const counts = new Float64Array(s * n);
for (let t = 0; t < s; t++) counts.set(bootstrapCounts(rng.child(3).child(t), n), t * n);
const smallCounts = new Float64Array(s * n);
for (let t = 0; t < s; t++) {
  smallCounts.set(bootstrapCounts(rng.child(4).child(t), n, Math.floor(0.1 * n)), t * n);
}
const fit = fitOls(x, d, y);
// Section 5.2's grid: bootstrap sizes m = int(f n), f = 0.1, ..., 1.0.
const grid = Array.from({ length: 10 }, (_, g) => {
  const w = new Float64Array(s * n);
  const size = Math.floor(((g + 1) / 10) * n);
  for (let t = 0; t < s; t++) w.set(bootstrapCounts(rng.child(5 + g).child(t), n, size), t * n);
  return w;
});

Deno.bench("OLS: 1,000 targets on a shared 404 x 13 design (one factorization)", () => {
  fitOls(x, d, y);
});

Deno.bench("OLS: 1,000 weighted fits, per-target bootstrap counts (m = n)", () => {
  fitOls(x, d, y, { weights: counts });
});

Deno.bench("OLS: 1,000 weighted fits, per-target bootstrap counts (m = 0.1 n)", () => {
  fitOls(x, d, y, { weights: smallCounts });
});

Deno.bench("OLS: Section 5 grid, 10 bootstrap sizes x 1,000 weighted fits", () => {
  for (const w of grid) fitOls(x, d, y, { weights: w });
});

Deno.bench("OLS: Section 4 grid, 15 noise levels x 1,000 targets (shared design)", () => {
  for (let level = 0; level < 15; level++) fitOls(x, d, y);
});

Deno.bench("predict: 1,000 models on 102 test inputs", () => {
  predictOls(xTest, fit);
});
