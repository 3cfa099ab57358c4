/**
 * The one seam between {@link sweep} and sharding: while a shard or a merge
 * runs an experiment, {@link sweep} hands every call to the interceptor set
 * here (lib/experiments/shard.ts), which runs only the shard's settings or
 * replays recorded results. With no interceptor set, `sweep` runs as always.
 *
 * @module
 */
import type { SweepOptions } from "./sweep.ts";

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
