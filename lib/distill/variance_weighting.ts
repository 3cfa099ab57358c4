/**
 * Variance-weighted distillation targets: the second correction of Section 7
 * of the paper. Per input, a teacher-side estimate of the teacher's output
 * (the mean of k noisy responses) and a student-side estimate are combined
 * with the inverse-variance weights of Theorem 7.3,
 *   a_T = s_S^2 / (s_T^2 + s_S^2), a_S = 1 - a_T,
 * which minimize the variance of the target when the two estimates are
 * independent and unbiased (minimum s_T^2 s_S^2 / (s_T^2 + s_S^2), Theorem 7.4).
 *
 * Three ways to get the inputs of that combination:
 * - {@link referenceVarianceWeightedLabels}: exactly what the authors' code
 *   does for Figure 11. It uses the true noise variance and the exact
 *   noise-free teacher output as the "student estimate": an ORACLE.
 * - {@link honestVarianceWeightedLabelsOls}: for OLS students, a pilot
 *   student fitted on an independent set of teacher draws, with its
 *   closed-form predictive variance from an estimated noise variance. Uses
 *   only what a practitioner has, at a stated extra teacher cost.
 * - {@link ensembleVarianceWeightedLabels}: any student family, from the
 *   predictions of a small pilot ensemble.
 *
 * Teacher-side variance, two conventions (do not mix them up):
 * - the reference code uses the variance of the k responses (numpy's
 *   `np.var`, divide by k): the spread of ONE response;
 * - the honest variants use the variance of the MEAN of the k responses,
 *   (unbiased sample variance) / k, which is the variance of the estimate
 *   that is actually being weighted, as Theorem 7.3 requires.
 *
 * Layout: responses S x k x n (or k x n), targets and weights S x n.
 *
 * @module
 */

import { averageTeacherResponses, responseSets } from "./averaging.ts";
import { optimalCombination } from "../linear/theory_averaging.ts";
import { designRows, fitOls, predictOls } from "../linear/ols.ts";
import { testLeverage } from "../linear/theory.ts";

function fail(message: string): never {
  throw new RangeError(message);
}

function checkVariances(v: ArrayLike<number>, name: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!(Number.isFinite(v[i]) && v[i] >= 0)) {
      fail(`${name}[${i}] is ${v[i]}: variances must be finite and >= 0.`);
    }
  }
}

function checkFinite(v: ArrayLike<number>, name: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) fail(`${name}[${i}] is ${v[i]}: values must be finite.`);
  }
}

/**
 * Per-input inverse-variance weights and the resulting variance.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface InverseVarianceWeights {
  /** a_T per input. */
  readonly weightTeacher: Float64Array;
  /** a_S = 1 - a_T per input. */
  readonly weightStudent: Float64Array;
  /** The variance of the combined estimate per input, s_T^2 s_S^2 / (s_T^2 + s_S^2). */
  readonly variance: Float64Array;
}

/**
 * Theorem 7.3 per input: a_T = s_S^2 / (s_T^2 + s_S^2), a_S = 1 - a_T, and
 * the minimum variance of Theorem 7.4. Where one variance is 0 all weight
 * goes to that estimate; where both are 0 the weights are 1/2, 1/2 (see
 * `optimalCombination` in lib/linear/theory_averaging.ts).
 *
 * @param varTeacher s_T^2 per input (the variance of the teacher-side estimate).
 * @param varStudent s_S^2 per input, the same length.
 * @throws RangeError when the lengths differ or are 0, or a variance is
 *   negative or not finite.
 *
 * @example
 * ```ts
 * const w = inverseVarianceWeights([1, 0.5], [3, 0.5]);
 * w.weightTeacher; // Float64Array [0.75, 0.5]
 * w.variance;      // Float64Array [0.75, 0.25]
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function inverseVarianceWeights(
  varTeacher: ArrayLike<number>,
  varStudent: ArrayLike<number>,
): InverseVarianceWeights {
  const len = varTeacher?.length;
  if (!(len > 0)) fail("varTeacher is empty: pass one variance per input.");
  if (varStudent?.length !== len) {
    fail(`varStudent.length (${varStudent?.length}) must equal varTeacher.length (${len}).`);
  }
  checkVariances(varTeacher, "varTeacher");
  checkVariances(varStudent, "varStudent");
  const weightTeacher = new Float64Array(len);
  const weightStudent = new Float64Array(len);
  const variance = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const c = optimalCombination(varTeacher[i], varStudent[i]);
    weightTeacher[i] = c.weightTeacher;
    weightStudent[i] = c.weightStudent;
    variance[i] = c.variance;
  }
  return { weightTeacher, weightStudent, variance };
}

/**
 * Inputs of {@link varianceWeightedTargets}: two estimates per input and their variances.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface VarianceWeightingInput {
  /** The teacher-side estimate per input (e.g. the mean of k responses). */
  readonly teacherMean: ArrayLike<number>;
  /** The variance of `teacherMean` per input. */
  readonly teacherVar: ArrayLike<number>;
  /** The student-side estimate per input (e.g. a pilot student's prediction). */
  readonly studentMean: ArrayLike<number>;
  /** The variance of `studentMean` per input. */
  readonly studentVar: ArrayLike<number>;
}

