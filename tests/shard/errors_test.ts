/**
 * Bad input to shard and merge is refused with a named error, and a refused
 * merge writes nothing. The shards here come from small synthetic
 * experiments (a sweep of a few settings whose steps return awkward doubles),
 * so the tests run in a fraction of a second and do not depend on any
 * experiment module's numbers.
 */
import type { Scale } from "../../lib/config.ts";
import {
  checkShards,
  firstDifference,
  mergeShards,
  runShard,
  type ShardableExperiment,
  ShardArgumentError,
  ShardCommitMismatchError,
  ShardCorruptError,
  ShardDuplicateError,
  type ShardManifest,
  ShardMismatchError,
  ShardMissingError,
  ShardPlanMismatchError,
  shardStatus,
} from "../../tools/sharding.ts";
import { ShardCodecError } from "../../tools/shard_codec.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { dependent, resolve, shardAll, toy, type ToyConfig, unplain } from "./toy_fixture.ts";

const manifestPath = (out: string, i: number, n = 3) => `${out}/shard-${i}-of-${n}.manifest.json`;

async function editManifest(path: string, edit: (m: ShardManifest) => void) {
  const m = JSON.parse(await Deno.readTextFile(path)) as ShardManifest;
  edit(m);
  await Deno.writeTextFile(path, JSON.stringify(m));
}

/** The merge must fail with `cls` and leave no merged/ folder behind. */
async function refused(out: string, cls: typeof ShardMissingError, includes: string) {
  await assertRejects(() => mergeShards(out, resolve), cls, includes);
  const left = Array.from(Deno.readDirSync(out)).map((e) => e.name);
  assert(!left.some((n) => n.startsWith("merged")), `nothing written, found ${left}`);
}

