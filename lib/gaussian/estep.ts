/**
 * The E-step of Gaussian distillation (Park, Lee, Shin, Ohn & Kim, "Knowledge
 * Distillation of Uncertainty using Deep Latent Factor Model", NeurIPS 2025):
 * the posterior of each teacher's latent factors given its outputs on a
 * batch of m design points.
 *
 * Model (multivariate, c outputs, q factors): teacher i's outputs F_i (c x m,
 * a column per design point) are F_i = M + L Z_i Φᵀ + V_i, with M (c x m) the
 * mean network's outputs, Φ (m x q) the factor network's outputs, L (c x c)
 * lower triangular, Z_i (c x q) standard normal and V_i white noise of
 * variance σ². In vector form vec(F_i) = vec(M) + (Φ ⊗ L) vec(Z_i) + v_i
 * (column-major vec), the paper's (Φ ⊗ L) vec(z). The univariate model is
 * c = 1, L = 1: f_i = μ + Φ z_i + v_i.
 *
 * Posterior (derived): precision P = I + (ΦᵀΦ ⊗ LᵀL)/σ², mean
 * vec(Ẑ_i) = P⁻¹ vec(Lᵀ R_i Φ)/σ² with R_i = F_i − M. With the eigen
 * decompositions ΦᵀΦ = U Λ Uᵀ and LᵀL = V Γ Vᵀ, P = (U ⊗ V)(I + Λ ⊗ Γ/σ²)(U ⊗ V)ᵀ,
 * so Ẑ_i = V [(Vᵀ Lᵀ R_i Φ U)/σ² ⊘ D⁻¹] Uᵀ with D_ab = 1/(1 + γ_a λ_b/σ²): cost
 * O(q³ + c³) for the decompositions, shared by all teachers.
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/**
 * The posterior of every teacher's factors on one batch.
 *
 * @category Gaussian distillation
 */
export interface FactorPosterior {
  /** Outputs c. */
  c: number;
  /** Factors q. */
  q: number;
  /** Teachers n. */
  n: number;
  /** Posterior means Ẑ_i, n x (c x q) row-major (Ẑ_i[a][b] at i*c*q + a*q + b). */
  means: Float64Array;
  /** Eigenvectors U of ΦᵀΦ (q x q, row-major; column b is the b-th vector). */
  u: Float64Array;
  /** Eigenvalues λ of ΦᵀΦ (q). */
  lambda: Float64Array;
  /** Eigenvectors V of LᵀL (c x c, row-major). */
  v: Float64Array;
  /** Eigenvalues γ of LᵀL (c). */
  gamma: Float64Array;
  /** D_ab = 1/(1 + γ_a λ_b/σ²), c x q: the posterior covariance in the (U ⊗ V) basis. */
  d: Float64Array;
  /** log det P = Σ_ab log(1 + γ_a λ_b/σ²). */
  logDetPrecision: number;
}

/**
 * Inputs of {@link factorPosterior}.
 *
 * @category Gaussian distillation
 */
export interface EStepInput {
  /** Teacher outputs, n x m x c row-major (teacher i, design point j, output a at (i*m + j)*c + a). */
  f: ArrayLike<number>;
  /** Teachers n (at least 2). */
  n: number;
  /** Design points m in the batch. */
  m: number;
  /** Outputs c (1 for regression). */
  c: number;
  /** The mean network's outputs, m x c row-major. */
  mu: ArrayLike<number>;
  /** The factor network's outputs Φ, m x q row-major. */
  phi: ArrayLike<number>;
  /** Factors q. */
  q: number;
  /** L, c x c row-major lower triangular (default the identity; must be 1 x 1 = [1] for c = 1 in the univariate model). */
  l?: ArrayLike<number>;
  /** Noise variance σ² > 0. */
  sigma2: number;
}

/** a (rows x k) times b (k x k), row-major; each entry summed over t in increasing order. */
export function timesSquare(
  a: ArrayLike<number>,
  rows: number,
  b: ArrayLike<number>,
  k: number,
): Float64Array {
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < k; col++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[r * k + t] * b[t * k + col];
      out[r * k + col] = s;
    }
  }
  return out;
}

function fail(msg: string): never {
  throw new RangeError(msg);
}

