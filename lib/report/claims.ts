/**
 * The claims ledger: every claim a section of the paper makes, the paper's
 * number where it gives one, ours with its Monte Carlo error, and a verdict
 * computed from the run by a stated rule (DESIGN.md principle 1).
 *
 * A notebook builds its claims with the rules of `claim_rules.ts`, each able
 * to return either verdict: {@link claimMatches} (equivalence with a paper
 * value within a stated margin), {@link claimDirection} (a one-sided test of
 * a sign), {@link claimNoEffect} (equivalence to zero within a stated
 * margin); {@link claimIdentity} shows a check that holds by construction
 * (theory against theory), never counted as reproduced; and
 * {@link claimNotTestable} says why a claim cannot be tested here. It shows
 * them with {@link claimsTable} and records them with {@link saveClaims}, both
 * of which decide the tested claims together (Holm over the notebook); the
 * notebook runner gathers every notebook's claims into `claims.csv` and
 * `claims.md` with {@link gatherClaims}.

 *
 * @module
 */
import { figuresDir } from "../config.ts";
import { type RunMeta, runStamp, stampLine } from "../plot/run_meta.ts";
import { checkFileName, writeFilesAtomically } from "../plot/write_files.ts";
import { tableToCsv, tableToMarkdown } from "./formats.ts";
import { CLAIM_ALPHA, type ClaimTest, decideAll, normalCdf, ruleText, sig } from "./claim_rules.ts";
import { type Column, type Table, table } from "./table.ts";

/**
 * The verdicts a claim can get: `reproduced`, `differs` and `inconclusive`
 * come from a rule that could have given either of the first two;
 * `identity check` is a property true by construction, shown and never
 * counted as reproduced; `not testable here` says why not.
 *
 * @category Claims ledger
 */
export type Verdict =
  | "reproduced"
  | "differs"
  | "inconclusive"
  | "not testable here"
  | "identity check";

/** Every verdict, in the ledger's order. */
export const VERDICTS: readonly Verdict[] = [
  "reproduced",
  "differs",
  "inconclusive",
  "identity check",
  "not testable here",
];

/**
 * The error every function of the claims ledger throws for bad input (a
 * missing or empty field, a number that is not finite, a negative SE, numbers
 * too large to compare, a malformed claims file), before anything is written.
 * Its message starts with the function's name and names the field.
 *
 * @category Claims ledger
 */
export class ClaimError extends Error {
  override name = "ClaimError";
}

/**
 * One claim of the paper with our evidence and the verdict.
 *
 * @category Claims ledger
 */
export interface Claim {
  /** The paper's section, figure or table, e.g. "4.2" or "Table 3". */
  section: string;
  /** A short identifier, unique within a notebook (letters, digits, `-`, `_`, `.`). */
  id: string;
  /** The paper's claim in a few words (its wording, shortened). */
  claim: string;
  /** The paper's number (or short text), or null when it gives none. */
  paper: number | string | null;
  /** Our number (or short text), or null when not testable. */
  ours: number | string | null;
  /** The standard error of `ours` (Monte Carlo or across seeds), or null. */
  se: number | null;
  /** The verdict, computed from the run by `rule`. */
  verdict: Verdict;
  /** The rule that gave the verdict, in words with its numbers (e.g. "|z| = 0.8 <= 2"). */
  rule: string;
  /** The figure or table that shows the evidence (its export name), when one does. */
  evidence?: string;
  /** What the rule used, so the verdict can be re-derived and mutated (claim_rules.ts). */
  test?: ClaimTest;
}

/**
 * What every claim constructor takes.
 *
 * @category Claims ledger
 */
export interface ClaimText {
  /** The paper's section, figure or table. */
  section: string;
  /** A short identifier, unique within a notebook. */
  id: string;
  /** The paper's claim in a few words. */
  claim: string;
  /** The figure or table that shows the evidence (its export name). */
  evidence?: string;
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "bigint" || v === null || v === undefined) {
    return String(v);
  }
  return typeof v;
}

function checkObject(fn: string, name: string, c: unknown): void {
  if (c === null || typeof c !== "object" || Array.isArray(c)) {
    throw new ClaimError(`${fn}: ${name} must be an object, got ${show(c)}.`);
  }
}

