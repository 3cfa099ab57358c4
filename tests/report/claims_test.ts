import {
  claimDirection,
  ClaimError,
  claimIdentity,
  claimMatches,
  claimNotTestable,
  claimsTable,
  gatherClaims,
  saveClaims,
} from "../../lib/report/mod.ts";
import { countsLine } from "../../lib/report/claims.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const text = { section: "4.2", id: "c1", claim: "a claim" };

Deno.test("bad claims are refused, naming the field", () => {
  const m = { seOver: "5 seeds", margin: 0.1, marginWhy: "10%" };
  assertThrows(() => claimMatches({ ...text, ...m, paper: NaN, ours: 1, se: 1 }), Error, "paper");
  assertThrows(() => claimMatches({ ...text, ...m, paper: 1, ours: 1, se: -1 }), Error, "se");
  assertThrows(
    () => claimDirection({ ...text, seOver: "s", ours: 1, se: 0, direction: "greater" }),
    Error,
    "se",
  );
  assertThrows(() => claimNotTestable({ ...text, why: " " }), Error, "why");
  assertThrows(
    () => claimMatches({ ...text, ...m, id: "a b", paper: 1, ours: 1, se: 1 }),
    Error,
    "id",
  );
  assertThrows(() => claimsTable([]), Error, "empty");
});

Deno.test("numbers too large or malformed are refused with a ClaimError, never judged from NaN", () => {
  assertThrows(
    () =>
      claimDirection({ ...text, seOver: "s", paper: NaN, ours: 1, se: 1, direction: "greater" }),
    ClaimError,
    "paper",
  );
  assertThrows(() => claimMatches(undefined as never), ClaimError, "must be an object");
  assertThrows(() => claimsTable([{} as never]), ClaimError, "claims[0]");
  const c = claimDirection({ ...text, seOver: "s", ours: 3, se: 1, direction: "greater" });
  const broken = { ...c, test: { ...c.test!, se: NaN } };
  assertThrows(() => claimsTable([broken]), ClaimError, "test.se");
});

Deno.test("saved claims are gathered into one ledger with counts per notebook", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await saveClaims("04_x", [
      claimDirection({ ...text, seOver: "s", ours: 3, se: 1, direction: "greater" }),
      claimDirection({ ...text, id: "c2", seOver: "s", ours: -3, se: 1, direction: "greater" }),
      claimDirection({ ...text, id: "c3", seOver: "s", ours: 0, se: 1, direction: "greater" }),
      claimIdentity({ ...text, id: "c4", ours: 1, reference: 1, tolerance: 0, why: "same" }),
    ], { dir, meta: { seed: 4, scale: "smoke" } });
    await saveClaims("02_y", [claimNotTestable({ ...text, why: "no GPU" })], {
      dir,
      meta: { scale: "smoke" },
    });
    const counts = await gatherClaims({ dir, meta: { scale: "smoke" } });
    assertEquals(counts.map((c) => c.group), ["02_y", "04_x"]);
    assertEquals(
      countsLine(counts[1]),
      "04_x: 4 claims, 1 reproduced, 1 differs, 1 inconclusive, 1 identity check",
    );
    assertEquals(countsLine(counts[0]), "02_y: 1 claim, 0 reproduced, 1 not testable here");
    const md = await Deno.readTextFile(`${dir}/claims.md`);
    assert(md.startsWith("<!-- scale=smoke"), md.slice(0, 40));
    const csv = (await Deno.readTextFile(`${dir}/claims.csv`)).trim().split("\n");
    assertEquals(csv.length, 1 + 1 + 5); // stamp, header, five claims
    assert(md.includes("## Identity checks"), "identity checks listed apart");
    await assertThrowsAsync(() =>
      saveClaims("z", [
        claimNotTestable({ ...text, why: "x" }),
        claimNotTestable({ ...text, why: "y" }),
      ], { dir })
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function assertThrowsAsync(f: () => Promise<unknown>) {
  let threw = false;
  try {
    await f();
  } catch {
    threw = true;
  }
  assert(threw, "expected a rejection");
}
