/**
 * What the chapters' smoke tests (tests/notebooks/0X_notebook_test.ts) share: whether
 * Jupyter with the Deno kernel is here (else the run is ignored, except under CI=true,
 * where it must run), one notebook run at smoke scale through the project's runner, and the
 * check of what it exported (specs against their snapshots, tables written, its ledger).
 *
 * @module
 */
import { assert, assertEquals } from "../assert.ts";
import { assertSnapshot } from "../experiments/snapshot.ts";
import type { Claim } from "../../lib/report/claims.ts";
import { findJupyterPython } from "../../tools/run_notebooks.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

/** Why notebooks cannot run here, or undefined when they can. */
export async function jupyterProblem(): Promise<string | undefined> {
  try {
    const { python, denoKernel } = await findJupyterPython();
    return denoKernel
      ? undefined
      : `${python} finds no Deno kernel (run \`deno jupyter --install\`)`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Run `notebook` (a path under the repository) at smoke scale through the runner, its exports
 * under `out`; `unset` names environment variables the run must not see (a merged result).
 */
export async function runSmoke(notebook: string, out: string, unset: string[]): Promise<void> {
  const missing = await jupyterProblem();
  if (missing) throw new Error(`cannot run notebooks here: ${missing}`);
  const env = Deno.env.toObject();
  for (const k of ["KD_SCALE", "INIT_CWD", "KD_DATA_DIR", ...unset]) delete env[k];
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      `${REPO}/tools/run_notebooks.ts`,
      "--out-dir",
      `${out}/nb`,
      "--no-sign",
      notebook,
    ],
    cwd: REPO,
    clearEnv: true,
    env: { ...env, NO_COLOR: "1", KD_SCALE: "smoke", KD_FIGURES_DIR: out },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
  assertEquals(run.code, 0, text);
}

/**
 * Check a smoke run's exports in `out`: every chart's Vega-Lite spec matches its committed
 * snapshot (the run stamp in `usermeta.run` aside), every table is written as CSV, Markdown and
 * LaTeX, and the notebook's claims ledger `claims/<stem>.json` is read; its claims are returned.
 */
export async function checkExports(
  out: string,
  charts: readonly string[],
  tables: readonly string[],
  stem: string,
): Promise<Claim[]> {
  for (const name of charts) {
    const spec = JSON.parse(await Deno.readTextFile(`${out}/${name}.vl.json`));
    delete spec.usermeta?.run; // scale, seed and commit of the run
    if (spec.usermeta && Object.keys(spec.usermeta).length === 0) delete spec.usermeta;
    await assertSnapshot(name, spec);
  }
  for (const name of tables) {
    for (const ext of ["csv", "md", "tex"]) {
      const text = await Deno.readTextFile(`${out}/${name}.${ext}`);
      assert(text.length > 0, `${name}.${ext}`);
    }
  }
  return JSON.parse(await Deno.readTextFile(`${out}/claims/${stem}.json`)).claims as Claim[];
}
