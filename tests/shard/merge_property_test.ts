/**
 * Property-based tests (fast-check, fixed seed, 1,000 cases each) of issue
 * 26's contract for the merge: whatever a shard folder holds (garbage or
 * ill-typed manifests, truncated or bit-flipped shard files, random bytes,
 * wrong shard counts, mismatched keys, duplicate or missing shards, another
 * run's shard), `mergeShards` either returns the single-process result bit
 * for bit and writes merged/, or throws a named error that the commands map
 * to exit status 1 or 2, with nothing written (no merged/, no temporary
 * file) and every input unchanged byte for byte. Never an exception of
 * another kind. The readers under it (manifest, codec) keep the same
 * contract on random JSON and text.
 */
import fc from "fast-check";
import {
  firstDifference,
  mergeShards,
  parseManifest,
  readResult,
  ShardCorruptError,
  shardStatus,
} from "../../tools/sharding.ts";
import { decodeValue, deserialize, ShardCodecError } from "../../tools/shard_codec.ts";
import type { Scale } from "../../lib/config.ts";
import { exitStatusOf } from "../../tools/shard_cli.ts";
import { assert, assertEquals } from "../assert.ts";
import { resolve, shardAll, toy } from "./toy_fixture.ts";

const RUNS = { seed: 42, numRuns: 1000 };

async function filesOf(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile) out.set(e.name, await Deno.readFile(`${dir}/${e.name}`));
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const MANIFEST_FIELDS = [
  "format",
  "experiment",
  "scale",
  "seed",
  "shards",
  "index",
  "commit",
  "dirty",
  "configHash",
  "key",
  "status",
  "started",
  "updated",
  "seconds",
  "unitsDone",
  "unitsOwned",
  "sweeps",
  "resultsHash",
  "error",
  "host",
  "pid",
] as const;

/** One change to a shard folder. `file` picks one of the folder's files by position. */
type Mutation =
  | { kind: "delete"; file: number }
  | { kind: "truncate"; file: number; at: number }
  | { kind: "flip"; file: number; at: number; bit: number }
  | { kind: "bytes"; file: number; bytes: Uint8Array }
  | { kind: "json"; file: number; value: unknown }
  | { kind: "field"; file: number; field: string; value: unknown }
  | { kind: "copy"; file: number; to: string }
  | { kind: "foreign"; file: number; from: "other" | "four" }
  | { kind: "extra"; name: string; bytes: Uint8Array };

const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    undefined,
    0,
    1,
    2,
    3,
    4,
    -1,
    1e9,
    2.5,
    "paper",
    "smoke",
    "running",
    "complete",
    "interrupted",
    "failed",
    "dependent",
    "toy",
    "",
    [],
    [{ label: "a", items: 5, itemsHash: "0", offset: 0 }],
  ),
);

const NAMES = [
  "shard-0-of-3.manifest.json",
  "shard-1-of-3.manifest.json",
  "shard-2-of-3.manifest.json",
  "shard-3-of-3.manifest.json",
  "shard-1-copy-of-3.manifest.json",
  "shard-0-of-3.results.json",
  "shard-2-of-3.results.json",
  "shard-0-of-4.manifest.json",
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), file: fc.nat() }),
  fc.record({
    kind: fc.constant("truncate" as const),
    file: fc.nat(),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("flip" as const),
    file: fc.nat(),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("bytes" as const),
    file: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant("json" as const),
    file: fc.nat(),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({
    kind: fc.constant("field" as const),
    file: fc.nat(),
    field: fc.constantFrom(...MANIFEST_FIELDS),
    value: fieldValue,
  }),
  fc.record({ kind: fc.constant("copy" as const), file: fc.nat(), to: fc.constantFrom(...NAMES) }),
  fc.record({
    kind: fc.constant("foreign" as const),
    file: fc.nat(),
    from: fc.constantFrom("other" as const, "four" as const),
  }),
  fc.record({
    kind: fc.constant("extra" as const),
    name: fc.constantFrom(...NAMES, "notes.txt", "shard-1-of-3.lock", "shard-x.manifest.json"),
    bytes: fc.uint8Array({ maxLength: 32 }),
  }),
);

async function apply(
  dir: string,
  m: Mutation,
  foreign: Record<"other" | "four", Map<string, Uint8Array>>,
): Promise<void> {
  const names = Array.from(Deno.readDirSync(dir)).filter((e) => e.isFile).map((e) => e.name).sort();
  if (m.kind === "extra") {
    await Deno.writeFile(`${dir}/${m.name}`, m.bytes);
    return;
  }
  if (names.length === 0) return;
  const name = names[m.file % names.length], path = `${dir}/${name}`;
  const bytes = await Deno.readFile(path);
  switch (m.kind) {
    case "delete":
      return await Deno.remove(path);
    case "truncate":
      return await Deno.writeFile(path, bytes.subarray(0, Math.floor(m.at * bytes.length)));
    case "flip": {
      if (bytes.length === 0) return;
      bytes[m.at % bytes.length] ^= 1 << m.bit;
      return await Deno.writeFile(path, bytes);
    }
    case "bytes":
      return await Deno.writeFile(path, m.bytes);
    case "json":
      return await Deno.writeTextFile(path, JSON.stringify(m.value));
    case "field": {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return;
      }
      if (data === null || typeof data !== "object") return;
      data[m.field] = m.value;
      return await Deno.writeTextFile(path, JSON.stringify(data));
    }
    case "copy":
      return await Deno.writeFile(`${dir}/${m.to}`, bytes);
    case "foreign": {
      // Another run's shard (another configuration, or a 4-shard run) dropped in: manifest and results.
      const src = foreign[m.from];
      const stems = Array.from(src.keys()).filter((n) => n.endsWith(".manifest.json"));
      const stem = stems[m.file % stems.length].replace(/\.manifest\.json$/, "");
      for (const ext of [".manifest.json", ".results.json"]) {
        await Deno.writeFile(`${dir}/${stem}${ext}`, src.get(`${stem}${ext}`)!);
      }
    }
  }
}

