/**
 * Issue 26 ("Bad input never crashes and never costs a file"), items 1-9:
 * `deno task distill-targets` in-process through `run`/`main`, and as a
 * subprocess for the signals. Every failure is a named error mapped to exit
 * status 1 or 2, with every pre-existing file untouched and no temporary
 * file left behind.
 */
import { exitStatusOf, main, run, UsageError } from "../../tools/distill_targets.ts";
import { TargetOptionError, TeacherOutputError } from "../../lib/targets/records.ts";
import { outputWriteError, removeStaleTemporaries } from "../../tools/targets/run.ts";
import { assert, assertEquals } from "../assert.ts";

async function withDir(f: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await f(dir);
  } finally {
    await Deno.chmod(dir, 0o755).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every file under `dir` (names, sorted) with its bytes, to check that nothing changed. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    out.set(e.name, e.isFile ? await Deno.readTextFile(p) : e.isDirectory ? "<dir>" : "<link>");
  }
  return out;
}

/** Run the command quietly; returns the thrown error (or null) and the exit status of `main`. */
async function attempt(args: string[]): Promise<{ error: unknown; status: number }> {
  const log = console.log, err = console.error;
  console.log = () => {};
  console.error = () => {};
  try {
    let error: unknown = null;
    try {
      await run(args);
    } catch (e) {
      error = e;
    }
    const status = await main(args);
    return { error, status };
  } finally {
    console.log = log;
    console.error = err;
  }
}

/** The command fails with a named error of `cls`, exit `status`, and leaves `dir` as it was. */
async function refuses(
  dir: string,
  args: string[],
  cls: new (...a: never[]) => Error,
  status: 1 | 2,
  includes: string,
): Promise<string> {
  const before = await snapshot(dir);
  const r = await attempt(args);
  assert(r.error instanceof cls, `expected ${cls.name}, got ${r.error}`);
  assertEquals(exitStatusOf(r.error), status);
  assertEquals(r.status, status);
  const message = (r.error as Error).message;
  assert(message.includes(includes), `expected "${includes}" in: ${message}`);
  assert(!message.includes("\n"), `one line: ${message}`);
  assertEquals(await snapshot(dir), before, "files untouched, no temporaries left");
  return message;
}

async function ok(args: string[]) {
  const r = await attempt(args);
  assertEquals(r.error, null);
  assertEquals(r.status, 0);
}

const lines = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";

async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("item 1: a report where exactly one input has the most responses (2 inputs; 1,000 + 1)", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/m.jsonl`,
      lines([{ id: 1, responses: [1, 2, 3] }, { id: 2, responses: [1, 2, 3, 4] }]),
    );
    await ok([
      "--in",
      `${dir}/m.jsonl`,
      "--out",
      `${dir}/t.jsonl`,
      "--method",
      "mean",
      "--report",
      `${dir}/r.html`,
    ]);
    assertEquals((await readJsonl(`${dir}/t.jsonl`)).length, 2);
    const md = await Deno.readTextFile(`${dir}/r.md`);
    assert(md.includes("At k = 3 a single input contributes"), md);
    const many = Array.from(
      { length: 1000 },
      (_, i): { id: number | string; responses: number[] } => ({
        id: i,
        responses: [i, i + 1, 2, 5, 1],
      }),
    );
    many.push({ id: "six", responses: [1, 2, 3, 4, 5, 6] });
    await Deno.writeTextFile(`${dir}/m2.jsonl`, lines(many));
    await ok([
      "--in",
      `${dir}/m2.jsonl`,
      "--out",
      `${dir}/t2.jsonl`,
      "--method",
      "mean",
      "--report",
      `${dir}/r2.html`,
    ]);
    assert((await Deno.readTextFile(`${dir}/r2.md`)).includes("At k = 5 a single input"));
  });
});

Deno.test("item 3: --out or --report naming the input (also through a symlink or a hard link) is refused", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/in.jsonl`, lines([{ id: 1, responses: [1, 2] }]));
    await Deno.symlink(`${dir}/in.jsonl`, `${dir}/link.jsonl`);
    await Deno.link(`${dir}/in.jsonl`, `${dir}/hard.jsonl`);
    await Deno.mkdir(`${dir}/sub`);
    const base = ["--in", `${dir}/in.jsonl`, "--method", "mean"];
    for (
      const out of [
        `${dir}/in.jsonl`,
        `${dir}/link.jsonl`,
        `${dir}/hard.jsonl`,
        `${dir}/sub/../in.jsonl`,
      ]
    ) {
      await refuses(dir, [...base, "--out", out], TargetOptionError, 2, "is the input file");
    }
    await Deno.writeTextFile(`${dir}/r.md`, "the teacher's notes");
    await refuses(
      dir,
      [
        "--in",
        `${dir}/r.md`,
        "--format",
        "jsonl",
        "--out",
        `${dir}/t.jsonl`,
        "--method",
        "mean",
        "--report",
        `${dir}/r.html`,
      ],
      UsageError,
      2,
      "which is the --in file",
    );
  });
});

