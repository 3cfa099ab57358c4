/**
 * Property-based tests of the claims ledger's contract (issue 26): whatever a
 * caller passes, a claim function either throws a ClaimError (naming the
 * function, before anything is written) or returns a well-formed claim whose
 * verdict is one of VERDICTS and was computed from finite numbers only; never
 * a TypeError or another exception, never a verdict computed from NaN.
 *
 * Inputs mix valid values with NaN, ±Infinity, -0, negative and huge numbers
 * (near Number.MAX_VALUE, whose differences and hypotenuses overflow), empty
 * and blank strings, missing fields, wrong types and arbitrary values.
 * Each property runs 1,000 cases with the fixed seed 42.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../assert.ts";
import {
  type Claim,
  claimDirection,
  ClaimError,
  claimIdentity,
  claimMatches,
  claimNoEffect,
  claimNotTestable,
  claimsTable,
  gatherClaims,
  saveClaims,
  VERDICTS,
} from "../../lib/report/claims.ts";

const RUNS = { seed: 42, numRuns: 1000 };

const weirdNumber = fc.oneof(
  fc.double(), // includes NaN, ±Infinity, -0 and the extremes
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    -1,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e-300,
  ),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }),
);
const goodId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,8}$/);
const weirdText = fc.oneof(
  goodId,
  fc.constantFrom("", " ", "\n\t", "a b", "4.2", "x".repeat(5000), "NaN"),
  fc.string(),
);
const anything = fc.oneof(
  weirdNumber,
  weirdText,
  fc.constantFrom(null, undefined, true, false, {}, [], [1, 2]),
  fc.anything(),
);
/** Mostly `arb`, sometimes anything at all. */
const mostly = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: anything });
/** Any key may be missing (requiredKeys: []); sometimes the whole input is not an object. */
const input = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anything },
  );

const textFields = {
  section: mostly(weirdText),
  id: mostly(goodId),
  claim: mostly(weirdText),
};

type Loose = Record<string, unknown> | undefined | null;
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
/** An optional number: absent (undefined or null, which `??` reads as absent) or finite. */
const finiteOrAbsent = (v: unknown) => v === undefined || v === null || isFiniteNumber(v);

/** Run `f`: a ClaimError naming `fn` is fine; any other exception fails the property. */
function outcome(fn: string, f: () => Claim): Claim | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof ClaimError) {
      assert(e.message.startsWith(`${fn}:`), `the message does not name ${fn}: ${e.message}`);
      return undefined;
    }
    throw new Error(`${fn} threw ${(e as Error)?.name ?? typeof e}, not a ClaimError: ${e}`, {
      cause: e,
    });
  }
}

/** A claim as the ledger stores it: known verdict, text present, numbers finite. */
function assertWellFormed(c: Claim): void {
  assert(VERDICTS.includes(c.verdict), `verdict ${String(c.verdict)}`);
  for (const k of ["section", "id", "claim", "rule"] as const) {
    assert(typeof c[k] === "string" && c[k].trim() !== "", `${k} ${String(c[k])}`);
  }
  for (const k of ["paper", "ours", "se"] as const) {
    const v = c[k];
    assert(v === null || typeof v === "string" || isFiniteNumber(v), `${k} is ${String(v)}`);
  }
  // A computed verdict's rule prints the numbers it compared (not-testable ones quote `why`).
  if (c.verdict !== "not testable here") {
    assert(!/\bNaN\b/.test(c.rule), `the rule shows NaN: ${c.rule}`);
  }
}