Deno.test("the toy experiment in 3 shards merges to its single run, bit for bit", async () => {
  const out = await shardAll(toy, 3);
  try {
    const single = await toy.run(toy.config("smoke"), { progress: false });
    const { result } = await mergeShards(out, resolve);
    assertEquals(firstDifference(single, result), null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a missing shard, a running one and a failed one are ShardMissingError", async () => {
  const out = await shardAll(toy, 3);
  try {
    await Deno.remove(manifestPath(out, 1));
    await refused(out, ShardMissingError, "1 (no manifest)");
    await editManifest(manifestPath(out, 2), (m) => (m.status = "running"));
    await refused(out, ShardMissingError, "2 (running)");
    await editManifest(manifestPath(out, 2), (m) => {
      m.status = "failed";
      m.error = "Error: out of memory";
    });
    await refused(out, ShardMissingError, "out of memory");
    await assertRejects(
      () => mergeShards(`${out}/nothing-here`, resolve),
      ShardArgumentError,
      "does not exist",
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("two files claiming one shard index are ShardDuplicateError", async () => {
  const out = await shardAll(toy, 3);
  try {
    await Deno.copyFile(manifestPath(out, 1), `${out}/shard-1-copy-of-3.manifest.json`);
    await refused(out, ShardDuplicateError, "both claim shard 1");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a shard from another commit, configuration, scale or shard count is refused", async () => {
  const out = await shardAll(toy, 3);
  try {
    const p = manifestPath(out, 2);
    const original = await Deno.readTextFile(p);
    await editManifest(p, (m) => (m.commit = "0".repeat(40)));
    await refused(out, ShardCommitMismatchError, "commit");
    await Deno.writeTextFile(p, original);
    await editManifest(p, (m) => (m.configHash = "f".repeat(64)));
    await refused(out, ShardMismatchError, "configHash");
    await Deno.writeTextFile(p, original);
    await editManifest(p, (m) => (m.scale = "paper"));
    await refused(out, ShardMismatchError, "scale");
    await Deno.writeTextFile(p, original);
    // A shard of a 4-shard run dropped into a 3-shard folder.
    const other = await shardAll(toy, 4);
    await Deno.copyFile(manifestPath(other, 3, 4), manifestPath(out, 3, 4));
    await refused(out, ShardMismatchError, "shards");
    await Deno.remove(manifestPath(out, 3, 4));
    await Deno.remove(other, { recursive: true });
    // All shards agree, but on a commit this checkout is not at.
    for (let i = 0; i < 3; i++) {
      await editManifest(manifestPath(out, i), (m) => (m.commit = "1".repeat(40)));
    }
    await refused(out, ShardCommitMismatchError, "git checkout");
    await mergeShards(out, resolve, { allowOtherCommit: true, dryRun: true }); // accepted when asked
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("all shards agreeing on a configuration this checkout does not make is refused", async () => {
  const out = await shardAll(toy, 3);
  try {
    const other = { ...toy, config: (s: Scale) => ({ ...toy.config(s), levels: [1, 2, 3] }) };
    await assertRejects(
      () => mergeShards(out, () => Promise.resolve(other)),
      ShardMismatchError,
      "configuration",
    );
    assert(!Array.from(Deno.readDirSync(out)).some((e) => e.name.startsWith("merged")));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an edited results file is ShardCorruptError; a sweep seen differently is ShardPlanMismatchError", async () => {
  const out = await shardAll(toy, 3);
  try {
    const r = `${out}/shard-0-of-3.results.json`;
    const text = await Deno.readTextFile(r);
    await Deno.writeTextFile(r, text.replace(/"y":-?0\.\d/, '"y":0.25'));
    await refused(out, ShardCorruptError, "hash differs");
    await Deno.writeTextFile(r, text);
    await editManifest(manifestPath(out, 1), (m) => (m.sweeps[1].itemsHash = "0".repeat(64)));
    await refused(out, ShardPlanMismatchError, "other sweeps");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a failed merge leaves an earlier merged folder as it was", async () => {
  const out = await shardAll(toy, 3);
  try {
    await mergeShards(out, resolve);
    const before = await Deno.readTextFile(`${out}/merged/result.json`);
    await Deno.remove(manifestPath(out, 0));
    await assertRejects(() => mergeShards(out, resolve), ShardMissingError);
    assertEquals(await Deno.readTextFile(`${out}/merged/result.json`), before);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a sweep whose settings depend on an earlier sweep's results cannot be merged", async () => {
  const out = await shardAll(dependent, 3);
  try {
    await refused(out, ShardPlanMismatchError, "depend on an earlier sweep");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a step returning a class instance fails its shard, with the manifest saying why", async () => {
  const out = await Deno.makeTempDir({ prefix: "shard_errors_" });
  try {
    await assertRejects(
      () => runShard(unplain, { scale: "smoke", shards: 2, index: 0, out, progress: false }),
      ShardCodecError,
      "instance of Fit",
    );
    const m = JSON.parse(await Deno.readTextFile(`${out}/shard-0-of-2.manifest.json`));
    assertEquals(m.status, "failed");
    const s = await shardStatus(out);
    assertEquals(s.states.map((x) => x.state), ["failed", "not started"]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bad arguments are ShardArgumentError before any work", async () => {
  const out = await Deno.makeTempDir({ prefix: "shard_errors_" });
  try {
    const bad = [
      { scale: "smoke", shards: 3, index: 3 },
      { scale: "smoke", shards: 0, index: 0 },
      { scale: "smoke", shards: 2.5, index: 0 },
      { scale: "huge", shards: 2, index: 0 },
    ];
    for (const b of bad) {
      await assertRejects(
        () => runShard(toy, { ...b, scale: b.scale as Scale, out, progress: false }),
        ShardArgumentError,
      );
    }
    assertEquals(Array.from(Deno.readDirSync(out)).length, 0);
    await assertRejects(() => checkShards(out), ShardMissingError, "no shard manifests");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a complete shard is skipped on a rerun, and rerun when its results were damaged", async () => {
  const out = await shardAll(toy, 2);
  try {
    const again = await runShard(toy, {
      scale: "smoke",
      shards: 2,
      index: 1,
      out,
      progress: false,
    });
    assert(again.skipped);
    await Deno.writeTextFile(`${out}/shard-1-of-2.results.json`, "{}");
    const redo = await runShard(toy, { scale: "smoke", shards: 2, index: 1, out, progress: false });
    assert(!redo.skipped);
    assertEquals(redo.manifest.unitsDone, 5); // positions 1, 3, ..., 9 of 10 settings
    await mergeShards(out, resolve, { dryRun: true });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("status counts shards done, running, failed and not started, with the time left", async () => {
  const out = await shardAll(toy, 3);
  try {
    await editManifest(manifestPath(out, 1), (m) => {
      m.status = "running";
      m.unitsDone = 1;
      m.seconds = 10;
    });
    await Deno.remove(manifestPath(out, 2));
    const s = await shardStatus(out);
    assertEquals(s.states.map((x) => x.state), ["done", "running", "not started"]);
    assertEquals(s.states.map((x) => x.unitsOwned), [4, 3, 3]); // 10 settings dealt round-robin
    assert(s.leftSeconds !== null && s.leftSeconds > 0);
    assert(s.summary.includes("1 done, 1 running, 0 failed, 1 not started"), s.summary);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an experiment with no sweep runs whole on shard 0; the other shards have nothing to do", async () => {
  let runs = 0;
  const whole: ShardableExperiment<ToyConfig, unknown> = {
    ...toy,
    name: "whole",
    whole: true,
    run: (c) => {
      runs++;
      return Promise.resolve({ levels: c.levels, x: Math.PI / 3, nan: NaN });
    },
  };
  const out = await Deno.makeTempDir({ prefix: "shard_errors_" });
  try {
    for (let i = 0; i < 3; i++) {
      await runShard(whole, { scale: "smoke", shards: 3, index: i, out, progress: false });
    }
    assertEquals(runs, 1);
    const { result } = await mergeShards(out, () => Promise.resolve(whole));
    assertEquals(firstDifference(result, await whole.run(whole.config("smoke"), {})), null);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