/**
 * Variance-weighted targets with their weights and variances.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface VarianceWeightedTargets extends InverseVarianceWeights {
  /** a_T teacherMean + a_S studentMean per input. */
  readonly targets: Float64Array;
}

/**
 * Variance-weighted distillation targets (Theorems 7.3-7.4): per input,
 * a_T * teacherMean + a_S * studentMean with the inverse-variance weights of
 * {@link inverseVarianceWeights}. All four arrays have the same length (n, or
 * S x n for S label sets at once).
 *
 * @throws RangeError when a length differs from `teacherMean`'s or is 0, an
 *   estimate is not finite, or a variance is negative or not finite.
 *
 * @example
 * ```ts
 * const t = varianceWeightedTargets({
 *   teacherMean: [1.0], teacherVar: [0.1], studentMean: [1.4], studentVar: [0.3],
 * });
 * t.targets;       // Float64Array [1.1]   (0.75 * 1.0 + 0.25 * 1.4)
 * t.weightTeacher; // Float64Array [0.75]
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function varianceWeightedTargets(input: VarianceWeightingInput): VarianceWeightedTargets {
  const { teacherMean, teacherVar, studentMean, studentVar } = input;
  const len = teacherMean?.length;
  if (!(len > 0)) fail("teacherMean is empty: pass one estimate per input.");
  for (
    const [name, a] of [
      ["teacherVar", teacherVar],
      ["studentMean", studentMean],
      ["studentVar", studentVar],
    ] as const
  ) {
    if (a?.length !== len) {
      fail(`${name}.length (${a?.length}) must equal teacherMean.length (${len}).`);
    }
  }
  checkFinite(teacherMean, "teacherMean");
  checkFinite(studentMean, "studentMean");
  const w = inverseVarianceWeights(teacherVar, studentVar);
  const targets = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    targets[i] = w.weightTeacher[i] * teacherMean[i] + w.weightStudent[i] * studentMean[i];
  }
  return { targets, ...w };
}

// ---------------------------------------------------------------------------
// The reference (oracle) variant of the authors' code.

/**
 * Inputs of {@link referenceVarianceWeightedLabels}.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface ReferenceVarianceWeightingInput {
  /** Noisy teacher responses, S x k x n (or k x n). */
  readonly responses: ArrayLike<number>;
  /** Responses per input k (>= 1). */
  readonly k: number;
  /** The TRUE noise variance sigma2 of one response (oracle information). */
  readonly noiseVariance: number;
  /** The exact, noise-free teacher output mu_T on the n inputs (oracle information). */
  readonly teacherOutput: ArrayLike<number>;
}

/**
 * The reference variant's labels and weights.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface ReferenceVarianceWeightedLabels {
  /** Labels a_T * mean_k + a_S * mu_T, S x n. */
  readonly targets: Float64Array;
  /** a_T per label set and input, S x n. */
  readonly weightTeacher: Float64Array;
  /** a_S = 1 - a_T, S x n. */
  readonly weightStudent: Float64Array;
  /** s_T^2: the variance of the k responses (divide by k), S x n. */
  readonly teacherVariance: Float64Array;
  /** The mean of the k responses, S x n (the averaging labels). */
  readonly mean: Float64Array;
}

