import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  type ClaimTest,
  decideAll,
  holmAdjust,
  mutatedEstimate,
  normalCdf,
  pValues,
} from "../../lib/report/claim_rules.ts";
import {
  applyHolm,
  claimDirection,
  claimIdentity,
  claimMatches,
  claimNoEffect,
} from "../../lib/report/claims.ts";
import { Rng } from "../../lib/random.ts";

const text = { section: "4.2", id: "x", claim: "a claim" };

Deno.test("the normal CDF is 1/2 at 0 and 0.975 at 1.96 (to the error function's 1e-7)", () => {
  assertAlmostEquals(normalCdf(0), 0.5, 1e-7);
  assertAlmostEquals(normalCdf(1.959964), 0.975, 1e-6);
  assertAlmostEquals(normalCdf(-1.959964), 0.025, 1e-6);
  assertEquals([normalCdf(Infinity), normalCdf(-Infinity)], [1, 0]);
});

Deno.test("Holm's adjusted p-values step down and never decrease with p", () => {
  const adj = holmAdjust([0.01, 0.04, 0.03]);
  assertAlmostEquals(adj[0], 0.03, 1e-12); // 3 x 0.01
  assertAlmostEquals(adj[2], 0.06, 1e-12); // 2 x 0.03
  assertAlmostEquals(adj[1], 0.06, 1e-12); // max(1 x 0.04, 0.06)
  assertEquals(holmAdjust([0.9, 0.8]), [1, 1]); // 2 x 0.8 capped at 1, and never below it after
});

Deno.test("agreement with a paper value can come out reproduced, differs or inconclusive", () => {
  const base = { ...text, paper: 1, seOver: "10 students", margin: 0.1, marginWhy: "10%" };
  assertEquals(claimMatches({ ...base, ours: 1.01, se: 0.01 }).verdict, "reproduced");
  assertEquals(claimMatches({ ...base, ours: 1.5, se: 0.01 }).verdict, "differs");
  assertEquals(claimMatches({ ...base, ours: 1.0, se: 0.2 }).verdict, "inconclusive");
  // Just inside the margin, but not shown to be inside: inconclusive, not reproduced.
  assertEquals(claimMatches({ ...base, ours: 1.09, se: 0.02 }).verdict, "inconclusive");
  // The paper's own SE widens the test.
  assertEquals(
    claimMatches({ ...base, ours: 1.01, se: 0.01, paperSe: 0.2 }).verdict,
    "inconclusive",
  );
});

Deno.test("a direction is reproduced when shown, differs when the other sign is shown", () => {
  const base = { ...text, seOver: "8 seeds", se: 1 };
  assertEquals(claimDirection({ ...base, ours: 3, direction: "greater" }).verdict, "reproduced");
  assertEquals(claimDirection({ ...base, ours: -3, direction: "greater" }).verdict, "differs");
  assertEquals(claimDirection({ ...base, ours: 1, direction: "greater" }).verdict, "inconclusive");
  assertEquals(claimDirection({ ...base, ours: -3, direction: "less" }).verdict, "reproduced");
});

Deno.test("no effect is never reproduced on absence of evidence", () => {
  const base = { ...text, seOver: "20 students", margin: 0.1, marginWhy: "a tenth of the effect" };
  assertEquals(claimNoEffect({ ...base, ours: 0.01, se: 0.02 }).verdict, "reproduced");
  assertEquals(claimNoEffect({ ...base, ours: 0, se: 1 }).verdict, "inconclusive");
  assertEquals(claimNoEffect({ ...base, ours: 0.5, se: 0.02 }).verdict, "differs");
});

Deno.test("Holm over a notebook turns ten marginal claims inconclusive that alone would pass", () => {
  const one = (i: number) =>
    claimDirection({
      ...text,
      id: `c${i}`,
      ours: 2.4,
      se: 1,
      seOver: "5 seeds",
      direction: "greater",
    });
  assertEquals(one(0).verdict, "reproduced"); // two-sided p = 0.016 alone
  const family = applyHolm(Array.from({ length: 10 }, (_, i) => one(i)));
  assert(family.every((c) => c.verdict === "inconclusive"), family.map((c) => c.rule).join("\n"));
  assert(family[0].rule.includes("Holm p over 10 claims"), family[0].rule);
});

