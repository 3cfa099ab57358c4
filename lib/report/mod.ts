/**
 * Tables of results: shown as Markdown in notebooks, exported as CSV,
 * Markdown and LaTeX (booktabs) for the paper; the claims ledger; prose
 * rendered from the run's values.
 *
 * Grouped by `@category`: Tables (`table`, `saveTable`), Table formats
 * (CSV, Markdown, LaTeX), Claims ledger (`claimMatches`, `claimDirection`,
 * `claimNoEffect`, `claimIdentity`, `claimNotTestable`, `applyHolm`, `claimsTable`,
 * `saveClaims`, `gatherClaims`; the rules in `claim_rules.ts`), Prose from
 * values (`prose`, `fmt`, `pm`).
 *
 * @example
 * ```ts
 * import { saveTable, table } from "./lib/report/mod.ts";
 * const t = table({ columns: ["data", { name: "acc", unit: "%", digits: 2 }], rows });
 * t; // last expression of a notebook cell: drawn as a Markdown table
 * await saveTable(t, "table3", { meta: { seed: 1 } });
 * ```
 *
 * @module
 */
export { type Column, type Table, table, type TableInput } from "./table.ts";
export {
  type LatexOptions,
  tableToCsv,
  tableToHtml,
  tableToLatex,
  tableToMarkdown,
  tableToText,
} from "./formats.ts";
export { type SavedTable, saveTable, type SaveTableOptions } from "./save_table.ts";
export {
  applyHolm,
  type Claim,
  claimDirection,
  ClaimError,
  claimIdentity,
  claimMatches,
  claimNoEffect,
  claimNotTestable,
  type ClaimsFileOptions,
  claimsTable,
  type ClaimText,
  gatherClaims,
  powerGuard,
  requiredZ,
  saveClaims,
  type Verdict,
  VERDICTS,
} from "./claims.ts";
export { CLAIM_ALPHA, type ClaimTest, holmAdjust, sig } from "./claim_rules.ts";
export { fmt, markdown, pm, type Prose, prose } from "./prose.ts";
// Types the tables take, defined with the figures.
