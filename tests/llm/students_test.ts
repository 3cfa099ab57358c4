import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals, assertNotEquals } from "../assert.ts";
import { disposeGpt, type StudentJob, trainStudents } from "../../lib/llm/mod.ts";
import { gptValues } from "../../lib/llm/model.ts";
import { PAIRS, tinyModel } from "./fixture.ts";

async function assertRejects(
  f: () => Promise<unknown>,
  cls: new (...a: never[]) => Error,
  includes: string,
): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${(e as Error).name}`);
    assert((e as Error).message.includes(includes), (e as Error).message);
    return;
  }
  throw new Error(`expected a rejection mentioning "${includes}"`);
}

const JOBS: StudentJob[] = [
  { data: PAIRS },
  { data: [...PAIRS].reverse(), noiseFraction: 0.01 },
  { data: PAIRS.slice(0, 2) },
  { data: PAIRS.slice(1), noiseFraction: 0.05 },
];

async function weightsOf(
  jobs: StudentJob[],
  from?: number,
  to?: number,
): Promise<Map<number, number[]>> {
  const base = tinyModel(3);
  const out = new Map<number, number[]>();
  await trainStudents(base, jobs, {
    seed: 9,
    epochs: 2,
    batchSize: 2,
    learningRate: 1e-3,
    from,
    to,
    onStudent: (s, m) => {
      out.set(s, [...gptValues(m).values()].flatMap((x) => Array.from(x)));
    },
  });
  disposeGpt(base);
  return out;
}

Deno.test("student s is identical whatever the number of students and however the work is split", async () => {
  const before = tf.memory().numTensors;
  const all = await weightsOf(JOBS);
  assertEquals([...all.keys()], [0, 1, 2, 3]);
  const firstTwo = await weightsOf(JOBS.slice(0, 2));
  const split = await weightsOf(JOBS, 2, 4);
  const one = await weightsOf(JOBS, 1, 2);
  assertEquals(firstTwo.get(0), all.get(0));
  assertEquals(firstTwo.get(1), all.get(1));
  assertEquals(one.get(1), all.get(1));
  assertEquals(split.get(2), all.get(2));
  assertEquals(split.get(3), all.get(3));
  // the students differ from each other (own targets, own order, own noise)
  assertNotEquals(all.get(0), all.get(1));
  assertEquals(tf.memory().numTensors, before, "students are disposed after the callback");
});

Deno.test("progress counts every update of the call and the time left reaches zero", async () => {
  const base = tinyModel(3);
  const seen: { step: number; total: number; left: number; student: number }[] = [];
  await trainStudents(base, JOBS.slice(0, 2), {
    seed: 1,
    epochs: 1,
    batchSize: 3,
    onStudent: () => {},
    onProgress: (p) =>
      seen.push({ step: p.step, total: p.totalSteps, left: p.secondsLeft, student: p.student }),
  });
  disposeGpt(base);
  // 4 pairs / batch 3 = 2 updates per student, 2 students
  assertEquals(seen.map((p) => p.step), [1, 2, 3, 4]);
  assertEquals(seen.map((p) => p.student), [0, 0, 1, 1]);
  assert(seen.every((p) => p.total === 4));
  assertEquals(seen.at(-1)!.left, 0);
});

Deno.test("a kept student survives the call; bad jobs are refused before any training", async () => {
  const base = tinyModel(3);
  let kept: ReturnType<typeof tinyModel> | undefined;
  await trainStudents(base, [{ data: PAIRS }], {
    seed: 1,
    epochs: 1,
    onStudent: (_, m) => {
      kept = m;
      return "keep";
    },
  });
  assert(kept!.params.size > 0);
  disposeGpt(kept!);
  let trained = 0;
  const onStudent = () => {
    trained++;
  };
  await assertRejects(() => trainStudents(base, [], { seed: 1, onStudent }), RangeError, "jobs");
  await assertRejects(
    () => trainStudents(base, [{ data: PAIRS }, { data: [] }], { seed: 1, onStudent }),
    RangeError,
    "jobs[1].data",
  );
  await assertRejects(
    () => trainStudents(base, [{ data: PAIRS, noiseFraction: -1 }], { seed: 1, onStudent }),
    RangeError,
    "noiseFraction",
  );
  await assertRejects(
    () => trainStudents(base, JOBS, { seed: 1, from: 3, to: 2, onStudent }),
    RangeError,
    "from",
  );
  await assertRejects(
    () => trainStudents(base, JOBS, { seed: 1, to: 5, onStudent }),
    RangeError,
    "to (5)",
  );
  assertEquals(trained, 0);
  disposeGpt(base);
});
