/**
 * Honest variance-weighting for students of any family (neural networks)
 * when the pilot ensemble's own teacher draws are known: Section 7.2's
 * combination of Theorem 7.3 with every input estimated from what a
 * practitioner has, and the pilot's teacher calls counted.
 *
 * Beside `ensembleVarianceWeightedLabels` (variance_weighting.ts), which
 * sees only the pilots' predictions, this variant also takes the teacher draws
 * the pilots were trained on. That lets it
 * - estimate the noise variance sigma2 from the pilot draws' spread pooled
 *   with the responses' (so k = 1 works, and the estimate is stable), and
 * - pool the student-side variance over the inputs (a few pilots give too few
 *   degrees of freedom for a per-input variance).
 *
 * Layout: responses S x k x n (or k x n); pilot draws S x kPilot x n or
 * kPilot x n (shared); pilot predictions S x P x n or P x n (shared).
 *
 * @module
 */

import { averageTeacherResponses, responseSets } from "./averaging.ts";
import {
  type EnsembleWeightingInput,
  honestLabels,
  type HonestOlsInput,
  type HonestVarianceWeightedLabels,
  perSet,
  pilotSets,
  requirePilots,
  teacherSideVariance,
} from "./variance_weighting.ts";

/**
 * How the student-side variance of a pilot ensemble mean is estimated.
 *
 * @category Section 7: correcting student uncertainty
 */
export type PilotVarianceMode = "pooled" | "perInput";

/**
 * Inputs of {@link pilotEnsembleVarianceWeightedLabels}.
 *
 * @category Section 7: correcting student uncertainty
 */
export interface PilotEnsembleInput
  extends
    Pick<HonestOlsInput, "responses" | "pilotResponses" | "kPilot">,
    Pick<EnsembleWeightingInput, "n" | "pilotPredictions" | "pilots"> {
  /** Responses per input k (>= 1). */
  readonly k: number;
  /**
   * Student-side variance (default "pooled"): "perInput" is the sample
   * variance across the P pilots at each input divided by P; "pooled" is its
   * average over the n inputs, the same for every input.
   */
  readonly studentVariance?: PilotVarianceMode;
}

function fail(message: string): never {
  throw new RangeError(message);
}

/**
 * HONEST variance-weighted labels from a pilot ensemble (Theorem 7.3 with
 * estimated inputs). Per label set:
 * - teacher side: the mean of the k responses, with variance sigma2_hat / k,
 *   where sigma2_hat is the within-input variance pooled over the pilot draws
 *   and the responses (unbiased: sum of squares / (n (kPilot - 1) + n (k - 1)));
 * - student side: the mean prediction of the P pilots, with variance
 *   (sample variance across pilots) / P, per input or pooled over inputs;
 * - labels a_T * mean_k + a_S * ensemble mean with a_T = s_S^2 / (s_T^2 + s_S^2).
 * The ensemble's spread measures how much pilots disagree, not how far they
 * all are from the teacher: a bias common to the pilots is not seen.
 *
 * Cost: `teacherCalls` = n (k + kPilot) per label set, to compare with
 * averaging k + kPilot responses at the same number of teacher queries.
 *
 * @throws RangeError naming the argument for k < 1, kPilot < 2, pilots < 2,
 *   an unknown studentVariance, misshapen or non-finite arrays, or pilot
 *   arrays that are neither shared nor one per label set.
 *
 * @example
 * ```ts
 * // 3 pilot networks, each trained on one of 3 pilot draws per input.
 * const pilotDraws = noisyTeacherResponses(mu, { variance: s2 }, { students: 1, k: 3, seed: 2 });
 * // pilotPredictions: 3 x n, the pilots' outputs on the training inputs.
 * const h = pilotEnsembleVarianceWeightedLabels({
 *   responses, k: 5, n, pilotResponses: pilotDraws, kPilot: 3, pilotPredictions, pilots: 3,
 * });
 * h.targets; // train the students on these; h.teacherCalls = 8 n
 * ```
 *
 * @category Section 7: correcting student uncertainty
 */
export function pilotEnsembleVarianceWeightedLabels(
  input: PilotEnsembleInput,
): HonestVarianceWeightedLabels {
  const { responses, k, n, pilotResponses, kPilot, pilotPredictions, pilots } = input;
  const mode = input.studentVariance ?? "pooled";
  if (mode !== "pooled" && mode !== "perInput") {
    fail(`studentVariance must be "pooled" or "perInput", got ${mode}.`);
  }
  if (!Number.isInteger(kPilot) || kPilot < 2) {
    fail(`kPilot must be an integer >= 2 (the noise variance needs a spread), got ${kPilot}.`);
  }
  requirePilots(pilots);
  const s = responseSets(responses, k, n);
  const q = pilotSets(pilotResponses?.length, kPilot * n, s, "pilotResponses");
  const e = pilotSets(pilotPredictions?.length, pilots * n, s, "pilotPredictions");
  responseSets(pilotResponses, kPilot, n); // finiteness
  responseSets(pilotPredictions, pilots, n);

  const teacher = averageTeacherResponses(responses, k, n, { ddof: 0 });
  const draws = averageTeacherResponses(pilotResponses, kPilot, n, { ddof: 0 });
  const ens = averageTeacherResponses(pilotPredictions, pilots, n, { ddof: 1 });
  const sumOf = (a: Float64Array, t: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v += a[t * n + i];
    return v;
  };
  // ddof-0 variances times the count are the within-input sums of squares.
  const sigma2 = (t: number) =>
    (sumOf(draws.variance, q === 1 ? 0 : t) * kPilot + sumOf(teacher.variance, t) * k) /
    (n * (kPilot - 1) + n * (k - 1));
  const spread = ens.variance.map((v) => v / pilots);
  for (let r = 0; r < e && mode === "pooled"; r++) {
    spread.fill(sumOf(ens.variance, r) / n / pilots, r * n, (r + 1) * n);
  }
  return honestLabels(
    teacher.mean,
    teacherSideVariance(teacher.variance, "pooled", k, s, n, sigma2),
    perSet(ens.mean, e, s, n),
    perSet(spread, e, s, n),
    n * (k + kPilot),
  );
}