function checkText(fn: string, c: ClaimText): void {
  checkObject(fn, "the claim", c);
  for (const k of ["section", "id", "claim"] as const) {
    if (typeof c[k] !== "string" || c[k].trim() === "") {
      throw new ClaimError(`${fn}: ${k} must be a non-empty string, got ${show(c[k])}.`);
    }
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(c.id)) {
    throw new ClaimError(
      `${fn}: id ${JSON.stringify(c.id)} must use letters, digits, ".", "_" or "-" only.`,
    );
  }
}

function checkFinite(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ClaimError(`${fn}: ${name} must be a finite number, got ${show(v)}.`);
  }
}

/** A claim's `paper` or `ours`: a finite number, a non-empty string, or null (or absent, if `optional`). */
function checkValue(fn: string, name: string, v: unknown, optional: boolean): void {
  if (v === null || (optional && v === undefined)) return;
  if (typeof v === "number") return checkFinite(fn, name, v);
  if (typeof v !== "string" || v.trim() === "") {
    throw new ClaimError(
      `${fn}: ${name} must be a finite number, a non-empty string or null, got ${show(v)}.`,
    );
  }
}

/**
 * A claim we cannot test in this setting; `why` says what is missing.
 *
 * @throws ClaimError when a text field or `why` is empty, or `paper` is
 *   neither a finite number, a non-empty string nor null.
 *
 * @category Claims ledger
 */
export function claimNotTestable(
  c: ClaimText & { paper?: number | string | null; why: string },
): Claim {
  const fn = "claimNotTestable";
  checkText(fn, c);
  checkValue(fn, "paper", c.paper, true);
  if (typeof c.why !== "string" || c.why.trim() === "") {
    throw new ClaimError(`${fn}: why must say what is missing, got ${show(c.why)}.`);
  }
  return {
    section: c.section,
    id: c.id,
    claim: c.claim,
    paper: c.paper ?? null,
    ours: null,
    se: null,
    verdict: "not testable here",
    rule: c.why,
  };
}

/** A tested claim's estimate: ours, its standard error, and what that SE is over. */
type Estimate = { ours: number; se: number; seOver: string };

/** An equivalence margin (±) and why it is that wide. */
type Margin = { margin: number; marginWhy: string };

/** Common checks of a tested claim's numbers; the SE must be positive and finite. */
function checkTested(fn: string, c: ClaimText & Estimate) {
  checkText(fn, c);
  checkFinite(fn, "ours", c.ours);
  checkFinite(fn, "se", c.se);
  if (c.se <= 0) throw new ClaimError(`${fn}: se must be > 0, got ${c.se}.`);
  if (typeof c.seOver !== "string" || c.seOver.trim() === "") {
    throw new ClaimError(`${fn}: seOver must say what the SE is over (e.g. "10 students").`);
  }
  checkNoNaNText(fn, "seOver", c.seOver);
}

/** The ledger refuses a verdict whose rule shows NaN, so no text that goes into a rule may. */
function checkNoNaNText(fn: string, name: string, text: string): void {
  if (/\bNaN\b/.test(text)) {
    throw new ClaimError(`${fn}: ${name} must not contain "NaN" (rules showing NaN are refused).`);
  }
}

function checkMargin(fn: string, margin: number, why: string) {
  checkFinite(fn, "margin", margin);
  if (margin <= 0) throw new ClaimError(`${fn}: margin must be > 0, got ${margin}.`);
  if (typeof why !== "string" || why.trim() === "") {
    throw new ClaimError(`${fn}: marginWhy must say why the margin is what it is.`);
  }
  checkNoNaNText(fn, "marginWhy", why);
}

const ruleName = (t: ClaimTest) =>
  t.kind === "equivalence"
    ? "claimMatches"
    : t.kind === "direction"
    ? "claimDirection"
    : "claimNoEffect";

/** The text fields every claim starts with. */
function claimHead(c: ClaimText & { paper?: number | string | null }) {
  return { section: c.section, id: c.id, claim: c.claim, paper: c.paper ?? null };
}

/** A tested claim, decided alone (no correction); {@link applyHolm} decides a notebook's together. */
function tested(c: ClaimText & { paper?: number | string | null }, test: ClaimTest): Claim {
  checkValue(ruleName(test), "paper", c.paper, true);
  const [d] = decideAll([test]);
  return {
    ...claimHead(c),
    ours: test.estimate,
    se: test.se,
    verdict: d.verdict,
    rule: ruleText(test, d),
    ...(c.evidence ? { evidence: c.evidence } : {}),
    test,
  };
}

