/**
 * tools/merged.ts: a notebook draws from a merged result when `KD_MERGED_<EXPERIMENT>` names
 * its folder, bit for bit as written (typed arrays and every double's bits kept), and runs its
 * sweep otherwise.
 */
import { mergedOrRun } from "../../tools/merged.ts";
import { encodeValue } from "../../tools/shard_codec.ts";
import { assertEquals, assertRejects } from "../assert.ts";

Deno.test("mergedOrRun reads DIR/result.json when KD_MERGED_<EXPERIMENT> names DIR, else runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "merged_" });
  const result = { rows: [0.1 + 0.2, -0], deleteOne: Float64Array.of(1 / 3, Math.PI) };
  const key = "KD_MERGED_SOME_EXPERIMENT";
  try {
    await Deno.writeTextFile(`${dir}/result.json`, JSON.stringify(encodeValue(result)));
    let ran = 0;
    const run = () => Promise.resolve((ran++, { rows: [1] }));
    Deno.env.delete(key);
    assertEquals(await mergedOrRun("some_experiment", run), { rows: [1] });
    assertEquals(ran, 1);
    Deno.env.set(key, dir);
    const read = await mergedOrRun("some_experiment", run);
    assertEquals(read, result);
    assertEquals(Object.is((read as typeof result).rows[1], -0), true);
    assertEquals(ran, 1, "the sweep does not run when a merged result is named");
    Deno.env.set(key, `${dir}/nowhere`);
    await assertRejects(() => mergedOrRun("some_experiment", run), Error, "no such result file");
  } finally {
    Deno.env.delete(key);
    await Deno.remove(dir, { recursive: true });
  }
});
