/**
 * Re-execute the notebooks headless with Jupyter and the Deno kernel.
 *
 * ```sh
 * deno task notebooks                 # every notebooks/*.ipynb, in name order, KD_SCALE=smoke
 * deno task notebooks 02 04_teacher   # a subset: file names, names without .ipynb, or prefixes
 * deno task reproduce                 # every notebook at KD_SCALE=default
 * ```
 *
 * Each notebook runs in a fresh Deno kernel whose working directory is the
 * notebook's own folder (so `import ... from "../lib/mod.ts"` and deno.json
 * are found), through `tools/execute_notebook.py` (nbclient, waiting for the
 * outputs Deno's kernel sends after reporting a cell idle). Executed copies
 * go to `build/notebooks/`. At the default and paper scales (`deno task
 * reproduce`) each notebook that ran through is also written back over its
 * source in `notebooks/`, outputs kept and volatile metadata taken out (see
 * tools/execute_notebook.py's clean_copy), so a reader sees the chapters
 * without running them; `--build-only` skips that, and a smoke run (CI's,
 * `deno task notebooks`) never does it.
 *
 * Each executed copy is signed with the user's Jupyter secret (so it opens
 * trusted in JupyterLab and classic Notebook on this account; `--no-sign`
 * skips that) and records in its metadata (`kd_run`) the scale, the git
 * commit, the start time and the run time, for `deno task html`.
 *
 * Options: `--out-dir DIR` (default `build/notebooks`), `--timeout SECONDS`
 * per cell (or `KD_CELL_TIMEOUT`; default 600 at smoke, 1800 at default,
 * 7200 at paper scale), `--late-output-ms MS` (default 100), `--build-only`, `--keep-going`
 * (run the remaining notebooks after a failure; the exit status is still
 * non-zero). `KD_SCALE` unset means `smoke` for this command (CI's scale);
 * `KD_DATA_DIR` is passed on, made absolute. `KD_JUPYTER_PYTHON` names the
 * Python to use; otherwise `/usr/bin/python3`, then `python3`, whichever can
 * import nbclient.
 *
 * Each finished notebook prints one line `notebook ok: PATH (S s)` or
 * `notebook FAILED: PATH (S s)`; a failure also prints the failing cell's
 * source and its error. Exit status: 0 when all ran, 1 when a notebook
 * failed, 2 for a usage or setup problem (nothing was run), 130 or 143 when
 * stopped by SIGINT (Ctrl-C) or SIGTERM.
 *
 * Stopping: each notebook's executor runs in a process group of its own
 * (through `setsid`) and its kernel in another, started by it. On SIGINT or
 * SIGTERM the runner passes the signal to the executor's group, which kills
 * the kernel and exits without writing the executed copy (copies are only
 * written whole, through `OUT.partial`); after 3 s the group is SIGKILLed.
 * The runner then prints one line `interrupted: ...` and exits. If the runner
 * itself is SIGKILLed, the executor notices its parent is gone and does the same.
 *
 * @module
 */

import { figuresDir, runScale, type Scale } from "../lib/config.ts";
import { type ClaimCounts, countsLine, gatherClaims } from "../lib/report/claims.ts";
import { spawnGroup, STOP_EXIT, type StopSignal, StopSignals } from "./process_group.ts";

/** Options of one run, after parsing the command line and the environment. */
export interface RunOptions {
  /** Notebook names or paths given on the command line (empty: all). */
  selectors: string[];
  /** Folder for the executed copies. */
  outDir: string;
  /** Seconds allowed per cell. */
  timeoutSeconds: number;
  /** Quiet period awaited on IOPub after each cell, in milliseconds. */
  lateOutputMs: number;
  /** Run the remaining notebooks after a failure. */
  keepGoing: boolean;
  /** Sign the executed copies (default true). */
  sign: boolean;
  /**
   * Write each executed notebook, volatile metadata out, back over its source in
   * notebooks/ (default true; only ever at the default or paper scale, never at smoke).
   */
  writeNotebooks: boolean;
  /**
   * Notebooks run at once (default 1). Each notebook is its own kernel process and
   * its results depend only on its seeds, never on what else runs; `deno task
   * reproduce` runs 2, since one notebook keeps 2 cores busy only about 3/4 of the
   * time (measured: 40 CPU-minutes in a 26.6-minute default run).
   */
  jobs: number;
}

