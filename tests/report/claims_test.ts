import {
  ClaimError,
  claimFromTest,
  claimNotTestable,
  claimsTable,
  claimVsNumber,
  countsLine,
  gatherClaims,
  saveClaims,
} from "../../lib/report/mod.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const text = { section: "4.2", id: "c1", claim: "a claim" };

Deno.test("a number within two combined standard errors of the paper's is reproduced", () => {
  // gap 0.003, combined SE hypot(0.001, 0.001) = 0.001414: z = 2.12 > 2 differs; 1.41 reproduces.
  assertEquals(
    claimVsNumber({ ...text, paper: 0.035, ours: 0.038, se: 0.001, paperSe: 0.001 }).verdict,
    "differs",
  );
  assertEquals(
    claimVsNumber({ ...text, paper: 0.035, ours: 0.037, se: 0.001, paperSe: 0.001 }).verdict,
    "reproduced",
  );
});

Deno.test("a relative tolerance reproduces a number the paper prints without an error", () => {
  const c = claimVsNumber({ ...text, paper: 2.58, ours: 2.65, se: 0.01, relTol: 0.05 });
  assertEquals(c.verdict, "reproduced"); // 2.7% <= 5%
  assertEquals(
    claimVsNumber({ ...text, paper: 2.58, ours: 2.9, se: 0.01, relTol: 0.05 }).verdict,
    "differs",
  );
  assert(c.rule.includes("%"), c.rule);
});

Deno.test("directional claims follow the sign and size of z", () => {
  assertEquals(
    claimFromTest({ ...text, ours: 3, se: 1, direction: "greater" }).verdict,
    "reproduced",
  );
  assertEquals(
    claimFromTest({ ...text, ours: 1.9, se: 1, direction: "greater" }).verdict,
    "differs",
  );
  assertEquals(
    claimFromTest({ ...text, ours: -3, se: 1, direction: "less" }).verdict,
    "reproduced",
  );
  assertEquals(claimFromTest({ ...text, ours: 3, se: 1, direction: "less" }).verdict, "differs");
  assertEquals(
    claimFromTest({ ...text, ours: 0.5, se: 1, direction: "zero" }).verdict,
    "reproduced",
  );
  assertEquals(claimFromTest({ ...text, ours: -2.5, se: 1, direction: "zero" }).verdict, "differs");
});

Deno.test("bad claims are refused, naming the field", () => {
  assertThrows(() => claimVsNumber({ ...text, paper: NaN, ours: 1, se: 1 }), Error, "paper");
  assertThrows(() => claimVsNumber({ ...text, paper: 1, ours: 1, se: -1 }), Error, "se");
  assertThrows(() => claimFromTest({ ...text, ours: 1, se: 0, direction: "greater" }), Error, "se");
  assertThrows(() => claimNotTestable({ ...text, why: " " }), Error, "why");
  assertThrows(() => claimVsNumber({ ...text, id: "a b", paper: 1, ours: 1, se: 1 }), Error, "id");
  assertThrows(() => claimsTable([]), Error, "empty");
});

Deno.test("numbers too large to compare are refused with a ClaimError, never judged from NaN", () => {
  const big = Number.MAX_VALUE;
  // |ours − paper| overflows to Infinity.
  assertThrows(
    () => claimVsNumber({ ...text, paper: big, ours: -big, se: 1 }),
    ClaimError,
    "|ours − paper|",
  );
  // hypot(se, paperSe) overflows, and Infinity / Infinity would have been a NaN z.
  assertThrows(
    () => claimVsNumber({ ...text, paper: big, ours: big / 2, se: big, paperSe: big }),
    ClaimError,
    "combined SE",
  );
  assertThrows(
    () => claimFromTest({ ...text, paper: NaN, ours: 1, se: 1, direction: "greater" }),
    ClaimError,
    "paper",
  );
  assertThrows(() => claimVsNumber(undefined as never), ClaimError, "must be an object");
  assertThrows(() => claimsTable([{} as never]), ClaimError, "claims[0]");
});

Deno.test("saved claims are gathered into one ledger with counts per notebook", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await saveClaims("04_x", [
      claimFromTest({ ...text, ours: 3, se: 1, direction: "greater" }),
      claimFromTest({ ...text, id: "c2", ours: 0, se: 1, direction: "greater" }),
    ], { dir, meta: { seed: 4, scale: "smoke" } });
    await saveClaims("02_y", [claimNotTestable({ ...text, why: "no GPU" })], {
      dir,
      meta: { scale: "smoke" },
    });
    const counts = await gatherClaims({ dir, meta: { scale: "smoke" } });
    assertEquals(counts.map((c) => c.group), ["02_y", "04_x"]);
    assertEquals(countsLine(counts[1]), "04_x: 2 claims, 1 reproduced, 1 differs");
    assertEquals(countsLine(counts[0]), "02_y: 1 claim, 0 reproduced, 1 not testable here");
    const md = await Deno.readTextFile(`${dir}/claims.md`);
    assert(md.startsWith("<!-- scale=smoke"), md.slice(0, 40));
    const csv = (await Deno.readTextFile(`${dir}/claims.csv`)).trim().split("\n");
    assertEquals(csv.length, 1 + 1 + 3); // stamp, header, three claims
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
