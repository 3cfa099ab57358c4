/**
 * The statistical rules behind the claims ledger's verdicts (DESIGN.md
 * principle 5), each able to return either verdict:
 *
 * - **Agreement with a paper value** is an equivalence test (two one-sided
 *   tests, TOST) against a stated margin δ: `reproduced` when the gap
 *   g = ours − paper is shown to lie within ±δ (p for H0: |g| ≥ δ at most
 *   α), `differs` when it is shown to lie outside (p for H0: |g| ≤ δ at most
 *   α), else `inconclusive`.
 * - **A direction or trend** ("rises", "super-linear", "A beats B") is a
 *   one-sided z test: `reproduced` when the effect is shown to have the
 *   claimed sign, `differs` when it is shown to have the other sign, else
 *   `inconclusive`.
 * - **No effect** ("flat", "negligible", "linear") is equivalence to 0
 *   within a stated margin: never `reproduced` on absence of evidence.
 *
 * Each rule gives two one-sided p-values, one for each verdict it can reach.
 * A claim's test is two-sided between them, p = 2 min(p_for, p_against) (the
 * two nulls meet at the rule's boundary), and the claims of one notebook are
 * one family: {@link decideAll} adjusts their p-values by Holm's step-down
 * procedure and a claim gets the verdict of its smaller one-sided p when its
 * adjusted p is at most {@link CLAIM_ALPHA}, else `inconclusive`. A rule
 * records everything it used ({@link ClaimTest}), so a verdict is re-derived
 * from the records alone, and the mutation test moves one estimate to the
 * other side of its rule and checks that its verdict flips.
 *
 * @module
 */
import { errorFunction } from "simple-statistics";

/**
 * The family-wise level of a notebook's claims (before Holm's correction).
 *
 * @category Claims ledger
 */
export const CLAIM_ALPHA = 0.05;

/**
 * The standard normal CDF Φ(z) (via simple-statistics' error function,
 * absolute error about 1e-7).
 *
 * @category Claims ledger
 */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return Math.min(1, Math.max(0, 0.5 * (1 + errorFunction(z / Math.SQRT2))));
}

/** The upper tail 1 − Φ(z), without cancellation for large z. */
function upper(z: number): number {
  return normalCdf(-z);
}

/**
 * Everything a rule used to reach its verdict, recorded with the claim so the
 * verdict can be re-derived ({@link decideAll}) and mutated (the mutation test).
 *
 * @category Claims ledger
 */
export interface ClaimTest {
  /** The rule: agreement with a value, a sign, or no effect. */
  kind: "equivalence" | "direction" | "no-effect";
  /** Our estimate of the tested quantity. */
  estimate: number;
  /** Its standard error (combined with the paper's, when it gives one). */
  se: number;
  /** What the SE is over: the independent unit, e.g. "10 students" or "5 splits, paired". */
  seOver: string;
  /** The value it is compared with: the paper's (equivalence) or 0 (no effect, direction). */
  reference: number;
  /** The margin δ > 0 of an equivalence or no-effect rule. */
  margin?: number;
  /** Why that margin. */
  marginWhy?: string;
  /** The claimed sign of a direction rule. */
  direction?: "greater" | "less";
}

/**
 * The two one-sided p-values of a rule for an estimate: `reproduce` is the p
 * of the evidence for the claim, `differ` the p of the evidence against it.
 *
 * @category Claims ledger
 */
export function pValues(
  t: Pick<ClaimTest, "kind" | "se" | "reference" | "margin" | "direction">,
  estimate: number,
): { reproduce: number; differ: number } {
  const gap = estimate - t.reference;
  if (t.kind === "direction") {
    const sign = t.direction === "less" ? -1 : 1;
    const g = sign * gap;
    const z = t.se > 0 ? g / t.se : g > 0 ? Infinity : g < 0 ? -Infinity : 0;
    return { reproduce: upper(z), differ: normalCdf(z) };
  }
  const d = t.margin!;
  if (t.se === 0) {
    return { reproduce: Math.abs(gap) < d ? 0 : 1, differ: Math.abs(gap) > d ? 0 : 1 };
  }
  // TOST: H0 |g| >= d is rejected when both one-sided tests reject.
  const reproduce = Math.max(upper((gap + d) / t.se), normalCdf((gap - d) / t.se));
  // Outside the margin: H0 |g| <= d, rejected when |g| − d is large.
  const differ = upper((Math.abs(gap) - d) / t.se);
  return { reproduce, differ };
}

