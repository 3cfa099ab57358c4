/**
 * The runner signs what it executes (so JupyterLab and classic Notebook open
 * the copy trusted and draw its SVG and HTML outputs) and records the run in
 * the notebook's metadata. Needs Jupyter with the Deno kernel, as the other
 * runner tests; ignored without it (except under CI=true).
 */
import { assert, assertEquals } from "../assert.ts";
import { findJupyterPython, gitCommit } from "../../tools/run_notebooks.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const FIXTURE = "tests/notebooks/fixtures/environment.ipynb";

let python = "", missing: string | undefined;
try {
  const found = await findJupyterPython();
  python = found.python;
  if (!found.denoKernel) missing = "no Deno kernel (run `deno jupyter --install`)";
} catch (err) {
  missing = err instanceof Error ? err.message : String(err);
}
const ignore = missing !== undefined && Deno.env.get("CI") !== "true";

/** Run `command` with `args` in the repository, in this environment less `drop`, plus `set`. */
async function runIn(command: string, args: string[], drop: string[], set: Record<string, string>) {
  const env = Deno.env.toObject();
  for (const k of drop) delete env[k];
  const out = await new Deno.Command(command, {
    args,
    cwd: REPO,
    clearEnv: true,
    env: { ...env, ...set, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

function runRunner(args: string[]) {
  return runIn(Deno.execPath(), ["run", "-A", `${REPO}/tools/run_notebooks.ts`, ...args], [
    "KD_SCALE",
    "INIT_CWD",
  ], {});
}

/** Whether this user's Jupyter trusts the notebook (nbformat's own check, as Jupyter does). */
async function trusted(path: string): Promise<boolean> {
  const code = [
    "import sys, nbformat",
    "from nbformat.sign import NotebookNotary",
    "nb = nbformat.read(sys.argv[1], as_version=4)",
    "print(NotebookNotary().check_signature(nb))",
  ].join("\n");
  const out = await new Deno.Command(python, { args: ["-c", code, path], stdout: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert(out.success, `signature check failed to run: ${text}`);
  return text === "True";
}

Deno.test({
  name: "an executed notebook is signed (trusted), records its run, and an edit breaks the trust",
  ignore,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const { code, text } = await runRunner(["--out-dir", out, FIXTURE]);
      assertEquals(code, 0, text);
      const path = `${out}/environment.ipynb`;
      assert(await trusted(path), "the executed copy is not trusted");
      const nb = JSON.parse(await Deno.readTextFile(path));
      const run = nb.metadata.kd_run;
      assertEquals([run.scale, run.complete], ["smoke", true]);
      assertEquals(run.commit, await gitCommit(REPO));
      assert(/^[0-9a-f]{40}(-dirty)?$/.test(run.commit), run.commit);
      assert(run.seconds > 0 && /^\d{4}-\d\d-\d\dT/.test(run.started), JSON.stringify(run));
      // The signature covers the outputs: a changed output is no longer trusted.
      const cell = nb.cells.find((c: { outputs?: unknown[] }) => c.outputs?.length);
      cell.outputs[0].text = ["tampered\n"];
      await Deno.writeTextFile(`${out}/edited.ipynb`, JSON.stringify(nb));
      assert(!(await trusted(`${out}/edited.ipynb`)), "an edited copy is still trusted");
      // --no-sign leaves it untrusted.
      const second = await runRunner(["--out-dir", `${out}/unsigned`, "--no-sign", FIXTURE]);
      assertEquals(second.code, 0, second.text);
      assert(!(await trusted(`${out}/unsigned/environment.ipynb`)), "--no-sign signed it");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

/** Run tools/execute_notebook.py itself with `args` at `scale`. */
function execute(args: string[], scale: string) {
  return runIn(python, [`${REPO}/tools/execute_notebook.py`, ...args], ["KD_DATA_DIR"], {
    KD_SCALE: scale,
  });
}

Deno.test({
  name: "a default run's clean copy keeps outputs, drops what changes per run, and is trusted",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      // The notebook as it sits in notebooks/: a source, rewritten in place by the run.
      const source = `${dir}/environment.ipynb`;
      await Deno.copyFile(`${REPO}/${FIXTURE}`, source);
      const before = JSON.parse(await Deno.readTextFile(source));
      const commit = "b".repeat(40);
      const args = [source, `${dir}/build.ipynb`, "--commit", commit, "--clean-copy", source];
      const ran = await execute([...args, "--cwd", `${REPO}/tests/notebooks/fixtures`], "default");
      assertEquals(ran.code, 0, ran.text);
      const clean = JSON.parse(await Deno.readTextFile(source));
      const build = JSON.parse(await Deno.readTextFile(`${dir}/build.ipynb`));
      assert(await trusted(source), "the clean copy is not trusted");
      assertEquals(clean.metadata.kd_run, { scale: "default", commit, complete: true });
      assert(build.metadata.kd_run.seconds > 0, "the build copy keeps the run time");
      assertEquals(clean.metadata.language_info, before.metadata.language_info);
      type C = { id: string; metadata: Record<string, unknown>; outputs?: { text?: string[] }[] };
      assertEquals(clean.cells.map((c: C) => c.id), before.cells.map((c: C) => c.id));
      assert(build.cells.some((c: C) => "execution" in c.metadata), "nbclient's timestamps");
      assert(!clean.cells.some((c: C) => "execution" in c.metadata), "timestamps left");
      // The cwd line names this checkout: left in build/, not in the committed copy.
      const printed = (nb: { cells: C[] }) =>
        nb.cells.flatMap((c) => c.outputs ?? []).map((o) => (o.text ?? []).join("")).join("");
      assert(printed(build).includes(`cwd=${REPO}/`), printed(build));
      assert(!printed(clean).includes(REPO), printed(clean));
      assert(printed(clean).includes("scale=default"), printed(clean));
      // A smoke run refuses to write over the notebook it runs, before running anything.
      const text = await Deno.readTextFile(source);
      const smoke = await execute(args, "smoke");
      assertEquals(smoke.code, 2, smoke.text);
      assert(smoke.text.includes("never writes its outputs"), smoke.text);
      assertEquals(await Deno.readTextFile(source), text, "the smoke run changed the notebook");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