/**
 * A claim that the paper states as a number, tested by equivalence: our
 * estimate agrees when the gap to the paper's value is shown (two one-sided
 * tests) to lie within ±`margin`, differs when shown to lie outside it, and
 * is inconclusive otherwise. `paperSe`, when the paper gives one, is combined
 * with ours. The margin is a scientific choice, stated with `marginWhy`
 * (e.g. "10% of the paper's value: the paper prints 2 digits").
 *
 * @throws Error when a text field is empty, a number is not finite, `se` or
 *   `margin` is not positive, or `seOver` / `marginWhy` is empty.
 *
 * @example
 * ```ts
 * const c = claimMatches({
 *   section: "Table 3", id: "digits-teacher-entropy", claim: "teacher entropy on Digits",
 *   paper: 0.035, ours: 0.0342, se: 0.0011, seOver: "5 runs",
 *   margin: 0.0035, marginWhy: "10% of the paper's value",
 * });
 * c.verdict; // "reproduced": the gap 0.0008 is shown (p = 0.014, two-sided) to lie within ±0.0035
 * ```
 *
 * @category Claims ledger
 */
export function claimMatches(
  c: ClaimText & Estimate & Margin & { paper: number; paperSe?: number },
): Claim {
  const fn = "claimMatches";
  checkTested(fn, c);
  checkFinite(fn, "paper", c.paper);
  checkMargin(fn, c.margin, c.marginWhy);
  const paperSe = c.paperSe ?? 0;
  checkFinite(fn, "paperSe", paperSe);
  if (paperSe < 0) throw new ClaimError(`${fn}: paperSe must be >= 0, got ${paperSe}.`);
  return tested(c, {
    kind: "equivalence",
    estimate: c.ours,
    se: Math.hypot(c.se, paperSe),
    seOver: c.seOver,
    reference: c.paper,
    margin: c.margin,
    marginWhy: c.marginWhy,
  });
}

/**
 * A claim of a direction or trend ("rises", "super-linear", "A beats B")
 * decided by a one-sided z test of `ours` (an effect whose claimed sign is
 * `direction`): reproduced when the claimed sign is shown, differs when the
 * other sign is shown, inconclusive otherwise.
 *
 * @throws Error when a text field is empty, `ours` is not finite, `se` is
 *   not positive, or `direction` is unknown.
 *
 * @example
 * ```ts
 * claimDirection({
 *   section: "4.2", id: "nn-curvature", claim: "neural students: super-linear in σ²",
 *   paper: "super-linear", ours: 0.021, se: 0.004, seOver: "200 students",
 *   direction: "greater",
 * }).verdict; // "reproduced" (z = 5.25)
 * ```
 *
 * @category Claims ledger
 */
export function claimDirection(
  c: ClaimText & Estimate & { paper?: number | string | null; direction: "greater" | "less" },
): Claim {
  const fn = "claimDirection";
  checkTested(fn, c);
  if (c.direction !== "greater" && c.direction !== "less") {
    throw new ClaimError(`${fn}: direction must be "greater" or "less", got ${c.direction}.`);
  }
  return tested(c, {
    kind: "direction",
    estimate: c.ours,
    se: c.se,
    seOver: c.seOver,
    reference: 0,
    direction: c.direction,
  });
}

/**
 * A claim of no effect ("flat", "linear", "negligible"), tested by
 * equivalence of the effect `ours` to zero within ±`margin`: reproduced only
 * when the effect is shown to be that small, never on absence of evidence.
 *
 * @throws Error as {@link claimMatches}.
 *
 * @category Claims ledger
 */
export function claimNoEffect(
  c: ClaimText & Estimate & Margin & { paper?: number | string | null },
): Claim {
  const fn = "claimNoEffect";
  checkTested(fn, c);
  checkMargin(fn, c.margin, c.marginWhy);
  return tested(c, {
    kind: "no-effect",
    estimate: c.ours,
    se: c.se,
    seOver: c.seOver,
    reference: 0,
    margin: c.margin,
    marginWhy: c.marginWhy,
  });
}

