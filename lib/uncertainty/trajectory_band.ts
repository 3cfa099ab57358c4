/**
 * The spread of students along training: per step, the mean and SD across students of one
 * tracked value (a weight or a bias; Appendix D's trajectories).
 *
 * @module
 */
import { interStudentVariance } from "./inter_student.ts";

/**
 * Per step, the mean and the population SD across S students of a tracked value, from the
 * student-major `trajectories` (student s's value at step e at s·steps + e, as the cohort
 * trainer's `trajectories` with steps = epochs + 1).
 *
 * @throws RangeError when `trajectories` does not hold students x steps values.
 *
 * @example
 * ```ts
 * trajectoryBand(Float32Array.of(0, 1, 2, 3), 2, 2); // { mean: [1, 2], sd: [1, 1] }
 * ```
 *
 * @category Section 5: student initialization uncertainty
 */
export function trajectoryBand(
  trajectories: ArrayLike<number>,
  students: number,
  steps: number,
): { mean: number[]; sd: number[] } {
  if (trajectories.length !== students * steps || students < 1) {
    throw new RangeError(
      `trajectoryBand: trajectories holds ${trajectories.length} values, not ${students} ` +
        `students x ${steps} steps.`,
    );
  }
  const mean: number[] = [], sd: number[] = [];
  for (let e = 0; e < steps; e++) {
    const column = new Float64Array(students);
    for (let s = 0; s < students; s++) column[s] = trajectories[s * steps + e];
    const v = interStudentVariance(column, 1);
    mean.push(column.reduce((a, b) => a + b, 0) / students);
    sd.push(Math.sqrt(v.mean));
  }
  return { mean, sd };
}