Deno.test("claimMatches gives a ClaimError or a verdict from finite numbers, for any input", () => {
  fc.assert(
    fc.property(
      input({
        ...textFields,
        paper: mostly(weirdNumber),
        ours: mostly(weirdNumber),
        se: mostly(weirdNumber),
        seOver: mostly(weirdText),
        paperSe: mostly(weirdNumber),
        margin: mostly(weirdNumber),
        marginWhy: mostly(weirdText),
      }),
      (c) => {
        const got = outcome("claimMatches", () => claimMatches(c as never));
        if (!got) return;
        assertWellFormed(got);
        const x = c as Loose;
        assert(x && isFiniteNumber(x.paper) && isFiniteNumber(x.ours) && isFiniteNumber(x.se));
        assert((x.se as number) > 0 && finiteOrAbsent(x.paperSe));
        assert(isFiniteNumber(x.margin) && x.margin > 0, `margin ${String(x.margin)}`);
        assert(["reproduced", "differs", "inconclusive"].includes(got.verdict));
        assert(got.test !== undefined && Number.isFinite(got.test.se) && got.test.se > 0);
      },
    ),
    RUNS,
  );
});

Deno.test("claimDirection and claimNoEffect give a ClaimError or a verdict from finite numbers", () => {
  fc.assert(
    fc.property(
      input({
        ...textFields,
        paper: mostly(fc.oneof(weirdNumber, weirdText, fc.constant(null))),
        ours: mostly(weirdNumber),
        se: mostly(weirdNumber),
        seOver: mostly(weirdText),
        direction: mostly(fc.constantFrom("greater", "less", "zero")),
        margin: mostly(weirdNumber),
        marginWhy: mostly(weirdText),
      }),
      fc.boolean(),
      (c, direction) => {
        const fn = direction ? "claimDirection" : "claimNoEffect";
        const got = outcome(fn, () => (direction ? claimDirection : claimNoEffect)(c as never));
        if (!got) return;
        assertWellFormed(got);
        const x = c as Loose;
        assert(x && isFiniteNumber(x.ours) && isFiniteNumber(x.se) && x.se > 0);
        if (direction) assert(["greater", "less"].includes(x.direction as string));
        else assert(isFiniteNumber(x.margin) && x.margin > 0);
        assert(["reproduced", "differs", "inconclusive"].includes(got.verdict));
      },
    ),
    RUNS,
  );
});

Deno.test("claimIdentity gives a ClaimError or an identity check that is never counted", () => {
  fc.assert(
    fc.property(
      input({
        ...textFields,
        ours: mostly(weirdNumber),
        reference: mostly(weirdNumber),
        tolerance: mostly(weirdNumber),
        why: mostly(weirdText),
      }),
      (c) => {
        const got = outcome("claimIdentity", () => claimIdentity(c as never));
        if (!got) return;
        assertWellFormed(got);
        assertEquals(got.verdict, "identity check");
        assert(/^(holds|FAILS)/.test(got.rule), got.rule);
      },
    ),
    RUNS,
  );
});

Deno.test("claimNotTestable gives a ClaimError or a well-formed not-testable claim, for any input", () => {
  fc.assert(
    fc.property(
      input({
        ...textFields,
        paper: mostly(fc.oneof(weirdNumber, weirdText, fc.constant(null))),
        why: mostly(weirdText),
      }),
      (c) => {
        const got = outcome("claimNotTestable", () => claimNotTestable(c as never));
        if (!got) return;
        assertWellFormed(got);
        assertEquals([got.verdict, got.ours, got.se], ["not testable here", null, null]);
      },
    ),
    RUNS,
  );
});

/** A claim as stored, valid or damaged field by field (any field may be missing or wrong). */
const storedClaim = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      section: fc.constant("4.2"),
      id: goodId,
      claim: fc.constant("a claim"),
      paper: fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constant(null)),
      ours: fc.double({ min: -10, max: 10, noNaN: true }),
      se: fc.double({ min: 0, max: 10, noNaN: true }),
      verdict: fc.constantFrom(...VERDICTS),
      rule: fc.constant("|z| = 1 <= 2"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      section: mostly(weirdText),
      id: mostly(goodId),
      claim: mostly(weirdText),
      paper: mostly(fc.oneof(weirdNumber, weirdText, fc.constant(null))),
      ours: mostly(fc.oneof(weirdNumber, weirdText, fc.constant(null))),
      se: mostly(fc.oneof(weirdNumber, fc.constant(null))),
      verdict: mostly(fc.constantFrom(...VERDICTS, "maybe", "")),
      rule: mostly(weirdText),
    }, { requiredKeys: [] }),
  },
  { weight: 1, arbitrary: anything },
);
const storedClaims = fc.oneof(
  { weight: 8, arbitrary: fc.array(storedClaim, { maxLength: 4 }) },
  { weight: 1, arbitrary: anything },
);

