import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  distinctN,
  knownWordFraction,
  perQuestionNoise,
  questionSpecificity,
  repeatsWordTrigram,
  vocabularyOf,
} from "../../bench/llm_quality.ts";
import { hallucinationRate, meanPairwiseDistance } from "../../lib/uncertainty/text/answers.ts";
import { meanSe } from "../../lib/uncertainty/unit_se.ts";

Deno.test("question-specificity: a model answering its own question scores high, a generic one zero", () => {
  // 4 questions with orthogonal true answers.
  const truths = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const perfect = questionSpecificity(truths, truths, 4);
  assertEquals(perfect.ownMinusOther.mean, 1);
  assertEquals(perfect.top1.mean, 1);
  // same answer for every question: own − other is 0 on average... exactly 0 here
  const generic = questionSpecificity(truths.map(() => [1, 1, 1, 1]), truths, 4);
  assertEquals(generic.ownMinusOther.mean, 0);
  assertEquals(generic.top1.mean, 0, "ties do not count as first");
  // answer i resembles truth i+1: own − other = −cos(a, t_{i+1}) = −1
  const shifted = questionSpecificity(truths.map((_, i) => truths[(i + 1) % 4]), truths, 4);
  assertEquals(shifted.ownMinusOther.mean, -1);
  assertEquals(shifted.top1.mean, 0);
  assertThrows(() => questionSpecificity(truths, truths, 5), RangeError, "pool");
  assertThrows(() => questionSpecificity(truths, truths.slice(1)), RangeError, "same number");
});

Deno.test("meanSe: sd / sqrt(n)", () => {
  const r = meanSe([1, 2, 3, 4]);
  assertEquals(r.mean, 2.5);
  assertAlmostEquals(r.se, Math.sqrt(5 / 3 / 4), 1e-12);
});

Deno.test("fluency measures on hand-made answers", () => {
  assert(repeatsWordTrigram("Abnormal condition of the body of the body."));
  assert(!repeatsWordTrigram("A disease of the body and the mind."));
  assert(!repeatsWordTrigram("of the of the"), "a repeated 2-gram is not a 3-gram repeat");
  const vocab = vocabularyOf(["A small brownish spot on the skin.", "The kidney's tissue."]);
  assertEquals(knownWordFraction(["A small sleinor spot."], vocab), 3 / 4);
  assertEquals(knownWordFraction(["the kidney's"], vocab), 1);
});

Deno.test("diversity: distinct-2 and mean pairwise embedding distance", () => {
  assertEquals(distinctN(["a b c", "a b c"], 2), 2 / 4);
  assertEquals(distinctN(["a b c", "c d e"], 2), 1);
  assertEquals(meanPairwiseDistance([[1, 0], [1, 0]]), 0);
  assertAlmostEquals(meanPairwiseDistance([[1, 0], [0, 1], [1, 0]]), 2 / 3, 1e-12);
});

Deno.test("per-question noise and its spread", () => {
  const q1 = [[0, 0], [2, 0]]; // 0.5
  const q2 = [[0, 0], [0, 0]]; // 0
  const r = perQuestionNoise([q1, q2]);
  assertEquals(r.values, [0.5, 0]);
  assertEquals(r.mean, 0.25);
  assertAlmostEquals(r.sd, Math.sqrt(0.125), 1e-12);
});

Deno.test("hallucination rate: answers nearer another term's definition than their own count", () => {
  const truths = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  // answer 0 near its own truth; answer 1 nearer truth 2; answer 2 equidistant from 0 and 2 (a tie: not closer)
  const answers = [[0.9, 0.1, 0], [0, 0.2, 0.8], [0.5, 0, 0.5]];
  const r = hallucinationRate(answers, truths);
  assertEquals(r.indicators, [0, 1, 0]);
  assertAlmostEquals(r.mean, 1 / 3, 1e-12);
  // several answers per question through owner: both answers to question 2 are about term 0
  const many = hallucinationRate([[1, 0, 0], [1, 0.1, 0], [0.1, 1, 0]], truths, [2, 2, 1]);
  assertEquals(many.indicators, [1, 1, 0]);
  assertThrows(() => hallucinationRate(answers, truths.slice(0, 1)), RangeError, "at least 2");
  assertThrows(() => hallucinationRate(answers.slice(1), truths), RangeError, "owner");
  assertThrows(() => hallucinationRate(answers, truths, [0, 1, 3]), RangeError, "owner[2]");
});
