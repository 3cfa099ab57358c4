/**
 * Every experiment module, sharded and merged at smoke scale, gives the rows
 * of a single-process run bit for bit (fields that are measured, not
 * computed, aside: wall times and the backend the merging process saw; each
 * registry entry lists them). Four shards, as CI runs through Slurm; one
 * experiment also with more shards than some of its sweeps have settings.
 */
import {
  firstDifference,
  mergeShards,
  readResult,
  runShard,
  type ShardableExperiment,
  ShardArgumentError,
} from "../../tools/sharding.ts";
import type { ExperimentConfig } from "../../tools/sweep.ts";
import { lineBand } from "../../lib/plot/mod.ts";
import { table } from "../../lib/report/mod.ts";
import { toy } from "./toy_fixture.ts";
import {
  experimentFromModule,
  LLM_EXPERIMENTS,
  resolveExperiment,
  SHARDABLE,
} from "../../tools/shard_registry.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";

async function shardAndMerge(name: string, shards: number) {
  const exp = await resolveExperiment(name);
  const single = await exp.run(exp.config("smoke"), { progress: false });
  const out = await Deno.makeTempDir({ prefix: `shard_${name}_` });
  try {
    let steps = 0;
    for (let i = 0; i < shards; i++) {
      const r = await runShard(exp, { scale: "smoke", shards, index: i, out, progress: false });
      steps += r.manifest.unitsDone;
    }
    const { result, files, checked } = await mergeShards(out, resolveExperiment);
    const units = checked.sweeps.reduce((a, s) => a + s.items, 0);
    assertEquals(steps, units, "every step ran exactly once across the shards");
    // What merge wrote is the merged result, in the lossless encoding.
    assert(files.some((f) => f.endsWith("/result.json")));
    const written = await readResult(`${out}/merged/result.json`);
    assertEquals(firstDifference(written, result), null);
    return { exp, single, result, units };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

// The language-model experiments load data/models: llm_experiments_test.ts runs their entries on a
// tiny fixture setup instead.
for (const { name } of SHARDABLE.filter((e) => !(LLM_EXPERIMENTS as string[]).includes(e.name))) {
  Deno.test(`${name}: 4 shards merged are the single-process result, bit for bit`, async () => {
    const { exp, single, result, units } = await shardAndMerge(name, 4);
    const skip = [...(exp.measured ?? []), ...Object.keys(exp.gaps ?? {})];
    assertEquals(firstDifference(single, result, skip), null, `${name}: first difference`);
    assert(units >= 1, `${name}: its runs go through sweep`);
    // The comparison is not vacuous: a changed row is caught.
    const path = firstDifference(single, { ...(single as object), extra: 1 }, skip);
    assertEquals(path, "{keys}");
  });
}

Deno.test("teacher_output: 11 shards (more than a sweep's levels at smoke) still merge bit for bit", async () => {
  const { exp, single, result } = await shardAndMerge("teacher_output", 11);
  assertEquals(firstDifference(single, result, exp.measured ?? []), null);
});

Deno.test("gaussian_distillation: 2 shards (regression splits, ablation and classification sweeps) merge bit for bit", async () => {
  const { exp, single, result } = await shardAndMerge("gaussian_distillation", 2);
  assertEquals(firstDifference(single, result, exp.measured ?? []), null);
});

Deno.test("a module is found by convention: one xxxConfig and one runXxx (teacher_output's, unregistered)", async () => {
  const mod = await import("../../notebooks/04_teacher_output_uncertainty.ts");
  const exp = experimentFromModule("teacher_output", mod);
  const out = await Deno.makeTempDir({ prefix: "shard_convention_" });
  try {
    for (let i = 0; i < 2; i++) {
      await runShard(exp, { scale: "smoke", shards: 2, index: i, out, progress: false });
    }
    const { result } = await mergeShards(out, () => Promise.resolve(exp), { dryRun: true });
    const single = await exp.run(exp.config("smoke"), { progress: false });
    assertEquals(firstDifference(single, result, ["seconds", "backend", "workers"]), null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  // A module with two run functions needs a registry entry.
  const two = { fooConfig: () => ({}), runFoo: () => {}, runBar: () => {} };
  assertThrows(() => experimentFromModule("foo", two), ShardArgumentError, "exactly one of each");
  await assertRejects(() => resolveExperiment("no_such_module"), ShardArgumentError, "not found");
  await assertRejects(() => resolveExperiment("../mod"), ShardArgumentError, "not a module name");
});

Deno.test("merge --render writes each chart as a notebook saves it (SVG, PDF, PNG, spec, CSV)", async () => {
  // The chapters' entries have the merge write the result only (their cells draw from it), so an
  // entry that names charts and tables is made here: the toy experiment with one of each.
  const exp: ShardableExperiment<ExperimentConfig, unknown> = {
    ...toy,
    name: "toy_charted",
    tables: (r) => ({ levels: table({ columns: ["x", "y"], rows: rowsOf(r) }) }),
    charts: (r) => ({ toy_curve: lineBand(rowsOf(r), { x: "x", y: "y" }) }),
  } as ShardableExperiment<ExperimentConfig, unknown>;
  const out = await Deno.makeTempDir({ prefix: "shard_render_" });
  try {
    for (let i = 0; i < 2; i++) {
      await runShard(exp, { scale: "smoke", shards: 2, index: i, out, progress: false });
    }
    const { files } = await mergeShards(out, () => Promise.resolve(exp), { render: true });
    const names = files.map((f) => f.slice(f.lastIndexOf("/") + 1));
    for (const ext of ["svg", "pdf", "png", "vl.json", "csv"]) {
      assert(names.includes(`toy_curve.${ext}`), `toy_curve.${ext} missing in ${names}`);
    }
    assert(names.includes("levels.md"), `levels.md missing in ${names}`);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

/** The toy result's first sweep as rows of x and y. */
function rowsOf(r: unknown): { x: number; y: number }[] {
  return (r as { a: { x: number; y: number }[] }).a.map(({ x, y }) => ({ x, y }));
}
