/**
 * The four language-model experiments, sharded and merged, give the rows of
 * a single-process run bit for bit (`seconds` aside), on the tiny fixture
 * setup (tests/experiments/llm_fixture.ts; no test reads data/models): their
 * registry entries are built by the same `llmShardable` with a fixture
 * source, at the smoke configuration shrunk to the fixture's four QA pairs.
 *
 * The fixture's embedder is made batch-sensitive here, as the real Universal
 * Sentence Encoder is (it pads a batch to its longest text, so a text's
 * embedding changes in its last bits with the other texts of its batch): a
 * setup that cached embeddings text by text across calls would give a shard
 * other bits than the single run, and these tests would fail.
 */
import {
  firstDifference,
  mergeShards,
  runShard,
  ShardMismatchError,
  ShardMissingError,
} from "../../tools/sharding.ts";
import {
  LLM_EXPERIMENTS,
  type LlmExperimentName,
  llmShardable,
  resolveExperiment,
  SHARDABLE,
} from "../../tools/shard_registry.ts";
import {
  dataModelsSource,
  type LlmSource,
  modelsIdentity,
  ShardModelsError,
} from "../../tools/shard_llm.ts";
import { llmSetupFrom } from "../../notebooks/llm_setup.ts";
import type { LlmCorrectionsConfig } from "../../notebooks/07_llm_corrections.ts";
import type { ExperimentConfig } from "../../tools/sweep.ts";
import type { Embedder } from "../../lib/llm/embed/mod.ts";
import { hashEmbedder, TINY_CONFIGS } from "../experiments/llm_fixture.ts";
import { PAIRS, tinyModel } from "../llm/fixture.ts";
import { assert, assertEquals, assertNotEquals, assertRejects } from "../assert.ts";

/**
 * The fixture's hashing embedder plus an offset set by the batch's longest
 * text (as padding does in the Universal Sentence Encoder): the same text
 * gets other bits in another batch.
 */
function batchSensitiveEmbedder(): Embedder {
  const inner = hashEmbedder();
  return {
    ...inner,
    name: "hash-trigrams, batch-sensitive",
    async embed(texts: string[]) {
      const out = await inner.embed(texts);
      const longest = Math.max(...texts.map((t) => t.length));
      for (let i = 0; i < out.length; i++) out[i] += longest / 1024;
      return out;
    },
  };
}

/** The fixture source: a fresh tiny setup per run (as a fresh process would load). */
function fixtureSource(identity: unknown = { fixture: "tiny teacher 3, base 5" }): LlmSource & {
  made: () => number;
} {
  let made = 0;
  return {
    setup: () => {
      made++;
      return Promise.resolve(llmSetupFrom({
        teacher: tinyModel(3),
        base: tinyModel(5),
        qa: { train: PAIRS, test: PAIRS },
        embedder: batchSensitiveEmbedder(),
        maxNewTokens: 6,
        owned: { models: true },
      }));
    },
    identity: () => Promise.resolve(identity),
    made: () => made,
  };
}

/** The experiment tests' tiny configurations; four init levels so each of 4 shards owns one. */
const TINY: Record<LlmExperimentName, () => ExperimentConfig> = {
  ...TINY_CONFIGS,
  llm_initialization: () => ({
    ...TINY_CONFIGS.llm_initialization(),
    levels: [0, 0.05, 0.1, 0.2],
  }),
};

/** The result's first non-integer number under `key` (not in a typed array), with its dot path. */
function firstNumber(x: unknown, path: string): { path: string; value: number } | null {
  if (typeof x === "number") {
    return Number.isFinite(x) && !Number.isInteger(x) ? { path, value: x } : null;
  }
  if (x === null || typeof x !== "object" || ArrayBuffer.isView(x)) return null;
  for (const [k, v] of Object.entries(x)) {
    const hit = firstNumber(v, `${path}.${k}`);
    if (hit) return hit;
  }
  return null;
}

/** A copy of `x` with the number at dot path `path` moved by one unit in the last place. */
function nudged(x: unknown, path: string): unknown {
  const copy = structuredClone(x) as Record<string, unknown>;
  const keys = path.split(".");
  let o = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  const bits = new BigInt64Array(new Float64Array([o[last] as number]).buffer);
  bits[0] += 1n;
  o[last] = new Float64Array(bits.buffer)[0];
  return copy;
}

/** Where each experiment's sweep-made rows are. */
const ROWS: Record<LlmExperimentName, string> = {
  llm_temperature: "arms",
  llm_initialization: "levels",
  llm_consistency: "rows",
  llm_corrections: "rows",
};