/**
 * A check true by construction or theory against theory (an identity of the
 * closed forms, a property of the simulation's design): shown with its
 * numbers and whether it holds within `tolerance`, never counted as a
 * reproduction. `why` says why it cannot fail in a correct program.
 *
 * @throws Error when a text field or `why` is empty or a number is not finite.
 *
 * @category Claims ledger
 */
export function claimIdentity(
  c: ClaimText & {
    paper?: number | string | null;
    ours: number;
    reference: number;
    tolerance: number;
    why: string;
  },
): Claim {
  const fn = "claimIdentity";
  checkText(fn, c);
  checkFinite(fn, "ours", c.ours);
  checkFinite(fn, "reference", c.reference);
  checkFinite(fn, "tolerance", c.tolerance);
  if (c.tolerance < 0) throw new ClaimError(`${fn}: tolerance must be >= 0, got ${c.tolerance}.`);
  if (typeof c.why !== "string" || c.why.trim() === "") {
    throw new ClaimError(`${fn}: why must say why this holds by construction.`);
  }
  checkNoNaNText(fn, "why", c.why);
  const gap = Math.abs(c.ours - c.reference);
  const holds = gap <= c.tolerance;
  return {
    ...claimHead(c),
    ours: c.ours,
    se: null,
    verdict: "identity check",
    rule: `${holds ? "holds" : "FAILS"}: |ours − ${sig(c.reference)}| = ${sig(gap, 2)} ${
      holds ? "<=" : ">"
    } ${sig(c.tolerance, 2)}; ${c.why}`,
    ...(c.evidence ? { evidence: c.evidence } : {}),
  };
}

/**
 * Decide a notebook's tested claims together: Holm's correction over every
 * claim that carries a {@link ClaimTest} (claim_rules.ts), at level
 * {@link CLAIM_ALPHA}. Other claims are returned unchanged. Idempotent.
 *
 * @category Claims ledger
 */
export function applyHolm(claims: readonly Claim[], alpha = CLAIM_ALPHA): Claim[] {
  const idx = claims.map((c, i) => (c.test ? i : -1)).filter((i) => i >= 0);
  const decisions = decideAll(idx.map((i) => claims[i].test!), alpha);
  const out = claims.slice();
  idx.forEach((i, j) => {
    const d = decisions[j];
    out[i] = { ...claims[i], verdict: d.verdict, rule: ruleText(claims[i].test!, d, alpha) };
  });
  return out;
}

/**
 * Throw a ClaimError unless `c` is a well-formed {@link Claim}: text fields
 * non-empty, `paper` and `ours` finite numbers, non-empty strings or null,
 * `se` a finite number >= 0 or null, a known verdict, a non-empty rule; and a
 * verdict other than "not testable here" only with our number present and a
 * rule that shows no NaN.
 */
function checkClaim(fn: string, where: string, c: unknown): asserts c is Claim {
  checkObject(fn, where, c);
  const claim = c as Claim;
  try {
    checkText(fn, claim);
  } catch (e) {
    throw new ClaimError(`${(e as Error).message} (${where})`);
  }
  const at = `${where}, id ${JSON.stringify(claim.id)}`;
  checkValue(fn, `paper (${at})`, claim.paper, false);
  checkValue(fn, `ours (${at})`, claim.ours, false);
  if (claim.se !== null) {
    checkFinite(fn, `se (${at})`, claim.se);
    if (claim.se < 0) throw new ClaimError(`${fn}: se (${at}) must be >= 0, got ${claim.se}.`);
  }
  if (!VERDICTS.includes(claim.verdict)) {
    throw new ClaimError(`${fn}: ${at} has an unknown verdict ${show(claim.verdict)}.`);
  }
  if (claim.verdict !== "not testable here" && claim.ours === null) {
    throw new ClaimError(`${fn}: ${at} has the verdict "${claim.verdict}" but no number of ours.`);
  }
  if (typeof claim.rule !== "string" || claim.rule.trim() === "") {
    throw new ClaimError(
      `${fn}: rule (${at}) must be a non-empty string, got ${show(claim.rule)}.`,
    );
  }
  if (claim.evidence !== undefined && (typeof claim.evidence !== "string" || !claim.evidence)) {
    throw new ClaimError(
      `${fn}: evidence (${at}) must be an export's name, got ${show(claim.evidence)}.`,
    );
  }
  if (claim.test !== undefined) checkRecordedTest(fn, at, claim.test);
  if (claim.verdict !== "not testable here" && /\bNaN\b/.test(claim.rule)) {
    throw new ClaimError(
      `${fn}: ${at} has the verdict "${claim.verdict}" from a rule showing NaN ` +
        `(${JSON.stringify(claim.rule)}): a verdict must not be computed from NaN.`,
    );
  }
}

