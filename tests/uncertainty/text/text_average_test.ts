import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../assert.ts";
import {
  closestByCosine,
  meanDimensionVariance,
  meanEmbedding,
  textAverage,
  textVarianceWeighting,
} from "../../../lib/uncertainty/text/text_average.ts";

Deno.test("text averaging keeps the response closest to the mean embedding", () => {
  // Three responses around the direction (1, 1): the middle one is the mean's direction.
  const e = [[1, 0.2], [0.9, 0.95], [0.1, 1]];
  // mean = (2/3, 0.7167): cosines 0.81, 0.9999, 0.80 -> index 1
  const c = textAverage(e);
  assertEquals(c.index, 1);
  assertAlmostEquals(c.target[0], 2 / 3, 1e-12);
  assertAlmostEquals(c.target[1], 2.15 / 3, 1e-12);
  // an outlier cannot win: four near (1, 0), one at (0, 1); the mean (0.8, 0.21) lies at
  // 14.7 degrees, so (1, 0.1) at 5.7 degrees is the closest, not the outlier at 90
  assertEquals(textAverage([[0, 1], [1, 0.1], [1, -0.1], [1, 0.05], [1, 0]]).index, 1);
});

Deno.test("per-dimension variance averaged over dimensions divides by k", () => {
  // dim 0: values 0, 2 -> var 1; dim 1: 1, 1 -> 0; mean over dims 0.5
  assertAlmostEquals(meanDimensionVariance([[0, 1], [2, 1]]), 0.5, 1e-12);
  assertEquals(Array.from(meanEmbedding([[0, 1], [2, 3]])), [1, 2]);
});

Deno.test("variance weighting uses inverse-variance weights (Thm 7.3) and picks the closest to the combination", () => {
  // Teacher: mean (1, 0), variance per dim averaged 0.01 (k = 2: ±0.1 on dim 0... see below).
  const teacher = [[1.1, 0.0], [0.9, 0.0], [0.7, 0.7], [0.7, 0.7]];
  // teacher mean (0.85, 0.35); per-dim var: dim0 ((.25²+.05²+.15²+.15²)/4)=0.0275, dim1 0.1225 -> s_T² 0.075
  const student = [[0, 1], [0, 1]];
  // student variance 0 -> a_S ≈ 1: the target is the student mean (0, 1), so the teacher
  // response closest to (0, 1) wins: index 2 (the first of the two (0.7, 0.7)).
  const c = textVarianceWeighting(teacher, student);
  assertAlmostEquals(c.teacherVariance, 0.075, 1e-12);
  assertEquals(c.studentVariance, 0);
  assertAlmostEquals(c.studentWeight, 0.075 / (0.075 + 1e-8), 1e-9);
  assertEquals(c.index, 2);
  // Equal variances: a_T = a_S = 1/2, the target is the midpoint of the means.
  const t2 = [[1, 0], [1, 0.2]], s2 = [[0, 1], [0.2, 1]];
  const c2 = textVarianceWeighting(t2, s2);
  assertAlmostEquals(c2.teacherWeight, 0.5, 1e-12);
  assertAlmostEquals(c2.target[0], 0.55, 1e-12);
  assertAlmostEquals(c2.target[1], 0.55, 1e-12);
  assertEquals(c2.index, 1, "(1, 0.2) is closer to (0.55, 0.55) than (1, 0)");
  // A noisy student (large s_S²) leaves the choice to the teacher mean: same as averaging.
  const noisy = [[5, -5], [-5, 5]];
  const c3 = textVarianceWeighting(teacher, noisy);
  assert(c3.teacherWeight > 0.99);
  assertEquals(c3.index, textAverage(teacher).index);
});

Deno.test("bad embeddings are refused with the argument named", () => {
  assertThrows(() => textAverage([]), RangeError, "at least one");
  assertThrows(() => textAverage([[1, 2], [1]]), RangeError, "[1] has 1 numbers");
  assertThrows(() => textAverage([[1, NaN]]), RangeError, "finite");
  assertThrows(() => textVarianceWeighting([[1, 2]], [[1, 2, 3]]), RangeError, "student[0]");
  assertThrows(() => closestByCosine([[1, 2]], [1, 2, 3]), RangeError, "embeddings[0]");
});
