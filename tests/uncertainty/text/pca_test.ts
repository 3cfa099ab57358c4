import { assert, assertAlmostEquals, assertArrayClose, assertThrows } from "../../assert.ts";
import { firstPrincipalComponent, projectOnAxis } from "../../../lib/uncertainty/text/pca.ts";
import { normal } from "../../../lib/random.ts";

const f = (...v: number[]) => new Float64Array(v);

Deno.test("points on the line y = -x have axis (1, -1)/sqrt 2 and scores along it", () => {
  // centre (1, -1); centred points (-1, 1), (0, 0), (1, -1); sign: first largest entry positive
  const pc = firstPrincipalComponent(f(0, 0, 1, -1, 2, -2), 2);
  assertArrayClose(pc.axis, [Math.SQRT1_2, -Math.SQRT1_2], 1e-12);
  assertArrayClose(pc.center, [1, -1], 1e-15);
  assertArrayClose(pc.scores, [-Math.SQRT2, 0, Math.SQRT2], 1e-12);
  assertAlmostEquals(pc.variance, 4 / 3, 1e-12); // (2 + 0 + 2) / 3
  assertAlmostEquals(pc.explainedShare, 1, 1e-12);
});

Deno.test("the axis of an axis-aligned cloud is the widest coordinate, and its sign is fixed", () => {
  // dimension 1 spread +-3, dimension 0 spread +-1, uncorrelated: axis e_1
  const x = f(1, 0, -1, 0, 0, 3, 0, -3);
  const pc = firstPrincipalComponent(x, 2);
  assertArrayClose(pc.axis, [0, 1], 1e-9);
  assertAlmostEquals(pc.variance, 9 / 2, 1e-9); // scores 0, 0, 3, -3
  assertAlmostEquals(pc.explainedShare, 4.5 / 5, 1e-9); // total variance 0.5 + 4.5
  // reversing the rows does not change the answer
  const rev = firstPrincipalComponent(f(0, -3, 0, 3, -1, 0, 1, 0), 2);
  assertArrayClose(rev.axis, pc.axis, 1e-9);
});

Deno.test("the axis matches the known top eigenvector of a correlated Gaussian cloud", () => {
  // 4,000 draws with covariance diag(4, 1, 1) rotated by 45 degrees in the first two
  // dimensions: the top eigenvector is (1, 1, 0)/sqrt 2 with eigenvalue 4. With n = 4,000
  // the sample axis deviates from it by about sqrt(l1 l2 / n) / (l1 - l2) = 0.011 rad;
  // allow 0.05.
  const n = 4000, z = normal(5, 3 * n), x = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const a = 2 * z[3 * i], b = z[3 * i + 1];
    x[3 * i] = (a + b) * Math.SQRT1_2;
    x[3 * i + 1] = (a - b) * Math.SQRT1_2;
    x[3 * i + 2] = z[3 * i + 2];
  }
  const pc = firstPrincipalComponent(x, 3);
  const dot = pc.axis[0] * Math.SQRT1_2 + pc.axis[1] * Math.SQRT1_2;
  assert(dot > Math.cos(0.05), `axis ${Array.from(pc.axis)}`);
  // eigenvalue 4 with standard error 4 sqrt(2/n) = 0.09: allow 4 SE
  assertAlmostEquals(pc.variance, 4, 0.36);
  const again = projectOnAxis(x, 3, pc.axis, pc.center);
  assertArrayClose(again, pc.scores, 1e-12);
});

Deno.test("equal top eigenvalues still give a unit axis carrying half the variance", () => {
  // (1,0), (-1,0), (0,1), (0,-1): covariance I/2, every unit vector is a top axis
  const pc = firstPrincipalComponent(f(1, 0, -1, 0, 0, 1, 0, -1), 2);
  assertAlmostEquals(pc.axis[0] ** 2 + pc.axis[1] ** 2, 1, 1e-12);
  assertAlmostEquals(pc.variance, 0.5, 1e-12);
  assertAlmostEquals(pc.explainedShare, 0.5, 1e-12);
});

Deno.test("PCA refuses identical rows, one row and mismatched axes", () => {
  assertThrows(() => firstPrincipalComponent(f(1, 2, 1, 2), 2), RangeError, "equal");
  assertThrows(() => firstPrincipalComponent(f(1, 2), 2), RangeError, "at least 2");
  assertThrows(() => projectOnAxis(f(1, 2), 2, f(1), f(0, 0)), RangeError, "d = 2");
});
