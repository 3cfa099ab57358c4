import { assertEquals, assertThrows } from "../../assert.ts";
import { parseWordNetData, questionFor, tidyGloss } from "../../../tools/corpus/wordnet.ts";

// Two lines in WordNet's data-file layout, written for this test, after a licence-style header line.
const FIXTURE = [
  "  1 This is a header line that the parser skips.",
  "00000010 26 n 02 sore_throat 0 pharyngitis 1 002 @ 00000020 n 0000 ;c 06043075 n 0000 | " +
  'inflammation of the fauces and pharynx; "she had a sore throat"',
  "00000020 26 n 01 illness 0 000 | impairment of normal health",
  "",
].join("\n");

Deno.test("a data line gives its offset, lex file, words, pointers and gloss", () => {
  const [a, b] = parseWordNetData(FIXTURE, "n");
  assertEquals(a.offset, "00000010");
  assertEquals(a.lexFile, 26);
  assertEquals(a.words, ["sore throat", "pharyngitis"]);
  assertEquals(a.pointers, [
    { symbol: "@", offset: "00000020", pos: "n" },
    { symbol: ";c", offset: "06043075", pos: "n" },
  ]);
  assertEquals(a.gloss, 'inflammation of the fauces and pharynx; "she had a sore throat"');
  assertEquals(b.words, ["illness"]);
  assertEquals(b.pointers.length, 0);
});

Deno.test("the word count is read as hexadecimal and adjective markers are dropped", () => {
  const words = Array.from({ length: 10 }, (_, i) => `w${i}(a) 0`).join(" ");
  const [s] = parseWordNetData(`00000030 00 a 0a ${words} 000 | a gloss`, "a");
  assertEquals(s.words.length, 10);
  assertEquals(s.words[9], "w9");
});

Deno.test("a line without a gloss separator is reported with its line number", () => {
  assertThrows(() => parseWordNetData("00000010 26 n 01 x 0 000", "n"), Error, "line 1");
});

Deno.test("a gloss loses its quoted examples and gets a capital and a full stop", () => {
  assertEquals(
    tidyGloss('a state of partial darkness; "he struck a match"; "the gloom"'),
    "A state of partial darkness.",
  );
  assertEquals(tidyGloss("first sense; second sense"), "First sense; second sense.");
  assertEquals(tidyGloss('remove it, e.g. "a stain"'), "Remove it.");
  assertEquals(tidyGloss("(medicine) a  test\tof blood"), "(medicine) a test of blood.");
  assertEquals(tidyGloss("already ends?"), "Already ends?");
  assertEquals(tidyGloss('"only an example"'), "");
});

Deno.test("questions depend on the part of speech", () => {
  assertEquals(questionFor("liver", "n"), "What is liver?");
  assertEquals(questionFor("bleed", "v"), "What does it mean to bleed?");
  assertEquals(questionFor("acute", "a"), "What does acute mean?");
});
