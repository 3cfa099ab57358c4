import { distillTargets } from "../../tools/targets/run.ts";
import { readTeacherOutputs } from "../../tools/targets/read.ts";
import { newReadStats } from "../../tools/targets/read.ts";
import { targetReport, writeTargetReport } from "../../tools/targets/report.ts";
import { assert, assertEquals } from "../assert.ts";

async function withDir(f: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function gzip(text: string): Promise<Uint8Array> {
  const s = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

async function rejects(f: () => Promise<unknown>, includes: string): Promise<string> {
  try {
    await f();
  } catch (e) {
    const m = (e as Error).message;
    assert(m.includes(includes), `expected "${includes}" in: ${m}`);
    return m;
  }
  throw new Error(`expected a rejection mentioning "${includes}"`);
}

const GOOD = [
  `{"id":"a","responses":[1,2,3]}`,
  `{"id":"b","responses":[2,2,5]}`,
  ``,
  `{"id":3,"responses":[0,1,2],"input":{"x":1}}`,
].join("\n");

Deno.test("JSON Lines, CSV and gzip give the same records", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/t.jsonl`, GOOD);
    await Deno.writeFile(`${dir}/t.jsonl.gz`, await gzip(GOOD));
    await Deno.writeTextFile(
      `${dir}/t.csv`,
      "id,response_1,response_2,response_3\na,1,2,3\nb,2,2,5\n3,0,1,2\n",
    );
    const ids = async (p: string) => {
      const out = [];
      for await (const r of readTeacherOutputs(p)) out.push([String(r.id), r.responses, r.line]);
      return out;
    };
    const j = await ids(`${dir}/t.jsonl`);
    assertEquals(j, [["a", [1, 2, 3], 1], ["b", [2, 2, 5], 2], ["3", [0, 1, 2], 4]]);
    assertEquals(await ids(`${dir}/t.jsonl.gz`), j);
    assertEquals(
      (await ids(`${dir}/t.csv`)).map((r) => r.slice(0, 2)),
      j.map((r) => r.slice(0, 2)),
    );
  });
});

const BAD: [string, string, string][] = [
  [
    "malformed line",
    `{"id":"a","responses":[1,2]}\n{"id":"b","responses":[1,`,
    "line 2, record: is not valid JSON",
  ],
  ["wrong type", `{"id":"a","responses":[1,{"x":1}]}`, "line 1, responses[1]"],
  [
    "wrong length",
    `{"id":"a","responses":[[0.5,0.5]]}\n{"id":"b","responses":[[0.2,0.3,0.5]]}`,
    "line 2, responses[0]: has length 3",
  ],
  ["NaN", `{"id":"a","responses":[1,"x"]}\n{"id":"b","responses":[1,NaN]}`, "line 1, responses[1]"],
  [
    "infinite",
    `{"id":"a","responses":[1,1e999]}`,
    "line 1, responses[1]: Infinity is not a finite number",
  ],
  [
    "mixed types",
    `{"id":"a","responses":[1,2]}\n{"id":"b","responses":["two"]}`,
    "line 2, responses[0]: is a text response",
  ],
  ["missing id", `{"responses":[1,2]}`, "line 1, id"],
  ["empty file", ``, "holds no record (empty file)"],
  [
    "k too large",
    `{"id":"a","responses":[1,2,3]}\n{"id":"b","responses":[1,2]}`,
    "line 2, responses: has 2 responses but k = 3",
  ],
];

for (const [what, text, message] of BAD) {
  Deno.test(`bad input (${what}) is refused naming the line and field, and nothing is written`, async () => {
    await withDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/in.jsonl`, text);
      await rejects(
        () =>
          distillTargets({
            input: `${dir}/in.jsonl`,
            output: `${dir}/out.jsonl`,
            method: "average-k",
            k: what === "k too large" ? 3 : 1,
          }),
        message,
      );
      const left = [...Deno.readDirSync(dir)].map((e) => e.name);
      assertEquals(left, ["in.jsonl"]);
    });
  });
}