/** Per-cell timeout in seconds when neither `--timeout` nor `KD_CELL_TIMEOUT` is given. */
export const DEFAULT_CELL_TIMEOUT: Record<Scale, number> = {
  smoke: 600,
  default: 1800,
  paper: 7200,
};

const REPO = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");
const EXECUTOR = `${REPO}/tools/execute_notebook.py`;

/** An error whose message is meant for the user as is (exit status 2). */
export class UsageError extends Error {}

function positiveNumber(name: string, text: string | undefined, allowZero = false): number {
  const v = Number(text);
  if (
    text === undefined || text.trim() === "" || !Number.isFinite(v) || v < 0 ||
    (!allowZero && v === 0)
  ) {
    throw new UsageError(
      `${name} must be a ${allowZero ? "non-negative" : "positive"} number; got "${text ?? ""}".`,
    );
  }
  return v;
}

/**
 * Parse the command line. `scale` picks the default per-cell timeout;
 * `cellTimeoutEnv` is the value of `KD_CELL_TIMEOUT`, if any.
 *
 * @throws UsageError for an unknown option or a bad number, naming it.
 */
export function parseArgs(args: string[], scale: Scale, cellTimeoutEnv?: string): RunOptions {
  const opts: RunOptions = {
    selectors: [],
    outDir: `${REPO}/build/notebooks`,
    timeoutSeconds: cellTimeoutEnv
      ? positiveNumber("KD_CELL_TIMEOUT", cellTimeoutEnv)
      : DEFAULT_CELL_TIMEOUT[scale],
    lateOutputMs: 100,
    keepGoing: false,
    sign: true,
    writeNotebooks: true,
    jobs: 1,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => inline ?? args[++i];
    if (flag === "--out-dir") {
      const v = value();
      if (!v) throw new UsageError("--out-dir needs a folder.");
      opts.outDir = v;
    } else if (flag === "--timeout") opts.timeoutSeconds = positiveNumber("--timeout", value());
    else if (flag === "--late-output-ms") {
      opts.lateOutputMs = positiveNumber("--late-output-ms", value(), true);
    } else if (flag === "--keep-going") opts.keepGoing = true;
    else if (flag === "--no-sign") opts.sign = false;
    else if (flag === "--build-only") opts.writeNotebooks = false;
    else if (flag === "--jobs") {
      const v = value();
      opts.jobs = positiveNumber("--jobs", v);
      if (!Number.isInteger(opts.jobs)) {
        throw new UsageError(`--jobs must be a whole number; got "${v}".`);
      }
    } else if (flag.startsWith("-")) {
      throw new UsageError(
        `unknown option ${flag}; use --out-dir, --timeout, --late-output-ms, --keep-going, ` +
          "--no-sign, --build-only, --jobs or notebook names.",
      );
    } else opts.selectors.push(a);
  }
  return opts;
}

/**
 * Whether the run writes its executed copy of `notebook`, volatile metadata out,
 * back over it (tools/execute_notebook.py's --clean-copy): at the default and
 * paper scales, for the notebooks of the repository's notebooks/ folder, unless
 * `--build-only`. A smoke run never does (it is CI's scale, and its numbers are
 * not the committed ones).
 */
