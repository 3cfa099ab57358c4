/**
 * The claims ledger of Section 5 (see `student_initialization.ts`): each
 * claim of the section, the paper's number or the theorem's value where
 * there is one, ours with its Monte Carlo error, and a verdict by a stated
 * rule.
 *
 * @module
 */
import {
  type Claim,
  claimDirection,
  claimIdentity,
  claimMatches,
  claimNoEffect,
} from "../report/claims.ts";
import { fmt } from "../report/prose.ts";
import { type Estimate, jackknifeCombination, jackknifeSlope } from "./jackknife.ts";
import type {
  BootstrapResult,
  InitLevel,
  InitPerturbationResult,
} from "./student_initialization.ts";

/**
 * Largest |student − teacher| that still counts as equal: float64 round-off on z-scored data.
 *
 * @category Section 5: student initialization uncertainty
 */
export const THEOREM51_TOLERANCE = 1e-9;

/**
 * The levels of one 5.1 variant, in order of s.
 *
 * @category Section 5: student initialization uncertainty
 */
export function variantLevels(
  init: InitPerturbationResult,
  variant: "fresh" | "fixed",
): InitLevel[] {
  return init.levels.filter((l) => l.variant === variant).sort((a, b) => a.s - b.s);
}

function slopeOf(levels: InitLevel[], key: keyof InitLevel["jack"]) {
  return jackknifeSlope(levels.map((l) => l.s), levels.map((l) => l.jack[key]));
}

/**
 * The 5.1 statistics of {@link initStatistics}.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface InitStatistics {
  /** Slope in s of the mean test MSE (fresh inits, the authors' variant). */
  freshMseSlope: Estimate;
  /** Slope in s of the variance of test MSE (fresh inits). */
  freshVarSlope: Estimate;
  /** Slope in s over s > 0 of the variance of test MSE (one fixed base; 0 at s = 0 by design). */
  fixedVarSlope: Estimate;
  /** Slope in s over s > 0 of the parameter variance after training (one fixed base). */
  fixedAfterSlope: Estimate;
  /** Growth of the parameter spread during training at the largest s (after − before). */
  fixedGrowth: Estimate;
  /** After − {@link KEPT_FRACTION} × before at the largest s: > 0 when training keeps more than that share. */
  fixedKept: Estimate;
  /** The largest level of the fixed-base variant. */
  top: InitLevel;
  /** The snapshot's unbiased (sample) variance, to compare with its closed form. */
  snapshot: { value: number; se: number };
  /** The trained-from (Kaiming, s = 0) variance, unbiased. */
  kaiming: { value: number; se: number };
}

/**
 * The 5.1 statistics the claims test, also quoted in the notebook's prose:
 * slopes in s (per unit s) with jackknife SEs over students (the same students
 * at every level; fixed-base slopes over s > 0, since at s = 0 the students are
 * one network by design), and the growth of the parameter spread during training at
 * the largest level.
 *
 * @category Section 5: student initialization uncertainty
 */
export function initStatistics(init: InitPerturbationResult): InitStatistics {
  const fresh = variantLevels(init, "fresh"), fixed = variantLevels(init, "fixed");
  const top = fixed[fixed.length - 1];
  const positive = fixed.filter((l) => l.s > 0);
  const S = init.config.students;
  return {
    freshMseSlope: slopeOf(fresh, "mse"),
    freshVarSlope: slopeOf(fresh, "varMse"),
    fixedVarSlope: slopeOf(positive, "varMse"),
    fixedAfterSlope: slopeOf(positive, "after"),
    fixedGrowth: jackknifeCombination([
      { weight: 1, stat: top.jack.after },
      { weight: -1, stat: top.jack.before },
    ]),
    fixedKept: jackknifeCombination([
      { weight: 1, stat: top.jack.after },
      { weight: -KEPT_FRACTION, stat: top.jack.before },
    ]),
    top,
    /** The snapshot's unbiased (sample) variance, to compare with its closed form. */
    snapshot: { value: init.snapshot.value * S / (S - 1), se: init.snapshot.se * S / (S - 1) },
    /** The trained-from (Kaiming, s = 0) variance, unbiased. */
    kaiming: {
      value: fresh[0].jack.before.value * S / (S - 1),
      se: jackknifeCombination([{ weight: S / (S - 1), stat: fresh[0].jack.before }]).se,
    },
  };
}

