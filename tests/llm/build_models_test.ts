import { assert, assertEquals, assertNotEquals } from "../assert.ts";
import { epochBatches, FORKED_TEACHER, STUDENT_BASE, TEACHER } from "../../tools/build_models.ts";
import { gptParameterCount } from "../../lib/llm/mod.ts";

Deno.test("an epoch's batches cover every example once and depend only on (seed, epoch)", () => {
  const lengths = Array.from({ length: 1000 }, (_, i) => 5 + ((i * 37) % 40));
  const a = epochBatches(lengths, 32, 7, 3);
  const seen = a.flat().sort((x, y) => x - y);
  assertEquals(seen, Array.from({ length: 1000 }, (_, i) => i));
  assertEquals(a.filter((b) => b.length !== 32).map((b) => b.length), [1000 % 32]);
  assertEquals(epochBatches(lengths, 32, 7, 3), a, "same seed and epoch, same batches (resumable)");
  assertNotEquals(epochBatches(lengths, 32, 7, 4), a, "another epoch reshuffles");
  // grouping by length: a batch spans a narrower range of lengths than random batches would
  const spread = a.map((b) =>
    Math.max(...b.map((i) => lengths[i])) - Math.min(...b.map((i) => lengths[i]))
  );
  assert(spread.reduce((s, x) => s + x, 0) / spread.length < 10, `mean spread ${spread}`);
});

Deno.test("teacher recipes: the default is over 3x the student base, the forked one continues its shape", () => {
  const v = 3258;
  const t = gptParameterCount({ ...TEACHER.shape, vocabSize: v });
  const s = gptParameterCount({ ...STUDENT_BASE.shape, vocabSize: v });
  assert(t > 3 * s, `${t} vs ${s}`);
  assertEquals(
    FORKED_TEACHER.shape,
    STUDENT_BASE.shape,
    "the forked teacher starts from a base checkpoint",
  );
  assert(
    TEACHER.withQa && FORKED_TEACHER.withQa && !STUDENT_BASE.withQa,
    "only the teacher sees QA",
  );
});