export function writesNotebook(
  scale: Scale,
  opts: Pick<RunOptions, "writeNotebooks">,
  notebook: string,
  repo = REPO,
): boolean {
  return scale !== "smoke" && opts.writeNotebooks &&
    notebook.startsWith(`${repo}/notebooks/`) && !notebook.slice(repo.length + 11).includes("/");
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The notebooks to run: all `*.ipynb` in `dir` sorted by name when
 * `selectors` is empty; otherwise, for each selector in order, an existing
 * `.ipynb` path, or the notebook of `dir` whose file name equals it, equals
 * it plus `.ipynb`, or (uniquely) starts with it.
 *
 * @throws UsageError when a selector matches no notebook or several.
 */
export function selectNotebooks(dir: string, selectors: string[], base = Deno.cwd()): string[] {
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (selectors.length === 0) return names.map((n) => `${dir}/${n}`);
  return selectors.map((s) => {
    const asPath = s.startsWith("/") ? s : `${base}/${s}`;
    if (s.endsWith(".ipynb") && isFile(asPath)) return asPath;
    const exact = names.filter((n) => n === s || n === `${s}.ipynb`);
    const matches = exact.length > 0 ? exact : names.filter((n) => n.startsWith(s));
    if (matches.length === 1) return `${dir}/${matches[0]}`;
    const known = names.length > 0 ? names.join(", ") : "(none)";
    throw new UsageError(
      matches.length === 0
        ? `no notebook matches "${s}"; the notebooks in ${dir} are: ${known}.`
        : `"${s}" matches several notebooks (${matches.join(", ")}); give more of the name.`,
    );
  });
}

const PROBE = [
  "import nbclient, nbformat",
  "from jupyter_client.kernelspec import KernelSpecManager",
  "print(KernelSpecManager().find_kernel_specs().get('deno', ''))",
].join("; ");

/** A Python that can run nbclient, and the folder of its Deno kernelspec ("" if none). */
export interface JupyterPython {
  python: string;
  denoKernel: string;
}

/**
 * Find a Python that can import nbclient: `KD_JUPYTER_PYTHON` if set, else
 * `/usr/bin/python3` (Debian's packages), else `python3` on PATH.
 *
 * @throws UsageError naming the packages to install when none can.
 */
export async function findJupyterPython(): Promise<JupyterPython> {
  const forced = Deno.env.get("KD_JUPYTER_PYTHON");
  const candidates = forced ? [forced] : ["/usr/bin/python3", "python3"];
  for (const python of candidates) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", PROBE],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) {
        return { python, denoKernel: new TextDecoder().decode(out.stdout).trim() };
      }
    } catch {
      // not installed: try the next one
    }
  }
  throw new UsageError(
    `no Python here can import nbclient (tried ${candidates.join(", ")}). Install it with ` +
      "`apt-get install jupyter-client python3-nbclient python3-nbconvert` or " +
      "`pip install nbclient nbconvert`" + (forced ? ", or unset KD_JUPYTER_PYTHON." : "."),
  );
}

function relative(path: string): string {
  return path.startsWith(`${REPO}/`) ? path.slice(REPO.length + 1) : path;
}

function absolute(path: string): string {
  if (path.startsWith("/")) return path;
  // `deno task` runs in the folder of deno.json; INIT_CWD is where it was called from.
  const from = Deno.env.get("INIT_CWD") || Deno.cwd();
  return `${from}/${path}`;
}

/** The checked-out git commit (with "-dirty" when files differ from it), or "" outside git. */
export async function gitCommit(dir = REPO): Promise<string> {
  try {
    const run = (args: string[]) =>
      new Deno.Command("git", { args: ["-C", dir, ...args], stdout: "piped", stderr: "null" })
        .output();
    const head = await run(["rev-parse", "HEAD"]);
    if (!head.success) return "";
    const sha = new TextDecoder().decode(head.stdout).trim();
    const status = await run(["status", "--porcelain", "--untracked-files=no"]);
    return new TextDecoder().decode(status.stdout).trim() ? `${sha}-dirty` : sha;
  } catch {
    return "";
  }
}