/** The guard the reference code adds to each variance before inverting it. */
export const REFERENCE_VARIANCE_GUARD = 1e-8;

/**
 * ORACLE. Variance-weighting exactly as the authors' code does it for Figure
 * 11 (docs/protocols.md Section 7.2), reproduced as the "reference" variant:
 * per input, s_T^2 = the variance of the k responses (numpy's `np.var`,
 * divide by k; not divided again by k), s_S^2 = the TRUE noise variance,
 * w_T = 1 / (s_T^2 + 1e-8), w_S = 1 / (s_S^2 + 1e-8), a_T = w_T / (w_T + w_S),
 * and label = a_T * mean_k + a_S * mu_T with mu_T the exact noise-free
 * teacher output.
 *
 * Why it is an oracle: the "student estimate" mu_T is the very quantity the
 * labels are trying to estimate, with zero error, and its stated variance
 * s_S^2 = sigma2 is neither its true error (0) nor something a practitioner
 * could know. Any weight on mu_T moves the label towards the truth for free.
 * Use {@link honestVarianceWeightedLabelsOls} or
 * {@link ensembleVarianceWeightedLabels} for a method that can be deployed.
 *
 * With k = 1 the response variance is 0, so the guard gives
 * a_T = 1 - 1e-8 / (sigma2 + 2e-8) (almost 1): the labels are the single
 * response up to that guard, i.e. plain averaging.
 *
 * @throws RangeError naming the argument for k < 1, a misshapen or
 *   non-finite `responses`, a `teacherOutput` whose length is not n, or a
 *   negative or non-finite noise variance.
 *
 * @example
 * ```ts
 * const mu = predictOls(xTrain, teacher);
 * const r = noisyTeacherResponses(mu, { variance: sigma2 }, { students: 1000, k: 5, seed: 1 });
 * const ref = referenceVarianceWeightedLabels({ responses: r, k: 5, noiseVariance: sigma2, teacherOutput: mu });
 * const students = fitOls(xTrain, d, ref.targets); // the reference (oracle) students
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function referenceVarianceWeightedLabels(
  input: ReferenceVarianceWeightingInput,
): ReferenceVarianceWeightedLabels {
  const { responses, k, noiseVariance, teacherOutput } = input;
  const n = teacherOutput?.length;
  if (!(n > 0)) fail("teacherOutput is empty: pass the noise-free teacher output per input.");
  checkFinite(teacherOutput, "teacherOutput");
  if (!(Number.isFinite(noiseVariance) && noiseVariance >= 0)) {
    fail(`noiseVariance must be a finite variance >= 0, got ${noiseVariance}.`);
  }
  responseSets(responses, k, n);
  const avg = averageTeacherResponses(responses, k, n, { ddof: 0 });
  const len = avg.mean.length;
  const targets = new Float64Array(len);
  const weightTeacher = new Float64Array(len);
  const weightStudent = new Float64Array(len);
  const wS = 1 / (noiseVariance + REFERENCE_VARIANCE_GUARD);
  for (let t = 0; t < len; t++) {
    const wT = 1 / (avg.variance[t] + REFERENCE_VARIANCE_GUARD);
    const aT = wT / (wT + wS);
    weightTeacher[t] = aT;
    weightStudent[t] = 1 - aT;
    targets[t] = aT * avg.mean[t] + (1 - aT) * teacherOutput[t % n];
  }
  return { targets, weightTeacher, weightStudent, teacherVariance: avg.variance, mean: avg.mean };
}

// ---------------------------------------------------------------------------
// Honest variants.

/**
 * How the honest variants estimate the teacher-side variance s_T^2 (the
 * variance of the mean of the k responses):
 * - "perInput": (unbiased sample variance of the k responses at that input) / k;
 *   needs k >= 2, and with few responses the estimate is very noisy;
 * - "pooled": (noise variance pooled over all inputs, and over the pilot draws
 *   when there are any) / k, the same for every input; valid for homoscedastic
 *   noise, works with k = 1, and is far more stable.
 *
 * @category Section 7: correcting student uncertainty
 */
export type TeacherVarianceMode = "perInput" | "pooled";

