/**
 * Run configuration shared by the notebooks and the exporters: the scale of a
 * run, where figures go, and where the larger external data sets live.
 *
 * - `KD_SCALE`: `smoke` (seconds; CI), `default` (minutes; the committed
 *   figures) or `paper` (the paper's exact counts). Unset means `default`.
 * - `KD_FIGURES_DIR`: overrides where figures and tables are written.
 *   Otherwise `default` and `paper` runs write to the repository's `figures/`
 *   and `smoke` runs to the ignored `build/figures/`, so a smoke run never
 *   touches committed files.
 * - `KD_DATA_DIR`: overrides the folder of the larger data sets (full MNIST as
 *   IDX files under `mnist/`, Covertype under `covtype/`). Unset, they are read
 *   from the repository's `data/`, which ships both.
 *
 * @module
 */

/**
 * The three run scales (DESIGN.md, principle 6).
 *
 * @category Run configuration
 */
export type Scale = "smoke" | "default" | "paper";

const SCALES: readonly Scale[] = ["smoke", "default", "paper"];

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

/**
 * The run scale from `KD_SCALE` (default `"default"`).
 *
 * @throws Error when `KD_SCALE` is set to anything but smoke, default or paper.
 *
 * @category Run configuration
 */
export function runScale(): Scale {
  const v = env("KD_SCALE");
  if (v === undefined) return "default";
  if ((SCALES as readonly string[]).includes(v)) return v as Scale;
  throw new Error(`KD_SCALE must be one of ${SCALES.join(", ")}; got "${v}".`);
}

/**
 * Pick the value for the current scale.
 *
 * @example
 * ```ts
 * const students = byScale({ smoke: 20, default: 1000, paper: 1000 });
 * ```
 *
 * @category Run configuration
 */
export function byScale<T>(values: Record<Scale, T>, scale: Scale = runScale()): T {
  return values[scale];
}

/** The repository's root folder (the parent of `lib/`). */
export function repoRoot(): string {
  return decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");
}

/**
 * Where figures and tables are written: `KD_FIGURES_DIR` if set, else
 * `<repo>/build/figures` for smoke runs and `<repo>/figures` otherwise.
 *
 * @category Run configuration
 */
export function figuresDir(scale: Scale = runScale()): string {
  const override = env("KD_FIGURES_DIR");
  if (override) return override;
  return scale === "smoke" ? `${repoRoot()}/build/figures` : `${repoRoot()}/figures`;
}

/**
 * `KD_DATA_DIR`, or `undefined` when it is unset.
 *
 * @category Data folders
 */
export function externalDataDir(): string | undefined {
  return env("KD_DATA_DIR");
}

/**
 * The folder holding `mnist/` and `covtype/`: `KD_DATA_DIR` when it is set
 * (an override), else the repository's `data/`, which ships both.
 *
 * @category Data folders
 */
export function largeDataDir(): string {
  return env("KD_DATA_DIR") ?? bundledDataDir();
}

/**
 * The folder of the data sets shipped with the project (`<repo>/data`).
 *
 * @category Data folders
 */
export function bundledDataDir(): string {
  return `${repoRoot()}/data`;
}