/** Run the notebooks as the command line says; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  // SIGINT (Ctrl-C) and SIGTERM stop the run: the running notebook's executor and kernel
  // are stopped with everything they started, and the exit status is 130 or 143.
  const stop = new StopSignals();
  try {
    const scaleWasSet = Boolean(Deno.env.get("KD_SCALE"));
    if (!scaleWasSet) Deno.env.set("KD_SCALE", "smoke");
    const scale = runScale();
    const opts = parseArgs(args, scale, Deno.env.get("KD_CELL_TIMEOUT") || undefined);
    const notebooks = selectNotebooks(
      `${REPO}/notebooks`,
      opts.selectors,
      Deno.env.get("INIT_CWD") || Deno.cwd(),
    );
    if (notebooks.length === 0) {
      console.log("no notebooks in notebooks/: nothing to run.");
      return 0;
    }
    const { python, denoKernel } = await findJupyterPython();
    if (!denoKernel) {
      throw new UsageError(
        `Jupyter (${python}) has no Deno kernel; register it with \`deno jupyter --install\`.`,
      );
    }
    const env: Record<string, string> = { KD_SCALE: scale };
    const dataDir = Deno.env.get("KD_DATA_DIR");
    if (dataDir) env.KD_DATA_DIR = absolute(dataDir);
    const figDir = Deno.env.get("KD_FIGURES_DIR");
    if (figDir) env.KD_FIGURES_DIR = absolute(figDir);
    const outDir = absolute(opts.outDir);
    Deno.mkdirSync(outDir, { recursive: true });

    console.log(
      `running ${notebooks.length} notebook(s) at KD_SCALE=${scale}` +
        (scaleWasSet ? "" : " (KD_SCALE unset: this command defaults to smoke)") +
        `, per-cell timeout ${opts.timeoutSeconds} s, python ${python}`,
    );
    const started = performance.now();
    const commit = await gitCommit();
    // Every file the notebooks export records this commit (lib/plot/run_meta.ts).
    env.KD_RUN_COMMIT = commit || "unknown";
    if (commit.endsWith("-dirty") && scale !== "smoke") {
      console.log(
        `note: tracked files differ from ${commit.slice(0, 12)}: the figures will say ` +
          '"-dirty", and tests/figures_provenance_test.ts refuses such files in figures/. ' +
          "Commit first for figures to keep.",
      );
    }
    let failed = 0, setupFailed = false, next = 0;
    let stopped: number | null = null;
    // Up to `jobs` notebooks at a time, started in order; after a failure (without
    // --keep-going) none starts, and those running finish.
    const lane = async () => {
      while (next < notebooks.length && stopped === null && !setupFailed) {
        if (failed > 0 && !opts.keepGoing) return;
        const i = next++, nb = notebooks[i];
        const name = nb.slice(nb.lastIndexOf("/") + 1);
        const out = `${outDir}/${name}`;
        console.log(`[${i + 1}/${notebooks.length}] ${relative(nb)}`);
        const t0 = performance.now();
        if (stop.signal) {
          stopped ??= interrupted(stop.signal, nb, i, notebooks.length, out);
          return;
        }
        const child = spawnGroup(python, {
          args: [
            EXECUTOR,
            nb,
            out,
            "--timeout",
            String(opts.timeoutSeconds),
            "--late-output-ms",
            String(opts.lateOutputMs),
            "--commit",
            commit,
            "--parent-pid",
            String(Deno.pid),
            ...(opts.sign ? [] : ["--no-sign"]),
            ...(writesNotebook(scale, opts, nb) ? ["--clean-copy", nb] : []),
          ],
          env,
          stdin: "null",
          stdout: "inherit",
          stderr: "inherit",
        });
        const status = await Promise.race([child.process.status, stop.received]);
        if (typeof status === "string") {
          await child.stop(status);
          stopped ??= interrupted(status, nb, i, notebooks.length, out);
          return;
        }
        const seconds = ((performance.now() - t0) / 1000).toFixed(1);
        if (status.code === 0) {
          const also = writesNotebook(scale, opts, nb) ? ` and ${relative(nb)}` : "";
          console.log(`notebook ok: ${relative(nb)} (${seconds} s) -> ${relative(out)}${also}`);
          continue;
        }
        console.log(`notebook FAILED: ${relative(nb)} (${seconds} s)`);
        failed++;
        if (status.code === 2) setupFailed = true; // the next notebook would fail alike
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.jobs, notebooks.length) }, lane));
    if (stopped !== null) return stopped;
    if (setupFailed) return 2;
    if (stop.signal) return interrupted(stop.signal);
    const total = ((performance.now() - started) / 1000).toFixed(1);
    // The claims ledger: every notebook's claims (figures/claims/*.json) in one table.
    const counts = await gatherClaims({
      dir: figuresDir(scale),
      meta: { seed: "per notebook", scale, commit: commit || "unknown" },
    });
    if (counts.length > 0) {
      console.log(`claims ledger: ${relative(`${figuresDir(scale)}/claims.md`)}`);
      for (const c of counts) console.log(`  ${countsLine(c)}`);
      // The README's claims summary follows the committed figures (default and paper runs).
      if (scale !== "smoke" && !Deno.env.get("KD_FIGURES_DIR")) {
        if (await updateReadmeClaims(`${REPO}/README.md`, counts)) {
          console.log("README.md: claims summary updated");
        }
      }
    }
    console.log(
      failed === 0
        ? `all ${notebooks.length} notebook(s) ran in ${total} s`
        : `${failed} notebook(s) failed, after ${total} s`,
    );
    return failed === 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.message.startsWith("KD_"))) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    stop.dispose();
  }
}

/**
 * Report a run stopped by `signal` in one line and return its exit status
 * (130 for SIGINT, 143 for SIGTERM). When a notebook was running, its executor
 * and kernel have been stopped; a half-written executed copy (`OUT.partial`) is removed.
 */