Deno.test("claimsTable gives a ClaimError or a table of well-formed claims, for any claims", () => {
  fc.assert(
    fc.property(storedClaims, (claims) => {
      let rows: number;
      try {
        rows = claimsTable(claims as never).rows.length;
      } catch (e) {
        if (e instanceof ClaimError && e.message.startsWith("claimsTable:")) return;
        throw e;
      }
      assert(Array.isArray(claims) && rows === claims.length);
      (claims as Claim[]).forEach(assertWellFormed);
    }),
    RUNS,
  );
});

Deno.test("saveClaims writes well-formed claims or throws a ClaimError having written nothing", async () => {
  const root = await Deno.makeTempDir({ prefix: "kd_claims_property_" });
  try {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        mostly(fc.constantFrom("04_x", "nb", "a.b-c")),
        storedClaims,
        async (notebook, claims) => {
          const dir = `${root}/${run++}`;
          let path: string;
          try {
            path = await saveClaims(notebook as string, claims as never, {
              dir,
              meta: { scale: "smoke", seed: 1 },
            });
          } catch (e) {
            if (!(e instanceof ClaimError) || !e.message.startsWith("saveClaims:")) throw e;
            let written: string[] = [];
            try {
              written = [...Deno.readDirSync(dir)].map((f) => f.name);
            } catch (err) {
              if (!(err instanceof Deno.errors.NotFound)) throw err;
            }
            assertEquals(written, [], "saveClaims wrote before failing");
            return;
          }
          const saved = JSON.parse(await Deno.readTextFile(path));
          assertEquals(saved.claims, JSON.parse(JSON.stringify(claims))); // -0 is written as 0
          (saved.claims as Claim[]).forEach(assertWellFormed);
          // What saveClaims writes, gatherClaims reads back.
          const counts = await gatherClaims({ dir, meta: { scale: "smoke" } });
          assertEquals(counts.length, 1);
          assertEquals(counts[0].claims, (claims as unknown[]).length);
        },
      ),
      RUNS,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gatherClaims reads any claims file into a ledger or throws a ClaimError having written nothing", async () => {
  const root = await Deno.makeTempDir({ prefix: "kd_gather_property_" });
  const file = fc.oneof(
    { weight: 4, arbitrary: fc.record({ notebook: fc.constant("nb"), claims: storedClaims }) },
    { weight: 1, arbitrary: anything },
  );
  try {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        file,
        fc.constantFrom("json", "text", "truncated"),
        async (content, how) => {
          const dir = `${root}/${run++}`;
          await Deno.mkdir(`${dir}/claims`, { recursive: true });
          const json = JSON.stringify(content) ?? "undefined";
          const text = how === "json"
            ? json
            : how === "text"
            ? `not json ${json}`
            : json.slice(0, -1);
          await Deno.writeTextFile(`${dir}/claims/nb.json`, text);
          try {
            await gatherClaims({ dir, meta: { scale: "smoke" } });
          } catch (e) {
            if (!(e instanceof ClaimError) || !e.message.startsWith("gatherClaims")) throw e;
            const written = [...Deno.readDirSync(dir)].map((f) => f.name);
            assertEquals(written, ["claims"], "gatherClaims wrote before failing");
          }
        },
      ),
      RUNS,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
