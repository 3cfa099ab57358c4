/**
 * Calibration of a classifier's probabilities: how well its confidence matches
 * its accuracy. Beyond the paper's entropy tables (Section 6.1, Appendix E),
 * these say whether a distilled student is as well calibrated as its teacher:
 * expected calibration error with the per-bin rows of a reliability diagram,
 * negative log-likelihood and the Brier score.
 *
 * Inputs: probabilities row-major n x C (classes last), rows summing to 1
 * within `tolerance` (default 1e-6, for float32 softmax outputs); labels n
 * integers in [0, C - 1].
 *
 * @module
 */

import { LOG_EPSILON } from "./entropy.ts";
import { checkLabels, checkProbabilities, rowArgmax } from "./probabilities.ts";

/**
 * Options shared by the calibration measures.
 *
 * @category Section 6: student output uncertainty
 */
export interface CalibrationOptions {
  /** Allowed |sum_c p_c - 1| per row (default 1e-6). */
  readonly tolerance?: number;
}

/**
 * Options of {@link reliabilityBins} and {@link expectedCalibrationError}.
 *
 * @category Section 6: student output uncertainty
 */
export interface BinningOptions extends CalibrationOptions {
  /** Number of equal-width confidence bins on [0, 1] (default 15). */
  readonly bins?: number;
}

/**
 * One confidence bin of a reliability diagram.
 *
 * @category Section 6: student output uncertainty
 */
export interface ReliabilityBin {
  /** Lower edge b/B (exclusive, except 0 for the first bin). */
  readonly lower: number;
  /** Upper edge (b+1)/B (inclusive). */
  readonly upper: number;
  /** Number of examples n_b whose confidence falls in the bin. */
  readonly count: number;
  /** Mean confidence (max probability) of those examples; NaN when empty. */
  readonly confidence: number;
  /** Fraction of those examples whose argmax equals the label; NaN when empty. */
  readonly accuracy: number;
}

function validate(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  tolerance: number | undefined,
): number {
  const n = checkProbabilities(probabilities, classes, "probabilities", tolerance);
  checkLabels(labels, n, "labels", classes);
  return n;
}

function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`options.bins must be an integer >= 1 (e.g. 15), got ${bins}.`);
  }
}

/**
 * The rows of a reliability diagram: B equal-width bins on [0, 1] of the
 * confidence, the maximum predicted probability max_c p_ic. Bin b holds the
 * examples with b/B < confidence <= (b+1)/B (the first bin also takes
 * confidence 0). Per bin: the edges, the count n_b, the mean confidence and the
 * accuracy (predicted label = argmax with ties to the lowest class, as numpy).
 * Every bin is returned, empty ones with NaN confidence and accuracy, so a
 * chart can draw them all; plot `accuracy` against `confidence` (or the bin
 * centre) next to the diagonal.
 *
 * @throws RangeError for bad probabilities (shape, range, row sums), labels
 *   of the wrong length or outside [0, C - 1], or `bins` not an integer >= 1.
 *
 * @example
 * ```ts
 * const rows = reliabilityBins(probs, yTest, 10, { bins: 15 });
 * rows.filter((r) => r.count > 0).map((r) => [r.confidence, r.accuracy]);
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function reliabilityBins(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: BinningOptions = {},
): ReliabilityBin[] {
  const { bins = 15 } = options;
  checkBins(bins);
  const n = validate(probabilities, labels, classes, options.tolerance);
  const count = new Float64Array(bins),
    conf = new Float64Array(bins),
    hits = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const best = rowArgmax(probabilities, i * classes, classes);
    const top = probabilities[i * classes + best];
    // b with b/B < top <= (b+1)/B; the guesses are nudged against the exact edges.
    let b = Math.ceil(top * bins) - 1;
    if (b > 0 && top <= b / bins) b--;
    if (b < bins - 1 && top > (b + 1) / bins) b++;
    b = Math.min(bins - 1, Math.max(0, b));
    count[b]++;
    conf[b] += top;
    if (best === labels[i]) hits[b]++;
  }
  const rows: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    rows.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      confidence: count[b] > 0 ? conf[b] / count[b] : NaN,
      accuracy: count[b] > 0 ? hits[b] / count[b] : NaN,
    });
  }
  return rows;
}

/**
 * Expected calibration error with B equal-width confidence bins (default 15,
 * the common choice since Guo et al. 2017):
 * ECE = sum_b (n_b / n) |acc_b - conf_b| over the non-empty bins of
 * {@link reliabilityBins}, in [0, 1]. Confidence is the maximum probability
 * (top-label ECE), not a per-class (classwise) calibration error.
 *
 * Even a perfectly calibrated model has ECE > 0 on a finite test set: each
 * bin's accuracy is a sample mean, so ECE is of order
 * sum_b (n_b/n) sqrt(conf_b (1 - conf_b) / n_b).
 *
 * @throws RangeError as {@link reliabilityBins}.
 *
 * @example
 * ```ts
 * // Always 0.9 confident, right 6 times out of 10: ECE = |0.6 - 0.9| = 0.3.
 * expectedCalibrationError(probs, labels, 2, { bins: 15 });
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function expectedCalibrationError(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: BinningOptions = {},
): number {
  const rows = reliabilityBins(probabilities, labels, classes, options);
  let n = 0, ece = 0;
  for (const r of rows) {
    n += r.count;
    if (r.count > 0) ece += r.count * Math.abs(r.accuracy - r.confidence);
  }
  return ece / n;
}

/**
 * Mean negative log-likelihood of the true labels, in nats:
 * NLL = (1/n) sum_i -log(p_{i,y_i} + 1e-12), with the same 1e-12 guard as the
 * paper's entropy (so a zero probability on the true class costs
 * -log(1e-12) ≈ 27.6 instead of infinity). This is the test cross-entropy.
 *
 * @throws RangeError for bad probabilities or labels (see {@link reliabilityBins}).
 *
 * @example
 * ```ts
 * negativeLogLikelihood([0.25, 0.75, 0.5, 0.5], [1, 0], 2); // (log(4/3) + log 2) / 2
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function negativeLogLikelihood(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: CalibrationOptions = {},
): number {
  const add = (s: number, o: number, y: number) => s - Math.log(probabilities[o + y] + LOG_EPSILON);
  return meanOverExamples(probabilities, labels, classes, options, add);
}

/**
 * Multi-class Brier score (Brier's original definition):
 * BS = (1/n) sum_i sum_c (p_ic - 1[y_i = c])^2, in [0, 2]. Lower is better.
 * Not scikit-learn's binary `brier_score_loss`, which scores only the positive
 * class: for C = 2 this score is twice that one.
 *
 * @throws RangeError for bad probabilities or labels (see {@link reliabilityBins}).
 *
 * @example
 * ```ts
 * brierScore([0.25, 0.75], [1], 2); // 0.25^2 + 0.25^2 = 0.125
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function brierScore(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: CalibrationOptions = {},
): number {
  return meanOverExamples(probabilities, labels, classes, options, (s, o, y) => {
    for (let c = 0; c < classes; c++) s += (probabilities[o + c] - (y === c ? 1 : 0)) ** 2;
    return s;
  });
}

/** A running sum over the n examples, `add(sum, row offset, label)` from 0, divided by n. */
function meanOverExamples(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: CalibrationOptions,
  add: (s: number, o: number, y: number) => number,
): number {
  const n = validate(probabilities, labels, classes, options.tolerance);
  let s = 0;
  for (let i = 0; i < n; i++) s = add(s, i * classes, labels[i]);
  return s / n;
}
