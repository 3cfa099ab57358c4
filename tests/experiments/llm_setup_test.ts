import {
  alignment,
  answerInterStudentVariance as interStudentVariance,
  hallucinationRates,
  leaveOneOutAnswerVariance as leaveOneOutInterStudentVariance,
  promptNoise,
} from "../../lib/uncertainty/text/answers.ts";
import { pairedDifference, slopeAcrossUnits, slopeOfMeans } from "../../lib/uncertainty/unit_se.ts";
import { sampleAnswers } from "../../notebooks/llm_setup.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { PAIRS } from "../llm/fixture.ts";
import { tinySetup } from "./llm_fixture.ts";

const v = (...x: number[]) => Float32Array.from(x);

Deno.test("alignment: mean cosine of teacher and student answers, SEs across students and questions", () => {
  const teacher = [v(1, 0), v(0, 1)];
  // student 0: cos 1 and 0; student 1: cos 0 and 1/√2·... constructed below
  const students = [[v(2, 0), v(1, 0)], [v(0, 1), v(1, 1)]];
  const a = alignment(teacher, students);
  const c = Math.SQRT1_2;
  assertEquals(a.perStudent.map((x) => +x.toFixed(6)), [0.5, +(c / 2).toFixed(6)]);
  assertEquals(a.perQuestion.map((x) => +x.toFixed(6)), [0.5, +(c / 2).toFixed(6)]);
  assertAlmostEquals(a.mean, (1 + c) / 4, 1e-7);
  // two per-student values 0.5 and c/2: SE = |difference| / 2
  assertAlmostEquals(a.seStudents, Math.abs(0.5 - c / 2) / 2, 1e-7);
  assertThrows(() => alignment([v(1, 0)], students), RangeError, "teacher holds 1");
  assertThrows(
    () => alignment(teacher, [[v(1, 0)], [v(1, 0), v(0, 1)]]),
    RangeError,
    "students[1]",
  );
});

Deno.test("interStudentVariance: per-dimension variance across students (n − 1), averaged", () => {
  // question 0: students at (0,0), (2,0), (4,0): var dim0 = 4, dim1 = 0 → 2; question 1: all equal → 0
  const st = [[v(0, 0), v(1, 1)], [v(2, 0), v(1, 1)], [v(4, 0), v(1, 1)]];
  const r = interStudentVariance(st);
  assertEquals(r.perQuestion, [2, 0]);
  assertEquals(r.mean, 1);
  assertAlmostEquals(r.seQuestions, 1, 1e-12);
  // jackknife over students: leaving one out, question 0's pair is (2,4), (0,4) or (0,2): dim-0
  // variances 2, 8, 2, averaged over 2 dims (1, 4, 1) and over the 2 questions (0.5, 2, 0.5)
  const loo = [0.5, 2, 0.5];
  const lm = loo.reduce((a, b) => a + b) / 3;
  const se = Math.sqrt((2 / 3) * loo.reduce((a, b) => a + (b - lm) ** 2, 0));
  assertAlmostEquals(r.seStudents, se, 1e-12);
  assertThrows(() => interStudentVariance([[v(1)]]), RangeError, "at least 2 students");
});

Deno.test("the language-model interStudentVariance rejects bad embeddings before any work, naming them", () => {
  assertThrows(() => interStudentVariance([]), RangeError, "at least one row");
  assertThrows(() => interStudentVariance([[], []]), RangeError, "students[0] is empty");
  assertThrows(
    () => interStudentVariance([[v(1, 0)], [v(NaN, 0)]]),
    RangeError,
    "students[1][0][0] is NaN",
  );
  assertThrows(
    () => interStudentVariance([[v(1, 0)], [v(1, 0, 2)]]),
    RangeError,
    "students[1][0] has 3 dimensions",
  );
  assertThrows(() => interStudentVariance([[v()], [v()]]), RangeError, "non-empty");
});

Deno.test("promptNoise: mean pairwise cosine distance per question", () => {
  const r = promptNoise([[v(1, 0), v(0, 1)], [v(1, 0), v(1, 0), v(2, 0)]]);
  assertEquals(r.perQuestion, [1, 0]);
  assertEquals(r.mean, 0.5);
  assertThrows(() => promptNoise([[v(1, 0)]]), RangeError, "need >= 2");
});

