/**
 * Distillation targets from k teacher responses per input: the paper's two
 * corrections (Section 7) as a practitioner applies them to saved teacher
 * outputs.
 *
 * Every response is first put in one vector space: a number is a vector of
 * length 1; a probability vector stays as it is; a logit vector goes through
 * a softmax; top-k logits become a sparse probability vector over the union
 * of their ids; a text is its sentence embedding. Then per input:
 * - `mean`: the mean of all responses; its variance as an estimate of the
 *   teacher's expected output is s²/k (Theorem 7.1: label noise falls as 1/k);
 * - `average-k`: the same with only the first k responses (to see what k
 *   teacher calls buy);
 * - `variance-weighted`: a_T μ_T + a_S μ_S with the inverse-variance weights
 *   of Theorem 7.3, a_T = v_S / (v_T + v_S), where μ_T, v_T = s_T²/k come
 *   from the teacher's k responses and μ_S, v_S = s_S²/k_S from the
 *   student's own k_S samples (or its stated mean and variance): the honest
 *   estimator of Section 7, which uses only what a practitioner has;
 * - `medoid`: the response closest to all others (smallest sum of Euclidean
 *   distances; for numbers the lower median), robust to outlying responses.
 * For texts, whose mean is not a text, the target is the response whose
 * embedding is closest by cosine to the mean embedding (`mean`, `average-k`,
 * Section 7.3's averaging) or to the variance-weighted combination.
 *
 * s² is the unbiased sample variance of the responses, averaged over the
 * vector's dimensions (the paper's convention for text embeddings).
 *
 * Relation to lib/llm's `textVarianceWeighting` (Section 7.3 as the paper's
 * experiments run it): that one weights by the spread of the responses
 * themselves, s_T² and s_S²; here the weights use the variances of the two
 * means, s_T²/k and s_S²/k_S, as Theorem 7.3 requires. The two agree when the
 * teacher and the student give the same number of samples (k = k_S), and the
 * `mean` method picks the same response as lib/llm's `textAverage`.
 *
 * @module
 */
import { optimalCombination } from "../linear/theory_averaging.ts";
import type { Response, SparseResponse, StudentEstimate, TeacherRecord } from "./records.ts";
import { checkRecord, TargetOptionError, TeacherOutputError } from "./records.ts";

/**
 * The target-making methods.
 *
 * @category Variance-aware targets for your teacher
 */
export type TargetMethod = "mean" | "average-k" | "variance-weighted" | "medoid";

/**
 * The methods, for option checking.
 *
 * @category Variance-aware targets for your teacher
 */
export const TARGET_METHODS: readonly TargetMethod[] = [
  "mean",
  "average-k",
  "variance-weighted",
  "medoid",
];

/**
 * How vectors are read.
 *
 * @category Variance-aware targets for your teacher
 */
export type VectorSpace = "auto" | "probability" | "logit";

/**
 * Options of {@link recordTarget}.
 *
 * @category Variance-aware targets for your teacher
 */
export interface TargetOptions {
  /** The method. */
  method: TargetMethod;
  /** Responses to use (required for `average-k`; for the others, the first k, default all). */
  k?: number;
  /**
   * How vector responses are read (default `auto`: decided once for all the
   * vectors at hand, see {@link SpaceDetector}; `distillTargets` decides once
   * for the whole file).
   */
  space?: VectorSpace;
}

/**
 * A target for one input.
 *
 * @category Variance-aware targets for your teacher
 */
export interface Target {
  /** The input's id. */
  id: string | number;
  /**
   * The target: a number, a probability vector, `{ ids, probs }` for top-k
   * logits, or the chosen response text.
   */
  target: number | number[] | { ids: number[]; probs: number[] } | string;
  /** For texts and `medoid`: which response (0-based) was chosen; else null. */
  chosen: number | null;
  /** Responses used (k). */
  k: number;
  /** s²: the teacher's variance of one response at this input (null when k = 1). */
  teacherVariance: number | null;
  /** The variance of the target as an estimate of the teacher's expected output (null when unknown). */
  targetVariance: number | null;
  /** a_T for `variance-weighted`, else null. */
  weightTeacher: number | null;
  /** Delta-method standard error of a_T (Gaussian responses), else null. */
  weightTeacherSe: number | null;
}