/**
 * Honest variance-weighted labels: the combination and what went into it.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface HonestVarianceWeightedLabels extends VarianceWeightedTargets {
  /** The mean of the k responses, S x n. */
  readonly teacherMean: Float64Array;
  /** s_T^2, the estimated variance of `teacherMean`, S x n. */
  readonly teacherVariance: Float64Array;
  /** The student-side estimate, S x n. */
  readonly studentMean: Float64Array;
  /** s_S^2, the estimated variance of `studentMean`, S x n. */
  readonly studentVariance: Float64Array;
  /** Teacher queries per label set (responses plus pilot draws; see each function). */
  readonly teacherCalls: number;
}

/** Within-input sums of squares (ddof 1 variance times k - 1), per label set. */
function withinSS(variance: Float64Array, sets: number, n: number, k: number): Float64Array {
  const out = new Float64Array(sets);
  for (let t = 0; t < sets; t++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += variance[t * n + i];
    out[t] = s * (k - 1);
  }
  return out;
}

/**
 * Count of label sets a pilot array covers: 1 (shared by every label set) or
 * S (one per label set). Used by every honest variant; not in the public API.
 *
 * @throws RangeError naming `name` when the length is neither `per` nor S x `per`.
 */
export function pilotSets(len: number, per: number, s: number, name: string): number {
  if (len === per) return 1;
  if (len === s * per) return s;
  return fail(
    `${name}.length (${len}) must be ${per} (shared by every label set) or ` +
      `S x ${per} = ${s * per} (one per label set).`,
  );
}

/** Throws unless the pilot ensemble has at least two members. Not in the public API. */
export function requirePilots(pilots: number): void {
  if (!Number.isInteger(pilots) || pilots < 2) {
    fail(`pilots must be an integer >= 2 (an ensemble variance needs two members), got ${pilots}.`);
  }
}

/** An S x n array from a p x n one, p = 1 (shared by every label set) or S. Not in the public API. */
export function perSet(a: Float64Array, p: number, s: number, n: number): Float64Array {
  if (p !== 1) return a.slice();
  const out = new Float64Array(s * n);
  for (let t = 0; t < s; t++) out.set(a.subarray(0, n), t * n);
  return out;
}

/**
 * s_T^2, the variance of the mean of the k responses, S x n: "perInput", the
 * responses' variance at each input / k; "pooled", pooled(t) / k for label
 * set t. Not in the public API.
 */
export function teacherSideVariance(
  variance: Float64Array,
  mode: TeacherVarianceMode,
  k: number,
  s: number,
  n: number,
  pooled: (t: number) => number,
): Float64Array {
  const out = new Float64Array(s * n);
  for (let t = 0; t < s; t++) {
    const v = pooled(t);
    for (let i = 0; i < n; i++) {
      out[t * n + i] = mode === "perInput" ? variance[t * n + i] / k : v / k;
    }
  }
  return out;
}

/**
 * The honest variants' last step: the Theorem 7.3 combination of the mean of
 * the k responses with a student-side estimate, returned with what went into
 * it. Not in the public API.
 */
export function honestLabels(
  teacherMean: Float64Array,
  teacherVariance: Float64Array,
  studentMean: Float64Array,
  studentVariance: Float64Array,
  teacherCalls: number,
): HonestVarianceWeightedLabels {
  const w = varianceWeightedTargets({
    teacherMean,
    teacherVar: teacherVariance,
    studentMean,
    studentVar: studentVariance,
  });
  return { ...w, teacherMean, teacherVariance, studentMean, studentVariance, teacherCalls };
}

/**
 * Inputs of {@link honestVarianceWeightedLabelsOls}.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface HonestOlsInput {
  /** Training design, row-major n x d. */
  readonly x: Float64Array;
  /** Number of features d. */
  readonly d: number;
  /** The k noisy teacher responses per input that the labels are made of, S x k x n (or k x n). */
  readonly responses: ArrayLike<number>;
  /** Responses per input k (>= 1; >= 2 for teacherVariance "perInput"). */
  readonly k: number;
  /**
   * An INDEPENDENT set of kPilot teacher draws per input for the pilot
   * student: kPilot x n (one pilot shared by all S label sets) or
   * S x kPilot x n (one per label set, for independent runs).
   */
  readonly pilotResponses: ArrayLike<number>;
  /** Pilot draws per input (>= 2, to estimate the noise variance). */
  readonly kPilot: number;
  /** Fit an intercept (default true), as `fitOls`. */
  readonly intercept?: boolean;
  /** How to estimate the teacher-side variance (default "perInput"). */
  readonly teacherVariance?: TeacherVarianceMode;
}