/** Throw a ClaimError unless `t` is a rule record a verdict can be re-derived from. */
function checkRecordedTest(fn: string, at: string, t: unknown): void {
  checkObject(fn, `test (${at})`, t);
  const r = t as ClaimTest;
  if (!["equivalence", "direction", "no-effect"].includes(r.kind)) {
    throw new ClaimError(`${fn}: test.kind (${at}) is unknown: ${show(r.kind)}.`);
  }
  for (const k of ["estimate", "se", "reference"] as const) {
    checkFinite(fn, `test.${k} (${at})`, r[k]);
  }
  if (!(r.se > 0)) throw new ClaimError(`${fn}: test.se (${at}) must be > 0, got ${r.se}.`);
  if (typeof r.seOver !== "string" || r.seOver.trim() === "") {
    throw new ClaimError(`${fn}: test.seOver (${at}) must say what the SE is over.`);
  }
  if (r.kind === "direction" && r.direction !== "greater" && r.direction !== "less") {
    throw new ClaimError(`${fn}: test.direction (${at}) must be "greater" or "less".`);
  }
  if (r.kind !== "direction") {
    checkFinite(fn, `test.margin (${at})`, r.margin);
    if (!(r.margin! > 0)) throw new ClaimError(`${fn}: test.margin (${at}) must be > 0.`);
  }
}

function checkClaims(fn: string, claims: unknown, allowEmpty: boolean): asserts claims is Claim[] {
  if (!Array.isArray(claims)) {
    throw new ClaimError(`${fn}: claims must be an array of claims, got ${show(claims)}.`);
  }
  if (!allowEmpty && claims.length === 0) throw new ClaimError(`${fn}: claims is empty.`);
  const seen = new Set<string>();
  claims.forEach((c, i) => {
    checkClaim(fn, `claims[${i}]`, c);
    if (seen.has(c.id)) throw new ClaimError(`${fn}: claim id "${c.id}" repeats.`);
    seen.add(c.id);
  });
}

function cell(v: number | string | null): string | number | null {
  return typeof v === "number" ? Number(v.toPrecision(4)) : v;
}

/** The ledger's columns, shared by a notebook's table and the gathered claims.md. */
const LEDGER_COLUMNS: Column[] = [
  { name: "section", label: "Section" },
  { name: "claim", label: "Claim" },
  { name: "paper", label: "Paper" },
  { name: "ours", label: "Ours" },
  { name: "se", label: "SE" },
  { name: "verdict", label: "Verdict" },
  { name: "rule", label: "Rule" },
  { name: "evidence", label: "Evidence" },
];

/** One claim as a ledger row: numbers as printed, the SE to 2 significant digits. */
function ledgerRow(c: Claim) {
  return {
    section: c.section,
    claim: c.claim,
    paper: cell(c.paper),
    ours: cell(c.ours),
    se: c.se === null ? null : Number(c.se.toPrecision(2)),
    verdict: c.verdict,
    rule: c.rule,
    evidence: c.evidence ?? null,
  };
}

/**
 * The claims as a table (one row per claim), shown at the end of a notebook.
 *
 * @throws ClaimError when `claims` is empty or a claim is malformed or
 *   repeats an id.
 *
 * @category Claims ledger
 */
export function claimsTable(claims: readonly Claim[], caption = "Claims ledger."): Table {
  checkClaims("claimsTable", claims, false);
  if (typeof caption !== "string") {
    throw new ClaimError(`claimsTable: caption must be a string, got ${show(caption)}.`);
  }
  return table({ columns: LEDGER_COLUMNS, rows: applyHolm(claims).map(ledgerRow), caption });
}

/**
 * Options of {@link saveClaims} and {@link gatherClaims}.
 *
 * @category Claims ledger
 */
export interface ClaimsFileOptions {
  /** The figures folder (default `figuresDir()`); claims go to `<dir>/claims/`. */
  dir?: string;
  /** Seed and extra fields to record. */
  meta?: RunMeta;
}

