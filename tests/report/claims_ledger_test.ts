/**
 * The committed claims ledger (figures/claims/*.json, the default run), read
 * as a reviewer would: every counted verdict was decided by a rule that could
 * have gone the other way, and that rule is recorded with it.
 *
 * - Every `reproduced`, `differs` or `inconclusive` claim carries its
 *   {@link ClaimTest}, and deciding the notebook's tests again (Holm over the
 *   notebook) gives the recorded verdicts.
 * - The mutation test: for every counted claim (`reproduced` or `differs`),
 *   moving our estimate to the other side of its rule (far outside the
 *   margin, onto the paper's value, or the effect's sign flipped) flips the
 *   verdict. A `differs` that would not become `reproduced` even with our
 *   estimate equal to the paper's is an underpowered test, and fails here.
 * - Every claim names the figure or table that shows its evidence, and that
 *   export exists.
 * - Identity checks are listed apart in claims.md.
 *
 * @module
 */
import { assert, assertEquals } from "../assert.ts";
import { type Claim, VERDICTS } from "../../lib/report/claims.ts";
import { decideAll, mutatedEstimate } from "../../lib/report/claim_rules.ts";

/** The committed ledger; `KD_CLAIMS_DIR` points the same checks at another run's figures folder. */
const DIR = (Deno.env.get("KD_CLAIMS_DIR")?.replace(/\/?$/, "/")) ??
  decodeURIComponent(new URL("../../figures/", import.meta.url).pathname);

function ledgers(): { notebook: string; claims: Claim[] }[] {
  const out: { notebook: string; claims: Claim[] }[] = [];
  for (const e of [...Deno.readDirSync(`${DIR}claims`)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    const j = JSON.parse(Deno.readTextFileSync(`${DIR}claims/${e.name}`));
    out.push({ notebook: j.notebook, claims: j.claims });
  }
  return out;
}

const counted = (c: Claim) => c.verdict === "reproduced" || c.verdict === "differs";

Deno.test("every tested claim records its rule, and the rule gives the recorded verdict", () => {
  const problems: string[] = [];
  for (const { notebook, claims } of ledgers()) {
    for (const c of claims) {
      if (!VERDICTS.includes(c.verdict)) problems.push(`${notebook}/${c.id}: verdict ${c.verdict}`);
      if ((counted(c) || c.verdict === "inconclusive") && !c.test) {
        problems.push(`${notebook}/${c.id}: ${c.verdict} without a recorded rule`);
      }
    }
    const tested = claims.filter((c) => c.test);
    const again = decideAll(tested.map((c) => c.test!));
    tested.forEach((c, i) => {
      if (again[i].verdict !== c.verdict) {
        problems.push(
          `${notebook}/${c.id}: recorded ${c.verdict}, its rule gives ${again[i].verdict}`,
        );
      }
    });
  }
  assertEquals(problems, [], problems.join("\n"));
});

Deno.test("mutation: every counted verdict flips when our estimate crosses its rule", () => {
  const stuck: string[] = [];
  let flipped = 0;
  for (const { notebook, claims } of ledgers()) {
    const tested = claims.filter((c) => c.test);
    tested.forEach((c, i) => {
      if (!counted(c)) return;
      const v = c.verdict as "reproduced" | "differs";
      const tests = tested.map((d) => d.test!);
      tests[i] = { ...tests[i], estimate: mutatedEstimate(tests[i], v) };
      const now = decideAll(tests)[i].verdict;
      const want = v === "reproduced" ? "differs" : "reproduced";
      if (now === want) flipped++;
      else stuck.push(`${notebook}/${c.id}: ${v} stays ${now} (${c.rule})`);
    });
  }
  assertEquals(stuck, [], stuck.join("\n"));
  assert(flipped > 0, "the ledger has counted claims");
});

Deno.test("every claim names the figure or table that shows its evidence", () => {
  const exports = new Set(
    [...Deno.readDirSync(DIR)].filter((e) => e.isFile).map((e) =>
      e.name.replace(/\.(vl\.json|csv|md|tex|svg|pdf|png)$/, "")
    ),
  );
  const problems: string[] = [];
  for (const { notebook, claims } of ledgers()) {
    for (const c of claims) {
      if (c.verdict === "not testable here") continue;
      if (!c.evidence) problems.push(`${notebook}/${c.id}: names no evidence`);
      else if (!exports.has(c.evidence)) {
        problems.push(`${notebook}/${c.id}: evidence ${c.evidence} is not in figures/`);
      }
    }
  }
  assertEquals(problems, [], problems.join("\n"));
});

Deno.test("identity checks are listed apart from the counted claims in claims.md", () => {
  const md = Deno.readTextFileSync(`${DIR}claims.md`);
  const identities = ledgers().flatMap((l) => l.claims).filter((c) =>
    c.verdict === "identity check"
  );
  if (identities.length === 0) return;
  const [countedPart, identityPart] = md.split("## Identity checks");
  assert(identityPart !== undefined, "claims.md has an Identity checks section");
  const rows = identityPart.split("\n").filter((l) => l.startsWith("| ")).length - 2; // less header and rule line
  assertEquals(rows, identities.length, "one row per identity check");
  assert(!/\| identity check \|/.test(countedPart), "no identity check among the counted rows");
});