for (const name of LLM_EXPERIMENTS) {
  Deno.test(`${name}: 4 shards merged are the single-process result, bit for bit (tiny fixture)`, async () => {
    const source = fixtureSource();
    const exp = llmShardable(name, { source, config: TINY[name] });
    const single = await exp.run(exp.config("smoke"), { progress: false });
    const out = await Deno.makeTempDir({ prefix: `shard_${name}_` });
    try {
      // Every step a shard runs as its own reports progress once: collect them all.
      const ran: string[] = [];
      let recorded = 0;
      for (let i = 0; i < 4; i++) {
        const r = await runShard(exp, {
          scale: "smoke",
          shards: 4,
          index: i,
          out,
          progress: (p) => ran.push(`${p.label}|${JSON.stringify(p.item)}`),
        });
        recorded += r.manifest.unitsDone;
      }
      const { result, checked } = await mergeShards(out, () => Promise.resolve(exp));
      const units = checked.sweeps.reduce((a, s) => a + s.items, 0);
      assert(units >= 4, `${name}: ${units} sweep steps, fewer than the shards`);
      assertEquals(recorded, units, "every step recorded once across the shards");
      assertEquals(ran.length, units, "every step ran once across the shards");
      assertEquals(new Set(ran).size, units, "no step ran twice");
      // single run, 4 shard runs, the merge: one setup each, disposed after.
      assertEquals(source.made(), 6);
      assertEquals(exp.measured, ["seconds"]);
      assertEquals(
        firstDifference(single, result, exp.measured),
        null,
        `${name}: first difference`,
      );
      // Not vacuous: the sweep made rows, and one unit in the last place of a number in them is
      // caught (the measured fields leave it in the comparison).
      const hit = firstNumber((result as Record<string, unknown>)[ROWS[name]], ROWS[name]);
      assert(hit, `${name}: no computed number in ${ROWS[name]}`);
      assertEquals(firstDifference(single, nudged(result, hit.path), exp.measured), hit.path);
      // The merge wrote the result, and the entry's claims, tables and charts where it has them
      // (llm_initialization, llm_consistency and llm_corrections have none: notebooks 05, 06 and
      // 07 draw them from the merged result).
      const files = [...Deno.readDirSync(`${out}/merged`)].map((e) => e.name);
      assert(files.includes("result.json"), `${files}`);
      assertEquals(files.includes("claims.json"), exp.claims !== undefined, `${files}`);
      for (const t of Object.keys(exp.tables?.(result) ?? {})) assert(files.includes(`${t}.md`), t);
      for (const c of Object.keys(exp.charts?.(result) ?? {})) {
        assert(files.includes(`${c}.vl.json`), c);
      }
      if (name !== "llm_temperature") {
        assertEquals(files, ["result.json"]);
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
}

Deno.test("llm_corrections in 10 shards (8 arms): a shard owning no arm trains no student for stand-ins", async () => {
  // Count the lists each shard embeds: the run embeds 5 before its sweep (teacher draws, base
  // draws, training and test truths, the teacher's noise answers) and 2 per student in an arm
  // (greedy and noise answers).
  const calls: number[] = [];
  const base = fixtureSource();
  const source: LlmSource = {
    identity: base.identity,
    setup: async () => {
      const s = await base.setup();
      let n = 0;
      calls.push(0);
      const k = calls.length - 1;
      return {
        ...s,
        teacherAnswers: s.teacherAnswers,
        embed: (texts) => {
          calls[k] = ++n;
          return s.embed(texts);
        },
      };
    },
  };
  const exp = llmShardable("llm_corrections", { source, config: TINY.llm_corrections });
  const out = await Deno.makeTempDir({ prefix: "shard_llm_idle_" });
  try {
    const done: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await runShard(exp, { scale: "smoke", shards: 10, index: i, out, progress: false });
      done.push(r.manifest.unitsDone);
    }
    assertEquals(done, [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    const { students } = TINY.llm_corrections() as LlmCorrectionsConfig;
    assertEquals(calls.slice(0, 8), Array(8).fill(5 + 2 * students), "an arm's shard");
    assertEquals(calls.slice(8), [5, 5], "the idle shards stop before the sweep's steps");
    const { checked } = await mergeShards(out, () => Promise.resolve(exp), { dryRun: true });
    assertEquals(checked.sweeps.map((s) => s.items), [8]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the fixture embedder is batch-sensitive, and the setup's embeddings of a list do not depend on what came before", async () => {
  const e = batchSensitiveEmbedder();
  const alone = await e.embed(["a cell"]), paired = await e.embed(["a cell", "a longer text"]);
  assertNotEquals(Array.from(alone), Array.from(paired.subarray(0, e.dim)));
  const make = () =>
    llmSetupFrom({
      teacher: tinyModel(3),
      base: tinyModel(5),
      qa: { train: PAIRS, test: PAIRS },
      embedder: batchSensitiveEmbedder(),
      owned: { models: true },
    });
  const fresh = make(), used = make();
  try {
    await used.embed(["a cell", "a much longer text than the others"]);
    const list = ["a cell", "blood", "a cell"];
    const a = await fresh.embed(list), b = await used.embed(list);
    assertEquals(a.map((x) => Array.from(x)), b.map((x) => Array.from(x)));
    assertEquals(Array.from(a[0]), Array.from(a[2]));
    // asked again, the same list gives the same numbers (from memory)
    assertEquals((await used.embed(list)).map((x) => Array.from(x)), b.map((x) => Array.from(x)));
  } finally {
    await fresh.dispose();
    await used.dispose();
  }
});

Deno.test("shards made with other models are refused at the merge (the identity is in the configuration hash)", async () => {
  const exp = llmShardable("llm_corrections", {
    source: fixtureSource({ models: "A" }),
    config: TINY.llm_corrections,
  });
  const other = llmShardable("llm_corrections", {
    source: fixtureSource({ models: "B" }),
    config: TINY.llm_corrections,
  });
  const out = await Deno.makeTempDir({ prefix: "shard_llm_identity_" });
  try {
    await runShard(exp, { scale: "smoke", shards: 2, index: 0, out, progress: false });
    await runShard(exp, { scale: "smoke", shards: 2, index: 1, out, progress: false });
    await assertRejects(
      () => mergeShards(out, () => Promise.resolve(other), { dryRun: true }),
      ShardMismatchError,
      "models",
    );
    // A shard of the other models in the same folder: the folder mixes two runs.
    await runShard(other, {
      scale: "smoke",
      shards: 2,
      index: 1,
      out,
      progress: false,
      restart: true, // another configuration's shard is replaced only when asked to
    });
    await assertRejects(
      () => mergeShards(out, () => Promise.resolve(exp), { dryRun: true }),
      ShardMismatchError,
      "configHash",
    );
    // Rerun with the first models: it completes again and the merge goes through.
    await runShard(exp, {
      scale: "smoke",
      shards: 2,
      index: 1,
      out,
      progress: false,
      restart: true,
    });
    const { result } = await mergeShards(out, () => Promise.resolve(exp), { dryRun: true });
    assert((result as { rows: unknown[] }).rows.length >= 2);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("modelsIdentity: the SHA-256 of every model file; one changed byte changes it; a missing file is named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llm_models_" });
  try {
    for (const m of ["teacher", "student_base"]) {
      await Deno.mkdir(`${dir}/${m}`);
      await Deno.writeTextFile(`${dir}/${m}/config.json`, `{"layers":1,"name":"${m}"}`);
      await Deno.writeTextFile(`${dir}/${m}/tokenizer.json`, "{}");
      await Deno.writeFile(`${dir}/${m}/weights.bin`, new Uint8Array([1, 2, 3, 4]));
    }
    const a = await modelsIdentity(dir, "embedder X");
    assertEquals(Object.keys(a.models), ["teacher", "student_base"]);
    assertEquals(a.embedder, "embedder X");
    assert(a.engine === "native" || a.engine === "tfjs", a.engine);
    // SHA-256 of the four bytes 1 2 3 4
    assertEquals(
      a.models.teacher["weights.bin"],
      "9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a",
    );
    await Deno.writeFile(`${dir}/student_base/weights.bin`, new Uint8Array([1, 2, 3, 5]));
    const b = await modelsIdentity(dir, "embedder X");
    assertEquals(a.models.teacher, b.models.teacher);
    assertNotEquals(a.models.student_base["weights.bin"], b.models.student_base["weights.bin"]);
    await Deno.remove(`${dir}/teacher/tokenizer.json`);
    await assertRejects(
      () => modelsIdentity(dir, "embedder X"),
      ShardModelsError,
      "teacher/tokenizer.json",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the registry knows the four by name without loading a model; the default source names a missing folder", async () => {
  for (const name of LLM_EXPERIMENTS) {
    const exp = await resolveExperiment(name);
    assert(SHARDABLE.includes(exp), name);
    assertEquals(exp.measured, ["seconds"]);
    assert(exp.identity && exp.resources?.mem && exp.resources.time?.paper, name);
    assertEquals(exp.config("paper").scale, "paper");
  }
  const missing = llmShardable("llm_temperature", {
    source: dataModelsSource({ modelsDir: "/nonexistent/models" }),
  });
  await assertRejects(
    () => runShard(missing, { scale: "smoke", shards: 2, index: 0, out: "/nonexistent/out" }),
    ShardModelsError,
    "/nonexistent/models/teacher/config.json",
  );
  // A merge of nothing is still the usual named error.
  const empty = await Deno.makeTempDir({ prefix: "shard_llm_empty_" });
  try {
    await assertRejects(
      () => mergeShards(empty, () => Promise.resolve(missing)),
      ShardMissingError,
    );
  } finally {
    await Deno.remove(empty);
  }
});