/**
 * The margin of "roughly flat" in s: a change across the whole range of s
 * of at most this fraction of the quantity's level at s = 0.
 *
 * @category Section 5: student initialization uncertainty
 */
export const FLAT_FRACTION = 0.1;

/**
 * The margin of a theorem's value against the simulation: this fraction of
 * the theorem's value (first-order in 1/m, with σ² estimated).
 *
 * @category Section 5: student initialization uncertainty
 */
export const THEOREM_FRACTION = 0.1;

/**
 * "Distinct optima" as a non-inferiority: training keeps more than this
 * fraction of the across-student parameter spread it started from (students
 * pulled into one optimum would keep almost none of it).
 *
 * @category Section 5: student initialization uncertainty
 */
export const KEPT_FRACTION = 0.5;

/**
 * What the paper states in Section 5 for each claim we test (docs/protocols.md
 * and PROTOCOLS.md, "Section 5", Claims; Theorems 5.1-5.3). The paper gives
 * Figures 6, 8 and 12 as plots without numbers: these words are all it
 * states, and the theorems' values are closed forms computed on our data.
 *
 * @category Section 5: student initialization uncertainty
 */
export const SECTION5_PAPER = {
  nnMeanMse: "flat",
  nnVarMse: "flat",
  lmVariance: "rises",
  lmAlignment: "drops",
  distinctOptima: "distinct optima",
  thm51: 0,
  nnVarianceInM: "falls",
  teacherBelowTruth: "A < B",
} as const;

/**
 * Section 5's claims: 5.1 (Figure 6 and Appendix D; the language-model
 * claims are `llmInitializationClaims` in lib/experiments/llm_initialization.ts)
 * and 5.2 (Figure 8, Theorems 5.1-5.3), by the rules of claim_rules.ts:
 *
 * - "flat" in s is equivalence of the slope to 0 within a change of
 *   {@link FLAT_FRACTION} of the level at s = 0 across the range of s;
 * - "rises" / "falls" / "A < B" are one-sided tests; in the fixed-base
 *   variant, where every student is one network at s = 0 by design, trends
 *   are fitted over s > 0 and the s = 0 point is an identity check;
 * - "distinct optima" is a one-sided test that training keeps more than
 *   {@link KEPT_FRACTION} of the parameter spread it started from;
 * - Theorems 5.2 and 5.3 are equivalence of the simulation with the
 *   theorem's value within {@link THEOREM_FRACTION} of it;
 * - the init variances against their closed forms, and Theorem 5.1 (OLS
 *   fitted to a linear function's own values), are identity checks.
 *
 * SEs are over students: a jackknife over the same students at every level
 * in 5.1, the Monte Carlo SE over the bootstrap students in 5.2.
 *
 * @category Section 5: student initialization uncertainty
 */
