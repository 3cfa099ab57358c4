import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals } from "../assert.ts";
import { disposeGpt, generateAnswers, gptParameterCount, loadGpt } from "../../lib/llm/mod.ts";
import "./fixture.ts";

const DIR = new URL("../../data/models/", import.meta.url).pathname;

Deno.test("the bundled student base and teacher load, share one tokenizer and answer a question", async () => {
  const before = tf.memory().numTensors;
  const { model: student, metadata: sm } = await loadGpt(DIR + "student_base");
  const { model: teacher, metadata: tm } = await loadGpt(DIR + "teacher");
  assertEquals(student.tokenizer.toJson(), teacher.tokenizer.toJson());
  assertEquals(sm.parameters, gptParameterCount(student.config));
  assertEquals(tm.parameters, gptParameterCount(teacher.config));
  // The teacher is trained from scratch, 4x256 against the base's 4x128 (data/models/README.md).
  assert(
    gptParameterCount(teacher.config) > 3 * gptParameterCount(student.config),
    "the teacher is over 3x the student base (GPT-2 to DistilGPT2's place)",
  );
  assertEquals(tm.initFrom, "fresh", "the teacher is trained from scratch");
  const [a] = generateAnswers(teacher, ["What is a blood vessel?"], { greedy: true });
  assert(a.length > 0, "the teacher answers");
  disposeGpt(student);
  disposeGpt(teacher);
  assertEquals(tf.memory().numTensors, before);
  let bytes = 0;
  for (const m of ["student_base", "teacher"]) {
    for (const f of Deno.readDirSync(DIR + m)) bytes += Deno.statSync(`${DIR}${m}/${f.name}`).size;
  }
  assert(bytes <= 40 * 1024 * 1024, `the bundled models take ${bytes} bytes, over 40 MB`);
});
