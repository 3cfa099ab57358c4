/**
 * The README's two commands, taken from its "The two commands" section and
 * run as written, in a clean clone of this commit with an empty HOME: no Deno
 * on PATH or in npm's global folder, no Deno cache, no npm cache, no Jupyter
 * kernelspec. `KD_SCALE=smoke` keeps the main job to minutes; everything else
 * (fetching Deno with npx, the npm packages, registering the kernel) happens
 * as it would for a new user.
 *
 * Expensive (it downloads Deno and every npm package), so it is not part of
 * `deno task test`; `.ci/run` runs it as a step:
 *
 * ```sh
 * deno test --allow-all .ci/readme_commands_test.ts
 * ```
 *
 * It clones the committed HEAD, so uncommitted changes are not tested.
 * `KD_KEEP_CLEAN_CLONE=1` keeps the temporary folder for inspection.
 *
 * @module
 */

import { assert, assertEquals } from "../tests/assert.ts";

const REPO = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");

/**
 * The commands of the README's first `sh` block under "## The two commands",
 * one per line, without their comments.
 */
export function readmeCommands(readme: string): string[] {
  const section = readme.split(/^## The two commands\s*$/m)[1];
  assert(section !== undefined, 'README.md has a "## The two commands" section');
  const block = section.split(/^## /m)[0].match(/```sh\n([\s\S]*?)```/);
  assert(block, 'the "two commands" section has a ```sh block');
  return block[1].split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter(Boolean);
}

async function git(args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${text.decode(out.stderr)}`);
  return text.decode(out.stdout).trim();
}

/**
 * PATH with every `deno` hidden: a folder on PATH that holds one is replaced by
 * a folder of links to all its other entries.
 */
function pathWithoutDeno(path: string, shadowRoot: string): string {
  return path.split(":").filter(Boolean).map((dir, i) => {
    let names: string[];
    try {
      names = [...Deno.readDirSync(dir)].map((e) => e.name);
    } catch {
      return dir; // not a folder: harmless as it is
    }
    if (!names.includes("deno")) return dir;
    const shadow = `${shadowRoot}/${i}`;
    Deno.mkdirSync(shadow, { recursive: true });
    for (const name of names) {
      if (name !== "deno") Deno.symlinkSync(`${dir}/${name}`, `${shadow}/${name}`);
    }
    return shadow;
  }).join(":");
}

/** The environment of a new user: this one without Deno, npm, Jupyter and project settings. */
async function freshEnv(tmp: string): Promise<Record<string, string>> {
  const globalconfig = await new Deno.Command("npm", {
    args: ["config", "get", "globalconfig"],
    stdout: "piped",
  }).output().then((o) => new TextDecoder().decode(o.stdout).trim());
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (/^(DENO_|NPM_|JUPYTER|KD_|XDG_|INIT_CWD$)/i.test(k)) continue;
    env[k] = v;
  }
  Deno.mkdirSync(`${tmp}/home`);
  env.HOME = `${tmp}/home`;
  env.PATH = pathWithoutDeno(env.PATH ?? "/usr/bin:/bin", `${tmp}/path`);
  // npx must not find a globally installed deno; the machine's npm settings (CA file,
  // registry) stay, as they would for any user of this machine.
  env.NPM_CONFIG_PREFIX = `${tmp}/npm-global`;
  if (globalconfig) env.NPM_CONFIG_GLOBALCONFIG = globalconfig;
  env.KD_SCALE = "smoke";
  return env;
}

/** Run `command` with `sh -c` in `cwd`, echoing its output; its status, output and timings. */
async function runShown(command: string, cwd: string, env: Record<string, string>) {
  console.log(`\n$ ${command}`);
  const t0 = performance.now();
  let firstOutput: number | undefined;
  let setupLine: number | undefined; // the main job's first "setup:" line: Deno and npm packages are in
  const child = new Deno.Command("sh", {
    args: ["-c", command],
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      firstOutput ??= performance.now();
      text += decoder.decode(chunk, { stream: true });
      if (setupLine === undefined && /^setup: /m.test(text)) setupLine = performance.now();
      await Deno.stdout.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout), pump(child.stderr)]);
  const { code } = await child.status;
  text = text.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), ""); // deno colours even a pipe
  const seconds = (performance.now() - t0) / 1000;
  return {
    code,
    text,
    seconds,
    firstOutputSeconds: ((firstOutput ?? t0) - t0) / 1000,
    setupSeconds: ((setupLine ?? t0) - t0) / 1000,
  };
}

function filesIn(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

Deno.test("the README's two commands, copied from it, run from nothing in a clean clone", async () => {
  const commands = readmeCommands(await Deno.readTextFile(`${REPO}/README.md`));
  assertEquals(commands.length, 2, `two commands, found: ${JSON.stringify(commands)}`);
  assert(/\btask reproduce\b/.test(commands[0]), `the first is the main job: ${commands[0]}`);
  assert(/\btask test\b/.test(commands[1]), `the second runs the tests: ${commands[1]}`);

  const tmp = await Deno.makeTempDir({ prefix: "kd-clean-clone-" });
  try {
    const head = await git(["-C", REPO, "rev-parse", "HEAD"]);
    if (await git(["-C", REPO, "status", "--porcelain", "--untracked-files=no"])) {
      console.log(`note: ${REPO} has uncommitted changes; the clean clone tests ${head} only.`);
    }
    const clone = `${tmp}/clone`;
    await git(["clone", "--quiet", "--no-checkout", REPO, clone]);
    await git(["-C", clone, "checkout", "--quiet", head]);
    const env = await freshEnv(tmp);
    const home = env.HOME;
    assertEquals([...Deno.readDirSync(home)].length, 0, "HOME starts empty");

    // 1. The main job: sets itself up, then runs every notebook (smoke scale here).
    const reproduce = await runShown(commands[0], clone, env);
    assertEquals(reproduce.code, 0, `"${commands[0]}" exits 0`);
    assert(
      reproduce.text.includes("setup: registering the Deno Jupyter kernel"),
      "the main job registered the missing Deno kernel itself",
    );
    const kernel = JSON.parse(
      await Deno.readTextFile(`${home}/.local/share/jupyter/kernels/deno/kernel.json`),
    );
    assert(
      String(kernel.argv[0]).startsWith(`${home}/`),
      `the kernel runs the Deno that npx fetched into the new HOME, not ${kernel.argv[0]}`,
    );
    assert(
      [...Deno.readDirSync(`${home}/.cache/deno/npm/registry.npmjs.org`)].length > 0,
      "npm packages were fetched into the new HOME's Deno cache",
    );
    const notebooks = filesIn(`${clone}/notebooks`).filter((n) => n.endsWith(".ipynb"));
    assertEquals(
      (reproduce.text.match(/^notebook ok: /gm) ?? []).length,
      notebooks.length,
      "every notebook ran",
    );
    assertEquals(
      await git(["-C", clone, "status", "--porcelain", "--", "notebooks", "figures", "docs"]),
      "",
      "a smoke run writes under build/ only: the committed chapters, figures and pages are untouched",
    );
    const made = new Set(filesIn(`${clone}/build/figures`));
    const expected = filesIn(`${clone}/figures`).filter((f) => !f.startsWith("."));
    const absent = expected.filter((f) => !made.has(f));
    assertEquals(absent, [], `every committed figure and table was made again (build/figures)`);

    // 2. The tests.
    const test = await runShown(commands[1], clone, env);
    assertEquals(test.code, 0, `"${commands[1]}" exits 0`);
    const summary = test.text.match(/^ok \| (\d+) passed \| 0 failed/m);
    assert(summary, "deno test ends with ok | N passed | 0 failed");

    console.log(
      `\nclean clone: "${commands[0]}" printed its first line after ` +
        `${
          reproduce.firstOutputSeconds.toFixed(1)
        } s (npx fetching Deno), its set-up began after ` +
        `${reproduce.setupSeconds.toFixed(1)} s (Deno fetching the npm packages), and it took ` +
        `${reproduce.seconds.toFixed(1)} s (${notebooks.length} notebooks, ${expected.length} ` +
        `figure and table files); "${commands[1]}" took ${test.seconds.toFixed(1)} s ` +
        `(${summary[1]} passed).`,
    );
  } finally {
    if (Deno.env.get("KD_KEEP_CLEAN_CLONE")) console.log(`kept ${tmp}`);
    else await Deno.remove(tmp, { recursive: true });
  }
});
