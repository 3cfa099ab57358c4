/**
 * Many students from one base in one call (Sections 4.3, 5.1, 6.2, 7.3): each
 * student is a copy of the base, optionally perturbed with relative parameter
 * noise, fine-tuned on its own targets in its own data order.
 *
 * Student s draws everything from `new Rng(seed).child(s)` (its data order and
 * its noise), and students never share state, so student s comes out identical
 * whatever the number of students and however the work is split (`from`/`to`,
 * e.g. one process per machine, each taking a range). With the native engine
 * (lib/llm/native.ts) each student's batches use every core (`threads`),
 * without changing the student.
 *
 * @module
 */
import { Rng } from "../random.ts";
import type { QaPair } from "./examples.ts";
import { cloneGpt, disposeGpt, type GptModel } from "./model.ts";
import { trainOnQa, type TrainResult } from "./train.ts";
import type { LlmEngine } from "./native.ts";

/** What one student is trained on. */
export interface StudentJob {
  /** The student's fine-tuning pairs (e.g. the teacher's answers to the training questions). */
  data: readonly QaPair[];
  /** Relative init perturbation p += N(0,1)·|p|·fraction before training (default 0). */
  noiseFraction?: number;
}

/** Settings of `trainStudents`. */
export interface StudentsOptions {
  /** Root seed: student s uses `new Rng(seed).child(s)` for its data order and noise. */
  seed: number;
  /** Epochs per student (default 3, the paper's). */
  epochs?: number;
  /** Batch size (default 10, the paper's). */
  batchSize?: number;
  /** Peak learning rate (default 5e-5, the paper's). */
  learningRate?: number;
  /** Warmup steps of the linear schedule (default 0). */
  warmupSteps?: number;
  /** Engine of every student's training (default "auto"; see TrainOptions.engine). */
  engine?: LlmEngine;
  /** Threads of the native engine (default: all cores); never changes a student. */
  threads?: number;
  /** First student to train (default 0). */
  from?: number;
  /** One past the last student to train (default: all jobs). */
  to?: number;
  /**
   * Receives each trained student (its index, the model and its training
   * result). The model is disposed when the callback returns unless it returns
   * `"keep"`, so S students need not fit in memory at once.
   */
  onStudent: (
    index: number,
    model: GptModel,
    result: TrainResult,
  ) => void | "keep" | Promise<void | "keep">;
  /** Progress after every update, over all students of this call. */
  onProgress?: (p: StudentsProgress) => void;
}

/** Progress of `trainStudents`. */
export interface StudentsProgress {
  /** Index of the student being trained. */
  student: number;
  /** Updates done so far in this call (all students). */
  step: number;
  /** Updates this call makes in all. */
  totalSteps: number;
  /** Seconds since the call began. */
  elapsedSeconds: number;
  /** Estimated seconds left (elapsed / step x steps left). */
  secondsLeft: number;
  /** Loss of the batch just used. */
  loss: number;
}

/**
 * Fine-tune students `from..to-1` of `jobs` from `base` (which is not changed).
 *
 * @throws RangeError before any training for no jobs, a bad range, an empty
 *   job, or a bad noise fraction, epochs or batch size.
 * @example
 * ```ts
 * const jobs = Array.from({ length: 5 }, () => ({ data: teacherPairs }));
 * await trainStudents(base, jobs, {
 *   seed: 7, epochs: 1, learningRate: 5e-4,
 *   onStudent: (s, m) => { answers[s] = generateAnswers(m, questions, { greedy: true }); },
 * });
 * ```
 */
export async function trainStudents(
  base: GptModel,
  jobs: readonly StudentJob[],
  options: StudentsOptions,
): Promise<void> {
  const from = options.from ?? 0, to = options.to ?? jobs.length;
  const epochs = options.epochs ?? 3, batchSize = options.batchSize ?? 10;
  if (jobs.length === 0) throw new RangeError("jobs must hold at least one student.");
  if (!Number.isInteger(options.seed)) {
    throw new RangeError(`seed must be an integer, got ${options.seed}.`);
  }
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to)) {
    throw new RangeError(`from and to must be integers with 0 <= from < to, got ${from}, ${to}.`);
  }
  if (to > jobs.length) {
    throw new RangeError(`to (${to}) must not exceed the number of jobs (${jobs.length}).`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`epochs must be a positive integer, got ${epochs}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  for (let s = from; s < to; s++) {
    const j = jobs[s];
    if (!j || j.data.length === 0) {
      throw new RangeError(`jobs[${s}].data is empty; give every student at least one pair.`);
    }
    const f = j.noiseFraction ?? 0;
    if (!(f >= 0 && isFinite(f))) {
      throw new RangeError(`jobs[${s}].noiseFraction must be a finite number >= 0, got ${f}.`);
    }
  }
  let totalSteps = 0;
  for (let s = from; s < to; s++) totalSteps += Math.ceil(jobs[s].data.length / batchSize) * epochs;
  const t0 = performance.now();
  let done = 0;
  const root = new Rng(options.seed);
  for (let s = from; s < to; s++) {
    const model = cloneGpt(base);
    let keep = false;
    try {
      const result = trainOnQa(model, jobs[s].data, {
        seed: root.child(s),
        epochs,
        batchSize,
        learningRate: options.learningRate ?? 5e-5,
        warmupSteps: options.warmupSteps ?? 0,
        noiseFraction: jobs[s].noiseFraction ?? 0,
        engine: options.engine,
        threads: options.threads,
        onProgress: options.onProgress
          ? (p) => {
            done++;
            const el = (performance.now() - t0) / 1000;
            options.onProgress!({
              student: s,
              step: done,
              totalSteps,
              elapsedSeconds: el,
              secondsLeft: (el / done) * (totalSteps - done),
              loss: p.loss,
            });
          }
          : undefined,
      });
      keep = (await options.onStudent(s, model, result)) === "keep";
    } finally {
      if (!keep) disposeGpt(model);
    }
  }
}