Deno.test('item 4: duplicate ids (1 against "1") are an error naming both lines', async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      lines([{ id: 1, responses: [1, 2] }, { id: 2, responses: [1, 2] }, {
        id: "1",
        responses: [3, 4],
      }]),
    );
    const m = await refuses(
      dir,
      ["--in", `${dir}/in.jsonl`, "--out", `${dir}/t.jsonl`, "--method", "mean"],
      TeacherOutputError,
      1,
      "line 3, id",
    );
    assert(m.includes("line 1"), m);
  });
});

Deno.test("item 5: --space auto decides once for the file (rounded probabilities stay probabilities; a mix is an error)", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/p.jsonl`,
      lines([{ id: 1, responses: [[0.700, 0.200, 0.100], [0.701, 0.200, 0.098]] }]),
    );
    await ok(["--in", `${dir}/p.jsonl`, "--out", `${dir}/t.jsonl`, "--method", "mean"]);
    const [t] = await readJsonl(`${dir}/t.jsonl`);
    const target = t.target as number[];
    assert(Math.abs(target[0] - 0.7008) < 1e-3 && Math.abs(target[2] - 0.0990) < 1e-3, `${target}`);
    assert(Math.abs(target.reduce((a, b) => a + b) - 1) < 1e-12);
    // One input whose vectors are one probability vector and one that is not.
    await Deno.writeTextFile(
      `${dir}/mix.jsonl`,
      lines([{ id: 1, responses: [[0.7, 0.2, 0.1], [2, -1, 0.5]] }]),
    );
    await refuses(
      dir,
      ["--in", `${dir}/mix.jsonl`, "--out", `${dir}/t.jsonl`, "--method", "mean"],
      TeacherOutputError,
      1,
      "--space auto",
    );
    // Across lines too; --space logit reads them all as logits.
    await Deno.writeTextFile(
      `${dir}/mix2.jsonl`,
      lines([{ id: 1, responses: [[0.7, 0.2, 0.1]] }, { id: 2, responses: [[3, 1, 0]] }]),
    );
    await refuses(
      dir,
      ["--in", `${dir}/mix2.jsonl`, "--out", `${dir}/t.jsonl`, "--method", "mean"],
      TeacherOutputError,
      1,
      "line 2, responses[0]",
    );
    await ok([
      "--in",
      `${dir}/mix2.jsonl`,
      "--out",
      `${dir}/t2.jsonl`,
      "--method",
      "mean",
      "--space",
      "logit",
    ]);
  });
});

Deno.test("item 6: a folder, a truncated gzip, an output in a missing folder, under a file, or unwritable: one-line errors", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/folder`);
    await Deno.writeTextFile(`${dir}/in.jsonl`, lines([{ id: 1, responses: [1, 2] }]));
    const text = lines(Array.from({ length: 3000 }, (_, i) => ({ id: i, responses: [i, 2, 3] })));
    const gz = new Uint8Array(
      await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")))
        .arrayBuffer(),
    );
    await Deno.writeFile(`${dir}/cut.jsonl.gz`, gz.subarray(0, gz.length >> 1));
    const m = ["--method", "mean"];
    await refuses(
      dir,
      ["--in", `${dir}/folder`, "--out", `${dir}/t.jsonl`, ...m],
      TeacherOutputError,
      1,
      "is a folder",
    );
    await refuses(
      dir,
      ["--in", `${dir}/cut.jsonl.gz`, "--out", `${dir}/t.jsonl`, ...m],
      TeacherOutputError,
      1,
      "cannot read",
    );
    await refuses(
      dir,
      ["--in", `${dir}/in.jsonl`, "--out", `${dir}/none/t.jsonl`, ...m],
      TeacherOutputError,
      1,
      "folder does not exist",
    );
    await refuses(
      dir,
      ["--in", `${dir}/in.jsonl`, "--out", `${dir}/in.jsonl/t.jsonl`, ...m],
      TeacherOutputError,
      1,
      "is a file, not a folder",
    );
    await refuses(
      dir,
      ["--in", `${dir}/in.jsonl`, "--out", `${dir}/folder`, ...m],
      TeacherOutputError,
      1,
      "is a folder",
    );
    await refuses(
      dir,
      [
        "--in",
        `${dir}/in.jsonl`,
        "--out",
        `${dir}/t.jsonl`,
        ...m,
        "--report",
        `${dir}/in.jsonl/r.html`,
      ],
      TeacherOutputError,
      1,
      "--report",
    );
    // A read-only file system (EROFS) and a folder we may not write to (sysfs refuses even root).
    const rofs = outputWriteError("x/t.jsonl", new Error("Read-only file system (os error 30)"));
    assert(
      rofs instanceof TeacherOutputError && rofs.message.includes("no permission"),
      rofs.message,
    );
    if (Deno.build.os === "linux") {
      const r = await attempt(["--in", `${dir}/in.jsonl`, "--out", "/sys/t.jsonl", ...m]);
      assert(r.error instanceof TeacherOutputError, `${r.error}`);
      assertEquals(r.status, 1);
    }
  });
});

