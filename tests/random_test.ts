import { assert, assertEquals, assertThrows } from "./assert.ts";
import {
  bootstrapCountRows,
  bootstrapCounts,
  bootstrapIndices,
  childStreams,
  normal,
  permutation,
  Rng,
  sampleWithoutReplacement,
  toRng,
  uniform,
} from "../lib/random.ts";

Deno.test("the same seed gives the same stream", () => {
  const a = new Rng(42), b = new Rng(42);
  for (let i = 0; i < 1000; i++) assertEquals(a.nextUint32(), b.nextUint32());
  assertEquals(Array.from(normal(7, 50)), Array.from(normal(7, 50)));
});

Deno.test("different seeds give different streams", () => {
  assert(new Rng(1).nextUint32() !== new Rng(2).nextUint32());
});

Deno.test("uniform draws lie in [0, 1) and have mean 1/2 within Monte Carlo error", () => {
  const n = 200_000;
  const u = uniform(3, n);
  let s = 0;
  for (const x of u) {
    assert(x >= 0 && x < 1);
    s += x;
  }
  // Var(U) = 1/12, so the standard error of the mean is sqrt(1/(12 n)); allow 4 SE.
  assert(Math.abs(s / n - 0.5) < 4 * Math.sqrt(1 / (12 * n)));
});

Deno.test("normal draws have mean 0, variance 1 and kurtosis 3 within Monte Carlo error", () => {
  const n = 200_000;
  const z = normal(11, n);
  let m1 = 0, m2 = 0, m4 = 0;
  for (const x of z) {
    m1 += x;
    m2 += x * x;
    m4 += x ** 4;
  }
  m1 /= n;
  m2 /= n;
  m4 /= n;
  // SE of the mean: 1/sqrt(n). SE of the second moment: sqrt(Var(Z^2)/n) = sqrt(2/n).
  // SE of the fourth moment: sqrt((E Z^8 - 9)/n) = sqrt(96/n). All at 4 SE.
  assert(Math.abs(m1) < 4 / Math.sqrt(n), `mean ${m1}`);
  assert(Math.abs(m2 - 1) < 4 * Math.sqrt(2 / n), `second moment ${m2}`);
  assert(Math.abs(m4 - 3) < 4 * Math.sqrt(96 / n), `fourth moment ${m4}`);
});

Deno.test("normal(rng, n, mean, std) shifts and scales", () => {
  const n = 100_000;
  const z = normal(5, n, 10, 3);
  let m = 0;
  for (const x of z) m += x;
  m /= n;
  assert(Math.abs(m - 10) < 4 * 3 / Math.sqrt(n));
});

Deno.test("child streams are reproducible, distinct and uncorrelated", () => {
  const kids = childStreams(99, 4);
  assertEquals(kids[2].uniform(), new Rng(99).child(2).uniform());
  assertEquals(new Rng(99, [2]).nextUint32(), new Rng(99).child(2).nextUint32());
  // A child does not depend on how much the parent has drawn.
  const parent = new Rng(99);
  for (let i = 0; i < 10; i++) parent.uniform();
  assertEquals(parent.child(1).nextUint32(), new Rng(99).child(1).nextUint32());
  // Pairwise correlation of 100,000 normal draws: SE is 1/sqrt(n); allow 4 SE.
  const n = 100_000;
  const streams = childStreams(99, 4).map((r) => normal(r, n));
  for (let a = 0; a < 4; a++) {
    for (let b = a + 1; b < 4; b++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += streams[a][i] * streams[b][i];
      assert(Math.abs(c / n) < 4 / Math.sqrt(n), `streams ${a},${b} correlate: ${c / n}`);
    }
  }
  // Grandchildren differ from children with the same last index.
  assert(new Rng(99).child(0).child(1).nextUint32() !== new Rng(99).child(1).nextUint32());
});

Deno.test("int(n) is uniform over 0..n-1 (chi-square within its 0.1% critical value)", () => {
  const rng = new Rng(8), n = 7, draws = 70_000;
  const counts = new Array(n).fill(0);
  for (let i = 0; i < draws; i++) counts[rng.int(n)]++;
  const e = draws / n;
  const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  assert(chi2 < 22.46, `chi-square ${chi2} (df 6, 0.1% critical value 22.46)`);
});

Deno.test("a permutation contains every index once", () => {
  const p = permutation(1, 1000);
  assertEquals(Array.from(p).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert(p.some((v, i) => v !== i));
});

Deno.test("sampling without replacement gives distinct indices", () => {
  const s = sampleWithoutReplacement(2, 50, 20);
  assertEquals(s.length, 20);
  assertEquals(new Set(s).size, 20);
  assert(s.every((v) => v >= 0 && v < 50));
  assertThrows(() => sampleWithoutReplacement(2, 5, 6), RangeError, "k must be at most n");
});

Deno.test("bootstrap counts add up to m and match the bootstrap indices", () => {
  const idx = bootstrapIndices(4, 30, 45);
  const counts = bootstrapCounts(4, 30, 45);
  const manual = new Float64Array(30);
  for (const i of idx) manual[i]++;
  assertEquals(Array.from(counts), Array.from(manual));
  assertEquals(counts.reduce((a, b) => a + b, 0), 45);
});

Deno.test("bootstrap leaves out about 1/e of the examples (within Monte Carlo error)", () => {
  const n = 100_000;
  const counts = bootstrapCounts(6, n);
  const zeros = counts.filter((c) => c === 0).length / n;
  // P(left out) = (1 - 1/n)^n ~ e^-1; the count is nearly binomial: SE ~ sqrt(p(1-p)/n).
  const p = Math.exp(-1);
  assert(Math.abs(zeros - p) < 4 * Math.sqrt(p * (1 - p) / n), `left out ${zeros}`);
});

Deno.test("bad seeds and sizes throw errors that name the argument", () => {
  assertThrows(() => new Rng(-1), RangeError, "seed");
  assertThrows(() => new Rng(1.5), RangeError, "seed");
  assertThrows(() => new Rng(1).child(-2), RangeError, "path");
  assertThrows(() => normal(1, -3), RangeError, "n must be");
  assertThrows(() => normal(1, 3, 0, -1), RangeError, "std");
  assertThrows(() => bootstrapIndices(1, 0), RangeError, "n must be");
  assertThrows(() => new Rng(1).int(0), RangeError, "n must be");
});

Deno.test("toRng takes a number or an Rng and names { seed } for anything else", () => {
  const g = new Rng(4);
  assert(toRng(g) === g);
  assertEquals(toRng(4).uniform(), new Rng(4).uniform());
  assertThrows(() => toRng(undefined as unknown as number), TypeError, "{ seed }");
});

Deno.test("bootstrap count rows are the students' bootstrapCounts drawn in turn from one stream", () => {
  const rows = bootstrapCountRows(new Rng(4), 3, 6, 4);
  const rng = new Rng(4);
  for (let s = 0; s < 3; s++) {
    const row = rows.subarray(s * 6, (s + 1) * 6);
    assertEquals(Array.from(row), Array.from(bootstrapCounts(rng, 6, 4)));
    assertEquals(row.reduce((a, b) => a + b, 0), 4);
  }
  assertThrows(() => bootstrapCountRows(1, 0, 6), RangeError, "students");
});
