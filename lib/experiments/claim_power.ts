/**
 * A guard against underpowered equivalence tests in a notebook's claims
 * (issue 27): a `differs` from an equivalence or no-effect rule whose margin
 * is too small for its SE could not become `reproduced` even with our
 * estimate on the paper's value, so it is not a finding but a test without
 * power. Such a claim is reported as not counted (`not testable here`, its
 * rule text saying "underpowered at this scale") with its numbers kept, and
 * the notebook's family is decided again without it, until none is left.
 *
 * @module
 */
import { applyHolm, type Claim } from "../report/claims.ts";
import { decideAll, sig } from "../report/claim_rules.ts";

/**
 * Whether a counted `differs` equivalence (or no-effect) claim at index `i`
 * of a decided family would become `reproduced` with its estimate on the
 * reference (the mutation test of tests/report/claims_ledger_test.ts).
 *
 * @category Claims ledger
 */
export function couldReproduce(claims: readonly Claim[], i: number): boolean {
  const tested = claims.map((c, j) => [c, j] as const).filter(([c]) => c.test);
  const k = tested.findIndex(([, j]) => j === i);
  if (k < 0) return true;
  const tests = tested.map(([c]) => c.test!);
  tests[k] = { ...tests[k], estimate: tests[k].reference };
  return decideAll(tests)[k].verdict === "reproduced";
}

/**
 * Decide a notebook's claims together (Holm) and take out every equivalence
 * or no-effect `differs` that is underpowered (see the module), repeating
 * until the family is stable. Returns the decided claims.
 *
 * @category Claims ledger
 */
export function guardUnderpowered(claims: readonly Claim[]): Claim[] {
  let current = applyHolm(claims);
  for (let round = 0; round <= claims.length; round++) {
    const stuck = current.map((c, i) => [c, i] as const).filter(([c, i]) =>
      c.verdict === "differs" && c.test && c.test.kind !== "direction" &&
      !couldReproduce(current, i)
    ).map(([, i]) => i);
    if (stuck.length === 0) return current;
    current = applyHolm(current.map((c, i) => {
      if (!stuck.includes(i)) return c;
      const t = c.test!;
      const { test: _t, ...rest } = c;
      return {
        ...rest,
        verdict: "not testable here" as const,
        rule:
          `underpowered at this scale, not counted: |ours − ${
            t.kind === "no-effect" ? "0" : "paper"
          }| = ${sig(Math.abs(t.estimate - t.reference), 2)} against margin ${sig(t.margin!, 2)} (${
            t.marginWhy ?? ""
          }) with SE ${sig(t.se, 2)} over ${t.seOver}: even our estimate on the reference ` +
          "could not be shown within the margin after Holm",
      };
    }));
  }
  return current;
}
