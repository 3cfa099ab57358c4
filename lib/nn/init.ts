/**
 * Parameter layout and initializations of a one-hidden-layer MLP d-h-o.
 *
 * A student's parameters are one flat vector in **PyTorch's order**, the order of
 * `torch.cat([p.flatten() for p in nn.Sequential(Linear(d,h), ReLU(), Linear(h,o)).parameters()])`:
 *
 * | block | shape   | offset               | element (row, col) at           |
 * | ----- | ------- | -------------------- | ------------------------------- |
 * | W1    | h x d   | 0                    | `j * d + k` (hidden j, input k) |
 * | b1    | h       | h d                  | `h d + j`                       |
 * | W2    | o x h   | h d + h              | `h d + h + q * h + j`           |
 * | b2    | o       | h d + h + o h        | `h d + h + o h + q`             |
 *
 * With h = 0 the network is one linear layer (linear or logistic regression):
 * W (o x d) at offset 0, then b (o) at offset o d.
 *
 * @module
 */

import { Rng, type Seed, toRng } from "../random.ts";

/**
 * Offsets of each block of the flattened parameter vector (see the module doc).
 *
 * @category Initialization (Section 5.1)
 */
export interface ParameterLayout {
  /** Total number of parameters P. */
  count: number;
  /** Offset of the first-layer weights (h x d; with h = 0 the only weights, o x d). */
  w1: number;
  /** Offset of the first-layer biases (h; with h = 0 the only biases, o). */
  b1: number;
  /** Offset of the output weights (o x h); -1 when h = 0. */
  w2: number;
  /** Offset of the output biases (o); -1 when h = 0. */
  b2: number;
}

/**
 * The flattened layout of a d-h-o network (PyTorch's parameter order).
 *
 * @example
 * ```ts
 * parameterLayout(13, 16, 1); // { count: 241, w1: 0, b1: 208, w2: 224, b2: 240 }
 * parameterLayout(4, 0, 3);   // { count: 15, w1: 0, b1: 12, w2: -1, b2: -1 }
 * ```
 *
 * @category Initialization (Section 5.1)
 */
export function parameterLayout(d: number, h: number, o: number): ParameterLayout {
  if (h === 0) return { count: o * d + o, w1: 0, b1: o * d, w2: -1, b2: -1 };
  return { count: h * d + h + o * h + o, w1: 0, b1: h * d, w2: h * d + h, b2: h * d + h + o * h };
}

/**
 * How the students' starting parameters are drawn.
 *
 * - `torch`: PyTorch's default for `nn.Linear`: weights and biases uniform in
 *   +/- 1/sqrt(fan_in) (the reference code's default, Section 4).
 * - `kaiming`: Kaiming normal, fan-in, ReLU gain: weights N(0, 2 / fan_in), zero biases.
 * - `perturbed`: Section 5.1's multiplicative perturbation of a base init
 *   (`base`, default `kaiming`): W <- W (1 + e), e ~ N(0, scale^2), and
 *   b <- b + N(0, (0.1 scale)^2). Without `baseSeed` each student draws a fresh
 *   base from its own stream (the authors' code: scale 0 still differs across
 *   students); with `baseSeed` every student perturbs the one base drawn from
 *   `new Rng(baseSeed)` (the variant that isolates the perturbation).
 * - `fixed`: the given flattened parameters, either one vector of length P
 *   shared by all students or S x P (one per student).
 *
 * @category Initialization (Section 5.1)
 */
export type InitSpec =
  | { kind: "torch" }
  | { kind: "kaiming" }
  | { kind: "perturbed"; scale: number; base?: "torch" | "kaiming"; baseSeed?: number }
  | { kind: "fixed"; parameters: Float32Array | Float64Array };

/**
 * PyTorch's default init of dense layers of the given widths (d, h, ..., o) into `out`: each
 * layer's weights then bias, uniform in +/- 1/sqrt(fan_in), drawn in flattened order.
 */
export function torchInit(
  widths: readonly number[],
  rng: Rng,
  out: Float32Array | Float64Array,
): void {
  let at = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const bound = 1 / Math.sqrt(widths[l]), end = at + widths[l] * widths[l + 1] + widths[l + 1];
    for (let i = at; i < end; i++) out[i] = (2 * rng.uniform() - 1) * bound;
    at = end;
  }
}