Deno.test("merge property: any damage to a shard folder is a named error (exit 1 or 2) with nothing written, or the exact result", async () => {
  const base = await shardAll(toy, 3);
  const other = { ...toy, config: (s: Scale) => ({ ...toy.config(s), levels: [1, 2, 3] }) };
  const otherDir = await shardAll(other, 3);
  const fourDir = await shardAll(toy, 4);
  const work = await Deno.makeTempDir({ prefix: "merge_property_" });
  try {
    // The same bytes every run (no times, host or process id), so a seed names one set of cases.
    for (const d of [base, otherDir, fourDir]) {
      for (const e of Deno.readDirSync(d)) {
        if (!e.name.endsWith(".manifest.json")) continue;
        const m = JSON.parse(await Deno.readTextFile(`${d}/${e.name}`));
        Object.assign(m, {
          started: "2026-01-01T00:00:00.000Z",
          updated: "2026-01-01T00:00:01.000Z",
        });
        Object.assign(m, {
          seconds: 1,
          host: "node-1",
          pid: 4242,
          commit: "c".repeat(40),
          dirty: false,
        });
        await Deno.writeTextFile(`${d}/${e.name}`, JSON.stringify(m, null, 1) + "\n");
      }
    }
    const original = await filesOf(base);
    const foreign = { other: await filesOf(otherDir), four: await filesOf(fourDir) };
    const single = await toy.run(toy.config("smoke"), { progress: false });
    const tally = { merged: 0, refused: new Map<string, number>() };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const dir = `${work}/case-${n++}`;
        await Deno.mkdir(dir);
        try {
          for (const [name, bytes] of original) await Deno.writeFile(`${dir}/${name}`, bytes);
          for (const m of mutations) await apply(dir, m, foreign);
          const before = await filesOf(dir);
          let error: unknown = null;
          let result: unknown;
          try {
            result = (await mergeShards(dir, resolve, { allowOtherCommit: true })).result;
          } catch (e) {
            error = e;
          }
          // The status reader keeps the contract too (it writes nothing at all).
          try {
            await shardStatus(dir);
          } catch (e) {
            if (exitStatusOf(e) === null) throw e;
          }
          const after = Array.from(Deno.readDirSync(dir)).map((e) => e.name);
          assert(!after.some((x) => /\.tmp-|\.old-/.test(x)), `a temporary file is left: ${after}`);
          for (const [name, bytes] of before) {
            const now = await Deno.readFile(`${dir}/${name}`);
            assert(same(now, bytes), `${name} changed`);
          }
          if (error !== null) {
            if (exitStatusOf(error) === null) throw error; // an uncaught kind: the property fails
            assert(!after.includes("merged"), `merged/ written by a refused merge (${error})`);
            const name = (error as Error).name;
            tally.refused.set(name, (tally.refused.get(name) ?? 0) + 1);
          } else {
            assertEquals(firstDifference(single, result), null);
            assertEquals(
              firstDifference(single, await readResult(`${dir}/merged/result.json`)),
              null,
            );
            tally.merged++;
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }),
      RUNS,
    );
    console.log(
      `${n} cases: ${tally.merged} merged exactly, refused: ${
        Array.from(tally.refused).map(([k, v]) => `${k} ${v}`).join(", ")
      }`,
    );
    assert(tally.merged > 0 && tally.refused.size >= 4, "the cases reach both outcomes");
  } finally {
    for (const d of [base, otherDir, fourDir, work]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("reader property: random JSON and text give a manifest, a value or a named error, never another kind", () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
      try {
        parseManifest(v, "x.manifest.json");
      } catch (e) {
        if (!(e instanceof ShardCorruptError)) throw e;
      }
      try {
        decodeValue(v);
      } catch (e) {
        if (!(e instanceof ShardCodecError)) throw e;
      }
    }),
    RUNS,
  );
  // Tagged values with random payloads: what a damaged results file holds.
  const tag = fc.constantFrom("$n", "$u", "$b", "$t", "$map", "$set", "$date", "$o", "$x");
  fc.assert(
    fc.property(tag, fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2 }), (t, v, b64) => {
      try {
        decodeValue({ [t]: v, b64 });
      } catch (e) {
        if (!(e instanceof ShardCodecError)) throw e;
      }
    }),
    RUNS,
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      try {
        deserialize(text);
      } catch (e) {
        if (!(e instanceof ShardCodecError)) throw e;
      }
    }),
    RUNS,
  );
});