/**
 * Responses as rows of a dense n x d matrix, plus how to turn a row back into a target.
 *
 * @category Variance-aware targets for your teacher
 */
export interface ResponseMatrix {
  /** Rows. */
  n: number;
  /** Columns. */
  d: number;
  /** Row-major values. */
  values: Float64Array;
  /** For sparse responses: the ids of the columns. */
  ids?: number[];
}

function softmaxInto(logits: readonly number[], out: Float64Array, off: number): void {
  let m = -Infinity;
  for (const v of logits) m = Math.max(m, v);
  let s = 0;
  for (let j = 0; j < logits.length; j++) s += out[off + j] = Math.exp(logits[j] - m);
  for (let j = 0; j < logits.length; j++) out[off + j] /= s;
}

/**
 * How far from 1 the sum of a probability vector may be (rounded
 * probabilities, e.g. to 3 decimals, sum to 0.999 or 1.001): 1e-2.
 *
 * @category Variance-aware targets for your teacher
 */
export const PROBABILITY_TOLERANCE = 1e-2;

/**
 * Whether `v` can be a probability vector: every entry >= 0 and the sum
 * within {@link PROBABILITY_TOLERANCE} of 1.
 *
 * @category Variance-aware targets for your teacher
 */
export function looksLikeProbability(v: readonly number[]): boolean {
  let s = 0;
  for (const x of v) {
    if (!(x >= 0)) return false;
    s += x;
  }
  return Math.abs(s - 1) <= PROBABILITY_TOLERANCE;
}

/**
 * The `--space auto` rule, applied once to every vector of a file (or of one
 * record, for {@link recordTarget}): when every vector is non-negative and
 * sums to 1 within {@link PROBABILITY_TOLERANCE}, the vectors are
 * probabilities; when none is, they are logits; a mix is an error (pass
 * `--space probability` or `--space logit`).
 *
 * @category Variance-aware targets for your teacher
 */
export class SpaceDetector {
  #prob: { line: number; field: string } | undefined;
  #logit: { line: number; field: string } | undefined;
  /** Look at one vector (`line` and `field` name it in the error). */
  add(v: readonly number[], line: number, field: string): void {
    if (looksLikeProbability(v)) this.#prob ??= { line, field };
    else this.#logit ??= { line, field };
  }
  /**
   * The space of all the vectors seen (`logit` when none was seen).
   *
   * @throws TeacherOutputError when some vectors are probabilities and some cannot be.
   */
  space(): "probability" | "logit" {
    if (this.#prob && this.#logit) {
      const p = this.#prob, l = this.#logit;
      const where = (x: { line: number; field: string }) =>
        x.line > 0 ? `line ${x.line}, ${x.field}` : x.field;
      throw new TeacherOutputError(
        Math.max(p.line, l.line),
        p.line > l.line ? p.field : l.field,
        `--space auto: ${where(p)} is a probability vector (non-negative, summing to 1 within ` +
          `${PROBABILITY_TOLERANCE}) but ${where(l)} is not, and one space holds for the whole ` +
          "file; pass --space probability or --space logit.",
      );
    }
    return this.#prob ? "probability" : "logit";
  }
}

function resolveSpace(
  vectors: readonly (readonly number[])[],
  space: VectorSpace,
  line: number,
  field = "responses",
): "probability" | "logit" {
  if (space !== "auto") return space;
  const d = new SpaceDetector();
  vectors.forEach((v, i) => d.add(v, line, `${field}[${i}]`));
  return d.space();
}