Deno.test("skip-bad skips bad lines and counts them", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      `${GOOD}\n{"id":"x","responses":[1,NaN]}\nnot json\n{"id":"y","responses":[5]}`,
    );
    const stats = newReadStats();
    const r = await distillTargets({
      input: `${dir}/in.jsonl`,
      output: `${dir}/out.jsonl`,
      method: "average-k",
      k: 2,
      skipBad: true,
    });
    assertEquals(r.stats.skipped, 3); // NaN, not JSON, and "y" with 1 < k = 2 responses
    assertEquals(r.summary.inputs, 3);
    const lines = (await Deno.readTextFile(`${dir}/out.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assertEquals(lines.map((l) => l.id), ["a", "b", 3]);
    assertEquals(lines.map((l) => l.target), [1.5, 2, 0.5]);
    assertEquals(stats.records, 0); // the caller's own stats object is untouched
  });
});

Deno.test("targets carry their variance, k and the extreme-spread flag; the report is written", async () => {
  await withDir(async (dir) => {
    // Nine inputs with variance 1 and one with variance 10,000: only that one is beyond the fence.
    const lines = Array.from(
      { length: 9 },
      (_, i) => JSON.stringify({ id: i, responses: [i, i + 1, i + 2] }),
    );
    lines.push(JSON.stringify({ id: "wild", responses: [0, 100, 200] }));
    await Deno.writeTextFile(`${dir}/in.jsonl`, lines.join("\n"));
    const r = await distillTargets({
      input: `${dir}/in.jsonl`,
      output: `${dir}/out.jsonl`,
      method: "mean",
    });
    const out = (await Deno.readTextFile(`${dir}/out.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assertEquals(out.map((o) => o.flag), [...Array(9).fill(false), true]);
    assertEquals(out[0], {
      id: 0,
      target: 1,
      k: 3,
      teacher_variance: 1,
      target_variance: 1 / 3,
      flag: false,
    });
    assertEquals(r.flagged, 1);
    const rep = targetReport(r, { method: "mean", input: "in.jsonl" });
    const paths = await writeTargetReport(rep, `${dir}/report.html`);
    assertEquals(paths.length, 4); // html, md, two charts
    const html = await Deno.readTextFile(`${dir}/report.html`);
    assert(
      html.includes("<svg") && html.includes("<table>") && html.includes("wild"),
      "report content",
    );
  });
});

Deno.test('item 4: the reader refuses a repeated id (1 against "1"), naming both lines; --skip-bad skips it', async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      `{"id":1,"responses":[1]}\n{"id":"a","responses":[2]}\n{"id":"1","responses":[3]}\n`,
    );
    const m = await rejects(async () => {
      for await (const _ of readTeacherOutputs(`${dir}/in.jsonl`)) { /* read all */ }
    }, "line 3, id");
    assert(m.includes("line 1"), m);
    const ids = [];
    for await (const r of readTeacherOutputs(`${dir}/in.jsonl`, { skipBad: true })) ids.push(r.id);
    assertEquals(ids, [1, "a"]);
    // Increasing numbers first (kept without a map), then a repeat of an earlier one, or its text.
    for (const [later, line] of [["2", 4], ['"3"', 4], ["1.5", 0]] as const) {
      await Deno.writeTextFile(
        `${dir}/inc.jsonl`,
        `{"id":1,"responses":[1]}\n{"id":2,"responses":[1]}\n{"id":3,"responses":[1]}\n` +
          `{"id":${later},"responses":[1]}\n`,
      );
      const got = [];
      try {
        for await (const r of readTeacherOutputs(`${dir}/inc.jsonl`)) got.push(r.id);
        assertEquals([line, got.length], [0, 4]);
      } catch (e) {
        assert((e as Error).message.startsWith(`line ${line}, id`), (e as Error).message);
      }
    }
  });
});

Deno.test("items 6 and 7: a folder or a cut gzip is a one-line TeacherOutputError; quoted CSV cells", async () => {
  await withDir(async (dir) => {
    const read = async (p: string) => {
      const out = [];
      for await (const r of readTeacherOutputs(p)) out.push([r.id, r.responses]);
      return out;
    };
    await Deno.mkdir(`${dir}/folder`);
    await rejects(() => read(`${dir}/folder`), "is a folder");
    const gz = await gzip(
      Array.from({ length: 3000 }, (_, i) => `{"id":${i},"responses":[${i},2]}\n`).join(""),
    );
    await Deno.writeFile(`${dir}/cut.jsonl.gz`, gz.subarray(0, gz.length - 9));
    const m = await rejects(() => read(`${dir}/cut.jsonl.gz`), "cannot read");
    assert(!m.includes("\n"), m);
    await Deno.writeTextFile(`${dir}/q.csv`, `"id","r1"\n"x,1",1,2\n"a ""b""", 3\n`);
    assertEquals(await read(`${dir}/q.csv`), [["x,1", [1, 2]], ['a "b"', [3]]]);
  });
});
