import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  disposeGpt,
  generateAnswers,
  loadGpt,
  ModelFileError,
  saveGpt,
  trainOnQa,
  trainTokenizer,
} from "../../lib/llm/mod.ts";
import { encodeExample } from "../../lib/llm/examples.ts";
import { gptValues } from "../../lib/llm/model.ts";
import { TEXTS, tinyModel, TOKENIZER } from "./fixture.ts";

async function rejects(f: () => Promise<unknown>, includes: string): Promise<Error> {
  try {
    await f();
  } catch (e) {
    assert(e instanceof ModelFileError, `expected ModelFileError, got ${(e as Error).name}`);
    assert(e.message.includes(includes), e.message);
    return e;
  }
  throw new Error(`expected a ModelFileError mentioning "${includes}"`);
}

Deno.test("save/load round trip keeps every weight bit-exact, and the save is atomic", async () => {
  const model = tinyModel(5, 2);
  const dir = await Deno.makeTempDir();
  try {
    await saveGpt(model, `${dir}/m`, { a: 1 });
    await saveGpt(model, `${dir}/m`, { a: 2 }); // replacing an existing folder
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(names, ["m"], "no temporary or old folder is left behind");
    const { model: back, metadata } = await loadGpt(`${dir}/m`);
    assertEquals(metadata, { a: 2 });
    const a = gptValues(model), b = gptValues(back);
    for (const [k, v] of a) assertEquals(Array.from(b.get(k)!), Array.from(v), k);
    disposeGpt(back);
  } finally {
    await Deno.remove(dir, { recursive: true });
    disposeGpt(model);
  }
});

Deno.test("a truncated or corrupt weights file, or a mismatched tokenizer, is a named error", async () => {
  const model = tinyModel(5);
  const dir = await Deno.makeTempDir();
  try {
    await saveGpt(model, dir);
    const w = await Deno.readFile(`${dir}/weights.bin`);
    await Deno.writeFile(`${dir}/weights.bin`, w.slice(0, w.length - 4));
    await rejects(() => loadGpt(dir), "truncated");
    const bad = w.slice();
    bad[100] ^= 1; // one flipped bit
    await Deno.writeFile(`${dir}/weights.bin`, bad);
    await rejects(() => loadGpt(dir), "corrupt");
    await Deno.writeFile(`${dir}/weights.bin`, w);
    const other = trainTokenizer(TEXTS, 20);
    await Deno.writeTextFile(`${dir}/tokenizer.json`, JSON.stringify(other.toJson()));
    await rejects(() => loadGpt(dir), "does not match the model");
    await Deno.writeTextFile(`${dir}/config.json`, "{ not json");
    await rejects(() => loadGpt(dir), "config.json");
    await rejects(() => loadGpt(`${dir}/absent`), "config.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
    disposeGpt(model);
  }
});

Deno.test("empty questions or answers and over-long prompts are refused before any work", () => {
  const model = tinyModel(5);
  assertThrows(() => generateAnswers(model, ["  "], { greedy: true }), RangeError, "questions[0]");
  assertThrows(
    () => generateAnswers(model, ["What is " + "blood ".repeat(60) + "?"], { greedy: true }),
    RangeError,
    "shorten the question",
  );
  assertThrows(
    () => encodeExample(TOKENIZER, { question: "What is blood?", answer: " " }, 48),
    RangeError,
    "empty answer",
  );
  assertThrows(
    () => trainOnQa(model, [{ question: "", answer: "x" }], { seed: 1 }),
    RangeError,
    "empty question",
  );
  assertThrows(() => TOKENIZER.decode([TOKENIZER.vocabSize]), RangeError, "not a token id");
  disposeGpt(model);
});
