/**
 * Issue 26, "Bad input never crashes and never costs a file", for the
 * sharding commands: a garbage manifest or a missing `--compare` file is one
 * named line and an exit status (1 bad data, 2 usage), never an uncaught
 * exception; a shard never overwrites another run's shard silently, never
 * runs twice at once, and a failed merge says an earlier merged/ is stale.
 */
import { main as mergeMain } from "../../tools/merge.ts";
import { assert, assertEquals } from "../assert.ts";
import { shardAll, toy } from "./toy_fixture.ts";

/** Run `fn` with console output captured; returns its value and the lines printed to stderr. */
export async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; err: string[] }> {
  const { log, error, warn } = console;
  const err: string[] = [];
  console.log = () => {};
  console.error = console.warn = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { value: await fn(), err };
  } finally {
    Object.assign(console, { log, error, warn });
  }
}

Deno.test("merge: a garbage manifest exits 1 with one line naming the file, and writes nothing", async () => {
  const out = await shardAll(toy, 3);
  try {
    const path = `${out}/shard-0-of-3.manifest.json`;
    await Deno.writeTextFile(path, "{garbage\n");
    for (const args of [[out], ["--status", out]]) {
      const { value, err } = await quietly(() => mergeMain(args));
      assertEquals(value, 1, `merge ${args.join(" ")}`);
      const line = err.find((l) => l.startsWith("ShardCorruptError"));
      assert(line && line.includes(path) && !line.includes("\n"), err.join("\n"));
    }
    assert(!Array.from(Deno.readDirSync(out)).some((e) => e.name.startsWith("merged")));
    // A manifest that is JSON but not a manifest (a field of the wrong type) is refused the same way.
    await Deno.writeTextFile(path, JSON.stringify({ format: 1, shards: "three" }));
    const { value, err } = await quietly(() => mergeMain([out]));
    assertEquals(value, 1);
    assert(err.some((l) => l.includes(path) && l.includes("not a shard manifest")), err.join("\n"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("merge --compare: a missing file exits 2 and a garbage one 1, each named, before merging", async () => {
  const out = await shardAll(toy, 3);
  try {
    const missing = `${out}/no-such-result.json`;
    let r = await quietly(() => mergeMain([out, "--compare", missing]));
    assertEquals(r.value, 2);
    assert(
      r.err.some((l) => l.startsWith("ShardArgumentError") && l.includes(missing)),
      r.err.join("\n"),
    );
    const garbage = `${out}/garbage.json`;
    await Deno.writeTextFile(garbage, '{"rows": [1, 2');
    r = await quietly(() => mergeMain([out, "--compare", garbage]));
    assertEquals(r.value, 1);
    assert(
      r.err.some((l) => l.startsWith("ShardCorruptError") && l.includes(garbage)),
      r.err.join("\n"),
    );
    assert(!Array.from(Deno.readDirSync(out)).some((e) => e.name.startsWith("merged")));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
