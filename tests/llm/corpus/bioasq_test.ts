import { assertEquals, assertRejects, assertThrows } from "../../assert.ts";
import { loadBioAsq, parseBioAsq } from "../../../tools/corpus/bioasq.ts";

// A fixture in BioASQ Task B layout, written for this test (not BioASQ data).
const FIXTURE = {
  questions: [
    {
      id: "q1",
      type: "summary",
      body: "What is hepatitis? ",
      ideal_answer: ["Inflammation of the liver.", "A liver disease."],
    },
    { id: "q2", type: "factoid", body: "Which organ secretes bile?", ideal_answer: " The liver. " },
    { id: "q3", type: "yesno", body: "Is this unanswered?" },
    { id: "q4", type: "list", body: "Empty answers?", ideal_answer: [] },
  ],
};

Deno.test("a BioASQ file gives one pair per answered question, string or array answers alike", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/training.json`;
    await Deno.writeTextFile(path, JSON.stringify(FIXTURE));
    assertEquals(await loadBioAsq(path), [
      { question: "What is hepatitis?", answer: "Inflammation of the liver.", id: "bioasq:q1" },
      { question: "Which organ secretes bile?", answer: "The liver.", id: "bioasq:q2" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("answers: all makes a pair for every ideal answer", () => {
  const pairs = parseBioAsq(FIXTURE, { answers: "all" });
  assertEquals(pairs.map((p) => p.answer), [
    "Inflammation of the liver.",
    "A liver disease.",
    "The liver.",
  ]);
});

Deno.test("a document that is not Task B JSON is refused with the expected layout", async () => {
  assertThrows(() => parseBioAsq({ data: [] }), Error, '"questions" array');
  assertThrows(() => parseBioAsq({ questions: [{ ideal_answer: "x" }] }), Error, "questions[0]");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, "{not json");
    await assertRejects(() => loadBioAsq(`${dir}/bad.json`), Error, "is not JSON");
    await assertRejects(() => loadBioAsq(`${dir}/missing.json`), Error, "not found");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
