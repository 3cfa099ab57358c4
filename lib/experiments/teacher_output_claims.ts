/**
 * The claims ledger of Section 4 (`teacher_output.ts` runs the experiment):
 * the theorem checks summarized, and every claim of Sections 4.1-4.3 with a
 * verdict by a stated rule.
 *
 * @module
 */
import { type Claim, claimFromTest, claimVsNumber } from "../report/claims.ts";
import { bonferroniZ } from "./bonferroni.ts";
import {
  QUANTITIES,
  type TeacherOutputResult,
  type TheoryCheck,
  THM41,
  THM42,
  THM43,
  type Trend,
} from "./teacher_output.ts";

/**
 * The largest |z| among the checks of one theorem at sigma2 > 0, and how many there are.
 *
 * @category Section 4: teacher output uncertainty
 */
export function worstCheck(
  result: TeacherOutputResult,
  what: string,
): { z: number; level: number; count: number } {
  const scored = result.checks.filter((c) => c.what === what && c.z !== null);
  if (scored.length === 0) throw new Error(`worstCheck: no check named "${what}".`);
  const w = scored.reduce((a, b) => (Math.abs(b.z!) > Math.abs(a.z!) ? b : a));
  return { z: w.z!, level: w.level, count: scored.length };
}

function trend(result: TeacherOutputResult, student: string, quantity: number): Trend {
  return result.trends.find((t) =>
    t.student === student && t.quantity === QUANTITIES[quantity].name
  )!;
}

/**
 * All comparisons at sigma2 > 0 (five quantities per level) and the exact ones at sigma2 = 0.
 *
 * @category Section 4: teacher output uncertainty
 */
export interface CheckSummary {
  /** Comparisons at sigma2 > 0. */
  count: number;
  /** The one with the largest |z|. */
  worst: TheoryCheck;
  /** How many lie beyond 2 and 3 SE. */
  beyond2: number;
  beyond3: number;
  /** Comparisons at sigma2 = 0 and their largest |sim - theory|. */
  exactCount: number;
  maxExactGap: number;
}

/**
 * Summarize {@link TeacherOutputResult.checks}: how often the theory falls outside k SE.
 *
 * @category Section 4: teacher output uncertainty
 */
export function checkSummary(result: TeacherOutputResult): CheckSummary {
  const scored = result.checks.filter((c) => c.z !== null);
  const exact = result.checks.filter((c) => c.z === null);
  const beyond = (k: number) => scored.filter((c) => Math.abs(c.z!) > k).length;
  return {
    count: scored.length,
    worst: scored.reduce((a, b) => (Math.abs(b.z!) > Math.abs(a.z!) ? b : a)),
    beyond2: beyond(2),
    beyond3: beyond(3),
    exactCount: exact.length,
    maxExactGap: Math.max(0, ...exact.map((c) => Math.abs(c.sim - c.theory))),
  };
}

/**
 * The paper's Table 2 (Appendix C): share of prompts where the student's variance is below the teacher's.
 *
 * @category Section 4: teacher output uncertainty
 */
export const PAPER_TABLE2_SHARE = "99.96-100%";

/**
 * The claims ledger of Section 4: Theorems 4.1-4.3 against the simulation at
 * every level (largest |z| within the Bonferroni bound), the slope of
 * Theorem 4.1, the shape of the inter-student variance in both readings
 * (the paper's text: variance of predictions; its code: variance of test
 * MSE) and monotone accuracy. The language-model claims of Section 4.3 and
 * Appendices C and F are `llmTemperatureClaims` (lib/experiments/llm_temperature.ts).
 *
 * @example
 * ```ts
 * const claims = teacherOutputClaims(await runTeacherOutput(teacherOutputConfig("smoke")));
 * ```
 *
 * @category Section 4: teacher output uncertainty
 */
export function teacherOutputClaims(result: TeacherOutputResult): Claim[] {
  const claims: Claim[] = [];
  for (
    const [id, what, claim] of [
      ["thm41", THM41, "Thm 4.1: inter-student variance = σ² tr(H)/m at every level"],
      ["thm42", THM42, "Thm 4.2: E[test MSE vs teacher] = σ² tr(H)/m at every level"],
      ["thm43", THM43, "Thm 4.3: E[test MSE vs truth] = bias + σ² tr(H)/m at every level"],
    ] as const
  ) {
    const w = worstCheck(result, what);
    claims.push(claimFromTest({
      section: "4.1",
      id,
      claim: `${claim} (ours: largest |sim − theory|/SE over ${w.count} levels)`,
      paper: "exact",
      ours: w.z,
      se: 1,
      direction: "zero",
      threshold: Number(bonferroniZ(w.count).toFixed(2)),
    }));
  }
  const top = result.linear[result.linear.length - 1];
  const linInter = trend(result, "linear", 0);
  claims.push(claimVsNumber({
    section: "4.1",
    id: "thm41-slope",
    claim: "Thm 4.1: slope of inter-student variance in σ² is tr(H)/m (×(S−1)/S)",
    paper: top.theory.inter / top.sigma2,
    ours: linInter.b,
    se: linInter.seB,
  }));
  claims.push(claimFromTest({
    section: "4.2 (text)",
    id: "linear-inter-linear",
    claim: "linear students: inter-student variance of predictions linear in σ² (curvature)",
    paper: "linear",
    ours: linInter.c,
    se: linInter.seC,
    direction: "zero",
  }));
  const linVar = trend(result, "linear", 1);
  claims.push(claimFromTest({
    section: "4.2 (code)",
    id: "linear-varmse-linear",
    claim: "linear students: variance of test MSE (the code's curve) linear in σ² (curvature)",
    paper: "linear",
    ours: linVar.c,
    se: linVar.seC,
    direction: "zero",
  }));
  const nnInter = trend(result, "neural", 0);
  claims.push(claimFromTest({
    section: "4.2 (text)",
    id: "neural-inter-superlinear",
    claim: "neural students: inter-student variance of predictions super-linear (curvature)",
    paper: "super-linear",
    ours: nnInter.c,
    se: nnInter.seC,
    direction: "greater",
  }));
  const nnVar = trend(result, "neural", 1);
  claims.push(claimFromTest({
    section: "4.2 (code)",
    id: "neural-varmse-superlinear",
    claim: "neural students: variance of test MSE super-linear in σ² (curvature)",
    paper: "super-linear",
    ours: nnVar.c,
    se: nnVar.seC,
    direction: "greater",
  }));
  for (const student of ["linear", "neural"] as const) {
    const m = result.monotone[student];
    claims.push(claimFromTest({
      section: "4.2",
      id: `${student}-mse-monotone`,
      claim: `${student} students: test MSE degrades monotonically (smallest of ` +
        `${m.steps} steps, every step must rise)`,
      paper: "monotone",
      ours: m.smallest.diff,
      se: m.smallest.se,
      direction: "greater",
      threshold: 0,
    }));
  }
  return claims;
}