/**
 * Record a notebook's claims as `<dir>/claims/<notebook>.json`, atomically.
 *
 * @throws ClaimError, before anything is written, when `notebook` is not a
 *   plain file name, ids repeat, or a claim is malformed (see {@link Claim}).
 *
 * @category Claims ledger
 */
export async function saveClaims(
  notebook: string,
  claims: readonly Claim[],
  opts: ClaimsFileOptions = {},
): Promise<string> {
  try {
    checkFileName("saveClaims", "notebook", notebook, ".json".length);
  } catch (e) {
    throw new ClaimError((e as Error).message);
  }
  checkClaims("saveClaims", claims, true);
  const dir = `${opts.dir ?? figuresDir()}/claims`;
  const stamp = Object.fromEntries(runStamp(opts.meta));
  const decided = applyHolm(claims);
  const body = JSON.stringify({ notebook, ...stamp, claims: decided }, null, 1) + "\n";
  await writeFilesAtomically(dir, [{ name: `${notebook}.json`, data: body }]);
  return `${dir}/${notebook}.json`;
}

/**
 * Counts of verdicts for one group of claims.
 *
 * @category Claims ledger
 */
export interface ClaimCounts {
  /** The group (a notebook or a section). */
  group: string;
  /** Number of claims. */
  claims: number;
  /** How many were reproduced. */
  reproduced: number;
  /** How many differ. */
  differs: number;
  /** How many are not testable here. */
  notTestable: number;
  /** How many were inconclusive (absent when none). */
  inconclusive?: number;
  /** How many are identity checks: shown, not counted as reproduced (absent when none). */
  identity?: number;
}

/**
 * "Section 4: 9 claims, 8 reproduced, 1 differs"
 *
 * @category Claims ledger
 */
export function countsLine(c: ClaimCounts): string {
  const parts = [`${c.claims} claim${c.claims === 1 ? "" : "s"}`, `${c.reproduced} reproduced`];
  if (c.differs) parts.push(`${c.differs} differ${c.differs === 1 ? "s" : ""}`);
  if (c.inconclusive) parts.push(`${c.inconclusive} inconclusive`);
  if (c.notTestable) parts.push(`${c.notTestable} not testable here`);
  if (c.identity) parts.push(`${c.identity} identity check${c.identity === 1 ? "" : "s"}`);
  return `${c.group}: ${parts.join(", ")}`;
}

/**
 * Gather every `<dir>/claims/*.json` into `<dir>/claims.csv` and
 * `<dir>/claims.md` (one row per claim, grouped by notebook, with the counts
 * per notebook first). Returns the counts per notebook.
 *
 * @throws ClaimError, before anything is written, when a claims file is not
 *   valid JSON of the shape {@link saveClaims} writes.
 *
 * @category Claims ledger
 */