/**
 * Numeric responses (numbers, vectors, top-k logits) as a dense matrix in
 * probability space (vectors) or as they are (numbers). Probability vectors
 * are divided by their sum (rounding leaves it within
 * {@link PROBABILITY_TOLERANCE} of 1); logit vectors go through a softmax.
 * With `space` `auto` the space is decided once for all of `responses`
 * (see {@link SpaceDetector}).
 *
 * @throws TeacherOutputError when `space` is `probability` and a vector is
 *   not a probability vector, or `auto` finds a mix.
 *
 * @category Variance-aware targets for your teacher
 */
export function responseMatrix(
  responses: readonly Response[],
  space: VectorSpace = "auto",
  line = 0,
): ResponseMatrix {
  const n = responses.length;
  const first = responses[0];
  if (typeof first === "number") {
    return { n, d: 1, values: Float64Array.from(responses as number[]) };
  }
  if (Array.isArray(first)) {
    const d = first.length;
    const values = new Float64Array(n * d);
    const vectors = responses as number[][];
    const prob = resolveSpace(vectors, space, line) === "probability";
    vectors.forEach((v, i) => {
      if (prob) {
        if (!looksLikeProbability(v)) {
          throw new TeacherOutputError(
            line,
            `responses[${i}]`,
            "is not a probability vector (non-negative, summing to 1 within " +
              `${PROBABILITY_TOLERANCE}); use --space logit.`,
          );
        }
        let sum = 0;
        for (const x of v) sum += x;
        for (let j = 0; j < d; j++) values[i * d + j] = v[j] / sum;
      } else softmaxInto(v, values, i * d);
    });
    return { n, d, values };
  }
  if (typeof first === "object") {
    const sparse = responses as SparseResponse[];
    const col = new Map<number, number>();
    for (const r of sparse) for (const id of r.ids) if (!col.has(id)) col.set(id, col.size);
    const d = col.size;
    const values = new Float64Array(n * d);
    const tmp = new Float64Array(d);
    sparse.forEach((r, i) => {
      softmaxInto(r.logits, tmp, 0);
      r.ids.forEach((id, j) => values[i * d + col.get(id)!] = tmp[j]);
    });
    return { n, d, values, ids: [...col.keys()] };
  }
  throw new TeacherOutputError(line, "responses", "text responses need an embedder.");
}

/**
 * Column means of rows `0..k-1`; a column whose plain sum overflows (values
 * near 1e308) is summed again divided by its largest absolute value.
 */
function meanRow(m: ResponseMatrix, k: number): Float64Array {
  const out = new Float64Array(m.d);
  for (let i = 0; i < k; i++) for (let j = 0; j < m.d; j++) out[j] += m.values[i * m.d + j];
  for (let j = 0; j < m.d; j++) {
    out[j] /= k;
    if (!Number.isFinite(out[j])) {
      let scale = 0, sum = 0;
      for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(m.values[i * m.d + j]));
      for (let i = 0; i < k; i++) sum += m.values[i * m.d + j] / scale;
      out[j] = sum / k * scale;
    }
  }
  return out;
}

/**
 * s²: the unbiased sample variance of rows `0..k-1`, averaged over columns
 * (NaN when k < 2). When the plain sum of squares overflows (values near
 * 1e308) it is computed again on the values divided by their largest
 * absolute value; the result is Infinity only when s² itself is beyond the
 * largest double.
 *
 * @category Variance-aware targets for your teacher
 */
export function spread(
  m: ResponseMatrix,
  k: number = m.n,
  mu: Float64Array = meanRow(m, k),
): number {
  if (k < 2) return NaN;
  let ss = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < m.d; j++) ss += (m.values[i * m.d + j] - mu[j]) ** 2;
  }
  if (Number.isFinite(ss)) return ss / (k - 1) / m.d;
  let scale = 0;
  for (let i = 0; i < k * m.d; i++) scale = Math.max(scale, Math.abs(m.values[i]));
  ss = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < m.d; j++) ss += (m.values[i * m.d + j] / scale - mu[j] / scale) ** 2;
  }
  return ss / (k - 1) / m.d * scale * scale;
}