/** Draw one student's parameters with a base init (`torch` or `kaiming`) from `rng`. */
function drawBase(
  kind: "torch" | "kaiming",
  d: number,
  h: number,
  o: number,
  rng: Rng,
  out: Float32Array,
): void {
  if (kind === "torch") return torchInit(h === 0 ? [d, o] : [d, h, o], rng, out);
  const layers: [number, number][] = h === 0 ? [[d, o]] : [[d, h], [h, o]];
  let at = 0;
  for (const [fanIn, fanOut] of layers) {
    const nw = fanIn * fanOut;
    const std = Math.sqrt(2) / Math.sqrt(fanIn);
    for (let i = 0; i < nw; i++) out[at + i] = rng.normal() * std;
    for (let i = 0; i < fanOut; i++) out[at + nw + i] = 0;
    at += nw + fanOut;
  }
}

/** Perturb weights multiplicatively and biases additively, drawing in flattened order. */
function perturb(d: number, h: number, o: number, scale: number, rng: Rng, p: Float32Array): void {
  const layers: [number, number][] = h === 0 ? [[d, o]] : [[d, h], [h, o]];
  let at = 0;
  for (const [fanIn, fanOut] of layers) {
    const nw = fanIn * fanOut;
    for (let i = 0; i < nw; i++) p[at + i] = p[at + i] * (1 + scale * rng.normal());
    for (let i = 0; i < fanOut; i++) p[at + nw + i] = p[at + nw + i] + 0.1 * scale * rng.normal();
    at += nw + fanOut;
  }
}

/**
 * Starting parameters of students `first .. first + count - 1` of a cohort, as a
 * `count x P` Float32Array (flattened as in the module doc). Student s draws
 * from `toRng(seed).child(s)` (for a number, `new Rng(seed).child(s)`), so its init does not depend on the cohort size
 * or on how the cohort is chunked. The draws of one student are, in order: the
 * base init in flattened order (unless `baseSeed` is given), then for
 * `perturbed` one normal per parameter in flattened order.
 *
 * @throws RangeError for a `fixed` init whose length is neither P nor S x P
 *   (`students` is the cohort size S), or a negative perturbation scale.
 * @example
 * ```ts
 * const p = initCohortParameters({ kind: "torch" }, 13, 16, 1, 42, 0, 5, 5); // 5 x 241
 * ```
 *
 * @category Initialization (Section 5.1)
 */
export function initCohortParameters(
  spec: InitSpec,
  d: number,
  h: number,
  o: number,
  seed: Seed,
  first: number,
  count: number,
  students: number,
): Float32Array {
  const P = parameterLayout(d, h, o).count;
  const out = new Float32Array(count * P);
  if (spec.kind === "fixed") {
    const given = spec.parameters;
    if (given.length !== P && given.length !== students * P) {
      throw new RangeError(
        `init.parameters has length ${given.length}; expected P = ${P} (shared) or S x P = ${
          students * P
        } for a ${d}-${h}-${o} network.`,
      );
    }
    for (let s = 0; s < count; s++) {
      const src = given.length === P ? 0 : (first + s) * P;
      for (let i = 0; i < P; i++) out[s * P + i] = given[src + i];
    }
    return out;
  }
  const root = toRng(seed);
  let sharedBase: Float32Array | null = null;
  if (spec.kind === "perturbed") {
    if (!(Number.isFinite(spec.scale) && spec.scale >= 0)) {
      throw new RangeError(`init.scale must be a finite number >= 0, got ${spec.scale}.`);
    }
    if (spec.baseSeed !== undefined) {
      sharedBase = new Float32Array(P);
      drawBase(spec.base ?? "kaiming", d, h, o, new Rng(spec.baseSeed), sharedBase);
    }
  }
  for (let s = 0; s < count; s++) {
    const rng = root.child(first + s);
    const p = out.subarray(s * P, (s + 1) * P);
    if (spec.kind === "torch" || spec.kind === "kaiming") {
      drawBase(spec.kind, d, h, o, rng, p);
    } else {
      if (sharedBase) p.set(sharedBase);
      else drawBase(spec.base ?? "kaiming", d, h, o, rng, p);
      perturb(d, h, o, spec.scale, rng, p);
    }
  }
  return out;
}