export function studentInitializationClaims(
  init: InitPerturbationResult,
  boot: BootstrapResult,
): Claim[] {
  const st = initStatistics(init);
  const fresh = variantLevels(init, "fresh"), fixed = variantLevels(init, "fixed");
  const S = init.config.students;
  const sMax = st.top.s, range = sMax - fresh[0].s;
  const jackOver = `${S} students (jackknife; the same students at every level)`;
  const flatMargin = (level0: number) => FLAT_FRACTION * level0 / range;
  const flatWhy = (what: string) =>
    `${
      100 * FLAT_FRACTION
    }% of the ${what} at s = 0 across s ≤ ${sMax}: a change a plot would show`;
  const { fixedVarSlope, fixedAfterSlope, fixedKept: kept } = st;
  const x0 = fixed[0];
  const claims: Claim[] = [
    claimNoEffect({
      section: "5.1, Fig. 6",
      id: "nn-mean-mse-flat",
      claim: "NN students: mean test MSE roughly flat in s (slope per unit s; fresh base)",
      evidence: "05_init_summary",
      paper: SECTION5_PAPER.nnMeanMse,
      ours: st.freshMseSlope.value,
      se: st.freshMseSlope.se,
      seOver: jackOver,
      margin: flatMargin(fresh[0].mse),
      marginWhy: flatWhy("mean test MSE"),
    }),
    claimNoEffect({
      section: "5.1, Fig. 6",
      id: "nn-var-mse-flat",
      claim: "NN students: variance of test MSE roughly flat in s (slope; fresh base)",
      evidence: "05_init_summary",
      paper: SECTION5_PAPER.nnVarMse,
      ours: st.freshVarSlope.value,
      se: st.freshVarSlope.se,
      seOver: jackOver,
      margin: flatMargin(fresh[0].varMse),
      marginWhy: flatWhy("variance of test MSE"),
    }),
    claimIdentity({
      section: "5.1 (fixed base, ours)",
      id: "fixed-s0-identical",
      claim: "Fixed base, s = 0: every student is the same network (relative SD of test MSE " +
        "across students)",
      evidence: "05_init_summary",
      ours: x0.mse > 0 ? Math.sqrt(x0.varMse) / x0.mse : Math.sqrt(x0.varMse),
      reference: 0,
      tolerance: 1e-6,
      why: "one base, no perturbation, the same training: equal by design up to float32 round-off",
    }),
    claimDirection({
      section: "5.1, Fig. 6 (NN analogue)",
      id: "fixed-var-mse-rises",
      claim: "Inter-student variance rises with s (the LM claim; NN students of one fixed base; " +
        `slope over s > 0, since it is 0 at s = 0 by design)`,
      evidence: "05_init_summary",
      paper: SECTION5_PAPER.lmVariance,
      ours: fixedVarSlope.value,
      se: fixedVarSlope.se,
      seOver: jackOver,
      direction: "greater",
    }),
    claimDirection({
      section: "5.1, App. D (NN analogue)",
      id: "param-var-rises",
      claim: "Perturbation raises the parameter variance after training (slope over s > 0; " +
        "fixed base)",
      evidence: "05_init_parameter_variance",
      paper: "rises",
      ours: fixedAfterSlope.value,
      se: fixedAfterSlope.se,
      seOver: jackOver,
      direction: "greater",
    }),
    claimDirection({
      section: "5.1, App. D (NN analogue)",
      id: "distinct-optima",
      claim: `Students settle in distinct optima: training keeps more than ` +
        `${100 * KEPT_FRACTION}% of the parameter spread, s = ${sMax} (after − ` +
        `${KEPT_FRACTION} × before; fixed base)`,
      evidence: "05_init_parameter_variance",
      paper: SECTION5_PAPER.distinctOptima,
      ours: kept.value,
      se: kept.se,
      seOver: jackOver,
      direction: "greater",
    }),
    claimIdentity({
      section: "5.1 (authors' code)",
      id: "snapshot-param-var",
      claim: "Parameter variance before training as the script reports it (PyTorch default " +
        "init, before Kaiming and perturbation) against its closed form",
      evidence: "05_init_parameter_variance",
      paper: init.snapshot.theory,
      ours: st.snapshot.value,
      reference: init.snapshot.theory,
      tolerance: 4 * st.snapshot.se,
      why: "uniform draws against their own distribution's variance (tolerance 4 Monte Carlo " +
        "SEs over students): checks our sampler, not the paper",
    }),
    claimIdentity({
      section: "5.1 (ours)",
      id: "kaiming-param-var",
      claim: "Parameter variance of the Kaiming init the students train from (s = 0, fresh " +
        "base) against its closed form",
      evidence: "05_init_parameter_variance",
      paper: init.kaimingTheory,
      ours: st.kaiming.value,
      reference: init.kaimingTheory,
      tolerance: 4 * st.kaiming.se,
      why: "Gaussian draws against their own distribution's variance (tolerance 4 Monte Carlo " +
        "SEs over students): checks our sampler, not the paper",
    }),
  ];
  const worst = Math.max(...boot.theorem51.map((r) => r.maxFull));
  claims.push(claimIdentity({
    section: "5.2, Thm 5.1",
    id: "thm51-exact",
    claim: "Teacher bootstrap, OLS: every full-rank student equals the teacher (max abs. " +
      "difference on the test inputs, all m)",
    evidence: "05_theorem51_check",
    paper: SECTION5_PAPER.thm51,
    ours: worst,
    reference: 0,
    tolerance: THEOREM51_TOLERANCE,
    why:
      "OLS fitted to a linear function's own values on a full-rank design returns it (algebra; " +
      "float64 round-off): checks our solver",
  }));
  const B = boot.linear.filter((r) => r.variant.startsWith("B"));
  const full = B[B.length - 1];
  const L = boot.config.linearStudents;
  const thmWhy = `${100 * THEOREM_FRACTION}% of the theorem's value: a first-order (large-m) ` +
    `form with σ² estimated (p/m = ${fmt(boot.p / full.m, 2)} at m = ${full.m})`;
  const linOver = `${L} bootstrap students`;
  claims.push(
    claimMatches({
      section: "5.2, Thm 5.2",
      id: "thm52-stated",
      claim: `Ground-truth bootstrap, OLS: variance ≈ σ²/m xᵀΣ⁻¹x (m = ${full.m}); paper ` +
        "column: the theorem's value",
      evidence: "05_bootstrap_linear",
      paper: full.thm52,
      ours: full.variance,
      se: full.seVariance,
      seOver: linOver,
      margin: THEOREM_FRACTION * full.thm52,
      marginWhy: thmWhy,
    }),
    claimMatches({
      section: "5.2, Thm 5.2 (robust form, ours)",
      id: "thm52-robust",
      claim: `Ground-truth bootstrap, OLS: sandwich form of Theorem 5.2 (m = ${full.m})`,
      evidence: "05_bootstrap_linear",
      paper: full.robust,
      ours: full.variance,
      se: full.seVariance,
      seOver: linOver,
      margin: THEOREM_FRACTION * full.robust,
      marginWhy: thmWhy,
    }),
    claimMatches({
      section: "5.2, Thm 5.3",
      id: "thm53",
      claim: `Ground-truth bootstrap, OLS: test MSE ≈ σ²(1 + p/m) (m = ${full.m}); paper ` +
        "column: the theorem's value",
      evidence: "05_bootstrap_linear",
      paper: full.theoryMse,
      ours: full.mse,
      se: full.seMse,
      seOver: `${linOver} (one fixed test split)`,
      margin: THEOREM_FRACTION * full.theoryMse,
      marginWhy: thmWhy,
    }),
  );
  const N = boot.config.neuralStudents;
  for (const [id, variant] of [["nn-var-falls-b", "B"], ["nn-var-falls-a", "A"]] as const) {
    const rows = boot.neural.filter((r) => r.variant.startsWith(variant));
    const lo = rows[0], hi = rows[rows.length - 1];
    claims.push(claimDirection({
      section: "5.2, Fig. 8 (NN)",
      id,
      claim: `NN students, variant ${variant}: variance falls with m (m = ${lo.m} minus ` +
        `m = ${hi.m})`,
      evidence: "05_bootstrap_nn",
      paper: SECTION5_PAPER.nnVarianceInM,
      ours: lo.variance - hi.variance,
      se: Math.hypot(lo.seVariance, hi.seVariance),
      seOver: `${N} students at each m (independent resamples at each m)`,
      direction: "greater",
    }));
  }
  const nb = boot.neural.filter((r) => r.variant.startsWith("B")).at(-1)!;
  const na = boot.neural.filter((r) => r.variant.startsWith("A")).at(-1)!;
  claims.push(claimDirection({
    section: "5.2, Fig. 8 (NN)",
    id: "nn-a-below-b",
    claim: `NN students: teacher bootstrap (A) varies less than ground truth (B), m = ${nb.m} ` +
      "(B minus A)",
    evidence: "05_bootstrap_nn",
    paper: SECTION5_PAPER.teacherBelowTruth,
    ours: nb.variance - na.variance,
    se: Math.hypot(nb.seVariance, na.seVariance),
    seOver: `${N} students per variant (SEs combined as independent; the variants share ` +
      "resamples, so this is conservative)",
    direction: "greater",
  }));
  return claims;
}
