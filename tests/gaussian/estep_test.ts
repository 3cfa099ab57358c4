import { CholeskyDecomposition, inverse, Matrix } from "ml-matrix";
import {
  factorPosterior,
  marginalLogLikelihood,
  posteriorCovariance,
} from "../../lib/gaussian/estep.ts";
import { Rng } from "../../lib/random.ts";
import { assertAlmostEquals, assertThrows } from "../assert.ts";

/** A random problem: n teachers, m points, c outputs, q factors; L lower triangular. */
function problem(seed: number, n: number, m: number, c: number, q: number) {
  const rng = new Rng(seed);
  const r = (k: number) => Float64Array.from({ length: k }, () => rng.normal());
  const l = new Float64Array(c * c);
  for (let a = 0; a < c; a++) {
    for (let b = 0; b <= a; b++) {
      l[a * c + b] = a === b ? 1 + rng.uniform() : 0.5 * rng.normal();
    }
  }
  return {
    f: r(n * m * c),
    n,
    m,
    c,
    mu: r(m * c),
    phi: r(m * q),
    q,
    l: c === 1 ? undefined : l,
    sigma2: 0.3 + rng.uniform(),
  };
}

/** Brute force: condition the joint Gaussian of (vec Z, vec F_i) on vec F_i (column-major vecs). */
function bruteForce(p: ReturnType<typeof problem>) {
  const { n, m, c, q, sigma2 } = p;
  const l = p.l ?? Float64Array.of(1);
  const B = Matrix.zeros(m * c, c * q);
  for (let j = 0; j < m; j++) {
    for (let r = 0; r < c; r++) {
      for (let b = 0; b < q; b++) {
        for (let a = 0; a < c; a++) B.set(r + c * j, a + c * b, p.phi[j * q + b] * l[r * c + a]);
      }
    }
  }
  const S = B.mmul(B.transpose()).add(Matrix.eye(m * c).mul(sigma2));
  const Sinv = inverse(S);
  const cov = Matrix.eye(c * q).sub(B.transpose().mmul(Sinv).mmul(B));
  const logDet = Math.log(
    new CholeskyDecomposition(S).lowerTriangularMatrix.diag().reduce((s, x) => s * x, 1) ** 2,
  );
  const means: number[][] = [];
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const res = new Matrix(m * c, 1);
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < c; r++) {
        res.set(r + c * j, 0, p.f[(i * m + j) * c + r] - p.mu[j * c + r]);
      }
    }
    const z = B.transpose().mmul(Sinv).mmul(res);
    means.push(Array.from({ length: c * q }, (_, k) => z.get((k % q) * c + Math.floor(k / q), 0))); // row-major a*q + b
    ll += -0.5 *
      (m * c * Math.log(2 * Math.PI) + logDet + res.transpose().mmul(Sinv).mmul(res).get(0, 0));
  }
  return { cov, means, ll };
}

for (const [c, q] of [[1, 1], [1, 3], [3, 2], [4, 5]]) {
  Deno.test(`the E-step equals brute-force Gaussian conditioning (c = ${c}, q = ${q})`, () => {
    const p = problem(10 * c + q, 3, 6, c, q);
    const post = factorPosterior(p);
    const bf = bruteForce(p);
    for (let i = 0; i < p.n; i++) {
      for (let k = 0; k < c * q; k++) {
        assertAlmostEquals(post.means[i * c * q + k], bf.means[i][k], 1e-9);
      }
    }
    const cov = posteriorCovariance(post);
    for (let a = 0; a < c * q; a++) {
      for (let b = 0; b < c * q; b++) {
        assertAlmostEquals(cov[a * c * q + b], bf.cov.get(a, b), 1e-9);
      }
    }
    assertAlmostEquals(marginalLogLikelihood(p, post), bf.ll, 1e-8);
  });
}

Deno.test("the multivariate E-step at c = 1 with L = 1 is the univariate one", () => {
  const p = problem(5, 4, 7, 1, 3);
  const uni = factorPosterior(p);
  const multi = factorPosterior({ ...p, l: [1] });
  for (let k = 0; k < uni.means.length; k++) {
    assertAlmostEquals(uni.means[k], multi.means[k], 1e-12);
  }
});

Deno.test("bad E-step inputs get a named error before any work", () => {
  const p = problem(1, 3, 4, 2, 2);
  assertThrows(
    () => factorPosterior({ ...p, n: 1, f: p.f.subarray(0, 8) }),
    RangeError,
    "one member",
  );
  assertThrows(() => factorPosterior({ ...p, q: 0 }), RangeError, "q must be");
  assertThrows(() => factorPosterior({ ...p, f: p.f.subarray(1) }), RangeError, "f has");
  assertThrows(
    () => factorPosterior({ ...p, mu: Float64Array.of(NaN, ...p.mu.subarray(1)) }),
    RangeError,
    "mu[0]",
  );
  assertThrows(() => factorPosterior({ ...p, sigma2: 0 }), RangeError, "sigma2");
});
