/**
 * Per-group summaries of a per-example quantity (the predictive entropy) over
 * the test set, split by whether the model's prediction is right: the All /
 * Correct / Incorrect rows of the paper's Appendix E Tables 3 and 4, and the
 * paper's "Significant?" rule comparing a teacher with its student.
 *
 * @module
 */

import { mean, standardDeviation } from "simple-statistics";
import { checkNonEmpty } from "./check.ts";
import { checkLabels } from "./probabilities.ts";

/**
 * Size, mean and population standard deviation of one group.
 *
 * @category Section 6: student output uncertainty
 */
export interface GroupSummary {
  /** Number of examples N in the group (the paper's Ns / Ss columns). */
  readonly count: number;
  /** Mean (1/N) sum x_i; NaN for an empty group. */
  readonly mean: number;
  /**
   * Population standard deviation sqrt((1/N) sum (x_i - mean)^2), numpy's
   * default (ddof = 0) and the paper's; 0 for a group of one, NaN when empty.
   */
  readonly std: number;
}

/**
 * The three groups of Tables 3 and 4.
 *
 * @category Section 6: student output uncertainty
 */
export interface GroupStatistics {
  /** Every test example. */
  readonly all: GroupSummary;
  /** Examples whose predicted label equals the true label. */
  readonly correct: GroupSummary;
  /** Examples whose predicted label differs from the true label. */
  readonly incorrect: GroupSummary;
}

function summarize(values: ArrayLike<number>, keep: (i: number) => boolean): GroupSummary {
  const kept = Array.from(values).filter((_, i) => keep(i));
  if (kept.length === 0) return { count: 0, mean: NaN, std: NaN };
  return { count: kept.length, mean: mean(kept), std: standardDeviation(kept) };
}

/**
 * Summarize per-example values (e.g. {@link predictiveEntropy}) for All,
 * Correct (predicted = true) and Incorrect (predicted ≠ true) test examples:
 * per group the size N, the mean and the population std (Appendix E, Tables 3
 * and 4). An empty group (e.g. Incorrect for a perfect classifier) has N = 0
 * and mean = std = NaN; a group of one has std 0.
 *
 * @param values one finite value per test example (n >= 1).
 * @param predicted the model's predicted labels (integers >= 0), length n.
 * @param labels the true labels (integers >= 0), length n.
 * @throws RangeError when `values` is empty or not finite, or `predicted` /
 *   `labels` have the wrong length or a non-integer or negative entry.
 *
 * @example
 * ```ts
 * const h = predictiveEntropy(probs, 3);
 * const g = groupStatistics(h, hardLabels(probs, 3), yTest);
 * g.incorrect; // { count, mean, std }
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function groupStatistics(
  values: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
): GroupStatistics {
  const n = checkNonEmpty(values, "values", "pass one value per test example.");
  checkLabels(predicted, n, "predicted");
  checkLabels(labels, n, "labels");
  return {
    all: summarize(values, () => true),
    correct: summarize(values, (i) => predicted[i] === labels[i]),
    incorrect: summarize(values, (i) => predicted[i] !== labels[i]),
  };
}

/**
 * The paper's "Significant?" rule (Tables 3 and 4): a teacher and a student
 * differ when their mean ± std intervals are disjoint, i.e.
 * |mean_T - mean_S| > std_T + std_S. Intervals that touch at one point are not
 * disjoint. This is a descriptive rule, not a test with a known error rate: see
 * {@link pairedTTest} and {@link wilcoxonSignedRank} for tests on the same
 * test inputs.
 *
 * @throws RangeError when a mean or std is not finite (an empty group has no
 *   interval) or a std is negative, naming `teacher` or `student`.
 *
 * @example
 * ```ts
 * intervalsDisjoint({ mean: 0.19, std: 0.31 }, { mean: 0.18, std: 0.31 }); // false
 * intervalsDisjoint({ mean: 1, std: 0.1 }, { mean: 0.5, std: 0.2 });       // true
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function intervalsDisjoint(
  teacher: { readonly mean: number; readonly std: number },
  student: { readonly mean: number; readonly std: number },
): boolean {
  for (const [name, g] of [["teacher", teacher], ["student", student]] as const) {
    if (!Number.isFinite(g.mean) || !Number.isFinite(g.std) || g.std < 0) {
      throw new RangeError(
        `${name} has mean ${g.mean} and std ${g.std}: need a finite mean and a finite std >= 0 ` +
          `(an empty group has no interval; check its count first).`,
      );
    }
  }
  return Math.abs(teacher.mean - student.mean) > teacher.std + student.std;
}

/**
 * One row of a Table 3/4-style comparison.
 *
 * @category Section 6: student output uncertainty
 */
export interface GroupComparisonRow {
  /** "All", "Correct" or "Incorrect". */
  readonly group: "All" | "Correct" | "Incorrect";
  /** The teacher's group. */
  readonly teacher: GroupSummary;
  /** The student's group. */
  readonly student: GroupSummary;
  /** {@link intervalsDisjoint}; null when either group is empty. */
  readonly significant: boolean | null;
}

/**
 * The three rows (All, Correct, Incorrect) comparing a teacher's and a
 * student's {@link GroupStatistics} by the paper's disjoint-interval rule, as
 * in Tables 3 and 4. Groups are formed separately for each model (each with
 * its own predictions), so the teacher's and student's Correct groups may hold
 * different examples and sizes (the paper's Ns and Ss).
 *
 * @example
 * ```ts
 * const rows = compareGroups(groupStatistics(hT, predT, y), groupStatistics(hS, predS, y));
 * rows[0]; // { group: "All", teacher: {...}, student: {...}, significant: false }
 * ```
 *
 * @category Section 6: student output uncertainty
 */
export function compareGroups(
  teacher: GroupStatistics,
  student: GroupStatistics,
): GroupComparisonRow[] {
  const row = (group: GroupComparisonRow["group"], t: GroupSummary, s: GroupSummary) => ({
    group,
    teacher: t,
    student: s,
    significant: t.count === 0 || s.count === 0 ? null : intervalsDisjoint(t, s),
  });
  return [
    row("All", teacher.all, student.all),
    row("Correct", teacher.correct, student.correct),
    row("Incorrect", teacher.incorrect, student.incorrect),
  ];
}
