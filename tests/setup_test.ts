import { assert, assertEquals, assertRejects } from "./assert.ts";
import {
  dpkgInstalled,
  familyOf,
  JUPYTER_DEBIAN_PACKAGES,
  jupyterInstallCommand,
  kernelProblem,
  main,
  missingPackages,
  parseOsRelease,
  setup,
  SetupError,
  speedNote,
  speedUpInstallCommand,
  speedUpPackages,
} from "../tools/setup.ts";

Deno.test("os-release fields are read with or without quotes, in lower case", () => {
  assertEquals(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n'), {
    id: "debian",
    idLike: [],
  });
  assertEquals(parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\n'), {
    id: "rocky",
    idLike: ["rhel", "centos", "fedora"],
  });
  assertEquals(parseOsRelease(""), { id: "", idLike: [] });
});

Deno.test("the family follows ID, then ID_LIKE, then the operating system", () => {
  assertEquals(familyOf("linux", parseOsRelease("ID=debian")), "debian");
  assertEquals(familyOf("linux", parseOsRelease("ID=ubuntu\nID_LIKE=debian")), "debian");
  assertEquals(familyOf("linux", parseOsRelease("ID=linuxmint\nID_LIKE=ubuntu")), "debian");
  assertEquals(
    familyOf("linux", parseOsRelease('ID=rocky\nID_LIKE="rhel centos fedora"')),
    "fedora",
  );
  assertEquals(familyOf("linux", parseOsRelease("ID=arch")), "arch");
  assertEquals(familyOf("linux", parseOsRelease("ID=alpine")), "other");
  assertEquals(familyOf("darwin", parseOsRelease("")), "macos");
  assertEquals(familyOf("windows", parseOsRelease("ID=debian")), "other");
});

Deno.test("the install command names the system's tool, with sudo unless root", () => {
  assertEquals(
    jupyterInstallCommand({ family: "debian", root: true }),
    "apt-get install jupyter-client python3-nbclient python3-nbconvert python3-ipykernel",
  );
  assertEquals(
    jupyterInstallCommand({ family: "debian", root: false }, ["python3-nbclient"]),
    "sudo apt-get install python3-nbclient",
  );
  assertEquals(
    jupyterInstallCommand({ family: "fedora", root: false }),
    "sudo dnf install python3-nbclient",
  );
  assertEquals(jupyterInstallCommand({ family: "arch", root: true }), "pacman -S python-nbclient");
  assertEquals(
    jupyterInstallCommand({ family: "macos", root: false }),
    "python3 -m pip install nbclient",
  );
});

Deno.test("missing packages are those the check rejects, in order, once each", async () => {
  const installed = new Set(["b", "d"]);
  const asked: string[] = [];
  const missing = await missingPackages(["a", "b", "c", "a", "d"], (p) => {
    asked.push(p);
    return Promise.resolve(installed.has(p));
  });
  assertEquals(missing, ["a", "c"]);
  assertEquals(asked, ["a", "b", "c", "d"]);
});

const hasDpkg = await new Deno.Command("dpkg-query", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "dpkg reports its own package installed and a made-up one missing",
  ignore: !hasDpkg, // no dpkg-query here: not Debian or Ubuntu
  fn: async () => {
    assert(await dpkgInstalled("dpkg"), "dpkg itself is installed");
    assert(!(await dpkgInstalled("kd-uncertainty-no-such-package")), "a made-up name is missing");
  },
});

