/**
 * How far apart students are in parameter space: the mean over parameters of the
 * variance across students, in closed form for an init (Section 5.1's perturbed
 * Kaiming and PyTorch-default inits), and measured on parameter vectors with its
 * delete-one (jackknife) values.
 *
 * @module
 */
import { parameterLayout } from "../nn/init.ts";

/**
 * The expected mean over parameters of the across-student variance of a freshly
 * drawn init of a d-h-1 network (h ≥ 1), after Section 5.1's perturbation at level
 * s (s = 0: none):
 * - `kaiming`: weights N(0, 2/fan_in), zero biases, so Var W(1 + ε) = (2/fan_in)(1 + s²),
 *   Var b = (0.1 s)²;
 * - `torch` (PyTorch's `nn.Linear` default, U(±1/√fan_in), variance 1/(3 fan_in) for
 *   weights and biases): for 11-128-1, (1536/33 + 129/384)/1665 = 0.0282.
 *
 * Not the variance of one parameter: the average over all P parameters.
 *
 * @throws RangeError when a size is not a positive integer or s < 0.
 *
 * @example
 * ```ts
 * initParameterVariance("torch", 11, 128); // 0.02816...
 * initParameterVariance("kaiming", 11, 128); // 0.15495...
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function initParameterVariance(
  base: "torch" | "kaiming",
  d: number,
  h: number,
  s = 0,
): number {
  for (const [name, v] of [["d", d], ["h", h]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`initParameterVariance: ${name} must be a positive integer, got ${v}.`);
    }
  }
  if (!(s >= 0)) throw new RangeError(`initParameterVariance: s must be >= 0, got ${s}.`);
  let total = 0;
  for (const [fanIn, fanOut] of [[d, h], [h, 1]]) {
    const w = base === "torch" ? 1 / (3 * fanIn) : 2 / fanIn;
    const b = base === "torch" ? 1 / (3 * fanIn) : 0;
    total += fanIn * fanOut * w * (1 + s * s) + fanOut * (b + (0.1 * s) ** 2);
  }
  return total / parameterLayout(d, h, 1).count;
}

/**
 * The expected across-student variance, averaged over parameters, when every
 * student perturbs one fixed base θ₀ of a d-h-1 network at level s (Section 5.1):
 * weights vary as θ₀² s², biases as (0.1 s)².
 *
 * @throws RangeError when `base` does not hold the network's parameters.
 *
 * @example
 * ```ts
 * fixedBaseParameterVariance(new Float32Array(1665).fill(1), 11, 128, 0.1); // about 0.0099
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function fixedBaseParameterVariance(
  base: Float32Array,
  d: number,
  h: number,
  s: number,
): number {
  const L = parameterLayout(d, h, 1);
  if (base.length < L.count) {
    throw new RangeError(
      `fixedBaseParameterVariance: base holds ${base.length} values, a ${d}-${h}-1 network ${L.count}.`,
    );
  }
  let total = 0;
  for (let i = 0; i < L.count; i++) {
    const isBias = (i >= L.b1 && i < L.w2) || i >= L.b2;
    total += isBias ? (0.1 * s) ** 2 : base[i] * base[i] * s * s;
  }
  return total / L.count;
}

/**
 * The mean over entries of the sample variance (dividing by S − 1) across S
 * vectors of one length (e.g. the parameters of S students), with its S delete-one
 * values (`deleteOne[k]`: student k left out) for a jackknife over students.
 *
 * @throws RangeError for fewer than 3 vectors or vectors of different lengths.
 *
 * @example
 * ```ts
 * meanSampleVariance([Float32Array.of(0, 0), Float32Array.of(2, 0), Float32Array.of(4, 0)]);
 * // { value: 2, deleteOne: [1, 4, 1] }
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function meanSampleVariance(
  vectors: readonly Float32Array[],
): { value: number; deleteOne: Float64Array } {
  const S = vectors.length, P = vectors[0]?.length ?? 0;
  if (S < 3 || vectors.some((v) => v.length !== P)) {
    throw new RangeError(
      `meanSampleVariance: pass at least 3 vectors of one length (got ${S}, lengths ` +
        `${[...new Set(vectors.map((v) => v.length))].join(", ")}).`,
    );
  }
  const sum = new Float64Array(P), sq = new Float64Array(P);
  for (const x of vectors) {
    for (let j = 0; j < P; j++) {
      sum[j] += x[j];
      sq[j] += x[j] * x[j];
    }
  }
  const variance = (x?: Float32Array) => {
    const n = x ? S - 1 : S;
    let t = 0;
    for (let j = 0; j < P; j++) {
      const s1 = x ? sum[j] - x[j] : sum[j], s2 = x ? sq[j] - x[j] * x[j] : sq[j];
      t += (s2 - (s1 * s1) / n) / (n - 1);
    }
    return t / P;
  };
  return { value: variance(), deleteOne: Float64Array.from(vectors, (x) => variance(x)) };
}