/**
 * Index of the row (among the first k) closest in cosine to `v`.
 *
 * @category Variance-aware targets for your teacher
 */
export function closestRowByCosine(m: ResponseMatrix, k: number, v: ArrayLike<number>): number {
  let nv = 0;
  for (let j = 0; j < m.d; j++) nv += v[j] * v[j];
  let best = 0, bestCos = -Infinity;
  for (let i = 0; i < k; i++) {
    let dot = 0, nr = 0;
    for (let j = 0; j < m.d; j++) {
      const x = m.values[i * m.d + j];
      dot += x * v[j];
      nr += x * x;
    }
    const c = dot / Math.sqrt(nr * nv || 1);
    if (c > bestCos) bestCos = c, best = i;
  }
  return best;
}

/**
 * Index of the medoid of the first k rows: the smallest sum of Euclidean distances (ties: the first).
 *
 * @category Variance-aware targets for your teacher
 */
export function medoidIndex(m: ResponseMatrix, k: number): number {
  let best = 0, bestSum = Infinity;
  for (let a = 0; a < k; a++) {
    let sum = 0;
    for (let b = 0; b < k && sum < bestSum; b++) {
      if (a === b) continue;
      let d2 = 0;
      for (let j = 0; j < m.d; j++) d2 += (m.values[a * m.d + j] - m.values[b * m.d + j]) ** 2;
      sum += Math.sqrt(d2);
    }
    if (sum < bestSum) bestSum = sum, best = a;
  }
  return best;
}

/**
 * The student's estimate as a mean vector and the variance of that mean.
 *
 * @category Variance-aware targets for your teacher
 */
export interface StudentSide {
  /** μ_S. */
  mean: Float64Array;
  /** v_S = s_S²/k_S (or the stated variance). */
  variance: number;
  /** k_S − 1, the degrees of freedom of v_S (Infinity when the variance is stated). */
  dof: number;
}

/**
 * The student side from its samples (already in the response space) or its stated moments.
 *
 * @category Variance-aware targets for your teacher
 */
export function studentSide(
  student: StudentEstimate | ResponseMatrix,
  line = 0,
): StudentSide {
  if (!("values" in student) && !Array.isArray(student)) {
    return { mean: Float64Array.of(student.mean), variance: student.variance, dof: Infinity };
  }
  const m: ResponseMatrix = "values" in student
    ? student as ResponseMatrix
    : responseMatrix(student as Response[], "auto", line);
  if (m.n < 2) {
    throw new TeacherOutputError(
      line,
      "student",
      "needs at least 2 samples to estimate its variance (or { mean, variance }).",
    );
  }
  return { mean: meanRow(m, m.n), variance: spread(m) / m.n, dof: m.n - 1 };
}

/**
 * Theorem 7.3's weights for a teacher mean of variance vT (from k responses)
 * and a student estimate of variance vS, with the delta-method standard
 * error of a_T under Gaussian responses: Var(ŝ²) = 2 s⁴/(k − 1), so
 * Var(â_T) ≈ (vT² Var(v̂S) + vS² Var(v̂T)) / (vT + vS)⁴.
 *
 * @category Variance-aware targets for your teacher
 */
export function weightsWithError(
  vT: number,
  dofT: number,
  vS: number,
  dofS: number,
): { weightTeacher: number; weightTeacherSe: number; variance: number } {
  const c = optimalCombination(vT, vS);
  const tot = vT + vS;
  const varVT = dofT > 0 && Number.isFinite(dofT) ? 2 * vT * vT / dofT : 0;
  const varVS = dofS > 0 && Number.isFinite(dofS) ? 2 * vS * vS / dofS : 0;
  const se = tot > 0 ? Math.sqrt(vT * vT * varVS + vS * vS * varVT) / (tot * tot) : 0;
  return { weightTeacher: c.weightTeacher, weightTeacherSe: se, variance: c.variance };
}

