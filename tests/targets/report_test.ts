/**
 * Issue 26 items 1, 2 and 9 at the library level: the report over many
 * inputs, over a k with one input, and its wording for few inputs.
 */
import { distillTargets } from "../../tools/targets/run.ts";
import { reportFiles, targetReport, writeTargetReport } from "../../tools/targets/report.ts";
import { TargetOptionError } from "../../lib/targets/records.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

async function withDir(f: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("item 2: the report of 130,000 inputs is written (no call-stack overflow)", async () => {
  await withDir(async (dir) => {
    const parts: string[] = [];
    for (let i = 0; i < 130_000; i++) {
      parts.push(`{"id":${i},"responses":[${i % 11},${(i * 7) % 5},${(i * 3) % 13}]}\n`);
    }
    await Deno.writeTextFile(`${dir}/in.jsonl`, parts.join(""));
    const r = await distillTargets({
      input: `${dir}/in.jsonl`,
      output: `${dir}/t.jsonl`,
      method: "mean",
    });
    const paths = await writeTargetReport(
      targetReport(r, { method: "mean", input: "in.jsonl" }),
      `${dir}/r.html`,
    );
    assertEquals(paths.length, 4);
    assert((await Deno.readTextFile(`${dir}/r.md`)).includes("130,000 inputs"));
  });
});

Deno.test("item 9: a 4-input report makes no claim in SE units (its SE can come out near 0)", async () => {
  await withDir(async (dir) => {
    // Discrete responses: at k = 2 every input's sub-sampled distance is the same (seed 1), so the
    // SE is 0; the old text divided by `se || 1` and said "within 280 SE".
    const recs = [[1, 2, 1], [1, 1, 2], [1, 1, 2], [0, 1, 0]].map((r, i) => ({
      id: i,
      responses: r.map((x) => 100 * x),
    }));
    await Deno.writeTextFile(`${dir}/in.jsonl`, recs.map((r) => JSON.stringify(r)).join("\n"));
    const r = await distillTargets({
      input: `${dir}/in.jsonl`,
      output: `${dir}/t.jsonl`,
      method: "mean",
    });
    const md = targetReport(r, { method: "mean", input: "in.jsonl" }).markdown;
    assert(!/within [\d.,]+ SE/.test(md), md);
    assert(md.includes("no comparison in SE units is made"), md);
    assert(md.includes("measured/expected ratio"), md);
  });
});

Deno.test("item 9: report paths: .html writes the page too, .md only Markdown and charts, others refused", () => {
  assertEquals(reportFiles("out/r.html", ["a"]).names, ["r.html", "r.md", "r_a.svg"]);
  assertEquals(reportFiles("r.md", ["a"]), {
    dir: ".",
    base: "r",
    html: null,
    names: ["r.md", "r_a.svg"],
  });
  assertThrows(() => reportFiles("r.md.txt", []), TargetOptionError, "--report");
  assertThrows(() => reportFiles("r", []), TargetOptionError, "--report");
});
