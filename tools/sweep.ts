/**
 * The Monte Carlo sweep every chapter's steps go through, and the one seam
 * where a shard or a merge takes it over.
 *
 * `sweep` runs one step per setting (a noise level, an initialization scale, a
 * value of k), in order, and reports progress with the time left after each
 * step. A shard run (tools/sharding.ts) intercepts every call through
 * {@link withSweepInterceptor}: a step module whose Monte Carlo loop goes
 * through `sweep` is shardable with no extra code, as long as each step returns
 * what it makes (no writes to outer variables other than caches) and its
 * result depends only on its setting, its index and what was computed before
 * the sweep.
 *
 * Conventions of a step module (notebooks/0X_*.ts): `xxxConfig(scale)` returns
 * the configuration (an {@link ExperimentConfig}; counts scale down at `smoke`
 * and `default`, never the structure); `runXxx(config, options)` runs the sweep
 * and returns plain rows; the notebook's cells build figures, tables and claims.
 *
 * It lives in tools/, not lib/: the library holds primitives only and never
 * imports the sweep or the shard machinery.
 *
 * @module
 */
import type { Scale } from "../lib/config.ts";

/**
 * A cohort of linear (OLS) and neural students on Boston housing, as Sections 2 and 4 train
 * them: the counts, the networks' width and training, and the split.
 */
export interface CohortConfig extends ExperimentConfig {
  /** Linear (OLS) students. */
  students: number;
  /** Neural students. */
  neuralStudents: number;
  /** Hidden width of the networks (13-h-1; the paper's 16). */
  hidden: number;
  /** Full-batch Adam epochs (the paper's 200). */
  epochs: number;
  /** Adam learning rate (the paper's 0.01). */
  lr: number;
  /** scikit-learn `random_state` of the 80/20 split (the paper's 42). */
  splitSeed: number;
}

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

/**
 * One progress report of {@link sweep}.
 *
 * @category Experiment machinery
 */
export interface SweepProgress<T> {
  /** The label given to the sweep (e.g. "neural students"). */
  label: string;
  /** The setting just finished. */
  item: T;
  /** Its index, 0-based. */
  index: number;
  /** Number of settings. */
  total: number;
  /** Seconds this step took. */
  stepSeconds: number;
  /** Seconds since the sweep started. */
  elapsedSeconds: number;
  /** Estimated seconds left (mean step time so far times steps left). */
  leftSeconds: number;
}

/**
 * Options of {@link sweep}.
 *
 * @category Experiment machinery
 */
export interface SweepOptions<T> {
  /** What the sweep is over, shown in progress lines (default "sweep"). */
  label?: string;
  /** How a setting is named in progress lines (default `String(item)`). */
  name?: (item: T, index: number) => string;
  /**
   * Where progress goes: a function called after every step, `"log"` for a
   * console line per step (the default), or `false` for silence.
   */
  progress?: ((p: SweepProgress<T>) => void) | "log" | false;
  /**
   * Steps in flight at once (default 1: one after another). Above 1 the
   * steps must not depend on one another (each fixes its own seeds, as
   * Section 6.1's units do): results stay in the settings' order whatever
   * order the steps finish in, and progress is reported as each finishes.
   */
  lanes?: number;
}

/**
 * The console line {@link sweep} prints for one step.
 *
 * @category Experiment machinery
 */
export function progressLine<T>(p: SweepProgress<T>, name: string = String(p.item)): string {
  return `${p.label} ${p.index + 1}/${p.total} (${name}): ${p.stepSeconds.toFixed(1)} s; ` +
    `elapsed ${p.elapsedSeconds.toFixed(0)} s, about ${p.leftSeconds.toFixed(0)} s left`;
}

/**
 * Run `step` on every setting in order and collect the results, reporting
 * progress and the time left after each step. Steps run one after another
 * (each may itself use every core, as the cohort trainer does), so results
 * never depend on timing.
 *
 * @throws RangeError when `items` is empty (thrown at the call, before any step).
 *
 * @example
 * ```ts
 * const rows = await sweep([0, 0.5, 1], (level) => simulate(level), { label: "noise level" });
 * ```
 *
 * @category Experiment machinery
 */