Deno.test("a kernelspec whose program exists can start; one whose program is gone cannot", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const write = (argv: unknown) =>
      Deno.writeTextFileSync(`${dir}/kernel.json`, JSON.stringify({ argv, display_name: "Deno" }));
    write([Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"]);
    assertEquals(kernelProblem(dir), undefined);
    write(["sh", "jupyter"]); // a name looked up on PATH
    assertEquals(kernelProblem(dir), undefined);
    write([`${dir}/gone/deno`, "jupyter"]);
    assertEquals(kernelProblem(dir), `its program ${dir}/gone/deno does not exist`);
    write(["kd-no-such-program-on-path"]);
    assertEquals(kernelProblem(dir), 'its program "kd-no-such-program-on-path" is not on PATH');
    write([]);
    assertEquals(kernelProblem(dir), `${dir}/kernel.json has no argv`);
    Deno.removeSync(`${dir}/kernel.json`);
    assert(kernelProblem(dir)?.startsWith(`cannot read ${dir}/kernel.json`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Run `fn` with no Python that can import nbclient (KD_JUPYTER_PYTHON points nowhere). */
async function withoutJupyter(fn: () => Promise<void>): Promise<void> {
  const saved = Deno.env.get("KD_JUPYTER_PYTHON");
  Deno.env.set("KD_JUPYTER_PYTHON", "/nonexistent/kd-python3");
  try {
    await fn();
  } finally {
    if (saved === undefined) Deno.env.delete("KD_JUPYTER_PYTHON");
    else Deno.env.set("KD_JUPYTER_PYTHON", saved);
  }
}

const quiet = () => {};

Deno.test("without Jupyter and without root on Debian, setup stops with the exact apt-get command", async () => {
  await withoutJupyter(async () => {
    const asked: string[] = [];
    const err = await assertRejects(
      () =>
        setup({
          system: { family: "debian", root: false },
          isInstalled: (p) => (asked.push(p), Promise.resolve(p === "jupyter-client")),
          log: quiet,
        }),
      SetupError,
    );
    assertEquals(asked, [...JUPYTER_DEBIAN_PACKAGES]);
    assert(
      err.message.includes(
        "\n  sudo apt-get install python3-nbclient python3-nbconvert python3-ipykernel\n",
      ),
      err.message,
    );
  });
});

Deno.test("without Jupyter on macOS or Fedora, setup stops with that system's command", async () => {
  await withoutJupyter(async () => {
    for (
      const [family, command] of [
        ["macos", "python3 -m pip install nbclient"],
        ["fedora", "dnf install python3-nbclient"],
      ] as const
    ) {
      const err = await assertRejects(
        () => setup({ system: { family, root: true }, log: quiet }),
        SetupError,
      );
      assert(err.message.includes(`\n  ${command}\n`), err.message);
    }
  });
});

Deno.test("extra Debian packages are refused without root, before anything is installed", async () => {
  let asked = 0;
  const err = await assertRejects(
    () =>
      setup({
        system: { family: "debian", root: false },
        extraApt: ["chromium"],
        isInstalled: () => (asked++, Promise.resolve(false)),
        log: quiet,
      }),
    SetupError,
  );
  assert(err.message.includes("--extra-apt (chromium)"), err.message);
  assertEquals(asked, 0);
});

Deno.test("Jupyter's packages installed but no Python imports nbclient: setup says what to check", async () => {
  await withoutJupyter(async () => {
    const err = await assertRejects(
      () =>
        setup({
          system: { family: "debian", root: true },
          isInstalled: () => Promise.resolve(true), // nothing to install, so apt-get never runs
          log: quiet,
        }),
      SetupError,
    );
    assert(err.message.includes("KD_JUPYTER_PYTHON"), err.message);
  });
});

Deno.test("missing speed-ups are one line with the cost and the packages that add them", () => {
  const debian = { family: "debian" as const, root: true };
  assertEquals(speedNote({ compiler: "cc", openblas: "/lib/libopenblas.so.0" }, debian), undefined);
  const none = speedNote({}, debian);
  assert(none?.includes("portable TypeScript path, 20-30x slower"), none);
  assert(none?.includes("TensorFlow.js, 7-9x slower"), none);
  assert(none?.includes("hours instead of about 25 minutes"), none);
  assert(none?.endsWith("To add them: apt-get install gcc libc6-dev libopenblas0."), none);
  assert(!none?.includes("\n"), "one line");
  const noCc = speedNote({ openblas: "libopenblas.so.0" }, { family: "debian", root: false });
  assert(noCc?.includes("OpenBLAS path"), noCc);
  assert(noCc?.endsWith("To add them: sudo apt-get install gcc libc6-dev."), noCc);
  const noBlas = speedNote({ compiler: "cc" }, { family: "macos", root: false });
  assert(noBlas?.includes("no OpenBLAS: the language models run on TensorFlow.js"), noBlas);
  assert(noBlas?.endsWith("To add them: brew install openblas."), noBlas);
});

Deno.test("the command that adds the speed-ups is that system's own", () => {
  const user = (family: "debian" | "fedora" | "arch" | "macos" | "other") => ({
    family,
    root: false,
  });
  assertEquals(speedUpInstallCommand({ compiler: "cc", openblas: "x" }, user("debian")), undefined);
  assertEquals(
    speedUpInstallCommand({}, user("fedora")),
    "sudo dnf install gcc glibc-devel openblas",
  );
  assertEquals(speedUpInstallCommand({ compiler: "cc" }, user("arch")), "sudo pacman -S openblas");
  assertEquals(
    speedUpInstallCommand({}, user("macos")),
    "xcode-select --install && brew install openblas",
  );
  assertEquals(
    speedUpInstallCommand({}, user("other")),
    "install a C compiler and OpenBLAS from your system's packages",
  );
  assertEquals(speedUpPackages({ openblas: "x" }), ["gcc", "libc6-dev"]);
});

/** A set-up run with every probe stubbed: what it installed and what it said. */
async function plannedSetup(
  system: { family: "debian" | "fedora" | "macos"; root: boolean },
  machine: { jupyter: boolean; compiler: boolean; openblas: boolean; dpkg: string[] },
) {
  const installed: string[][] = [];
  const lines: string[] = [];
  const have = { ...machine, dpkg: new Set(machine.dpkg) };
  const jupyter = { python: "/usr/bin/python3", denoKernel: Deno.makeTempDirSync() };
  Deno.writeTextFileSync(
    `${jupyter.denoKernel}/kernel.json`,
    JSON.stringify({ argv: [Deno.execPath(), "jupyter"] }),
  );
  try {
    await setup({
      system,
      log: (l) => lines.push(l),
      isInstalled: (p) => Promise.resolve(have.dpkg.has(p)),
      findJupyter: () =>
        have.jupyter ? Promise.resolve(jupyter) : Promise.reject(new Error("no nbclient")),
      findSpeedUps: () =>
        Promise.resolve({
          compiler: have.compiler ? "cc" : undefined,
          openblas: have.openblas ? "/usr/lib/x86_64-linux-gnu/libopenblas.so.0" : undefined,
        }),
      install: (packages) => {
        installed.push([...packages]);
        for (const p of packages) have.dpkg.add(p);
        if (packages.includes("python3-nbclient")) have.jupyter = true;
        if (packages.includes("libopenblas0")) have.openblas = true;
        if (packages.includes("gcc")) have.compiler = true;
        return Promise.resolve();
      },
    });
  } finally {
    Deno.removeSync(jupyter.denoKernel, { recursive: true });
  }
  return { installed, lines };
}

Deno.test("as root on Debian, a machine without OpenBLAS gets it from the main job's set-up", async () => {
  const { installed, lines } = await plannedSetup({ family: "debian", root: true }, {
    jupyter: true,
    compiler: true,
    openblas: false,
    dpkg: ["gcc", "libc6-dev", ...JUPYTER_DEBIAN_PACKAGES],
  });
  assertEquals(installed, [["libopenblas0"]]);
  const ok = lines.find((l) => l.startsWith("setup: ok"));
  assert(ok?.includes("OpenBLAS (/usr/lib/x86_64-linux-gnu/libopenblas.so.0)"), ok);
  assert(!lines.some((l) => l.includes("speed-ups missing")), lines.join("\n"));
});

Deno.test("as root on a bare Debian, Jupyter, the compiler and OpenBLAS come in one apt-get", async () => {
  const { installed } = await plannedSetup({ family: "debian", root: true }, {
    jupyter: false,
    compiler: false,
    openblas: false,
    dpkg: [],
  });
  assertEquals(installed, [[...JUPYTER_DEBIAN_PACKAGES, "gcc", "libc6-dev", "libopenblas0"]]);
});

Deno.test("a machine that has the speed-ups installs nothing", async () => {
  const { installed, lines } = await plannedSetup({ family: "debian", root: true }, {
    jupyter: true,
    compiler: true,
    openblas: true,
    dpkg: [],
  });
  assertEquals(installed, []);
  assertEquals(lines.filter((l) => l.includes("speed-ups")), []);
});

Deno.test("without root, the set-up installs nothing, gives the command and the cost, and goes on", async () => {
  for (const family of ["debian", "fedora", "macos"] as const) {
    const { installed, lines } = await plannedSetup({ family, root: false }, {
      jupyter: true,
      compiler: true,
      openblas: false,
      dpkg: [],
    });
    assertEquals(installed, [], family);
    const note = lines.find((l) => l.includes("speed-ups missing"));
    assert(note?.includes("7-9x slower"), note);
    assert(
      note?.endsWith(
        {
          debian: "sudo apt-get install libopenblas0.",
          fedora: "sudo dnf install openblas.",
          macos: "brew install openblas.",
        }[family],
      ),
      note,
    );
  }
});

Deno.test("the set-up command rejects an unknown argument and an empty --extra-apt", async () => {
  const errors: unknown[] = [];
  const saved = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    assertEquals(await main(["--bogus"]), 2);
    assertEquals(await main(["--extra-apt"]), 2);
  } finally {
    console.error = saved;
  }
  assert(String(errors[0]).includes("unknown argument --bogus"), String(errors[0]));
  assert(String(errors[1]).includes("--extra-apt needs"), String(errors[1]));
});