Deno.test("on the margin's boundary, equivalence is reproduced at most 2.5% of the time (seeded)", () => {
  // True gap exactly at the margin: any "reproduced" is a false one. The rule is
  // two-sided at 5%, so each side is a 2.5% test; with the margin 10 SE wide the
  // other side never binds and the rate is 2.5%. 20,000 draws: MC SE of the rate
  // sqrt(0.025 x 0.975 / 20000) = 0.0011; allow 3 SE either way.
  const rng = new Rng(20261207);
  const t: ClaimTest = {
    kind: "equivalence",
    estimate: 0,
    se: 0.01,
    seOver: "draws",
    reference: 0,
    margin: 0.1,
  };
  let hits = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const est = 0.1 + 0.01 * rng.normal();
    if (decideAll([{ ...t, estimate: est }])[0].verdict === "reproduced") hits++;
  }
  assert(hits / n <= 0.025 + 3 * 0.0011, `false reproduction rate ${hits / n}`);
  assert(hits / n >= 0.025 - 3 * 0.0011, `the test is not needlessly conservative: ${hits / n}`);
});

Deno.test("moving the estimate to the other side of its rule flips a counted verdict", () => {
  const claims = [
    claimMatches({
      ...text,
      id: "a",
      paper: 1,
      ours: 1.01,
      se: 0.01,
      seOver: "s",
      margin: 0.1,
      marginWhy: "m",
    }),
    claimMatches({
      ...text,
      id: "b",
      paper: 1,
      ours: 1.5,
      se: 0.01,
      seOver: "s",
      margin: 0.1,
      marginWhy: "m",
    }),
    claimDirection({ ...text, id: "c", ours: 4, se: 1, seOver: "s", direction: "greater" }),
    claimNoEffect({
      ...text,
      id: "d",
      ours: 0.001,
      se: 0.01,
      seOver: "s",
      margin: 0.1,
      marginWhy: "m",
    }),
  ];
  const decided = applyHolm(claims);
  assertEquals(decided.map((c) => c.verdict), [
    "reproduced",
    "differs",
    "reproduced",
    "reproduced",
  ]);
  decided.forEach((c, i) => {
    const v = c.verdict as "reproduced" | "differs";
    const tests = decided.map((d) => d.test!);
    tests[i] = { ...tests[i], estimate: mutatedEstimate(tests[i], v) };
    const flipped = decideAll(tests)[i].verdict;
    assertEquals(flipped, v === "reproduced" ? "differs" : "reproduced", c.id);
  });
  // An underpowered "differs" does not flip: a matching estimate is still not shown inside.
  const weak = claimMatches({
    ...text,
    paper: 1,
    ours: 3,
    se: 0.3,
    seOver: "s",
    margin: 0.1,
    marginWhy: "m",
  });
  assertEquals(weak.verdict, "differs");
  const moved = { ...weak.test!, estimate: mutatedEstimate(weak.test!, "differs") };
  assertEquals(decideAll([moved])[0].verdict, "inconclusive");
  assertAlmostEquals(pValues(moved, moved.estimate).reproduce, normalCdf(-0.1 / 0.3), 1e-9);
});

Deno.test("an identity check is shown with whether it holds and never counts as reproduced", () => {
  const ok = claimIdentity({
    ...text,
    ours: 1 + 1e-12,
    reference: 1,
    tolerance: 1e-9,
    why: "same formula",
  });
  assertEquals(ok.verdict, "identity check");
  assert(ok.rule.startsWith("holds"), ok.rule);
  const bad = claimIdentity({
    ...text,
    ours: 2,
    reference: 1,
    tolerance: 1e-9,
    why: "same formula",
  });
  assert(bad.rule.startsWith("FAILS"), bad.rule);
  assertEquals(applyHolm([ok])[0].verdict, "identity check");
});

Deno.test("a tested claim refuses a missing margin, SE unit or a non-positive SE", () => {
  const base = { ...text, paper: 1, ours: 1, se: 0.1, seOver: "s", margin: 0.1, marginWhy: "m" };
  assertThrows(() => claimMatches({ ...base, margin: 0 }), Error, "margin must be > 0");
  assertThrows(() => claimMatches({ ...base, marginWhy: "" }), Error, "marginWhy");
  assertThrows(() => claimMatches({ ...base, seOver: " " }), Error, "seOver");
  assertThrows(() => claimMatches({ ...base, se: 0 }), Error, "se must be > 0");
  assertThrows(() => claimMatches({ ...base, ours: NaN }), Error, "ours must be a finite");
});