function symmetricEigen(a: Float64Array, k: number): { vec: Float64Array; val: Float64Array } {
  const e = new EigenvalueDecomposition(
    new Matrix(Array.from({ length: k }, (_, i) => Array.from(a.subarray(i * k, (i + 1) * k)))),
    { assumeSymmetric: true },
  );
  const vec = Float64Array.from(e.eigenvectorMatrix.to1DArray());
  const val = Float64Array.from(e.realEigenvalues, (x) => Math.max(x, 0));
  return { vec, val };
}

/**
 * Check an E-step input; returns L as a dense c x c array.
 *
 * @category Gaussian distillation
 */
export function checkEStepInput(inp: EStepInput, fn = "factorPosterior"): Float64Array {
  const { n, m, c, q } = inp;
  for (const [name, v] of [["n", n], ["m", m], ["c", c], ["q", q]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${fn}: ${name} must be an integer >= 1, got ${v}.`);
  }
  if (n < 2) {
    fail(`${fn}: the ensemble has one member; distilling its spread needs n >= 2 teachers.`);
  }
  if (inp.f.length !== n * m * c) {
    fail(
      `${fn}: f has ${inp.f.length} values; expected teachers x points x outputs = ${n * m * c}.`,
    );
  }
  if (inp.mu.length !== m * c) fail(`${fn}: mu has ${inp.mu.length} values; expected ${m * c}.`);
  if (inp.phi.length !== m * q) fail(`${fn}: phi has ${inp.phi.length} values; expected ${m * q}.`);
  if (!(inp.sigma2 > 0) || !Number.isFinite(inp.sigma2)) {
    fail(`${fn}: sigma2 must be a finite number > 0, got ${inp.sigma2}.`);
  }
  for (const [name, a] of [["f", inp.f], ["mu", inp.mu], ["phi", inp.phi]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) fail(`${fn}: ${name}[${i}] is ${a[i]}; values must be finite.`);
    }
  }
  const l = new Float64Array(c * c);
  if (inp.l === undefined) { for (let a = 0; a < c; a++) l[a * c + a] = 1; }
  else {
    if (inp.l.length !== c * c) {
      fail(`${fn}: l has ${inp.l.length} values; expected c x c = ${c * c}.`);
    }
    for (let i = 0; i < c * c; i++) {
      if (!Number.isFinite(inp.l[i])) fail(`${fn}: l[${i}] is ${inp.l[i]}; must be finite.`);
      l[i] = inp.l[i];
    }
  }
  return l;
}

/**
 * The posterior means of every teacher's factors and the shared posterior
 * covariance (in factored form) on one batch of design points.
 *
 * @throws RangeError naming the argument for a one-member ensemble, q < 1,
 *   mismatched shapes, a non-finite value or σ² <= 0.
 *
 * @example
 * ```ts
 * // Two teachers, three design points, one output, one factor.
 * const post = factorPosterior({
 *   f: [1, 2, 3, 0, 1, 1], n: 2, m: 3, c: 1, mu: [0.5, 1.5, 2], phi: [1, 1, 2], q: 1, sigma2: 0.1,
 * });
 * post.means; // E[z_1], E[z_2]
 * ```
 *
 * @category Gaussian distillation
 */
export function factorPosterior(inp: EStepInput): FactorPosterior {
  const l = checkEStepInput(inp);
  const { n, m, c, q, sigma2 } = inp;
  const { f, mu, phi } = inp;
  // ΦᵀΦ (q x q) and LᵀL (c x c).
  const ptp = new Float64Array(q * q);
  for (let j = 0; j < m; j++) {
    for (let a = 0; a < q; a++) {
      const pa = phi[j * q + a];
      for (let b = 0; b < q; b++) ptp[a * q + b] += pa * phi[j * q + b];
    }
  }
  const ltl = new Float64Array(c * c);
  for (let r = 0; r < c; r++) {
    for (let a = 0; a < c; a++) {
      for (let b = 0; b < c; b++) ltl[a * c + b] += l[r * c + a] * l[r * c + b];
    }
  }
  const { vec: u, val: lambda } = symmetricEigen(ptp, q);
  const { vec: v, val: gamma } = symmetricEigen(ltl, c);
  const d = new Float64Array(c * q);
  let logDet = 0;
  for (let a = 0; a < c; a++) {
    for (let b = 0; b < q; b++) {
      const t = 1 + gamma[a] * lambda[b] / sigma2;
      d[a * q + b] = 1 / t;
      logDet += Math.log(t);
    }
  }
  // LV (c x c) and ΦU (m x q), so that Vᵀ Lᵀ R Φ U = (LV)ᵀ R (ΦU).
  const lv = timesSquare(l, c, v, c), pu = timesSquare(phi, m, u, q);
  const means = new Float64Array(n * c * q);
  const rpu = new Float64Array(c * q); // R (ΦU), c x q
  const tilde = new Float64Array(c * q);
  for (let i = 0; i < n; i++) {
    rpu.fill(0);
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < c; r++) {
        const res = f[(i * m + j) * c + r] - mu[j * c + r];
        if (res === 0) continue;
        for (let b = 0; b < q; b++) rpu[r * q + b] += res * pu[j * q + b];
      }
    }
    // X̃ = ((LV)ᵀ R ΦU / σ²) ⊙ D
    for (let a = 0; a < c; a++) {
      for (let b = 0; b < q; b++) {
        let s = 0;
        for (let r = 0; r < c; r++) s += lv[r * c + a] * rpu[r * q + b];
        tilde[a * q + b] = s / sigma2 * d[a * q + b];
      }
    }
    // Ẑ = V X̃ Uᵀ
    const off = i * c * q;
    for (let a = 0; a < c; a++) {
      for (let b = 0; b < q; b++) {
        let s = 0;
        for (let t = 0; t < c; t++) {
          for (let w = 0; w < q; w++) s += v[a * c + t] * tilde[t * q + w] * u[b * q + w];
        }
        means[off + a * q + b] = s;
      }
    }
  }
  return { c, q, n, means, u, lambda, v, gamma, d, logDetPrecision: logDet };
}

/**
 * The posterior covariance of vec(Z) (column-major vec of the c x q matrix:
 * entry (a, b) at position a + c b) as a dense cq x cq row-major matrix:
 * (U ⊗ V) diag(D) (U ⊗ V)ᵀ. For tests and small q c; the fit never forms it.
 *
 * @category Gaussian distillation
 */
export function posteriorCovariance(p: FactorPosterior): Float64Array {
  const { c, q, u, v, d } = p;
  const k = c * q, out = new Float64Array(k * k);
  // (U ⊗ V)[(a + c b), (a' + c b')] = U[b][b'] V[a][a'].
  for (let b = 0; b < q; b++) {
    for (let a = 0; a < c; a++) {
      for (let b2 = 0; b2 < q; b2++) {
        for (let a2 = 0; a2 < c; a2++) {
          let s = 0;
          for (let w = 0; w < q; w++) {
            for (let t = 0; t < c; t++) {
              s += u[b * q + w] * v[a * c + t] * d[t * q + w] * u[b2 * q + w] * v[a2 * c + t];
            }
          }
          out[(a + c * b) * k + (a2 + c * b2)] = s;
        }
      }
    }
  }
  return out;
}

/**
 * The marginal log-likelihood of the teachers' outputs on the batch,
 * Σ_i log N(vec F_i; vec M, (Φ ⊗ L)(Φ ⊗ L)ᵀ + σ² I), from the posterior by the
 * determinant lemma and Woodbury: per teacher
 * −½[mc log 2πσ² + log det P + ‖R_i‖²/σ² − ⟨Lᵀ R_i Φ/σ², Ẑ_i⟩].
 *
 * @category Gaussian distillation
 */
export function marginalLogLikelihood(inp: EStepInput, post: FactorPosterior): number {
  const l = checkEStepInput(inp, "marginalLogLikelihood");
  const { n, m, c, q, sigma2, f, mu, phi } = inp;
  let total = 0;
  const lrp = new Float64Array(c * q);
  for (let i = 0; i < n; i++) {
    let rr = 0;
    lrp.fill(0);
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < c; r++) {
        const res = f[(i * m + j) * c + r] - mu[j * c + r];
        rr += res * res;
        for (let a = 0; a < c; a++) {
          const la = l[r * c + a] * res;
          if (la === 0) continue;
          for (let b = 0; b < q; b++) lrp[a * q + b] += la * phi[j * q + b];
        }
      }
    }
    let inner = 0;
    for (let k = 0; k < c * q; k++) inner += lrp[k] / sigma2 * post.means[i * c * q + k];
    total += -0.5 *
      (m * c * Math.log(2 * Math.PI * sigma2) + post.logDetPrecision + rr / sigma2 - inner);
  }
  return total;
}