/**
 * HONEST variance-weighting for OLS students: the student-side estimate and
 * its variance come only from data a practitioner has.
 * - Pilot student: OLS on the mean of kPilot independent teacher draws per
 *   input; its prediction at each training input is the student estimate.
 * - Its variance: the closed form of Theorems 4.1/7.1,
 *   s_S^2(x) = (sigma2_hat / kPilot) x~^T (X~^T X~)^-1 x~, with sigma2_hat the
 *   pooled within-input variance of the pilot draws (unbiased, divide by
 *   n (kPilot - 1)), not the true noise variance.
 * - Teacher side: the mean of the k responses, with s_T^2 the variance of
 *   that MEAN ("perInput": sample variance / k; or "pooled", see
 *   {@link TeacherVarianceMode}; pooled uses the responses' and the pilot's
 *   within-input spread together).
 * - Labels: a_T * mean_k + a_S * pilot prediction with the weights of Theorem 7.3.
 * The student estimate is unbiased for the teacher's output only when the
 * teacher is linear (inside the OLS class); for a non-linear teacher it
 * carries a projection bias the weights do not know about.
 *
 * Cost: `teacherCalls` = n (k + kPilot) per label set, to compare with
 * averaging at the same number of teacher queries (averaging k + kPilot
 * responses).
 *
 * @throws RangeError naming the argument for misshapen or non-finite input,
 *   k < 1, kPilot < 2, k < 2 with "perInput", a pilot array that is neither
 *   kPilot x n nor S x kPilot x n, or a rank-deficient x.
 *
 * @example
 * ```ts
 * const mu = predictOls(xTrain, teacher); // a practitioner only queries it, with noise
 * const r = noisyTeacherResponses(mu, { variance: s2 }, { students: 1, k: 5, seed: 1 });
 * const pilot = noisyTeacherResponses(mu, { variance: s2 }, { students: 1, k: 3, seed: 2 });
 * const h = honestVarianceWeightedLabelsOls({ x: xTrain, d, responses: r, k: 5, pilotResponses: pilot, kPilot: 3 });
 * fitOls(xTrain, d, h.targets); // the student; h.teacherCalls = 8 n
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function honestVarianceWeightedLabelsOls(
  input: HonestOlsInput,
): HonestVarianceWeightedLabels {
  const { x, d, responses, k, pilotResponses, kPilot } = input;
  const intercept = input.intercept ?? true;
  const mode = input.teacherVariance ?? "perInput";
  if (mode !== "perInput" && mode !== "pooled") {
    fail(`teacherVariance must be "perInput" or "pooled", got ${mode}.`);
  }
  const n = designRows(x, d, "x");
  const s = responseSets(responses, k, n);
  if (mode === "perInput" && k < 2) {
    fail(
      `k = ${k}: teacherVariance "perInput" needs k >= 2 responses per input to estimate ` +
        `their spread. Use teacherVariance "pooled" (it borrows the pilot's draws) or draw more.`,
    );
  }
  if (!Number.isInteger(kPilot) || kPilot < 2) {
    fail(
      `kPilot must be an integer >= 2 (the pilot's noise variance needs a spread), got ${kPilot}.`,
    );
  }
  const p = pilotSets(pilotResponses?.length, kPilot * n, s, "pilotResponses");
  responseSets(pilotResponses, kPilot, n);
  const h = testLeverage({ x, d, xTest: x, intercept }); // throws for a rank-deficient x

  const pilot = averageTeacherResponses(pilotResponses, kPilot, n, { ddof: 1 });
  const pilotSS = withinSS(pilot.variance, p, n, kPilot);
  const pilotFit = fitOls(x, d, pilot.mean, { intercept });
  const pilotPred = predictOls(x, pilotFit); // p x n
  const teacher = averageTeacherResponses(responses, k, n, { ddof: k >= 2 ? 1 : 0 });
  const respSS = k >= 2 ? withinSS(teacher.variance, s, n, k) : new Float64Array(s);

  const studentVariance = new Float64Array(s * n);
  for (let t = 0; t < s; t++) {
    const sigma2Pilot = pilotSS[p === 1 ? 0 : t] / (n * (kPilot - 1));
    for (let i = 0; i < n; i++) studentVariance[t * n + i] = (sigma2Pilot / kPilot) * h[i];
  }
  const pooled = (t: number) =>
    (pilotSS[p === 1 ? 0 : t] + respSS[t]) / (n * (kPilot - 1) + n * (k - 1));
  return honestLabels(
    teacher.mean,
    teacherSideVariance(teacher.variance, mode, k, s, n, pooled),
    perSet(pilotPred, p, s, n),
    studentVariance,
    n * (k + kPilot),
  );
}

/**
 * Inputs of {@link ensembleVarianceWeightedLabels}.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface EnsembleWeightingInput {
  /** The k noisy teacher responses per input, S x k x n (or k x n). */
  readonly responses: ArrayLike<number>;
  /** Responses per input k (>= 2: the teacher-side variance needs a spread). */
  readonly k: number;
  /** Number of inputs n. */
  readonly n: number;
  /**
   * Predictions of a pilot ensemble of P students on the n inputs, trained on
   * teacher draws independent of `responses`: P x n (shared by all S label
   * sets) or S x P x n (one ensemble per label set).
   */
  readonly pilotPredictions: ArrayLike<number>;
  /** Ensemble size P (>= 2). */
  readonly pilots: number;
  /** How to estimate the teacher-side variance (default "perInput"; "pooled" pools the responses only). */
  readonly teacherVariance?: TeacherVarianceMode;
}

