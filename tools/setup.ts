/**
 * What the main job needs before the first notebook runs, set up on first use
 * and said out loud: a Python that can run Jupyter's `nbclient`, the Deno
 * Jupyter kernel, and (optional, for speed) a C compiler and OpenBLAS.
 *
 * ```sh
 * deno task reproduce     # calls setup() first (tools/reproduce.ts)
 * deno run --allow-read --allow-write --allow-env --allow-run --allow-sys=uid \
 *   tools/setup.ts [--extra-apt "PKG ..."]   # the same set-up alone (.ci/run uses this)
 * ```
 *
 * - Jupyter: when no Python can import nbclient, on Debian or Ubuntu as root
 *   it prints the missing Debian packages, then runs `apt-get update` and
 *   `apt-get install`; anywhere else it prints the exact command for that
 *   system and stops (exit 2).
 * - The Deno kernel: registered with this Deno (`deno jupyter --install`)
 *   when Jupyter has none, or when the registered one points at a Deno that no
 *   longer exists (an `npx` cache that was cleared).
 * - A C compiler and OpenBLAS, which make the run fast (the cohort trainer's
 *   native kernel and the language models' native engine): on Debian or Ubuntu
 *   as root they are installed with apt-get together with Jupyter (the list
 *   printed first), as the main job's own step; elsewhere one line gives the
 *   exact command for that system and what going on without them costs
 *   ({@link PORTABLE_SLOWDOWN}, {@link LLM_TFJS_SLOWDOWN}), and the run goes on.
 * - `--extra-apt`: more Debian packages to install the same way (CI's browser,
 *   PDF tools, compiler and OpenBLAS); these need Debian or Ubuntu as root.
 *
 * Exit status of the command: 0 when everything needed is there, 2 otherwise.
 *
 * @module
 */

import { blasLibraryPaths } from "../lib/blas.ts";
import { findJupyterPython, type JupyterPython, UsageError } from "./run_notebooks.ts";

/** Debian/Ubuntu packages that run the notebooks headless with the Deno kernel. */
export const JUPYTER_DEBIAN_PACKAGES: readonly string[] = [
  "jupyter-client",
  "python3-nbclient",
  "python3-nbconvert",
  "python3-ipykernel",
];

/** The portable path's slowdown against the native kernel, as measured (README). */
export const PORTABLE_SLOWDOWN = "20-30x";

/**
 * The language models' slowdown on tfjs against the native engine, as measured
 * in data/models/README.md (training 8.0x per CPU-second at 4x128, one student
 * epoch 7.1x, sampling about 8.7x).
 */
export const LLM_TFJS_SLOWDOWN = "7-9x";

/** Debian/Ubuntu packages of the speed-ups: the C compiler and its headers, OpenBLAS. */
export const SPEED_DEBIAN_PACKAGES = {
  compiler: ["gcc", "libc6-dev"],
  openblas: ["libopenblas0"],
} as const;

/** A set-up problem the user must fix; its message says how. Exit status 2. */
export class SetupError extends UsageError {}

/** The kind of system, as far as installing Jupyter goes. */
export type Family = "debian" | "fedora" | "arch" | "macos" | "other";

/** What the set-up needs to know about the machine. */
export interface SystemInfo {
  /** Which package commands apply. */
  family: Family;
  /** Whether this process may install system packages itself (uid 0). */
  root: boolean;
}

/**
 * `ID` and `ID_LIKE` of an os-release file (`/etc/os-release`), lower case.
 *
 * @example
 * ```ts
 * parseOsRelease('ID=ubuntu\nID_LIKE="debian"\n'); // { id: "ubuntu", idLike: ["debian"] }
 * ```
 */
