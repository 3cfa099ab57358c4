/**
 * Student's t distribution for small samples: its upper tail for an integer
 * number of degrees of freedom, and the SE that makes a normal-theory test
 * (as the claims ledger runs) agree with the t test on those degrees of freedom.
 *
 * @module
 */
import { probit } from "simple-statistics";

/**
 * Student's t upper tail P(T > t) for an integer number of degrees of
 * freedom, from the closed forms in θ = atan(t/√df) (Abramowitz & Stegun
 * 26.7.3-4).
 *
 * @throws RangeError when `df` is not an integer >= 1.
 *
 * @category Tests
 */
export function studentTUpper(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) {
    throw new RangeError(`studentTUpper: df must be an integer >= 1, got ${df}.`);
  }
  if (t < 0) return 1 - studentTUpper(-t, df);
  if (t === Infinity) return 0;
  const th = Math.atan(t / Math.sqrt(df)), c = Math.cos(th), s = Math.sin(th), c2 = c * c;
  let a: number;
  if (df % 2 === 1) {
    let sum = 0;
    if (df >= 3) {
      let term = c;
      sum = c;
      for (let j = 3; j <= df - 2; j += 2) sum += term *= (c2 * (j - 1)) / j;
    }
    a = (2 / Math.PI) * (th + s * sum);
  } else {
    let sum = 1, term = 1;
    for (let j = 2; j <= df - 2; j += 2) sum += term *= (c2 * (j - 1)) / j;
    a = s * sum;
  }
  return Math.min(0.5, Math.max(0, (1 - a) / 2));
}

/**
 * The SE that makes the ledger's normal-theory test of `mean` agree with a
 * t test on `df` degrees of freedom: |mean| / z, z the normal quantile of
 * the t test's one-sided p (never below `se`). With 5 students (4 degrees of
 * freedom) a z of 3 is a t of 3, one-sided p 0.02 rather than 0.0013: the
 * plain SE would overstate the evidence.
 *
 * @category Tests
 */
export function tEquivalentSe(mean: number, se: number, df: number): number {
  if (!(se > 0) || !(df >= 1) || mean === 0 || !Number.isFinite(mean)) return se;
  const p = studentTUpper(Math.abs(mean) / se, df);
  if (!(p > 0)) return se;
  const z = -probit(p);
  return z > 0 ? Math.max(se, Math.abs(mean) / z) : se;
}