/**
 * HONEST variance-weighting for any student family (e.g. neural students):
 * the student-side estimate is the mean prediction of a pilot ensemble of P
 * students, and its variance is the variance of that ensemble MEAN,
 * (unbiased sample variance across the P pilots) / P. The teacher side is as
 * in {@link honestVarianceWeightedLabelsOls}, except that "pooled" pools the
 * noise variance over the inputs of the responses only.
 *
 * The ensemble's variance measures how much students disagree (variance),
 * not how far they all are from the teacher (bias); when the student class
 * cannot represent the teacher the weights over-trust the ensemble.
 *
 * Cost: `teacherCalls` = n k, the responses only; add whatever teacher
 * queries trained the pilot ensemble.
 *
 * @throws RangeError naming the argument for misshapen or non-finite input,
 *   k < 2, pilots < 2, or a pilot array that is neither P x n nor S x P x n.
 *
 * @example
 * ```ts
 * // 8 pilot networks' predictions on the n training inputs (8 x n), 4 responses per input.
 * const e = ensembleVarianceWeightedLabels({ responses, k: 4, n, pilotPredictions, pilots: 8 });
 * e.targets; // train the students on these
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function ensembleVarianceWeightedLabels(
  input: EnsembleWeightingInput,
): HonestVarianceWeightedLabels {
  const { responses, k, n, pilotPredictions, pilots } = input;
  const mode = input.teacherVariance ?? "perInput";
  if (mode !== "perInput" && mode !== "pooled") {
    fail(`teacherVariance must be "perInput" or "pooled", got ${mode}.`);
  }
  if (!Number.isInteger(k) || k < 2) {
    fail(
      `k must be an integer >= 2, got ${k}: without pilot teacher draws the teacher-side ` +
        `variance needs at least two responses per input.`,
    );
  }
  requirePilots(pilots);
  const s = responseSets(responses, k, n);
  const p = pilotSets(pilotPredictions?.length, pilots * n, s, "pilotPredictions");
  checkFinite(pilotPredictions, "pilotPredictions");
  // The pilot ensemble has the same layout as responses with k = P.
  const ens = averageTeacherResponses(pilotPredictions, pilots, n, { ddof: 1 });
  const teacher = averageTeacherResponses(responses, k, n, { ddof: 1 });
  const respSS = withinSS(teacher.variance, s, n, k);
  return honestLabels(
    teacher.mean,
    teacherSideVariance(teacher.variance, mode, k, s, n, (t) => respSS[t] / (n * (k - 1))),
    perSet(ens.mean, p, s, n),
    perSet(ens.variance.map((v) => v / pilots), p, s, n),
    n * k,
  );
}