export async function gatherClaims(opts: ClaimsFileOptions = {}): Promise<ClaimCounts[]> {
  const dir = opts.dir ?? figuresDir();
  const files: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/claims`)) {
      if (e.isFile && e.name.endsWith(".json")) files.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  files.sort();
  const count = (key: string, n: number) => (n > 0 ? { [key]: n } : {});
  const rows: (Claim & { notebook: string })[] = [];
  const counts: ClaimCounts[] = [];
  for (const f of files) {
    const path = `${dir}/claims/${f}`;
    let parsed;
    try {
      parsed = JSON.parse(await Deno.readTextFile(path));
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      throw new ClaimError(`gatherClaims: ${path} is not valid JSON (${e.message}).`);
    }
    if (!parsed || typeof parsed !== "object" || !Array.isArray(parsed.claims)) {
      throw new ClaimError(`gatherClaims: ${path} has no "claims" array.`);
    }
    checkClaims(`gatherClaims: ${path}`, parsed.claims, true);
    const nb = String(parsed.notebook ?? f.replace(/\.json$/, ""));
    const cs = parsed.claims as Claim[];
    counts.push({
      group: nb,
      claims: cs.length,
      reproduced: cs.filter((c) => c.verdict === "reproduced").length,
      differs: cs.filter((c) => c.verdict === "differs").length,
      notTestable: cs.filter((c) => c.verdict === "not testable here").length,
      ...count("inconclusive", cs.filter((c) => c.verdict === "inconclusive").length),
      ...count("identity", cs.filter((c) => c.verdict === "identity check").length),
    });
    for (const c of cs) rows.push({ notebook: nb, ...c });
  }
  if (rows.length === 0) return counts;
  const ledger = (rs: typeof rows, caption: string) =>
    table({
      columns: [{ name: "notebook", label: "Notebook" }, ...LEDGER_COLUMNS],
      rows: rs.map((r) => ({ notebook: r.notebook, ...ledgerRow(r) })),
      caption,
    });
  const t = ledger(
    rows,
    "Claims ledger: every claim the notebooks test, with the verdict computed from the run.",
  );
  const counted = rows.filter((r) => r.verdict !== "identity check");
  const identities = rows.filter((r) => r.verdict === "identity check");
  const stamp = stampLine(opts.meta ?? {});
  const summary = counts.map((c) => `- ${countsLine(c)}`).join("\n");
  const identityPart = identities.length === 0 ? "" : `\n## Identity checks\n\n` +
    "Properties true by construction or theory against theory: shown so a reader can see " +
    "them hold, never counted as reproductions.\n\n" +
    tableToMarkdown(ledger(identities, "Identity checks (not counted)."));
  await writeFilesAtomically(dir, [
    { name: "claims.csv", data: `# ${stamp}\n${tableToCsv(t)}` },
    {
      name: "claims.md",
      data: `<!-- ${stamp.replace(/--/g, "- -")} -->\n# Claims ledger\n\n${summary}\n\n${
        counted.length === 0 ? "" : tableToMarkdown(
          ledger(
            counted,
            "Claims ledger: every claim the notebooks test, with the verdict computed from the run.",
          ),
        )
      }${identityPart}`,
    },
  ]);
  return counts;
}

/**
 * The z a two-sided test must reach to be decided among `m` claims by Holm
 * at {@link CLAIM_ALPHA} when it is the smallest p: Φ⁻¹(1 − α / (2m)). An
 * equivalence whose margin is fewer SEs than this could never show agreement.
 *
 * @category Claims ledger
 */
export function requiredZ(m: number): number {
  // Bisection on the ledger's own normal CDF (simple-statistics' probit is off by ~0.006 here).
  const tail = CLAIM_ALPHA / (2 * Math.max(1, m));
  let lo = 0, hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(-mid) > tail) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Equivalence and no-effect claims whose margin is fewer SEs than
 * {@link requiredZ} over the notebook's tested claims could never be shown
 * to agree: whatever our estimate, such a test can only say `differs` or
 * `inconclusive`. They get no verdict ("not testable here", with ours, the
 * SE and why). Decided from the margins and SEs alone, never from the
 * estimates: the kept tests are the largest set, taken in order of margin /
 * SE, in which every test's margin is at least {@link requiredZ} of the
 * family it leaves (direction tests always stay). Apply it once, to the
 * whole notebook's claims, before `applyHolm`.
 *
 * @category Claims ledger
 */
export function powerGuard(claims: readonly Claim[]): Claim[] {
  const ratio = (c: Claim) => c.test!.margin! / c.test!.se;
  const gated = claims.filter((c) => c.test && c.test.kind !== "direction");
  const fixed = claims.filter((c) => c.test && c.test.kind === "direction").length;
  const sorted = gated.slice().sort((x, y) => ratio(y) - ratio(x));
  let k = 0;
  while (k < sorted.length && ratio(sorted[k]) >= requiredZ(fixed + k + 1)) k++;
  const m = fixed + k, z = requiredZ(m);
  const kept = new Set(sorted.slice(0, k));
  return claims.map((c) => {
    if (!c.test || c.test.kind === "direction" || kept.has(c)) return c;
    const t = c.test;
    const nt = claimNotTestable({
      section: c.section,
      id: c.id,
      claim: c.claim,
      paper: c.paper,
      why: `underpowered at this scale: the margin ${sig(t.margin!, 2)} is ${
        sig(ratio(c), 2)
      } SE (SE over ${t.seOver}); with ${m} tested claims (Holm) agreement needs ${
        sig(z, 2)
      } SE, so no estimate could show it`,
    });
    return { ...nt, ours: t.estimate, se: t.se, ...(c.evidence ? { evidence: c.evidence } : {}) };
  });
}
