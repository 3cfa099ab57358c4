import {
  jackknifeCombination,
  jackknifeMean,
  jackknifeSlope,
  jackknifeVariance,
} from "../../lib/uncertainty/jackknife.ts";
import { interStudentVariance } from "../../lib/uncertainty/inter_student.ts";
import { monteCarloSummary } from "../../lib/uncertainty/monte_carlo.ts";
import { Rng } from "../../lib/random.ts";
import { assertAlmostEquals, assertThrows } from "../assert.ts";

Deno.test("the jackknife SE of a mean is the usual SE, and delete-one variances are exact", () => {
  const rng = new Rng(2);
  const x = Float64Array.from({ length: 30 }, () => rng.normal());
  const j = jackknifeMean(x);
  const se = jackknifeCombination([{ weight: 1, stat: j }]).se;
  assertAlmostEquals(se, monteCarloSummary(x).seMean, 1e-12);
  const v = jackknifeVariance(x);
  const without3 = x.filter((_, i) => i !== 3);
  assertAlmostEquals(v.deleteOne[3], interStudentVariance(without3, 1).mean, 1e-12);
  assertAlmostEquals(v.value, interStudentVariance(x, 1).mean, 1e-15);
});

Deno.test("a jackknife slope of means over the same students is the slope of the means", () => {
  // Student k's value at setting x is 2x + k: every delete-one slope is 2, so the SE is 0.
  const xs = [0, 1, 2];
  const stats = xs.map((x) => jackknifeMean(Float64Array.from([0, 1, 2, 3], (k) => 2 * x + k)));
  const s = jackknifeSlope(xs, stats);
  assertAlmostEquals(s.value, 2, 1e-12);
  assertAlmostEquals(s.se, 0, 1e-12);
  assertThrows(() => jackknifeSlope([1, 1], stats.slice(0, 2)), RangeError, "distinct");
  assertThrows(() => jackknifeMean([1, 2, 3], 2), RangeError, "S x columns");
});