Deno.test("item 7: a quoted CSV id with a comma", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.csv`,
      'id,response_1,response_2\n"x,1",1,2\n"say ""hi""",3,5\n',
    );
    await ok(["--in", `${dir}/in.csv`, "--out", `${dir}/t.jsonl`, "--method", "mean"]);
    const out = await readJsonl(`${dir}/t.jsonl`);
    assertEquals(out.map((o) => [o.id, o.target]), [["x,1", 1.5], ['say "hi"', 4]]);
    await Deno.writeTextFile(`${dir}/bad.csv`, '"x,1,1,2\n');
    await refuses(
      dir,
      ["--in", `${dir}/bad.csv`, "--out", `${dir}/t2.jsonl`, "--method", "mean"],
      TeacherOutputError,
      1,
      "unbalanced quote",
    );
  });
});

Deno.test("item 8: stale temporaries of dead processes are removed on start, live ones kept", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/in.jsonl`, lines([{ id: 1, responses: [1, 2] }]));
    // PID 2^22 + 1 is above Linux's pid_max: no such process.
    await Deno.writeTextFile(`${dir}/.t.jsonl.part1-4194305`, "stale");
    await Deno.writeTextFile(`${dir}/.t.jsonl.part2-4194305`, "stale");
    await Deno.writeTextFile(`${dir}/.t.jsonl.part1-${Deno.pid}`, "ours, alive");
    await Deno.writeTextFile(`${dir}/.other.jsonl.part1-4194305`, "not this output's");
    if (Deno.build.os !== "linux") return;
    const removed = await removeStaleTemporaries(`${dir}/t.jsonl`);
    assertEquals(removed.sort(), [
      `${dir}/.t.jsonl.part1-4194305`,
      `${dir}/.t.jsonl.part2-4194305`,
    ]);
    assertEquals(
      [...(await snapshot(dir)).keys()].sort(),
      [`.other.jsonl.part1-4194305`, `.t.jsonl.part1-${Deno.pid}`, "in.jsonl"],
    );
  });
});

for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`item 8: ${sig} removes the temporary file and exits ${code}`, async () => {
    if (Deno.build.os === "windows") return;
    await withDir(async (dir) => {
      const parts: string[] = [];
      for (let i = 0; i < 300_000; i++) parts.push(`{"id":${i},"responses":[${i % 7},2,3,4,5]}\n`);
      await Deno.writeTextFile(`${dir}/in.jsonl`, parts.join(""));
      await Deno.writeTextFile(`${dir}/t.jsonl`, "the previous targets\n");
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          new URL("../../tools/distill_targets.ts", import.meta.url).pathname,
          "--in",
          `${dir}/in.jsonl`,
          "--out",
          `${dir}/t.jsonl`,
          "--method",
          "mean",
        ],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const tmp = `${dir}/.t.jsonl.part1-${child.pid}`;
      let seen = false;
      for (let i = 0; i < 2000 && !seen; i++) {
        seen = await Deno.stat(tmp).then(() => true, () => false);
        if (!seen) await new Promise((r) => setTimeout(r, 5));
      }
      child.kill(sig);
      const st = await child.output();
      const stderr = new TextDecoder().decode(st.stderr);
      assert(seen, "the temporary file appeared");
      assertEquals(st.code, code, stderr);
      assertEquals([...(await snapshot(dir)).keys()].sort(), ["in.jsonl", "t.jsonl"]);
      assertEquals(await Deno.readTextFile(`${dir}/t.jsonl`), "the previous targets\n");
    });
  });
}

