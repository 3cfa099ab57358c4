/**
 * Tests of tools/run_notebooks.ts: its argument handling, and real headless
 * runs of the fixture notebooks in tests/notebooks/fixtures/ through Jupyter
 * and the Deno kernel.
 *
 * The runs need a Python with nbclient and the Deno kernelspec. Without them
 * those tests are ignored with the reason, except when CI=true, where they
 * must run (and fail, saying what is missing).
 */
import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  DEFAULT_CELL_TIMEOUT,
  findJupyterPython,
  parseArgs,
  selectNotebooks,
  UsageError,
  writesNotebook,
} from "../../tools/run_notebooks.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const FIXTURES = `${REPO}/tests/notebooks/fixtures`;

async function jupyterProblem(): Promise<string | undefined> {
  try {
    const { python, denoKernel } = await findJupyterPython();
    return denoKernel
      ? undefined
      : `${python} finds no Deno kernel (run \`deno jupyter --install\`)`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
const missing = await jupyterProblem();
const inCI = Deno.env.get("CI") === "true";
const ignoreRuns = missing !== undefined && !inCI;
if (ignoreRuns) console.warn(`notebook run tests ignored: ${missing}`);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[];
}

const joined = (t: string | string[] | undefined) => Array.isArray(t) ? t.join("") : t ?? "";

/** Run the runner on `args` with the environment `env` (KD_SCALE and INIT_CWD removed first). */
async function runRunner(args: string[], env: Record<string, string> = {}) {
  if (missing) throw new Error(`cannot run notebooks here: ${missing}`);
  const base = Deno.env.toObject();
  delete base.KD_SCALE;
  delete base.INIT_CWD;
  delete base.KD_DATA_DIR;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      `${REPO}/tools/run_notebooks.ts`,
      ...args,
    ],
    cwd: REPO,
    clearEnv: true,
    env: { ...base, NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

function codeCells(path: string) {
  const nb: Notebook = JSON.parse(Deno.readTextFileSync(path));
  return nb.cells.filter((c) => c.cell_type === "code");
}

Deno.test("without options the runner takes every notebook at the scale's cell timeout", () => {
  const o = parseArgs([], "smoke");
  assertEquals(o.selectors, []);
  assertEquals(o.timeoutSeconds, DEFAULT_CELL_TIMEOUT.smoke);
  assertEquals(parseArgs([], "paper").timeoutSeconds, DEFAULT_CELL_TIMEOUT.paper);
  assert(o.outDir.endsWith("/build/notebooks"), o.outDir);
  assertEquals(o.keepGoing, false);
});

Deno.test("options and KD_CELL_TIMEOUT set the runner's limits", () => {
  assertEquals(parseArgs([], "default", "90").timeoutSeconds, 90);
  const o = parseArgs(
    ["--timeout=5", "--late-output-ms", "0", "--keep-going", "--out-dir", "/x", "02"],
    "default",
    "90",
  );
  assertEquals(
    [o.timeoutSeconds, o.lateOutputMs, o.keepGoing, o.outDir, o.selectors],
    [5, 0, true, "/x", ["02"]],
  );
  assertEquals(o.jobs, 1);
  assertEquals(parseArgs(["--jobs", "2"], "default").jobs, 2);
  assertEquals(parseArgs(["--jobs=3"], "default").jobs, 3);
});

Deno.test("only default and paper runs write the chapters back to notebooks/", () => {
  const all = parseArgs([], "default");
  assertEquals(all.writeNotebooks, true);
  const nb = "/r/notebooks/02_problem_definition.ipynb";
  assertEquals(writesNotebook("default", all, nb, "/r"), true);
  assertEquals(writesNotebook("paper", all, nb, "/r"), true);
  assertEquals(writesNotebook("smoke", all, nb, "/r"), false, "CI's smoke run never writes them");
  assertEquals(writesNotebook("default", parseArgs(["--build-only"], "default"), nb, "/r"), false);
  // Only the chapters themselves: not a notebook elsewhere, not one in a subfolder.
  assertEquals(writesNotebook("default", all, "/r/tests/notebooks/fixtures/a.ipynb", "/r"), false);
  assertEquals(writesNotebook("default", all, "/r/notebooks/old/a.ipynb", "/r"), false);
});

Deno.test("bad runner options are rejected with the option's name", () => {
  assertThrows(() => parseArgs(["--timeout", "0"], "smoke"), UsageError, "--timeout");
  assertThrows(() => parseArgs(["--timeout"], "smoke"), UsageError, "--timeout");
  assertThrows(() => parseArgs(["--late-output-ms=-1"], "smoke"), UsageError, "--late-output-ms");
  assertThrows(() => parseArgs(["--fast"], "smoke"), UsageError, "--fast");
  assertThrows(() => parseArgs(["--jobs", "0"], "smoke"), UsageError, "--jobs");
  assertThrows(() => parseArgs(["--jobs=1.5"], "smoke"), UsageError, "--jobs");
  assertThrows(() => parseArgs([], "smoke", "soon"), UsageError, "KD_CELL_TIMEOUT");
});

Deno.test("notebooks are selected in name order, by file name, name or unique prefix", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const n of ["05_b.ipynb", "02_a.ipynb", "04_x.ipynb", "04_y.ipynb", "notes.md"]) {
      Deno.writeTextFileSync(`${dir}/${n}`, "{}");
    }
    assertEquals(selectNotebooks(dir, []), [
      `${dir}/02_a.ipynb`,
      `${dir}/04_x.ipynb`,
      `${dir}/04_y.ipynb`,
      `${dir}/05_b.ipynb`,
    ]);
    assertEquals(selectNotebooks(dir, ["05", "02_a", "04_y.ipynb"]), [
      `${dir}/05_b.ipynb`,
      `${dir}/02_a.ipynb`,
      `${dir}/04_y.ipynb`,
    ]);
    assertEquals(selectNotebooks(dir, [`${FIXTURES}/throws.ipynb`]), [`${FIXTURES}/throws.ipynb`]);
    assertThrows(() => selectNotebooks(dir, ["04"]), UsageError, "several");
    assertThrows(() => selectNotebooks(dir, ["07"]), UsageError, "02_a.ipynb");
    assertEquals(selectNotebooks(`${dir}/absent`, []), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "an executed notebook holds every output its cells produced, in order",
  ignore: ignoreRuns,
  async fn() {
    // many_outputs.ipynb has 60 code cells, each printing `log-i`, displaying
    // `disp-i` and ending with the value "ret-i". Measured on this machine with
    // Deno 2.9.6: plain nbclient (--late-output-ms 0) lost 9 to 26 of the 180
    // outputs in each of 10 runs (165 of 1800 in all), so one run shows the bug.
    const fixture = `${FIXTURES}/many_outputs.ipynb`;
    const before = Deno.readTextFileSync(fixture);
    const out = await Deno.makeTempDir();
    try {
      const { code, text } = await runRunner(["--out-dir", out, fixture]);
      assertEquals(code, 0, text);
      assert(text.includes("notebook ok: tests/notebooks/fixtures/many_outputs.ipynb"), text);
      const cells = codeCells(`${out}/many_outputs.ipynb`);
      assertEquals(cells.length, 60);
      const wrong: string[] = [];
      cells.forEach((cell, i) => {
        const got = (cell.outputs ?? []).map((o) =>
          `${o.output_type}:${joined(o.text ?? o.data?.["text/plain"]).trim()}`
        );
        const want = [`stream:log-${i}`, `display_data:disp-${i}`, `execute_result:"ret-${i}"`];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          wrong.push(`cell ${i}: ${JSON.stringify(got)}`);
        }
      });
      assert(wrong.length === 0, `outputs missing or out of order:\n${wrong.join("\n")}`);
      assertEquals(Deno.readTextFileSync(fixture), before, "the source notebook was modified");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a notebook runs in its own folder with KD_SCALE smoke by default and KD_DATA_DIR made absolute",
  ignore: ignoreRuns,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const { code, text } = await runRunner(
        ["--out-dir", out, "tests/notebooks/fixtures/environment.ipynb"],
        { KD_DATA_DIR: "tests/notebooks" },
      );
      assertEquals(code, 0, text);
      assert(text.includes("KD_SCALE=smoke"), text);
      const printed = codeCells(`${out}/environment.ipynb`)
        .flatMap((c) => c.outputs ?? [])
        .map((o) => joined(o.text).trim());
      assertEquals(printed, [
        `cwd=${FIXTURES}`,
        "scale=smoke",
        `data=${REPO}/tests/notebooks`,
        "uniform in [0, 1): true",
        "mean=2",
      ]);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "a cell that throws stops the run with a non-zero exit, its source and its error",
  ignore: ignoreRuns,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const fixture = "tests/notebooks/fixtures/throws.ipynb";
      // KD_FIGURES_DIR: a default-scale run must not regather the committed figures/ ledger.
      const { code, text } = await runRunner(["--out-dir", out, fixture, fixture], {
        KD_SCALE: "default",
        KD_FIGURES_DIR: out,
      });
      assertEquals(code, 1, text);
      assert(text.includes("throw new RangeError(`fixture failure ${answer}`);"), text);
      assert(text.includes("RangeError: fixture failure 42"), text);
      assert(text.includes(`notebook FAILED: ${fixture}`), text);
      assertEquals(text.split("[2/2]").length, 1, "the runner went on after the failure");
      const outputs = codeCells(`${out}/throws.ipynb`).map((c) =>
        (c.outputs ?? []).map((o) => o.output_type === "error" ? "error" : joined(o.text).trim())
      );
      assertEquals(outputs, [["before the failure"], ["error"], []]);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("the README's claims summary is rewritten between its markers, one line per section", async () => {
  const { updateReadmeClaims } = await import("../../tools/run_notebooks.ts");
  const file = await Deno.makeTempFile({ suffix: ".md" });
  try {
    await Deno.writeTextFile(
      file,
      "intro\n<!-- claims:start -->\nold\n<!-- claims:end -->\nrest\n",
    );
    const changed = await updateReadmeClaims(file, [
      {
        group: "04_teacher_output_uncertainty",
        claims: 13,
        reproduced: 9,
        differs: 1,
        notTestable: 3,
      },
    ]);
    assert(changed, "the block changed");
    const text = (await Deno.readTextFile(file)).replace(/\s+/g, " ");
    assert(
      text.includes(
        "<!-- claims:start --> - Section 4 (`04_teacher_output_uncertainty`): 13 claims, " +
          "9 reproduced, 1 differs, 3 not testable here <!-- claims:end --> rest",
      ),
      text,
    );
  } finally {
    await Deno.remove(file);
  }
});

/**
 * The processes whose command line contains one of `needles`, with their parent's pid:
 * `ps` reads them from each /proc/PID/cmdline (Deno itself may read /proc only with --allow-all).
 */
async function processesMentioning(
  needles: string[],
): Promise<{ pid: number; ppid: number; cmd: string }[]> {
  const out = await new Deno.Command("ps", {
    args: ["-e", "-ww", "-o", "pid=,ppid=,args="],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").flatMap((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m || !needles.some((n) => m[3].includes(n)) || m[3].startsWith("ps ")) return [];
    return [{ pid: Number(m[1]), ppid: Number(m[2]), cmd: m[3] }];
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Run the runner on tests/notebooks/fixtures/slow.ipynb, send `signal` during its
 * slow cell to the runner's pid alone ("pid") or to its whole process group, as
 * Ctrl-C in a terminal does ("group"), and check that it exits within 5 s with
 * 128 + the signal's number, one `interrupted:` line, no process left that it
 * started and no file written to the output folder, even after the slow cell
 * would have ended. Returns the output folder (empty) and the kill-to-exit time.
 */
async function interruptSlowNotebook(signal: "SIGINT" | "SIGTERM", target: "pid" | "group") {
  if (missing) throw new Error(`cannot run notebooks here: ${missing}`);
  const out = await Deno.makeTempDir({ prefix: "kd_interrupt_out_" });
  const flags = await Deno.makeTempDir({ prefix: "kd_interrupt_flags_" });
  const slowMs = 5000;
  const base = Deno.env.toObject();
  delete base.KD_SCALE;
  delete base.INIT_CWD;
  const runner = [
    Deno.execPath(),
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run",
    `${REPO}/tools/run_notebooks.ts`,
    "--out-dir",
    out,
    `${FIXTURES}/slow.ipynb`,
  ];
  // In its own process group for "group", so that signalling the group spares this test.
  const [cmd, ...args] = target === "group" ? ["setsid", ...runner] : runner;
  const child = new Deno.Command(cmd, {
    args,
    cwd: REPO,
    clearEnv: true,
    env: {
      ...base,
      NO_COLOR: "1",
      KD_SLOW_MS: String(slowMs),
      KD_SLOW_STARTED: `${flags}/started`,
      KD_SLOW_MARKER: `${out}/finished.txt`,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]).then(([o, e]) => o + e);
  try {
    // Wait for the first cell, then find the executor and its kernel's connection file.
    const waitUntil = Date.now() + 120_000;
    while (!isFile(`${flags}/started`)) {
      assert(Date.now() < waitUntil, "the slow notebook's first cell never ran");
      await sleep(100);
    }
    const startedAt = Date.now();
    const executor = (await processesMentioning([out])).find((p) =>
      p.cmd.includes("execute_notebook.py")
    );
    assert(executor, "no executor process found");
    const kernel = (await processesMentioning(["--conn"])).find((p) => p.ppid === executor.pid);
    assert(kernel, "no kernel process found under the executor");
    const connectionFile = kernel.cmd.split(" ").at(-1)!;
    assert(connectionFile.endsWith(".json"), kernel.cmd);
    await sleep(500); // inside the slow cell now

    const killedAt = performance.now();
    Deno.kill(target === "group" ? -child.pid : child.pid, signal);
    const status = await child.status;
    const seconds = (performance.now() - killedAt) / 1000;
    const text = await output;
    assert(seconds < 5, `the runner took ${seconds.toFixed(2)} s to exit:\n${text}`);
    assertEquals(status.code, signal === "SIGINT" ? 130 : 143, text);
    const lines = text.split("\n").filter((l) => l.startsWith("interrupted:"));
    assertEquals(lines.length, 1, text);
    assert(lines[0].includes(signal) && lines[0].includes("slow.ipynb"), lines[0]);
    assert(!text.includes("AssertionError"), text);

    // Every process it started is gone within 5 s of the signal.
    let left = await processesMentioning([out, connectionFile]);
    while (left.length > 0 && performance.now() - killedAt < 5000) {
      await sleep(100);
      left = await processesMentioning([out, connectionFile]);
    }
    assertEquals(left, [], "processes the runner started outlived it");
    // And nothing is written after it "ended", even once the slow cell would have finished.
    await sleep(startedAt + slowMs + 2000 - Date.now());
    assertEquals([...Deno.readDirSync(out)].map((e) => e.name), [], "files in the output folder");
    assert(!isFile(connectionFile), `the kernel's connection file ${connectionFile} was left`);
    return { out, seconds };
  } catch (err) {
    try {
      Deno.kill(target === "group" ? -child.pid : child.pid, "SIGKILL");
    } catch {
      // already exited
    }
    await Deno.remove(out, { recursive: true });
    throw err;
  } finally {
    await Deno.remove(flags, { recursive: true });
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

Deno.test({
  name: "SIGINT to the runner's pid alone stops it and every process it started within 5 s",
  ignore: ignoreRuns,
  async fn() {
    const { out, seconds } = await interruptSlowNotebook("SIGINT", "pid");
    console.log(`SIGINT to the runner's pid: exited ${seconds.toFixed(2)} s after the signal`);
    await Deno.remove(out, { recursive: true });
  },
});

Deno.test({
  name: "SIGTERM to the runner's pid alone stops everything, and a rerun then runs cleanly",
  ignore: ignoreRuns,
  async fn() {
    const { out, seconds } = await interruptSlowNotebook("SIGTERM", "pid");
    console.log(`SIGTERM to the runner's pid: exited ${seconds.toFixed(2)} s after the signal`);
    try {
      const { code, text } = await runRunner(["--out-dir", out, `${FIXTURES}/slow.ipynb`], {
        KD_SLOW_MS: "0",
        KD_SLOW_MARKER: `${out}/finished.txt`,
      });
      assertEquals(code, 0, text);
      assertEquals(
        [...Deno.readDirSync(out)].map((e) => e.name).sort(),
        ["finished.txt", "slow.ipynb"],
      );
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "Ctrl-C to the runner's process group stops it cleanly, without an empty AssertionError",
  ignore: ignoreRuns,
  async fn() {
    const { out, seconds } = await interruptSlowNotebook("SIGINT", "group");
    console.log(`SIGINT to the runner's group: exited ${seconds.toFixed(2)} s after the signal`);
    await Deno.remove(out, { recursive: true });
  },
});
