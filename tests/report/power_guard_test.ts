// powerGuard (lib/report/claims.ts): no verdict for an equivalence too weak to ever show
// agreement among its family (moved here from the Section 6.1 experiment's tests).
import {
  applyHolm,
  claimDirection,
  claimMatches,
  powerGuard,
  requiredZ,
} from "../../lib/report/claims.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";

Deno.test("powerGuard: a test whose margin is too few SEs for its family gets no verdict, from margin and SE alone", () => {
  const eq = (id: string, margin: number, se: number, ours: number) =>
    claimMatches({
      section: "x",
      id,
      claim: id,
      paper: 0,
      ours,
      se,
      seOver: "5 runs",
      margin,
      marginWhy: "test",
      evidence: "e",
    });
  const dir = claimDirection({
    section: "x",
    id: "d",
    claim: "d",
    ours: 1,
    se: 1,
    seOver: "5 runs",
    direction: "greater",
    evidence: "e",
  });
  // Three tests and a direction: z needed among 4 = Φ⁻¹(1 − 0.05 / 8) ≈ 2.50.
  assertAlmostEquals(requiredZ(4), 2.4977, 1e-4);
  const g = powerGuard([
    eq("a", 10, 1, 0),
    eq("b", 2, 1, 0),
    eq("c", 2, 1, 50),
    eq("e", 5, 1, 50),
    dir,
  ]);
  // b and c (margin 2 SE) go, whatever their estimate; a, e and the direction stay; the family
  // shrinks to 3, whose bar is Φ⁻¹(1 − 0.05 / 6) ≈ 2.39.
  assertEquals(g.map((c) => c.verdict === "not testable here"), [false, true, true, false, false]);
  assert(g[1].rule.includes("underpowered") && g[1].rule.includes("3 tested claims"), g[1].rule);
  assertEquals([g[1].ours, g[1].se], [0, 1]);
  // Every kept equivalence can flip both ways: moved onto the paper it is reproduced.
  const kept = g.filter((c) => c.test);
  const onto = applyHolm(
    kept.map((c) => c.test!.kind === "direction" ? c : { ...c, test: { ...c.test!, estimate: 0 } }),
  );
  assertEquals(onto.filter((c) => c.test!.kind !== "direction").map((c) => c.verdict), [
    "reproduced",
    "reproduced",
  ]);
});
