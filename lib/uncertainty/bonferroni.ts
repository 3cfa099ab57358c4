/**
 * The Bonferroni bound the claims ledgers use when one claim covers many
 * comparisons (every noise level, every test input).
 *
 * @module
 */
import { probit } from "simple-statistics";

/**
 * The two-sided Bonferroni threshold for `count` z-statistics at family-wise
 * level `alpha`: |z| beyond it anywhere is significant at `alpha` overall,
 * whatever the dependence between the statistics.
 *
 * @example
 * ```ts
 * bonferroniZ(14); // 2.91
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function bonferroniZ(count: number, alpha = 0.05): number {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`bonferroniZ: count must be an integer >= 1 (got ${count}).`);
  }
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`bonferroniZ: alpha must be in (0, 1) (got ${alpha}).`);
  }
  return probit(1 - alpha / (2 * count));
}
