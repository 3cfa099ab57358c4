/**
 * Throughput of `distill-targets` on numeric teacher outputs, end to end
 * (read, parse, check, target, report numbers, write, flag pass), against
 * the target of 1 million responses per second (issue: variance-aware
 * targets). Also the cost of reading alone (the parser's ceiling in this
 * process), so the ratio says where the time goes; then the report of the
 * whole file (the time to build and write it).
 *
 * Usage: deno task bench:targets [--inputs N] [--k K]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Rng } from "../lib/random.ts";
import { distillTargets } from "../tools/targets/run.ts";
import { readTeacherOutputs } from "../tools/targets/read.ts";
import { targetReport, writeTargetReport } from "../tools/targets/report.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { inputs: { type: "string", default: "200000" }, k: { type: "string", default: "10" } },
});
const inputs = Number(values.inputs), k = Number(values.k);
const dir = "build/bench";
await Deno.mkdir(dir, { recursive: true });
const path = `${dir}/teacher_${inputs}x${k}.jsonl`;
const rng = new Rng(1);
const parts: string[] = [];
for (let i = 0; i < inputs; i++) {
  const mu = rng.normal(), sd = Math.exp(0.5 * rng.normal()) / 4;
  const r = Array.from({ length: k }, () => Number((mu + sd * rng.normal()).toPrecision(6)));
  parts.push(`{"id":${i},"responses":[${r.join(",")}]}\n`);
}
await Deno.writeTextFile(path, parts.join(""));
const mb = (await Deno.stat(path)).size / 2 ** 20;
console.log(
  `input: ${inputs.toLocaleString()} inputs x ${k} responses, ${mb.toFixed(1)} MB JSON Lines`,
);

let t0 = performance.now(), n = 0;
for await (const rec of readTeacherOutputs(path)) n += rec.responses.length;
const readRate = n / ((performance.now() - t0) / 1000);
console.log(`read and check only: ${(readRate / 1e6).toFixed(2)} M responses/s`);

let last: Awaited<ReturnType<typeof distillTargets>> | undefined;
for (const method of ["mean", "medoid"] as const) {
  const best: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    t0 = performance.now();
    const r = await distillTargets({ input: path, output: `${dir}/targets.jsonl`, method });
    best.push(r.responses / ((performance.now() - t0) / 1000));
    last = r;
  }
  const rate = Math.max(...best);
  console.log(
    `${method}: ${(rate / 1e6).toFixed(2)} M responses/s end to end (best of 3; target 1.00; ` +
      `${(100 * rate / readRate).toFixed(0)}% of the read-only rate)`,
  );
}

// The report of the whole file (issue 26 item 2: it overflowed the call stack above ~100k inputs).
t0 = performance.now();
const written = await writeTargetReport(
  targetReport(last!, { method: "medoid", input: path }),
  `${dir}/targets_report.html`,
);
console.log(
  `report for ${inputs.toLocaleString()} inputs: ${written.length} files in ` +
    `${((performance.now() - t0) / 1000).toFixed(1)} s (${written[0]})`,
);
