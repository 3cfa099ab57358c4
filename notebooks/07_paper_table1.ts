/**
 * The paper's Table 1 (Section 7.3 of Cui & Pei), cell by cell, for notebook
 * 07's claims and table; pinned in tests/notebooks/07_llm_corrections_test.ts.
 *
 * @module
 */

/** One row of the paper's Table 1; null where the paper prints "-" or nothing. */
export interface PaperTable1Row {
  /** Mean cosine similarity of the students' answers to the ground truth. */
  cosine: number | null;
  /** Inter-student variance. */
  inter: number | null;
  /** R² of the student's noise on the teacher's across prompts (Appendix F). */
  r2: number | null;
  /** Average noise (mean pairwise cosine distance of sampled answers). */
  noise: number | null;
  /** Average systematic noise (minus Direct FT's). */
  systematic: number | null;
}

/**
 * The paper's Table 1, cell by cell, as transcribed in /work/shared/PROTOCOLS.md
 * ("7.3 LLMs (Table 1)"). Direct FT prints "0.151 / 0.505 / -": its cosine and
 * inter-student variance cells are "-", and 0.151 / 0.505 / - are its R²,
 * noise and systematic noise, exactly Table 5's Direct FT row (R² 0.151, noise
 * 0.505, systematic "-"). Single response prints all five (0.319, 0.015,
 * 0.071, 0.678, 0.173; its last three are Table 5's T = 1.2 row); the k = 3
 * and k = 5 rows print the cosine only.
 */
export const PAPER_TABLE1: Readonly<Record<string, PaperTable1Row>> = {
  "Direct FT": { cosine: null, inter: null, r2: 0.151, noise: 0.505, systematic: null },
  "Single response": { cosine: 0.319, inter: 0.015, r2: 0.071, noise: 0.678, systematic: 0.173 },
  ...Object.fromEntries(
    ([
      ["Multi-response k=3", 0.346],
      ["Averaging k=3", 0.352],
      ["Variance-weighting k=3", 0.353],
      ["Multi-response k=5", 0.353],
      ["Averaging k=5", 0.365],
      ["Variance-weighting k=5", 0.365],
    ] as const).map(([name, cosine]) => [
      name,
      { cosine, inter: null, r2: null, noise: null, systematic: null },
    ]),
  ),
};

/**
 * The paper's Table 1, first column (mean cosine similarity to the ground
 * truth), per arm that prints one ("Single response", "<method> k=<k>"; Direct
 * FT's cell is "-").
 */
export const PAPER_TABLE1_COSINE: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(PAPER_TABLE1).flatMap(([arm, r]) => r.cosine === null ? [] : [[arm, r.cosine]]),
);
