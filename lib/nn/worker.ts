/**
 * Worker entry of the cohort trainer: receives the problem once, then trains
 * the chunks of students it is handed and posts each result back (buffers
 * transferred, not copied). Started by `fitCohort`; not a public API.
 *
 * @module
 */

import { Rng } from "../random.ts";
import type { BackendChoice } from "./gemm.ts";
import { selectTrainer } from "./trainer.ts";
import { initCohortParameters, type InitSpec } from "./init.ts";
import type { CohortProblem } from "./kernel.ts";

/** The message that sets a worker up. */
export interface WorkerSetup {
  type: "setup";
  problem: CohortProblem;
  init: InitSpec;
  /** The root stream's seed and child path: `new Rng(seed, path)`. */
  seed: number;
  path: number[];
  students: number;
  backend: BackendChoice;
}

/** The message that asks for one chunk of students. */
export interface WorkerChunk {
  type: "chunk";
  first: number;
  count: number;
}

interface Scope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}

const scope = self as unknown as Scope;
let setup: WorkerSetup | null = null;

scope.onmessage = (e: MessageEvent) => {
  const msg = e.data as WorkerSetup | WorkerChunk;
  try {
    if (msg.type === "setup") {
      setup = msg;
      const backend = selectTrainer(msg.backend);
      scope.postMessage({ type: "ready", backend: backend.name });
      return;
    }
    if (!setup) throw new Error("worker got a chunk before its setup");
    const { problem, init, seed, path, students } = setup;
    const { train } = selectTrainer(setup.backend);
    const start = initCohortParameters(
      init,
      problem.d,
      problem.h,
      problem.o,
      new Rng(seed, path),
      msg.first,
      msg.count,
      students,
    );
    const initial = start.slice();
    const r = train(problem, msg.first, msg.count, start);
    scope.postMessage(
      { type: "result", first: msg.first, count: msg.count, initial, result: r },
      [initial, r.parameters, r.losses, r.finalLoss, r.trajectories].map((a) =>
        a.buffer as ArrayBuffer
      ),
    );
  } catch (err) {
    scope.postMessage({ type: "error", message: (err as Error).message ?? String(err) });
  }
};
