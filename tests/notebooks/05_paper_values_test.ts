/**
 * Pins what Section 5 of the paper states, as notebook 05's claims compare
 * with it. Source: /work/shared/PROTOCOLS.md (and docs/protocols.md),
 * "Section 5: student initialization uncertainty", copied line by line:
 *
 * - 5.1: "s in {0, 0.05, ..., 0.40} (9 levels); 10,000 students per level in the
 *   code"; LLM: "pre-trained weights plus scaled noise (1% to 5% and more) ...;
 *   20 students". "Claims: NN: test-MSE mean and variance roughly flat in s. LLM:
 *   alignment drops and inter-student variance rises with s; trajectories settle
 *   in distinct optima."
 * - 5.2: "f in {0.1, ..., 1.0}. 1,000 students per (variant, m)"; "Thm 5.1: variant
 *   A with an OLS teacher gives zero variance"; "Thm 5.2: variant B predictive
 *   variance at x ~ (noise var / m) x^T Sigma^-1 x"; "Thm 5.3: variant B expected
 *   test MSE ~ noise var * (1 + p / m)".
 *
 * The paper prints no number in Section 5 (Figures 6, 8 and 12 are plots): its
 * claims are these words and the theorems' closed forms, which we evaluate on
 * our data. A test that changes a word or a count here must cite the paper.
 *
 * @module
 */
import {
  llmInitializationConfig,
  SECTION5_PAPER,
  studentInitializationConfig,
} from "../../notebooks/05_student_initialization_uncertainty.ts";
import { groundTruthBootstrapMse } from "../../lib/linear/theory_bootstrap.ts";
import { assertAlmostEquals, assertEquals } from "../assert.ts";

Deno.test("Section 5's claims as the paper words them (PROTOCOLS.md, Section 5, Claims)", () => {
  assertEquals(SECTION5_PAPER, {
    nnMeanMse: "flat", // "test-MSE mean ... roughly flat in s"
    nnVarMse: "flat", // "... and variance roughly flat in s"
    lmVariance: "rises", // "inter-student variance rises with s"
    lmAlignment: "drops", // "alignment drops"
    distinctOptima: "distinct optima", // "trajectories settle in distinct optima"
    thm51: 0, // "variant A with an OLS teacher gives zero variance"
    nnVarianceInM: "falls", // Figure 8: the bootstrap variance falls as m grows
    teacherBelowTruth: "A < B", // Figure 8: the teacher bootstrap varies less
  });
});

Deno.test("Section 5's settings at paper scale (PROTOCOLS.md, Section 5)", () => {
  const c = studentInitializationConfig("paper");
  assertEquals(c.levels, [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]); // 9 levels
  assertEquals(c.students, 10000); // "10,000 students per level in the code"
  assertEquals(c.fractions, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
  assertEquals([c.linearStudents, c.neuralStudents], [1000, 1000]); // "1,000 students per (variant, m)"
  assertEquals([c.teacherHidden, c.studentHidden, c.studentInitSeed], [128, 64, 1234]);
  const lm = llmInitializationConfig("paper");
  assertEquals(lm.students, 20); // "20 students"
  // "1% to 5% and more", with s = 0 as the unperturbed base
  assertEquals(lm.levels, [0, 0.01, 0.02, 0.05, 0.1]);
});

Deno.test("Theorem 5.3's value is noise var × (1 + p/m), p counting the intercept", () => {
  // Boston: 13 features + intercept = 14 parameters, m = n_train = 404.
  assertAlmostEquals(
    groundTruthBootstrapMse({ noiseVariance: 0.25, d: 13, m: 404 }),
    0.25 * (1 + 14 / 404),
    1e-15,
  );
});