/**
 * Check the options of {@link recordTarget}.
 *
 * @throws TargetOptionError for an unknown method or space, a k that is not
 *   an integer >= 1, or `average-k` without k.
 *
 * @category Variance-aware targets for your teacher
 */
export function checkTargetOptions(opts: TargetOptions): void {
  if (!opts || !(TARGET_METHODS as readonly unknown[]).includes(opts.method)) {
    throw new TargetOptionError(
      "--method",
      `must be one of ${TARGET_METHODS.join(", ")}; got ${JSON.stringify(opts?.method)}.`,
    );
  }
  if (opts.k !== undefined && !(Number.isInteger(opts.k) && opts.k >= 1)) {
    throw new TargetOptionError("--k", `must be an integer >= 1; got ${opts.k}.`);
  }
  if (opts.method === "average-k" && opts.k === undefined) {
    throw new TargetOptionError("--k", "average-k needs k: pass --k N.");
  }
  if (opts.space !== undefined && !["auto", "probability", "logit"].includes(opts.space)) {
    throw new TargetOptionError(
      "--space",
      `must be auto, probability or logit; got ${JSON.stringify(opts.space)}.`,
    );
  }
}

function kUsed(rec: TeacherRecord, opts: TargetOptions): number {
  const n = rec.responses.length;
  checkTargetOptions(opts);
  const k = opts.k ?? n;
  if (k > n) {
    throw new TeacherOutputError(
      rec.line ?? 0,
      "responses",
      `has ${n} response${n === 1 ? "" : "s"} but k = ${k} were asked for; ` +
        "lower --k or skip such inputs with --skip-bad.",
    );
  }
  if (opts.method === "variance-weighted" && k < 2) {
    throw new TeacherOutputError(
      rec.line ?? 0,
      "responses",
      "variance weighting needs at least 2 teacher responses to estimate the teacher's variance.",
    );
  }
  return k;
}

/**
 * The target of one input from a response matrix (numbers, vectors, top-k
 * logits or text embeddings). For texts pass `texts` to get the chosen
 * response back as the target.
 *
 * @throws TeacherOutputError when k exceeds the responses given, or
 *   variance weighting lacks the student's estimate or has k < 2.
 *
 * @category Variance-aware targets for your teacher
 */
export function matrixTarget(
  rec: TeacherRecord,
  m: ResponseMatrix,
  opts: TargetOptions,
  student?: StudentSide,
): Target {
  const k = kUsed(rec, opts);
  const text = typeof rec.responses[0] === "string";
  const muT = meanRow(m, k);
  const s2 = spread(m, k, muT);
  if (s2 === Infinity) {
    throw new TeacherOutputError(
      rec.line ?? 0,
      "responses",
      "are so large that their variance is beyond the largest double (about 1.8e308); " +
        "rescale them (e.g. divide by 1e10) and scale the targets back.",
    );
  }
  const teacherVariance = Number.isNaN(s2) ? null : s2;
  let vec: Float64Array | null = null, chosen: number | null = null;
  let targetVariance: number | null = teacherVariance === null ? null : teacherVariance / k;
  let weightTeacher: number | null = null, weightTeacherSe: number | null = null;
  if (opts.method === "medoid") {
    chosen = medoidIndex(m, k);
    // The median's variance under Gaussian noise is π/2 times the mean's (numbers only).
    targetVariance = m.d === 1 && !text && targetVariance !== null
      ? targetVariance * Math.PI / 2
      : null;
  } else if (opts.method === "variance-weighted") {
    if (!student) {
      throw new TeacherOutputError(
        rec.line ?? 0,
        "student",
        "is required by --method variance-weighted (the student's own samples or { mean, variance }).",
      );
    }
    if (student.mean.length !== m.d) {
      throw new TeacherOutputError(
        rec.line ?? 0,
        "student",
        `has dimension ${student.mean.length}; the responses have ${m.d}.`,
      );
    }
    const w = weightsWithError(s2 / k, k - 1, student.variance, student.dof);
    vec = new Float64Array(m.d);
    for (let j = 0; j < m.d; j++) {
      vec[j] = w.weightTeacher * muT[j] + (1 - w.weightTeacher) * student.mean[j];
    }
    weightTeacher = w.weightTeacher;
    weightTeacherSe = w.weightTeacherSe;
    targetVariance = w.variance;
    if (text) chosen = closestRowByCosine(m, k, vec);
  } else {
    vec = muT;
    if (text) chosen = closestRowByCosine(m, k, vec);
  }
  let target: Target["target"];
  if (text) target = rec.responses[chosen!] as string;
  else if (chosen !== null) {
    const row = Array.from(m.values.subarray(chosen * m.d, (chosen + 1) * m.d));
    target = m.d === 1 && typeof rec.responses[0] === "number"
      ? row[0]
      : m.ids
      ? { ids: m.ids, probs: row }
      : row;
  } else if (typeof rec.responses[0] === "number") target = vec![0];
  else if (m.ids) target = { ids: m.ids, probs: Array.from(vec!) };
  else target = Array.from(vec!);
  return {
    id: rec.id,
    target,
    chosen,
    k,
    teacherVariance,
    targetVariance,
    weightTeacher,
    weightTeacherSe,
  };
}

