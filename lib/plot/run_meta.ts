/**
 * The stamp every exported figure and table carries: the run scale and the
 * seed it was made at (DESIGN.md principle 6), the git commit of the code
 * when the notebook runner made it (`KD_RUN_COMMIT`), plus any extra fields.
 *
 * @module
 */
import { figuresDir, runScale, type Scale } from "../config.ts";
import { checkFileName } from "./write_files.ts";

export type { Scale };

/**
 * What a saved file records about the run that made it.
 *
 * @category Export
 */
export interface RunMeta {
  /** The seed the numbers were drawn with (recorded as "unset" when omitted). */
  seed?: number | string;
  /** The run scale (default: `runScale()`, i.e. `KD_SCALE`). */
  scale?: Scale;
  /**
   * The git commit of the code that made it (default: `KD_RUN_COMMIT`, which
   * the notebook runner sets to the checked-out commit, with "-dirty" when
   * tracked files differed from it; not recorded when unset).
   */
  commit?: string;
  /** Extra key/value pairs to record (e.g. `notebook: "04_teacher_output_uncertainty"`). */
  [key: string]: string | number | undefined;
}

/** `KD_RUN_COMMIT`, or undefined when unset or unreadable (no --allow-env). */
function runCommit(): string | undefined {
  try {
    return Deno.env.get("KD_RUN_COMMIT") || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The stamp as ordered key/value pairs: scale first, then seed, then the
 * commit (when known), then extras.
 *
 * @throws Error when a key is not a plain word (letters, digits, `_`, `-`) or
 *   a value holds a line break (each stamp must fit on one comment line).
 *
 * @category Export
 */
export function runStamp(meta: RunMeta = {}): [string, string][] {
  const out: [string, string][] = [
    ["scale", meta.scale ?? runScale()],
    ["seed", meta.seed === undefined ? "unset" : String(meta.seed)],
  ];
  const commit = meta.commit ?? runCommit();
  if (commit !== undefined) out.push(["commit", commit]);
  for (const [k, v] of Object.entries(meta)) {
    if (k === "scale" || k === "seed" || k === "commit" || v === undefined) continue;
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(k)) {
      throw new Error(`meta: key "${k}" must be a plain word (letters, digits, _ or -).`);
    }
    out.push([k, String(v)]);
  }
  for (const [k, v] of out) {
    if (/[\r\n]/.test(v)) throw new Error(`meta: ${k} must not contain a line break.`);
  }
  return out;
}

/**
 * Where an export `name` goes and what it records: `name` checked as a plain
 * file name, `meta`'s stamp (which checks it), and `dir`, or else the figures
 * folder of the stamp's scale.
 */
export function exportTarget(fn: string, name: string, meta: RunMeta, dir?: string) {
  checkFileName(fn, "name", name);
  const stamp = runStamp(meta);
  return { stamp, dir: dir ?? figuresDir(stamp[0][1] as Scale) };
}

/**
 * The stamp as one line: `scale=default, seed=42` (`, commit=...` when known).
 *
 * @category Export
 */
export function stampLine(meta: RunMeta = {}): string {
  return runStamp(meta).map(([k, v]) => `${k}=${v}`).join(", ");
}