function interrupted(
  signal: StopSignal,
  notebook?: string,
  index = 0,
  count = 0,
  out?: string,
): number {
  if (out) {
    try {
      Deno.removeSync(`${out}.partial`);
    } catch {
      // none was being written
    }
  }
  console.log(
    `interrupted: ${signal} received` +
      (notebook
        ? ` while running ${relative(notebook)} (${index + 1} of ${count}); it and every ` +
          "process it started were stopped and no executed copy of it was written"
        : "; no notebook was running"),
  );
  return STOP_EXIT[signal];
}

/** The paper section a notebook rebuilds, from its file stem ("04_teacher..." -> "Section 4"). */
export function sectionOf(notebook: string): string {
  const n = Number(notebook.slice(0, 2));
  if (notebook === "08_gaussian_distillation") return "Gaussian distillation";
  return Number.isInteger(n) && n >= 2 && n <= 7 ? `Section ${n}` : notebook;
}

/**
 * Rewrite the block between `<!-- claims:start -->` and `<!-- claims:end -->`
 * in the README with one line per notebook ("Section 4: 13 claims, 9
 * reproduced, 1 differs, 3 not testable here"). Returns whether it changed.
 */
export async function updateReadmeClaims(
  readme: string,
  counts: readonly ClaimCounts[],
): Promise<boolean> {
  const text = await Deno.readTextFile(readme);
  const start = "<!-- claims:start -->", end = "<!-- claims:end -->";
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a < 0 || b < a) return false;
  const lines = counts.map((c) =>
    `- ${countsLine({ ...c, group: `${sectionOf(c.group)} (\`${c.group}\`)` })}`
  );
  const next = `${text.slice(0, a + start.length)}\n${lines.join("\n")}\n${text.slice(b)}`;
  if (next === text) return false;
  await Deno.writeTextFile(readme, next);
  // Keep the README as deno fmt writes it (long lines are wrapped), so `deno fmt --check` stays green.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", readme],
    stdout: "null",
    stderr: "null",
  })
    .output().catch(() => undefined);
  return true;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
