import {
  assert,
  assertAlmostEquals,
  assertArrayClose,
  assertEquals,
  assertThrows,
} from "../assert.ts";
import { fitOls, predictOls } from "../../lib/linear/ols.ts";
import { normal, Rng } from "../../lib/random.ts";

/** A random well-conditioned design (n x d, row-major) and S targets (S x n). */
function problem(seed: number, n: number, d: number, s: number) {
  const rng = new Rng(seed);
  const x = normal(rng.child(0), n * d);
  const beta = normal(rng.child(1), s * d);
  const y = new Float64Array(s * n);
  const noise = normal(rng.child(2), s * n, 0, 0.5);
  for (let t = 0; t < s; t++) {
    for (let i = 0; i < n; i++) {
      let v = 3 - t * 0.1 + noise[t * n + i];
      for (let j = 0; j < d; j++) v += x[i * d + j] * beta[t * d + j];
      y[t * n + i] = v;
    }
  }
  return { x, y };
}

/**
 * The textbook answer, written independently of the library: solve the normal
 * equations [1 X]^T W [1 X] b = [1 X]^T W y by Gaussian elimination with
 * partial pivoting. Returns [intercept, slopes...].
 */
function normalEquations(
  x: Float64Array,
  d: number,
  y: ArrayLike<number>,
  w?: ArrayLike<number>,
  intercept = true,
): number[] {
  const n = x.length / d;
  const p = d + (intercept ? 1 : 0);
  const row = (i: number) =>
    intercept ? [1, ...x.subarray(i * d, i * d + d)] : [...x.subarray(i * d, i * d + d)];
  const g = Array.from({ length: p }, () => new Array(p + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const r = row(i);
    const wi = w ? w[i] : 1;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) g[a][b] += wi * r[a] * r[b];
      g[a][p] += wi * r[a] * y[i];
    }
  }
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(g[r][c]) > Math.abs(g[piv][c])) piv = r;
    [g[c], g[piv]] = [g[piv], g[c]];
    for (let r = c + 1; r < p; r++) {
      const f = g[r][c] / g[c][c];
      for (let k = c; k <= p; k++) g[r][k] -= f * g[c][k];
    }
  }
  const sol = new Array(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let v = g[r][p];
    for (let k = r + 1; k < p; k++) v -= g[r][k] * sol[k];
    sol[r] = v / g[r][r];
  }
  return intercept ? sol : [0, ...sol];
}

Deno.test("OLS for many targets equals the normal-equations solution target by target", () => {
  const n = 60, d = 4, s = 7;
  const { x, y } = problem(1, n, d, s);
  const fit = fitOls(x, d, y);
  assertEquals(fit.nTargets, s);
  assertEquals(fit.rankDeficient, false);
  assertEquals(Array.from(fit.rank), new Array(s).fill(d));
  for (let t = 0; t < s; t++) {
    const ref = normalEquations(x, d, y.subarray(t * n, t * n + n));
    assertAlmostEquals(fit.intercept[t], ref[0], 1e-10);
    assertArrayClose(fit.coef.subarray(t * d, t * d + d), ref.slice(1), 1e-10);
    const one = fitOls(x, d, y.slice(t * n, t * n + n));
    assertArrayClose(one.coef, fit.coef.subarray(t * d, t * d + d), 1e-13);
    assertAlmostEquals(one.intercept[0], fit.intercept[t], 1e-13);
  }
});

Deno.test("without an intercept OLS matches the normal equations of the raw design", () => {
  const n = 50, d = 3, s = 3;
  const { x, y } = problem(2, n, d, s);
  const fit = fitOls(x, d, y, { intercept: false });
  assertEquals(Array.from(fit.intercept), [0, 0, 0]);
  for (let t = 0; t < s; t++) {
    const ref = normalEquations(x, d, y.subarray(t * n, t * n + n), undefined, false);
    assertArrayClose(fit.coef.subarray(t * d, t * d + d), ref.slice(1), 1e-10);
  }
});

Deno.test("an exact linear relation is recovered to round-off", () => {
  const x = new Float64Array([0, 1, 2, 3]);
  const y = new Float64Array([1, 3, 5, 7, 2, 6, 10, 14]);
  const fit = fitOls(x, 1, y);
  assertArrayClose(fit.coef, [2, 4], 1e-14);
  assertArrayClose(fit.intercept, [1, 2], 1e-14);
});

Deno.test("weights of all ones equal no weights, shared or per target", () => {
  const n = 40, d = 3, s = 5;
  const { x, y } = problem(3, n, d, s);
  const plain = fitOls(x, d, y);
  const shared = fitOls(x, d, y, { weights: new Float64Array(n).fill(1) });
  const perTarget = fitOls(x, d, y, { weights: new Float64Array(s * n).fill(1) });
  assertArrayClose(shared.coef, plain.coef, 1e-13);
  assertArrayClose(shared.intercept, plain.intercept, 1e-13);
  assertArrayClose(perTarget.coef, plain.coef, 1e-13);
  assertArrayClose(perTarget.intercept, plain.intercept, 1e-13);
});

