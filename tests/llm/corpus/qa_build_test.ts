import { assertEquals, assertThrows } from "../../assert.ts";
import { biomedicalOffsets, splitPairs, synsetPairs } from "../../../tools/corpus/qa_build.ts";
import type { Synset } from "../../../tools/corpus/wordnet.ts";

function syn(
  offset: string,
  lexFile: number,
  words: string[],
  hypernym?: string,
  domain?: string,
): Synset {
  const pointers = [];
  if (hypernym) pointers.push({ symbol: "@", offset: hypernym, pos: "n" });
  if (domain) pointers.push({ symbol: ";c", offset: domain, pos: "n" });
  return { offset, lexFile, pos: "n", words, pointers, gloss: `gloss of ${words[0]}` };
}

Deno.test("the biomedical subset keeps body parts, diseases, biological processes and medical terms", () => {
  const nouns = [
    syn("05385534", 8, ["liver"]), // noun.body: kept
    syn("14034177", 26, ["physical condition"]), // a state root: kept
    syn("90000001", 26, ["flu"], "90000002"), // descends from the root through 90000002: kept
    syn("90000002", 26, ["disease"], "14034177"),
    syn("90000003", 26, ["tangency"]), // a state outside the roots: dropped
    syn("13526110", 22, ["organic process"]),
    syn("90000004", 22, ["digestion"], "13526110"), // kept
    syn("90000005", 22, ["erosion"]), // dropped
    syn("90000006", 4, ["therapy"], undefined, "06043075"), // medicine domain: kept
    syn("90000007", 4, ["chess move"]), // dropped
  ];
  const got = [...biomedicalOffsets(nouns)].sort();
  assertEquals(got, [
    "05385534",
    "13526110",
    "14034177",
    "90000001",
    "90000002",
    "90000004",
    "90000006",
  ]);
});

Deno.test("each synset asks for its first word not yet asked, and a synset with none is skipped", () => {
  const pairs = synsetPairs([
    syn("00000001", 26, ["cold", "common cold"]),
    syn("00000002", 26, ["Cold", "coldness"]),
    syn("00000003", 26, ["COLD"]),
  ]);
  assertEquals(pairs.map((p) => p.question), ["What is cold?", "What is coldness?"]);
  assertEquals(pairs[1], {
    question: "What is coldness?",
    answer: "Gloss of Cold.",
    id: "wn:n00000002",
  });
});

Deno.test("the split has round(f n) test pairs, keeps input order and repeats with the seed", () => {
  const items = Array.from({ length: 101 }, (_, i) => i);
  const a = splitPairs(items, 0.1, 7), b = splitPairs(items, 0.1, 7);
  assertEquals(a.test.length, 10);
  assertEquals(a.train.length, 91);
  assertEquals(a, b);
  assertEquals([...a.train, ...a.test].sort((x, y) => x - y), items);
  for (const part of [a.train, a.test]) {
    for (let i = 1; i < part.length; i++) assertEquals(part[i] > part[i - 1], true);
  }
  const c = splitPairs(items, 0.1, 8);
  assertEquals(c.test.join() !== a.test.join(), true);
});

Deno.test("a split fraction outside (0, 1) or one that leaves a part empty is refused", () => {
  assertThrows(() => splitPairs([1, 2, 3], 0, 1), Error, "testFraction");
  assertThrows(() => splitPairs([1, 2, 3], 0.01, 1), Error, "leaves a part empty");
});