Deno.test("item 9: replacing an output is said on stderr; one response: null variance and an honest flag line", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      lines([{ id: 1, input: { q: "a?" }, responses: [5] }, { id: 2, responses: [5, 7] }]),
    );
    await Deno.writeTextFile(`${dir}/t.jsonl`, "old\n");
    const said: string[] = [];
    const log = console.log, err = console.error;
    console.log = (...a: unknown[]) => said.push(a.join(" "));
    console.error = (...a: unknown[]) => said.push(a.join(" "));
    try {
      assertEquals(
        await main(["--in", `${dir}/in.jsonl`, "--out", `${dir}/t.jsonl`, "--method", "mean"]),
        0,
      );
    } finally {
      console.log = log;
      console.error = err;
    }
    const text = said.join("\n");
    assert(text.includes("exists: it is replaced"), text);
    assert(!text.includes("Infinity"), text);
    assert(text.includes("no input flagged"), text);
    const out = await readJsonl(`${dir}/t.jsonl`);
    assertEquals(out[0], {
      id: 1,
      input: { q: "a?" },
      target: 5,
      k: 1,
      teacher_variance: null,
      target_variance: null,
      flag: false,
    });
  });
});

Deno.test("item 9: values near 1e308 keep a finite mean and variance, or fail clearly", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      // Their plain sum overflows; values near 1e308 are one ulp (~2e292) apart at least, so the
      // variance is 0 or beyond the largest double.
      lines([{ id: 1, responses: [1.7e308, 1.7e308, 1.7e308] }, {
        id: 2,
        responses: [-1.5e308, -1.5e308],
      }]),
    );
    await ok(["--in", `${dir}/in.jsonl`, "--out", `${dir}/t.jsonl`, "--method", "mean"]);
    const out = await readJsonl(`${dir}/t.jsonl`);
    assertEquals([out[0].target, out[0].teacher_variance], [1.7e308, 0]);
    assertEquals([out[1].target, out[1].teacher_variance], [-1.5e308, 0]);
    await Deno.writeTextFile(
      `${dir}/wide.jsonl`,
      lines([{ id: 1, responses: [1.7e308, -1.7e308] }]),
    );
    await refuses(
      dir,
      ["--in", `${dir}/wide.jsonl`, "--out", `${dir}/t2.jsonl`, "--method", "mean"],
      TeacherOutputError,
      1,
      "beyond the largest double",
    );
  });
});

Deno.test("item 9: average-k without --k and other bad options exit 2", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/in.jsonl`, lines([{ id: 1, responses: [1, 2] }]));
    const base = ["--in", `${dir}/in.jsonl`, "--out", `${dir}/t.jsonl`];
    await refuses(dir, [...base, "--method", "average-k"], UsageError, 2, "needs --k");
    await refuses(dir, [...base, "--method", "mean", "--k", "0"], UsageError, 2, "--k");
    await refuses(
      dir,
      [...base, "--method", "mean", "--report", `${dir}/r.pdf`],
      TargetOptionError,
      2,
      "--report",
    );
    const r = await attempt([...base, "--method", "mean", "--bogus"]);
    assertEquals([exitStatusOf(r.error), r.status], [2, 2]);
  });
});

Deno.test("item 9: --report r.md writes r.md and its charts, not r.md.html", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      lines(Array.from({ length: 6 }, (_, i) => ({ id: i, responses: [i, i * 2, 1] }))),
    );
    await ok([
      "--in",
      `${dir}/in.jsonl`,
      "--out",
      `${dir}/t.jsonl`,
      "--method",
      "mean",
      "--report",
      `${dir}/r.md`,
    ]);
    const names = [...(await snapshot(dir)).keys()].sort();
    assertEquals(names, ["in.jsonl", "r.md", "r_averaging.svg", "r_variance.svg", "t.jsonl"]);
  });
});
