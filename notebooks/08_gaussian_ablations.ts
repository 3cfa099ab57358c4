/**
 * Notebook 08's size ablations of the DLF on Boston (Park et al. 2025 ablate the latent
 * dimension q, the student's width and the ensemble size): on one regression split, the DLF
 * refitted with one setting changed at a time, the rest as configured, scored at the test inputs
 * (RMSE and NLL in original units). The ensemble-size ablation distils the first n′ of the
 * split's teachers (their noise variances fitted anew). Paired over splits in the notebook.
 *
 * @module
 */
import * as gd from "../lib/gaussian/mod.ts";
import type { Rng } from "../lib/random.ts";
import type { DlfSettings } from "./08_gaussian_classification.ts";
import { dlfOptions } from "./08_gaussian_distillation.ts";
import { regressionScores } from "./08_gaussian_teachers.ts";

/** The setting an ablation row changes. */
export type SizeFactor = "latent dimension q" | "student width" | "teachers distilled";

/** One size-ablation fit on one split. */
export interface SizeAblationRow {
  split: number;
  factor: SizeFactor;
  level: number;
  rmse: number;
  nll: number;
}

/** The levels of each factor (teachers: those below the split's n, and n itself). */
export const SIZE_LEVELS: Readonly<Record<SizeFactor, readonly number[]>> = {
  "latent dimension q": [1, 2, 5, 10, 20],
  "student width": [10, 25, 50, 100],
  "teachers distilled": [5, 10, 20, 50],
};

/**
 * The size ablations on one split: `targets` are the split's n teachers at the design points,
 * `noise` their noise variances; each fit is seeded by `root` as the main DLF is.
 */
export function sizeAblation(
  split: number,
  targets: gd.EnsembleTargets,
  noise: Float64Array,
  dlf: DlfSettings,
  test: { x: Float64Array; y: Float64Array; m: number; scale: number },
  root: Rng,
): SizeAblationRow[] {
  const rows: SizeAblationRow[] = [];
  const fit = (
    factor: SizeFactor,
    level: number,
    t: gd.EnsembleTargets,
    s: DlfSettings,
    v: Float64Array,
  ) => {
    const { model } = gd.fitDlf(dlfOptions(t, s, root.child(5)));
    const p = gd.dlfPredictive(model, test.x, test.m, {
      members: s.members,
      seed: root.child(6),
      noise: gd.fitInverseGamma(v),
    });
    const { rmse, nll } = regressionScores(p, test.y, test.scale);
    rows.push({ split, factor, level, rmse, nll });
  };
  for (const q of SIZE_LEVELS["latent dimension q"]) {
    fit("latent dimension q", q, targets, { ...dlf, q }, noise);
  }
  for (const hidden of SIZE_LEVELS["student width"]) {
    fit("student width", hidden, targets, { ...dlf, hidden }, noise);
  }
  const { m, c } = targets;
  const n = targets.teachers;
  for (const k of [...SIZE_LEVELS["teachers distilled"].filter((k) => k < n), n]) {
    const sub = {
      ...targets,
      teachers: k,
      outputs: Float64Array.from(targets.outputs).subarray(0, k * m * c),
    };
    fit("teachers distilled", k, sub, dlf, noise.subarray(0, k));
  }
  return rows;
}
