import { assert, assertEquals, assertRejects } from "../../assert.ts";
import { loadPretrainCorpus, loadQaCorpus, parseQaJsonl } from "../../../lib/llm/qa.ts";
import { splitPairs } from "../../../tools/corpus/qa_build.ts";

Deno.test("the committed biomedical corpus has 3,989 training and 443 test pairs", async () => {
  const { train, test } = await loadQaCorpus();
  assertEquals(train.length, 3989);
  assertEquals(test.length, 443);
  for (const p of [...train, ...test]) {
    assert(/^What is .+\?$/.test(p.question), p.question);
    assert(p.answer.length > 3 && !p.answer.includes('"'), p.answer);
  }
});

Deno.test("no test question of the biomedical corpus occurs in its training part", async () => {
  const { train, test } = await loadQaCorpus();
  const seen = new Set(train.map((p) => p.question.toLowerCase()));
  for (const p of test) assert(!seen.has(p.question.toLowerCase()), p.question);
});

Deno.test("the committed split is the seed-2024 10% split of the pairs in WordNet order", async () => {
  const { train, test } = await loadQaCorpus();
  const all = [...train, ...test].sort((a, b) => (a.id! < b.id! ? -1 : 1));
  const again = splitPairs(all, 0.1, 2024);
  assertEquals(again.test.map((p) => p.id), test.map((p) => p.id));
  assertEquals(again.train.map((p) => p.id), train.map((p) => p.id));
});

Deno.test("the pre-training corpus holds 95,275 pairs, none of them biomedical", async () => {
  const general = await loadPretrainCorpus();
  assertEquals(general.length, 95275);
  const { train, test } = await loadQaCorpus();
  const bio = new Set([...train, ...test].map((p) => p.id));
  for (const p of general) assert(!bio.has(p.id), `${p.id} is in both corpora`);
  const kinds = new Set(general.map((p) => p.id!.slice(3, 4)));
  assertEquals([...kinds].sort(), ["a", "n", "r", "v"]);
  const head = await loadPretrainCorpus({ limit: 5 });
  assertEquals(head, general.slice(0, 5));
});

Deno.test("a bad limit and a missing corpus folder are reported", async () => {
  await assertRejects(() => loadPretrainCorpus({ limit: 0 }), Error, "limit");
  await assertRejects(() => loadQaCorpus({ dir: "/nonexistent/qa" }), Error, "not found");
});

Deno.test("a JSONL line without question and answer names the file and line", () => {
  const text = '{"question":"Q?","answer":"A."}\n{"question":"Q2?"}\n';
  let message = "";
  try {
    parseQaJsonl(text, "x.jsonl");
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.includes("x.jsonl line 2"), message);
  assertEquals(parseQaJsonl('{"question":"Q?","answer":"A."}\n'), [{
    question: "Q?",
    answer: "A.",
  }]);
});