export function parseOsRelease(text: string): { id: string; idLike: string[] } {
  const field = (name: string) => {
    const m = text.match(new RegExp(`^${name}=(.*)$`, "m"));
    return m ? m[1].trim().replace(/^["']|["']$/g, "").toLowerCase() : "";
  };
  return { id: field("ID"), idLike: field("ID_LIKE").split(/\s+/).filter(Boolean) };
}

/** The family of an operating system (`Deno.build.os`) and its os-release fields. */
export function familyOf(os: string, release: { id: string; idLike: string[] }): Family {
  if (os === "darwin") return "macos";
  if (os !== "linux") return "other";
  const ids = [release.id, ...release.idLike];
  if (ids.some((i) => i === "debian" || i === "ubuntu")) return "debian";
  if (ids.some((i) => i === "fedora" || i === "rhel" || i === "centos")) return "fedora";
  if (ids.some((i) => i === "arch")) return "arch";
  return "other";
}

/** This machine's family and whether it runs as root. */
export function detectSystem(): SystemInfo {
  let release = { id: "", idLike: [] as string[] };
  try {
    release = parseOsRelease(Deno.readTextFileSync("/etc/os-release"));
  } catch {
    // no os-release (macOS, Windows): the family comes from Deno.build.os
  }
  let root = false;
  try {
    root = Deno.uid() === 0;
  } catch {
    // no --allow-sys=uid: assume not root, so nothing is installed unasked
  }
  return { family: familyOf(Deno.build.os, release), root };
}

/**
 * The exact command that installs what runs the notebooks headless (nbclient,
 * which brings jupyter_client and nbformat) on this kind of system, with
 * `sudo` unless root. On Debian/Ubuntu `packages` (default: all of
 * {@link JUPYTER_DEBIAN_PACKAGES}) are the ones named.
 *
 * @example
 * ```ts
 * jupyterInstallCommand({ family: "fedora", root: false }); // "sudo dnf install python3-nbclient"
 * ```
 */
export function jupyterInstallCommand(system: SystemInfo, packages?: readonly string[]): string {
  const sudo = system.root ? "" : "sudo ";
  switch (system.family) {
    case "debian":
      return `${sudo}apt-get install ${(packages ?? JUPYTER_DEBIAN_PACKAGES).join(" ")}`;
    case "fedora":
      return `${sudo}dnf install python3-nbclient`;
    case "arch":
      return `${sudo}pacman -S python-nbclient`;
    default:
      return "python3 -m pip install nbclient";
  }
}

/** Whether dpkg reports a Debian package as installed. */
export async function dpkgInstalled(pkg: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("dpkg-query", {
      args: ["-W", "-f=${Status}", pkg],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success && new TextDecoder().decode(out.stdout).includes("install ok installed");
  } catch {
    return false; // no dpkg
  }
}

/** The packages of `packages` that `isInstalled` says are missing, in order, without repeats. */
export async function missingPackages(
  packages: readonly string[],
  isInstalled: (pkg: string) => Promise<boolean> = dpkgInstalled,
): Promise<string[]> {
  const missing: string[] = [];
  for (const p of new Set(packages)) if (!(await isInstalled(p))) missing.push(p);
  return missing;
}

async function run(cmd: string, args: string[], env?: Record<string, string>): Promise<boolean> {
  const { success } = await new Deno.Command(cmd, {
    args,
    env,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return success;
}

/** `apt-get update` (tried twice) then `apt-get install` of `packages`, printing the list first. */
export async function aptInstall(packages: readonly string[], log = console.log): Promise<void> {
  log(`setup: installing Debian packages with apt-get: ${packages.join(" ")}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const updated = await run("apt-get", ["update", "-q"], env) ||
    (await new Promise((r) => setTimeout(r, 5000)), await run("apt-get", ["update", "-q"], env));
  if (!updated) throw new SetupError("`apt-get update` failed; see its messages above.");
  const installed = await run(
    "apt-get",
    ["install", "-y", "-q", "--no-install-recommends", ...packages],
    env,
  );
  if (!installed) {
    throw new SetupError(
      `\`apt-get install ${packages.join(" ")}\` failed; see its messages above.`,
    );
  }
}

function whichOnPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Why the Deno kernelspec in `kernelDir` cannot start, or `undefined` when
 * its program (argv[0] of kernel.json, a path or a name on PATH) exists.
 */
export function kernelProblem(kernelDir: string): string | undefined {
  let argv0: unknown;
  try {
    argv0 = JSON.parse(Deno.readTextFileSync(`${kernelDir}/kernel.json`)).argv?.[0];
  } catch (e) {
    return `cannot read ${kernelDir}/kernel.json: ${(e as Error).message}`;
  }
  if (typeof argv0 !== "string" || argv0 === "") return `${kernelDir}/kernel.json has no argv`;
  if (!argv0.includes("/")) {
    return whichOnPath(argv0) ? undefined : `its program "${argv0}" is not on PATH`;
  }
  try {
    return Deno.statSync(argv0).isFile ? undefined : `its program ${argv0} is not a file`;
  } catch {
    return `its program ${argv0} does not exist`;
  }
}

/** Register this Deno as Jupyter's "deno" kernel (`deno jupyter --install --force`). */
export async function registerDenoKernel(log = console.log): Promise<void> {
  const deno = Deno.execPath();
  log(`setup: registering the Deno Jupyter kernel: ${deno} jupyter --install`);
  const out = await new Deno.Command(deno, {
    args: ["jupyter", "--install", "--force"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new SetupError(`\`deno jupyter --install\` failed:\n${text.trim()}`);
  }
}

/** What the optional speed-ups found: the compiler command and OpenBLAS file, or undefined. */
export interface SpeedUps {
  compiler?: string;
  openblas?: string;
}

/** Whether `cc` compiles C that includes the standard headers the native kernel uses. */
async function compilerWorks(cc: string): Promise<boolean> {
  try {
    const child = new Deno.Command(cc, {
      args: ["-x", "c", "-fsyntax-only", "-"],
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(
        "#include <math.h>\n#include <stdint.h>\nint main(void) { return 0; }\n",
      ),
    );
    await writer.close();
    return (await child.status).success;
  } catch {
    return false; // not installed
  }
}

/** The OpenBLAS library the cohort trainer would load (lib/blas.ts's list), if any. */
async function findOpenBlas(): Promise<string | undefined> {
  for (const file of blasLibraryPaths()) {
    if (file.includes("/")) {
      try {
        if (Deno.statSync(file).isFile) return file;
      } catch {
        // not there
      }
    } else {
      try {
        const out = await new Deno.Command("ldconfig", { args: ["-p"], stdout: "piped" }).output();
        if (new TextDecoder().decode(out.stdout).includes(file)) return file;
      } catch {
        // no ldconfig
      }
    }
  }
  return undefined;
}

/** Look for the optional speed-ups: a working C compiler (`KD_CC` or `cc`) and OpenBLAS. */
export async function findSpeedUps(): Promise<SpeedUps> {
  const cc = Deno.env.get("KD_CC") || "cc";
  return {
    compiler: (await compilerWorks(cc)) ? cc : undefined,
    openblas: await findOpenBlas(),
  };
}

/** The Debian packages that add the speed-ups `found` lacks, in install order. */
export function speedUpPackages(found: SpeedUps): string[] {
  return [
    ...(found.compiler ? [] : SPEED_DEBIAN_PACKAGES.compiler),
    ...(found.openblas ? [] : SPEED_DEBIAN_PACKAGES.openblas),
  ];
}

/**
 * The exact command that adds the speed-ups `found` lacks on this kind of
 * system (with `sudo` unless root), or undefined when nothing is missing.
 *
 * @example
 * ```ts
 * speedUpInstallCommand({ compiler: "cc" }, { family: "fedora", root: false });
 * // "sudo dnf install openblas"
 * ```
 */
export function speedUpInstallCommand(found: SpeedUps, system: SystemInfo): string | undefined {
  if (found.compiler && found.openblas) return undefined;
  const sudo = system.root ? "" : "sudo ";
  const pick = (cc: string, blas: string) =>
    [found.compiler ? "" : cc, found.openblas ? "" : blas].filter(Boolean).join(" ");
  switch (system.family) {
    case "debian":
      return `${sudo}apt-get install ${speedUpPackages(found).join(" ")}`;
    case "fedora":
      return `${sudo}dnf install ${pick("gcc glibc-devel", "openblas")}`;
    case "arch":
      return `${sudo}pacman -S ${pick("gcc", "openblas")}`;
    case "macos":
      return [
        found.compiler ? "" : "xcode-select --install",
        found.openblas ? "" : "brew install openblas",
      ]
        .filter(Boolean).join(" && ");
    default:
      return `install ${pick("a C compiler", "OpenBLAS").replace(" OpenBLAS", " and OpenBLAS")} ` +
        "from your system's packages";
  }
}

/**
 * The one line that reports missing speed-ups, what going on without them
 * costs, and the command that adds them; undefined when both are there.
 */
export function speedNote(found: SpeedUps, system: SystemInfo): string | undefined {
  if (found.compiler && found.openblas) return undefined;
  const effects: string[] = [];
  if (!found.compiler) {
    effects.push(
      `no working C compiler (${Deno.env.get("KD_CC") || "cc"}), so no native kernels: the ` +
        (found.openblas
          ? "cohort trainer uses its OpenBLAS path instead (slower than the native kernel)"
          : `cohort trainer uses its portable TypeScript path, ${PORTABLE_SLOWDOWN} slower ` +
            "(same results to float32 round-off)"),
    );
  }
  if (!found.compiler || !found.openblas) {
    effects.push(
      `${found.openblas ? "" : "no OpenBLAS: "}the language models run on TensorFlow.js, ` +
        `${LLM_TFJS_SLOWDOWN} slower than their native engine`,
    );
  }
  return `setup: speed-ups missing, going on without them: ${effects.join("; ")}; ` +
    "the default run then takes hours instead of about 25 minutes. " +
    `To add them: ${speedUpInstallCommand(found, system)}.`;
}

/** Options of {@link setup}. */
export interface SetupOptions {
  /** More Debian packages to install when missing (CI only). */
  extraApt?: readonly string[];
  /** Where progress lines go (default console.log). */
  log?: (line: string) => void;
  /** The machine (default: detected). */
  system?: SystemInfo;
  /** Whether a Debian package is installed (default: asks dpkg). */
  isInstalled?: (pkg: string) => Promise<boolean>;
  /** Looks for the speed-ups (default {@link findSpeedUps}). */
  findSpeedUps?: () => Promise<SpeedUps>;
  /** Looks for a Python that imports nbclient (default: `findJupyterPython`). */
  findJupyter?: () => Promise<JupyterPython>;
  /** Installs Debian packages (default {@link aptInstall}). */
  install?: (packages: readonly string[], log: (line: string) => void) => Promise<void>;
}

/**
 * Make sure the notebooks can run, and run fast: Jupyter and the speed-ups
 * (a C compiler and OpenBLAS) installed with one apt-get where allowed (Debian
 * or Ubuntu as root), the Deno kernel registered, and one line on any
 * speed-up still missing. Returns the Python that runs nbclient.
 *
 * @throws SetupError with the command to run, when something is missing that
 *   this process may not install.
 */
export async function setup(options: SetupOptions = {}): Promise<JupyterPython> {
  const log = options.log ?? console.log;
  const system = options.system ?? detectSystem();
  const extra = options.extraApt ?? [];
  if (extra.length > 0 && !(system.family === "debian" && system.root)) {
    throw new SetupError(
      `--extra-apt (${
        extra.join(" ")
      }) installs Debian packages: it needs Debian or Ubuntu, as root.`,
    );
  }
  const findJupyter = options.findJupyter ?? findJupyterPython;
  const probeSpeedUps = options.findSpeedUps ?? findSpeedUps;
  const install = options.install ?? aptInstall;
  let jupyter = await findJupyter().catch(() => undefined);
  let found = await probeSpeedUps();

  // As root on Debian, the speed-ups go in with Jupyter: without them the default
  // run takes hours (the cohort trainer 20-30x, the language models 7-9x slower).
  const speed = system.family === "debian" && system.root ? speedUpPackages(found) : [];
  const wanted = [...(jupyter ? [] : JUPYTER_DEBIAN_PACKAGES), ...speed, ...extra];
  if (system.family === "debian" && wanted.length > 0) {
    const missing = await missingPackages(wanted, options.isInstalled);
    if (missing.length > 0 && system.root) {
      await install(missing, log);
      if (speed.length > 0) found = await probeSpeedUps();
    } else if (missing.length > 0) {
      throw new SetupError(
        "Jupyter, which runs the notebooks, is missing (no Python here imports nbclient), and " +
          `only root can install it. Install it with:\n  ${
            jupyterInstallCommand(system, missing)
          }` +
          "\nthen run this command again.",
      );
    }
  } else if (!jupyter) {
    throw new SetupError(
      "Jupyter, which runs the notebooks, is missing (no Python here imports nbclient), and " +
        `only Debian or Ubuntu packages are installed automatically. Install it with:\n  ${
          jupyterInstallCommand(system)
        }\nthen run this command again (or set KD_JUPYTER_PYTHON to a Python that has it).`,
    );
  }
  if (!jupyter) {
    jupyter = await findJupyter().catch((e: Error) => {
      throw new SetupError(
        `${e.message}\n(Jupyter's Debian packages are installed, yet no Python imports nbclient; ` +
          "is KD_JUPYTER_PYTHON set to another Python?)",
      );
    });
  }

  const problem = jupyter.denoKernel ? kernelProblem(jupyter.denoKernel) : undefined;
  if (!jupyter.denoKernel || problem) {
    if (problem) log(`setup: the Deno kernel in ${jupyter.denoKernel} cannot start: ${problem}`);
    await registerDenoKernel(log);
    jupyter = await findJupyter();
    if (!jupyter.denoKernel) {
      throw new SetupError(
        `\`deno jupyter --install\` ran, yet ${jupyter.python} finds no Deno kernel; ` +
          "check JUPYTER_PATH and JUPYTER_DATA_DIR.",
      );
    }
  }

  const note = speedNote(found, system);
  log(
    `setup: ok: Jupyter (${jupyter.python}), Deno kernel (${jupyter.denoKernel})` +
      (found.compiler ? `, C compiler (${found.compiler})` : "") +
      (found.openblas ? `, OpenBLAS (${found.openblas})` : ""),
  );
  if (note) log(note);
  return jupyter;
}

/** The command line: `[--extra-apt "PKG ..."]`. Returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const extraApt: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=")
      ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)]
      : [args[i], undefined];
    if (flag === "--extra-apt") {
      const v = inline ?? args[++i];
      if (v === undefined) {
        console.error('error: --extra-apt needs a list of packages, e.g. --extra-apt "gcc".');
        return 2;
      }
      extraApt.push(...v.split(/[\s,]+/).filter(Boolean));
    } else {
      console.error(
        `error: unknown argument ${args[i]}; the only option is --extra-apt "PKG ...".`,
      );
      return 2;
    }
  }
  try {
    await setup({ extraApt });
    return 0;
  } catch (e) {
    if (e instanceof SetupError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
