import { assert, assertEquals, assertThrows } from "../../assert.ts";
import {
  definitionStatements,
  STATEMENT_TEMPLATES,
  termDefinition,
} from "../../../tools/corpus/mod.ts";
import { loadQaCorpus } from "../../../lib/llm/qa.ts";
import { pretrainCorpus } from "../../../tools/build_models.ts";

Deno.test("terms and definitions are read from the three question forms", () => {
  assertEquals(termDefinition({ question: "What is nephritis?", answer: "An inflammation." }), {
    term: "nephritis",
    definition: "An inflammation.",
    pos: "noun",
  });
  assertEquals(
    termDefinition({ question: "What does it mean to run?", answer: "Move fast." }).pos,
    "verb",
  );
  assertEquals(
    termDefinition({ question: "What does red mean?", answer: "Of a colour." }).term,
    "red",
  );
  assertThrows(() => termDefinition({ question: "Why?", answer: "x" }), RangeError, "cannot read");
});

Deno.test("statements: k distinct forms per term, the term after a space, never the QA format", () => {
  const pairs = [
    { question: "What is nephritis?", answer: "An inflammation of the kidney." },
    { question: "What is freckle?", answer: "A small brownish spot on the skin." },
  ];
  const s = definitionStatements(pairs, { seed: 3, formsPerTerm: 3 });
  assertEquals(s.length, 6);
  assertEquals(new Set(s.slice(0, 3)).size, 3);
  for (const [i, t] of s.entries()) {
    const term = i < 3 ? "nephritis" : "freckle";
    assert(t.includes(` ${term}`), t);
    assert(t.toLowerCase().includes(i < 3 ? "inflammation of the kidney" : "brownish spot"), t);
    assert(!/Question:|Answer:/.test(t), t);
  }
  assertEquals(definitionStatements(pairs, { seed: 3, formsPerTerm: 3 }), s, "seeded");
  assertThrows(
    () => definitionStatements(pairs, { seed: 1, formsPerTerm: STATEMENT_TEMPLATES.length + 1 }),
    RangeError,
    "formsPerTerm",
  );
});

Deno.test("the models' corpus: test terms only as statements, no fine-tuning pair from the test split", async () => {
  const { test } = await loadQaCorpus();
  const { statements, qaTrain } = await pretrainCorpus();
  const testQuestions = new Set(test.map((p) => p.question));
  assertEquals(qaTrain.filter((p) => testQuestions.has(p.question)).length, 0);
  assertEquals(statements.filter((t) => /Question:|Answer:/.test(t)).length, 0);
  // every test term's definition is stated (that is the point: knowledge from pre-training)
  const text = new Set(statements);
  const stated = test.filter((p) => {
    const d = termDefinition(p);
    return [...text].some((t) => t.includes(` ${d.term}`) && t.includes(d.definition.slice(1)));
  });
  assertEquals(stated.length, test.length);
});