/**
 * The target of one numeric input (numbers, probability or logit vectors,
 * top-k logits). The record is checked first, as the reader checks a line.
 *
 * @throws TeacherOutputError for a bad record (a missing id, no responses,
 *   a NaN or infinite value, mixed kinds), as {@link matrixTarget}, and for
 *   text responses (use the text path, which embeds them).
 * @throws TargetOptionError for an unknown method, a bad k or space.
 *
 * @example
 * ```ts
 * recordTarget({ id: "x", responses: [1.9, 2.1, 2.6] }, { method: "mean" });
 * // { target: 2.2, k: 3, teacherVariance: 0.13, targetVariance: 0.0433, ... }
 * ```
 *
 * @category Variance-aware targets for your teacher
 */
export function recordTarget(
  rec: TeacherRecord,
  opts: TargetOptions,
  m?: ResponseMatrix,
): Target {
  checkTargetOptions(opts);
  const line = typeof rec?.line === "number" && rec.line > 0 ? rec.line : 0;
  const checked = checkRecord(rec, {}, line);
  if (rec.line === undefined) delete checked.line;
  return checkedRecordTarget(checked, opts, m);
}

/**
 * {@link recordTarget} for a record the reader has already checked (no second check).
 *
 * @category Variance-aware targets for your teacher
 */
export function checkedRecordTarget(
  rec: TeacherRecord,
  opts: TargetOptions,
  m?: ResponseMatrix,
): Target {
  const space = opts.space ?? "auto";
  let resolved: VectorSpace = space;
  if (space === "auto" && Array.isArray(rec.responses[0])) {
    // One space for the record's responses and the student's samples together.
    const d = new SpaceDetector();
    (rec.responses as number[][]).forEach((v, i) => d.add(v, rec.line ?? 0, `responses[${i}]`));
    if (Array.isArray(rec.student) && opts.method === "variance-weighted") {
      (rec.student as number[][]).forEach((v, i) => d.add(v, rec.line ?? 0, `student[${i}]`));
    }
    resolved = d.space();
  }
  m ??= responseMatrix(rec.responses, resolved, rec.line);
  let student: StudentSide | undefined;
  if (rec.student && opts.method === "variance-weighted") {
    student = Array.isArray(rec.student)
      ? studentSide(responseMatrix(rec.student, resolved, rec.line), rec.line)
      : studentSide(rec.student, rec.line);
  }
  return matrixTarget(rec, m, opts, student);
}