Deno.test("hallucinationRates: share nearer another question's truth, per model", () => {
  const truths = [v(1, 0), v(0, 1)];
  const r = hallucinationRates([[v(1, 0.1), v(1, 0)], [v(0, 1), v(1, 0)]], truths);
  assertEquals(r.perStudent, [0.5, 1]);
  assertEquals(r.perQuestion, [0.5, 1]);
  assertEquals(r.mean, 0.75);
});

Deno.test("trend tests: paired slopes over units and weighted slope of means", () => {
  const x = [0, 1, 2];
  // every unit rises by 1 per step, plus a unit-specific offset: slope exactly 1, SE 0
  const s = slopeAcrossUnits(x, [[0, 1, 2], [5, 6, 7], [1, 2, 3]]);
  assertEquals(s.slope, 1);
  assertEquals(s.se, 0);
  const u = slopeAcrossUnits(x, [[0, 1, 2], [0, 3, 6]]);
  assertEquals(u.slope, 2);
  assertAlmostEquals(u.se, 1, 1e-12);
  // equal SEs: ordinary least squares; slope 0.5, SE = σ/√Sxx = 0.1/√2
  const w = slopeOfMeans(x, [1, 1.5, 2], [0.1, 0.1, 0.1]);
  assertAlmostEquals(w.slope, 0.5, 1e-12);
  assertAlmostEquals(w.se, 0.1 / Math.SQRT2, 1e-12);
  assertThrows(() => slopeOfMeans([1, 1], [1, 2], [1, 1]), RangeError, "distinct");
  const d = pairedDifference([3, 5], [1, 2]);
  assertEquals(d.mean, 2.5);
  assertEquals(d.se, 0.5);
});

Deno.test("the setup: seeded teacher draws, cached, independent of how many are asked for", async () => {
  const setup = tinySetup();
  try {
    const qs = PAIRS.map((p) => p.question);
    const three = setup.teacherAnswers(qs, { temperature: 1, seed: 4, draws: 3 });
    assertEquals(three.length, 3);
    assertEquals(three[0].length, qs.length);
    const third = setup.teacherAnswers(qs, { temperature: 1, seed: 4, from: 2 });
    assertEquals(third[0], three[2]);
    // the same as sampling the model directly (the cache returns what was drawn)
    assertEquals(
      sampleAnswers(setup.teacher, qs, { temperature: 1, seed: 4, from: 1, maxNewTokens: 6 })[0],
      three[1],
    );
    const other = setup.teacherAnswers(qs, { temperature: 1, seed: 5 });
    assert(other[0].join("|") !== three[0].join("|"), "another seed gives other draws");
    const [greedy] = setup.teacherAnswers(qs, { temperature: 0 });
    assertEquals(greedy.length, qs.length);
    assertThrows(
      () => setup.teacherAnswers(qs, { temperature: 1 }),
      RangeError,
      "seed must be an integer",
    );
    assertThrows(
      () => setup.teacherAnswers(qs, { temperature: 0, draws: 2 }),
      RangeError,
      "one draw",
    );
    const e = await setup.embed(["a cell", "", "a cell"]);
    assertEquals(e.length, 3);
    assertEquals(e[0], e[2]);
    assertEquals(e[1].length, setup.embedder.dim);
    assert(setup.description.includes("1x16"), setup.description);
  } finally {
    await setup.dispose();
  }
});

Deno.test("leaveOneOutInterStudentVariance gives the jackknife replicates behind seStudents", () => {
  const e = (...v: number[]) => Float32Array.from(v);
  const students = [[e(0, 0), e(1, 2)], [e(2, 0), e(1, 0)], [e(4, 4), e(3, 2)]];
  const loo = leaveOneOutInterStudentVariance(students);
  assertEquals(loo.length, 3);
  // Leaving student 0 out: question 0 has (2, 0) and (4, 4), per-dimension variances 2 and 8.
  const full = interStudentVariance(students), mean = loo.reduce((a, b) => a + b, 0) / 3;
  assertAlmostEquals(loo[0], ((2 + 8) / 2 + (2 + 2) / 2) / 2, 1e-12);
  assertAlmostEquals(
    full.seStudents,
    Math.sqrt((2 / 3) * loo.reduce((a, b) => a + (b - mean) ** 2, 0)),
    1e-12,
  );
  assertEquals(leaveOneOutInterStudentVariance(students.slice(0, 2)), []);
});