Deno.test("integer weights equal repeating rows, for each target's own weights", () => {
  const n = 30, d = 3, s = 4;
  const { x, y } = problem(4, n, d, s);
  const rng = new Rng(44);
  const w = new Float64Array(s * n);
  for (let i = 0; i < w.length; i++) w[i] = rng.int(4); // 0..3 copies
  const fit = fitOls(x, d, y, { weights: w });
  for (let t = 0; t < s; t++) {
    const xs: number[] = [], ys: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < w[t * n + i]; c++) {
        xs.push(...x.subarray(i * d, i * d + d));
        ys.push(y[t * n + i]);
      }
    }
    const rep = fitOls(new Float64Array(xs), d, new Float64Array(ys));
    assertArrayClose(fit.coef.subarray(t * d, t * d + d), rep.coef, 1e-11);
    assertAlmostEquals(fit.intercept[t], rep.intercept[0], 1e-11);
    const ref = normalEquations(x, d, y.subarray(t * n, t * n + n), w.subarray(t * n, t * n + n));
    assertArrayClose(fit.coef.subarray(t * d, t * d + d), ref.slice(1), 1e-9);
  }
  // One weight vector shared by all targets is the same as repeating it per target.
  const sharedW = w.slice(0, n);
  const shared = fitOls(x, d, y, { weights: sharedW });
  const repeated = new Float64Array(s * n);
  for (let t = 0; t < s; t++) repeated.set(sharedW, t * n);
  const perTarget = fitOls(x, d, y, { weights: repeated });
  assertArrayClose(shared.coef, perTarget.coef, 1e-12);
  assertArrayClose(shared.intercept, perTarget.intercept, 1e-12);
});

Deno.test("a duplicated column splits its coefficient equally and flags the rank deficiency", () => {
  // y = 1 + 2 u + 3 v with u duplicated: every split a + b = 2 fits; the minimum-norm one is 1, 1.
  const rng = new Rng(5);
  const n = 20;
  const x = new Float64Array(n * 3), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.normal(), v = rng.normal();
    x.set([u, u, v], i * 3);
    y[i] = 1 + 2 * u + 3 * v;
  }
  const fit = fitOls(x, 3, y);
  assert(fit.rankDeficient);
  assertEquals(fit.rank[0], 2);
  assertArrayClose(fit.coef, [1, 1, 3], 1e-12);
  assertAlmostEquals(fit.intercept[0], 1, 1e-12);
  // Without an intercept, on noisy targets: the solution still has equal halves
  // (the minimum-norm solution is orthogonal to the null vector (1, -1, 0)).
  const noisy = y.map((v, i) => v + Math.sin(i));
  const f2 = fitOls(x, 3, noisy, { intercept: false });
  assertAlmostEquals(f2.coef[0], f2.coef[1], 1e-12);
});

Deno.test("a feature constant in a weighted sample gets slope 0 and the flag is per target", () => {
  // Binary feature c is 1 only on rows 0..4; target 0's weights drop those rows.
  const n = 30, rng = new Rng(6);
  const x = new Float64Array(n * 2), y = new Float64Array(2 * n), w = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const u = rng.normal(), c = i < 5 ? 1 : 0;
    x.set([u, c], i * 2);
    y[i] = y[n + i] = 0.5 - u + 4 * c + 0.1 * rng.normal();
    w[i] = i < 5 ? 0 : 1 + rng.int(3);
    w[n + i] = 1;
  }
  const fit = fitOls(x, 2, y, { weights: w });
  assert(fit.rankDeficient);
  assertEquals(Array.from(fit.rank), [1, 2]);
  assertEquals(fit.coef[1], 0);
  // Target 0 restricted to its rows is an ordinary one-feature fit.
  const keep: number[] = [];
  for (let i = 5; i < n; i++) for (let c = 0; c < w[i]; c++) keep.push(i);
  const one = fitOls(
    new Float64Array(keep.map((i) => x[i * 2])),
    1,
    new Float64Array(keep.map((i) => y[i])),
  );
  assertAlmostEquals(fit.coef[0], one.coef[0], 1e-12);
  assertAlmostEquals(fit.intercept[0], one.intercept[0], 1e-12);
});

Deno.test("fewer rows than features give the minimum-norm interpolating solution", () => {
  // One row x = (3, 4), y = 5, no intercept: beta = x y / |x|^2 = (0.6, 0.8).
  const fit = fitOls(new Float64Array([3, 4]), 2, new Float64Array([5]), { intercept: false });
  assert(fit.rankDeficient);
  assertEquals(fit.rank[0], 1);
  assertArrayClose(fit.coef, [0.6, 0.8], 1e-15);
});

Deno.test("an all-zero design gives zero slopes and rank 0", () => {
  const fit = fitOls(new Float64Array(6), 2, new Float64Array([1, 2, 3]));
  assertEquals(fit.rank[0], 0);
  assertArrayClose(fit.coef, [0, 0], 0);
  assertAlmostEquals(fit.intercept[0], 2, 1e-15);
});

