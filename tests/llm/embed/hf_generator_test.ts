import { assertEquals, assertRejects, assertThrows } from "../../assert.ts";
import { GPT2_MODEL, loadHfGenerator } from "../../../tools/hf/hf_generator.ts";
import type { HfPipeline, HfRuntime } from "../../../tools/hf/hf_runtime.ts";
import { formatPrompt } from "../../../lib/llm/examples.ts";
import { resolveGenerationOptions } from "../../../tools/hf/text_generator.ts";
import { Rng } from "../../../lib/random.ts";

// GPT-2 cannot be downloaded on this machine: a stand-in for the library's text-generation
// pipeline, written here, records settings and seeds and answers "<seed>|<prompt length>".
function standIn() {
  const log = { settings: [] as unknown[], prompts: [] as unknown[], seeds: [] as number[] };
  let seed = -1;
  const runtime: HfRuntime = {
    pipeline: () =>
      Promise.resolve(
        ((prompt: unknown, settings?: Record<string, unknown>) => {
          log.prompts.push(prompt);
          log.settings.push(settings);
          return Promise.resolve([{
            generated_text: ` ${seed}|${(prompt as string).length}\n\nrest`,
          }]);
        }) as HfPipeline,
      ),
    seed: (s) => {
      seed = s;
      log.seeds.push(s);
    },
  };
  return { runtime, log };
}

async function withModelDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/${GPT2_MODEL}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${GPT2_MODEL}/config.json`, "{}");
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sampling options map to the library's names, and prompt i is seeded from child stream i", async () => {
  await withModelDir(async (dir) => {
    const { runtime, log } = standIn();
    const g = await loadHfGenerator({ modelsDir: dir, runtime });
    const out = await g.generate(["ab", "cde"], {
      temperature: 0.8,
      topK: 50,
      repetitionPenalty: 1.2,
      maxNewTokens: 20,
      seed: 7,
    });
    const s0 = new Rng(7).child(0).nextUint32(), s1 = new Rng(7).child(1).nextUint32();
    assertEquals(log.seeds, [s0, s1]);
    assertEquals(out, [` ${s0}|2\n\nrest`, ` ${s1}|3\n\nrest`]);
    assertEquals(log.settings[0], {
      max_new_tokens: 20,
      do_sample: true,
      repetition_penalty: 1.2,
      return_full_text: false,
      temperature: 0.8,
      top_k: 50,
    });
  });
});

Deno.test("greedy answers use the paper's prompt, need no seed and stop at a blank line", async () => {
  await withModelDir(async (dir) => {
    const { runtime, log } = standIn();
    const g = await loadHfGenerator({ modelsDir: dir, runtime });
    const prompt = formatPrompt("What is a cell?");
    assertEquals(prompt, "Question: What is a cell?\nAnswer:");
    const [a] = await g.answer(["What is a cell?"], { greedy: true, repetitionPenalty: 1.2 });
    assertEquals(a, `-1|${prompt.length}`);
    assertEquals(log.prompts, [prompt]);
    assertEquals(log.seeds, []);
    assertEquals(log.settings[0], {
      max_new_tokens: 48,
      do_sample: false,
      repetition_penalty: 1.2,
      return_full_text: false,
    });
    await g.dispose();
    await assertRejects(() => g.generate(["x"], { greedy: true }), Error, "disposed");
  });
});

Deno.test("generation options are checked and name the bad field", () => {
  assertThrows(() => resolveGenerationOptions({ temperature: 1 }), RangeError, "seed is required");
  assertThrows(() => resolveGenerationOptions({ greedy: true, topK: -1 }), RangeError, "topK");
  assertThrows(
    () => resolveGenerationOptions({ greedy: true, maxNewTokens: 0 }),
    RangeError,
    "maxNewTokens",
  );
  assertThrows(
    () => resolveGenerationOptions({ seed: 1, repetitionPenalty: 0 }),
    RangeError,
    "repetitionPenalty",
  );
  assertEquals(resolveGenerationOptions({ temperature: 0 }).greedy, true);
});

Deno.test("a missing GPT-2 is named with the folder to put it in", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejects(
      () => loadHfGenerator({ modelsDir: dir, runtime: standIn().runtime }),
      Error,
      `"Xenova/gpt2" is not available (no ${dir}/Xenova/gpt2/config.json`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
