/**
 * What the three sharding commands (tools/shard.ts, tools/merge.ts,
 * tools/slurm.ts) share: parsing their options with `--help` and exactly one
 * positional argument, and turning the sharding errors into exit statuses
 * (0 done, 1 the run failed, 2 bad usage) with the error's name and fix on
 * stderr.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ShardArgumentError, ShardError } from "./sharding.ts";
import { ShardCodecError } from "./shard_codec.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>
>;

/**
 * Parse `args` against `options` (which must include a boolean `help`).
 * Returns null after printing `usage` when `--help` is given, else the values
 * and the one positional argument.
 *
 * @throws ShardArgumentError for an unknown option, a bad value, or not
 *   exactly one positional argument (`one` names it: "experiment", "folder").
 */
export function parseCommand<O extends Options>(
  args: string[],
  options: O,
  usage: string,
  one: string,
): { values: Parsed<O>["values"]; positional: string } | null {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    throw new ShardArgumentError(`${e instanceof Error ? e.message : e}\n${usage}`);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    console.log(usage);
    return null;
  }
  if (parsed.positionals.length !== 1) {
    throw new ShardArgumentError(`give exactly one ${one}.\n${usage}`);
  }
  return { values: parsed.values, positional: parsed.positionals[0] };
}

/**
 * The exit status a sharding error maps to: 2 for bad usage
 * (ShardArgumentError and its kinds, e.g. ShardConflictError), 1 for bad
 * data or a failed run (every other ShardError, and ShardCodecError: a value
 * that cannot be recorded or read back); null for any other error (a bug,
 * which propagates with its stack).
 */
export function exitStatusOf(e: unknown): 1 | 2 | null {
  if (e instanceof ShardArgumentError) return 2;
  if (e instanceof ShardError || e instanceof ShardCodecError) return 1;
  return null;
}

/**
 * Run a command's body; a sharding error becomes one line, its name and
 * message, on stderr and exit status 2 (bad usage) or 1 (the run failed;
 * {@link exitStatusOf}). Other errors propagate.
 */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const status = exitStatusOf(e);
    if (status === null) throw e;
    const err = e as Error;
    console.error(`${err.name}: ${err.message}`);
    return status;
  }
}