Deno.test("predictOls gives one row of predictions per model", () => {
  const fit = fitOls(new Float64Array([0, 1, 2]), 1, new Float64Array([1, 3, 5, 0, 0, 0]));
  assertArrayClose(predictOls(new Float64Array([10, -1]), fit), [21, -1, 0, 0], 1e-12);
  const n = 25, d = 3, s = 4;
  const { x, y } = problem(7, n, d, s);
  const f = fitOls(x, d, y);
  const pred = predictOls(x, f);
  for (let t = 0; t < s; t++) {
    const ref = normalEquations(x, d, y.subarray(t * n, t * n + n));
    for (let i = 0; i < n; i++) {
      let v = ref[0];
      for (let j = 0; j < d; j++) v += x[i * d + j] * ref[j + 1];
      assertAlmostEquals(pred[t * n + i], v, 1e-10);
    }
  }
});

Deno.test("bad input throws an error naming the argument", () => {
  const x = new Float64Array([1, 2, 3, 4, 5, 6]); // 3 x 2
  const y = new Float64Array([1, 2, 3]);
  assertThrows(() => fitOls(x, 4, y), RangeError, "x.length");
  assertThrows(() => fitOls(x, 0, y), RangeError, "d must");
  assertThrows(() => fitOls(new Float64Array(0), 2, y), RangeError, "zero rows");
  assertThrows(() => fitOls(x, 2, new Float64Array(4)), RangeError, "targets.length");
  assertThrows(() => fitOls(x, 2, new Float64Array(0)), RangeError, "targets.length");
  assertThrows(() => fitOls(new Float64Array([1, NaN, 3, 4, 5, 6]), 2, y), RangeError, "x[1]");
  assertThrows(() => fitOls(x, 2, new Float64Array([1, Infinity, 3])), RangeError, "targets[1]");
  assertThrows(
    () => fitOls(x, 2, y, { weights: new Float64Array([1, -1, 1]) }),
    RangeError,
    "weights[1]",
  );
  assertThrows(
    () => fitOls(x, 2, y, { weights: new Float64Array([1, 1]) }),
    RangeError,
    "weights.length",
  );
  assertThrows(() => fitOls(x, 2, y, { weights: new Float64Array(3) }), RangeError, "sums to zero");
  assertThrows(() => fitOls(x, 2, y, { rcond: -1 }), RangeError, "rcond");
  const fit = fitOls(x, 2, y);
  assertThrows(() => predictOls(new Float64Array(3), fit), RangeError, "xNew.length");
  assertThrows(() => predictOls(new Float64Array(0), fit), RangeError, "xNew has zero rows");
});

Deno.test("a standardized binary feature that is constant in a bootstrap sample is detected", () => {
  // After standardization a 0/1 column is two values (here -0.27 and 3.7); a sample
  // that only holds the first makes it constant: collinear with the intercept.
  const n = 50, rng = new Rng(8);
  const x = new Float64Array(n * 3), y = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10 === 0 ? 3.7 : -0.27;
    x.set([rng.normal(), c, rng.normal()], i * 3);
    y[i] = x[i * 3] - 2 * x[i * 3 + 2] + 0.5 * c + 0.1 * rng.normal();
    w[i] = i % 10 === 0 ? 0 : rng.int(3);
  }
  const fit = fitOls(x, 3, y, { weights: w });
  assert(fit.rankDeficient);
  assertEquals(fit.rank[0], 2);
  assertAlmostEquals(fit.coef[1], 0, 1e-12);
  // The other slopes are those of the fit without the constant column.
  const x2 = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) x2.set([x[i * 3], x[i * 3 + 2]], i * 2);
  const ref = fitOls(x2, 2, y, { weights: w });
  assertArrayClose([fit.coef[0], fit.coef[2]], ref.coef, 1e-11);
  assertAlmostEquals(fit.intercept[0], ref.intercept[0], 1e-11);
});

Deno.test("students bootstrapped on an OLS teacher's outputs recover the teacher (Theorem 5.1)", () => {
  const n = 80, d = 4, s = 50;
  const { x, y } = problem(9, n, d, 1);
  const teacher = fitOls(x, d, y);
  const mu = predictOls(x, teacher);
  const labels = new Float64Array(s * n), w = new Float64Array(s * n);
  const rng = new Rng(10);
  for (let t = 0; t < s; t++) {
    labels.set(mu, t * n);
    for (let c = 0; c < n; c++) w[t * n + rng.int(n)]++;
  }
  const students = fitOls(x, d, labels, { weights: w });
  assertEquals(students.rankDeficient, false);
  for (let t = 0; t < s; t++) {
    assertArrayClose(students.coef.subarray(t * d, t * d + d), teacher.coef, 1e-12);
    assertAlmostEquals(students.intercept[t], teacher.intercept[0], 1e-12);
  }
});