/**
 * Holm's step-down adjusted p-values: the i-th smallest (1-based) of m
 * becomes max over j <= i of min(1, (m − j + 1) p_(j)). Rejecting where the
 * adjusted p is at most α controls the family-wise error at α.
 *
 * @example
 * ```ts
 * holmAdjust([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 *
 * @category Claims ledger
 */
export function holmAdjust(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/**
 * A verdict with the numbers it came from.
 *
 * @category Claims ledger
 */
export interface Decision {
  /** The verdict: the side of the smaller one-sided p when Holm rejects, else inconclusive. */
  verdict: "reproduced" | "differs" | "inconclusive";
  /** The one-sided p of the evidence for the claim. */
  pReproduce: number;
  /** The one-sided p of the evidence against it. */
  pDiffer: number;
  /** The claim's two-sided p, 2 min(pReproduce, pDiffer), after Holm over the family. */
  adjusted: number;
  /** The size of the family it was adjusted over. */
  family: number;
}

/**
 * The verdicts of one notebook's tested claims, decided together (Holm over
 * the family at level `alpha`). With one test, no correction.
 *
 * @category Claims ledger
 */
export function decideAll(tests: readonly ClaimTest[], alpha = CLAIM_ALPHA): Decision[] {
  const ps = tests.map((t) => pValues(t, t.estimate));
  const two = ps.map((p) => Math.min(1, 2 * Math.min(p.reproduce, p.differ)));
  const adjusted = holmAdjust(two);
  return ps.map((p, i) => ({
    verdict: adjusted[i] <= alpha
      ? (p.reproduce <= p.differ ? "reproduced" : "differs")
      : "inconclusive",
    pReproduce: p.reproduce,
    pDiffer: p.differ,
    adjusted: adjusted[i],
    family: tests.length,
  }));
}

/** A significant-digits rendering for rule text. */
export function sig(v: number, digits = 3): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
}

/**
 * The rule in words with its numbers, e.g. "|ours − paper| = 0.012 vs margin
 * 0.05 (10% of the paper's value); Holm p = 0.003 <= 0.05 over 24 claims;
 * SE over 20 students".
 *
 * @category Claims ledger
 */
export function ruleText(t: ClaimTest, d: Decision, alpha = CLAIM_ALPHA): string {
  let head: string;
  if (t.kind === "direction") {
    const z = t.se > 0 ? (t.estimate - t.reference) / t.se : NaN;
    head = `claimed ${t.direction === "less" ? "< 0" : "> 0"}: z = ${sig(z, 2)}`;
  } else {
    head = `${t.kind === "no-effect" ? "|effect|" : "|ours − paper|"} = ${
      sig(Math.abs(t.estimate - t.reference), 2)
    } vs margin ${sig(t.margin!, 2)}${t.marginWhy ? ` (${t.marginWhy})` : ""}`;
  }
  const holm = d.family > 1 ? `Holm p over ${d.family} claims` : "p";
  return `${head}; ${holm} = ${sig(d.adjusted, 2)} ${d.adjusted <= alpha ? "<=" : ">"} ${alpha}` +
    `; SE over ${t.seOver}`;
}

/**
 * An estimate on the other side of a recorded rule, for the mutation test:
 * a `reproduced` agreement or no-effect moves to twice the margin plus ten
 * SEs from the reference; a `differs` one moves onto the reference; a
 * direction's effect changes sign.
 *
 * @category Claims ledger
 */
export function mutatedEstimate(t: ClaimTest, verdict: "reproduced" | "differs"): number {
  if (t.kind === "direction") return t.reference - (t.estimate - t.reference);
  if (verdict === "differs") return t.reference;
  const side = t.estimate >= t.reference ? 1 : -1;
  return t.reference + side * (2 * t.margin! + 10 * t.se);
}