export function sweep<T, R>(
  items: readonly T[],
  step: (item: T, index: number) => R | Promise<R>,
  options: SweepOptions<T> = {},
): Promise<R[]> {
  if (!Array.isArray(items) || items.length === 0) {
    throw new RangeError("sweep: items is empty; pass at least one setting.");
  }
  const lanes = options.lanes ?? 1;
  if (!Number.isInteger(lanes) || lanes < 1) {
    throw new RangeError(`sweep: options.lanes must be an integer >= 1, got ${lanes}.`);
  }
  const hook = sweepInterceptor();
  return hook ? hook(items, step, options, runSweep) : runSweep(items, step, options);
}

async function runSweep<T, R>(
  items: readonly T[],
  step: (item: T, index: number) => R | Promise<R>,
  options: SweepOptions<T>,
): Promise<R[]> {
  const label = options.label ?? "sweep";
  const report = options.progress ?? "log";
  const start = performance.now();
  const out: R[] = new Array(items.length);
  let next = 0, done = 0, failed = false;
  // Each lane takes the next setting when its step ends; with one lane this is the plain loop.
  // After a step fails no lane starts another (the sweep rejects with the first failure).
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++, t0 = performance.now();
      try {
        out[i] = await step(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
      done++;
      if (report === false) continue;
      const now = performance.now();
      const elapsed = (now - start) / 1000;
      const p: SweepProgress<T> = {
        label,
        item: items[i],
        index: i,
        total: items.length,
        stepSeconds: (now - t0) / 1000,
        elapsedSeconds: elapsed,
        leftSeconds: elapsed / done * (items.length - done),
      };
      // The console line counts steps done ("3/8"), which with several lanes is not the index.
      const line = progressLine({ ...p, index: done - 1 }, options.name?.(items[i], i));
      if (report === "log") console.log(line);
      else report(p);
    }
  };
  const lanes = Math.min(options.lanes ?? 1, items.length);
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}

/** A sweep step, as {@link sweep} takes it. */
export type SweepStep<T, R> = (item: T, index: number) => R | Promise<R>;

/** The plain sequential sweep (what `sweep` does with no interceptor). */
export type PlainSweep = <T, R>(
  items: readonly T[],
  step: SweepStep<T, R>,
  options: SweepOptions<T>,
) => Promise<R[]>;

/**
 * What a shard or a merge puts between `sweep` and its steps.
 *
 * @category Experiment machinery
 */
export type SweepInterceptor = <T, R>(
  items: readonly T[],
  step: SweepStep<T, R>,
  options: SweepOptions<T>,
  plain: PlainSweep,
) => Promise<R[]>;

let active: SweepInterceptor | null = null;

/** The interceptor in force, if any (read by `sweep` on every call). */
export function sweepInterceptor(): SweepInterceptor | null {
  return active;
}

/**
 * Run `fn` with `hook` intercepting every `sweep` call it makes; one at a time.
 *
 * @throws Error when another interceptor is already in force (two shard runs
 *   in one process at once would mix their sweeps).
 */
export async function withSweepInterceptor<X>(
  hook: SweepInterceptor,
  fn: () => Promise<X>,
): Promise<X> {
  if (active) {
    throw new Error(
      "withSweepInterceptor: a shard or merge run is already in progress in this process; run them one after another.",
    );
  }
  active = hook;
  try {
    return await fn();
  } finally {
    active = null;
  }
}

/**
 * Throw a RangeError naming `fn` and the field unless each field of `config`
 * named in `minimums` is an integer at least its minimum: the count checks
 * every step module's configuration needs (students, runs, epochs...).
 *
 * @example
 * ```ts
 * checkCounts("runLlmCorrections", config, { students: 2, epochs: 1 });
 * ```
 */
export function checkCounts<C extends object>(
  fn: string,
  config: C,
  minimums: Partial<Record<keyof C & string, number>>,
): void {
  for (const [name, min] of Object.entries(minimums) as [keyof C & string, number][]) {
    const v = config[name] as unknown;
    if (!Number.isInteger(v) || (v as number) < min) {
      throw new RangeError(
        `${fn}: config.${name} must be an integer >= ${min}, got ${v}; start from the ` +
          "configuration function of the scale you want.",
      );
    }
  }
}

/** Throw a RangeError naming `fn` unless each named field of `config` is a finite number > 0. */
export function checkPositive<C extends object>(
  fn: string,
  config: C,
  names: readonly (keyof C & string)[],
): void {
  for (const name of names) {
    const v = config[name] as unknown;
    if (!(typeof v === "number" && v > 0 && isFinite(v))) {
      throw new RangeError(`${fn}: config.${name} must be a positive number, got ${v}.`);
    }
  }
}
