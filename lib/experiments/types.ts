/**
 * What every experiment module in `lib/experiments/` shares: the run scale
 * and seed it was asked for, and how it reports progress.
 *
 * An experiment module holds what a section notebook narrates (DESIGN.md
 * principle 1): its configuration at the three scales, the Monte Carlo loop,
 * the closed-form theory values, the rows its figures and tables are built
 * from, and its claims with verdicts. The notebook calls it in one or two
 * short cells; a test runs it at a tiny configuration.
 *
 * Conventions (one module per paper section, named after the notebook):
 * - `xxxConfig(scale)` returns the configuration (counts scale down at
 *   `smoke` and `default`, never the structure);
 * - `runXxx(config, options)` runs it and returns plain rows and summaries;
 * - `xxxClaims(result)` returns the section's claims ledger;
 * - figure builders take the result and return charts.
 *
 * @module
 */
import type { Scale } from "../config.ts";
import type { SweepOptions } from "./sweep.ts";

/**
 * Options every `runXxx` takes besides its configuration.
 *
 * @category Experiment machinery
 */
export interface RunOptions {
  /** Progress of long loops: as {@link SweepOptions.progress} (default: a console line per step). */
  progress?: SweepOptions<unknown>["progress"];
}

/**
 * What every experiment configuration records.
 *
 * @category Experiment machinery
 */
export interface ExperimentConfig {
  /** The scale the configuration was made for. */
  scale: Scale;
  /** The root seed; every random stream is a child of it. */
  seed: number;
}
