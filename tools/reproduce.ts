/**
 * The main job, `deno task reproduce`: set up what the notebooks need
 * (tools/setup.ts: Jupyter, the Deno kernel, a note on the optional
 * speed-ups), then run every notebook (tools/run_notebooks.ts) at
 * `KD_SCALE=default`, or at the scale `KD_SCALE` names when it is set.
 * Arguments are those of the notebook runner (`--keep-going`, notebook
 * names, ...); it runs two notebooks at a time unless `--jobs` says otherwise.
 *
 * Exit status: 0 when every notebook ran, 1 when one failed, 2 for a set-up or
 * usage problem (the message says the command that fixes it).
 *
 * @module
 */

import { main as runNotebooks } from "./run_notebooks.ts";
import { setup, SetupError } from "./setup.ts";

/** Set up, then run the notebooks; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  if (!Deno.env.get("KD_SCALE")) Deno.env.set("KD_SCALE", "default");
  try {
    await setup();
  } catch (e) {
    if (e instanceof SetupError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  // Two notebooks at a time: one keeps 2 cores busy only about 3/4 of the time.
  const jobs = args.some((a) => a === "--jobs" || a.startsWith("--jobs=")) ? [] : ["--jobs", "2"];
  return await runNotebooks([...jobs, ...args]);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
