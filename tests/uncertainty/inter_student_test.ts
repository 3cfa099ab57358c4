import { assert, assertAlmostEquals, assertArrayClose, assertThrows } from "../assert.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { Rng } from "../../lib/random.ts";

Deno.test("inter-student variance is the population variance across students, averaged over inputs", () => {
  // Three students, two inputs: input 0 sees 1, 2, 6 (mean 3, variance 14/3); input 1 sees 5, 5, 5.
  const v = interStudentVariance(new Float64Array([1, 5, 2, 5, 6, 5]), 2);
  assertArrayClose(v.perInput, [14 / 3, 0], 1e-14);
  assertAlmostEquals(v.mean, 7 / 3, 1e-14);
});

Deno.test("one student is rejected before any work: it has no inter-student variance or SE", () => {
  assertThrows(() => interStudentVariance([1, 2, 3], 3), RangeError, "at least 2 students");
  const two = interStudentVariance([1, 2, 3, 3, 2, 1], 3);
  assert(Number.isFinite(two.se), `se ${two.se}`);
});

Deno.test("a test-set size that is not a positive integer is named, with the fix", () => {
  for (const m of [-2, NaN, 1.5, Infinity]) {
    const err = assertThrows(() => interStudentVariance([1, 2, 3, 4], m), RangeError);
    assert(err.message.includes(`m must be a positive integer`), err.message);
    assert(err.message.includes(`got ${m}`), err.message);
    assert(!err.message.includes("empty"), err.message);
  }
});

Deno.test("predictions whose squared spread overflows are rejected, not averaged to NaN", () => {
  assertThrows(() => interStudentVariance([1e300, -1e300], 1), RangeError, "overflows");
});

Deno.test("the standard error of the averaged variance matches its spread over repeated cohorts", () => {
  // R cohorts of S students on m inputs; predictions p_sj = z_s * a_j + e_sj (correlated inputs).
  const reps = 600, s = 40, m = 8;
  const rng = new Rng(31);
  const a = [0.2, 0.5, 1, 1.5, -1, 0.3, 2, 0.1];
  const means: number[] = [];
  let seSum = 0;
  for (let r = 0; r < reps; r++) {
    const p = new Float64Array(s * m);
    for (let t = 0; t < s; t++) {
      const z = rng.normal();
      for (let j = 0; j < m; j++) p[t * m + j] = z * a[j] + 0.5 * rng.normal();
    }
    const v = interStudentVariance(p, m);
    means.push(v.mean);
    seSum += v.se;
  }
  const avg = means.reduce((x, y) => x + y, 0) / reps;
  const sd = Math.sqrt(means.reduce((x, y) => x + (y - avg) ** 2, 0) / (reps - 1));
  const seAvg = seSum / reps;
  // The spread sd is itself estimated from R values: its relative SE is about
  // sqrt((kurtosis - 1) / (4 R)); the averaged variance is a mean of chi-square-like
  // terms, kurtosis below 5, so the relative SE is below sqrt(1/R) = 4.1%. Allow 4 such SE,
  // plus the O(1/S) = 2.5% bias of the plug-in estimate.
  assert(Math.abs(seAvg / sd - 1) < 4 * Math.sqrt(1 / reps) + 1 / s, `se ${seAvg} vs spread ${sd}`);
});

Deno.test("an empty test set or mismatched shapes throw, naming the argument", () => {
  assertThrows(() => interStudentVariance(new Float64Array(0), 0), RangeError, "test set is empty");
  assertThrows(
    () => interStudentVariance(new Float64Array(5), 2),
    RangeError,
    "predictions.length",
  );
  assertThrows(
    () => interStudentVariance(new Float64Array(0), 2),
    RangeError,
    "predictions.length",
  );
  assertThrows(() => interStudentVariance([1, NaN], 1), RangeError, "predictions[1]");
});
