import { assertRejects, assertThrows } from "../assert.ts";
import { fitCohort, type FitCohortOptions, predictCohort } from "../../lib/nn/mod.ts";

function good(): FitCohortOptions {
  const n = 6, d = 2;
  return {
    x: Float64Array.from({ length: n * d }, (_, i) => Math.sin(i)),
    n,
    d,
    hidden: 3,
    outputs: 1,
    loss: "mse",
    targets: Float64Array.from({ length: n }, (_, i) => i / n),
    students: 2,
    epochs: 3,
    lr: 0.01,
    seed: 1,
    workers: 0,
  };
}

const nanX = good().x as Float64Array;
nanX[3] = NaN;
const infY = Float64Array.from(good().targets as Float64Array);
infY[2] = Infinity;

const BAD: [string, Partial<FitCohortOptions>, string][] = [
  ["S < 1", { students: 0 }, "students"],
  ["a fractional S", { students: 1.5 }, "students"],
  ["epochs < 1", { epochs: 0 }, "epochs"],
  ["lr = 0", { lr: 0 }, "lr"],
  ["a negative lr", { lr: -0.1 }, "lr"],
  ["a NaN lr", { lr: NaN }, "lr"],
  ["x of the wrong length", { x: new Float64Array(5) }, "x must have"],
  ["a non-finite input", { x: nanX }, "x[3]"],
  ["targets of the wrong length", { targets: new Float64Array(7) }, "targets must have"],
  ["a non-finite target", { targets: infY }, "targets[2]"],
  ["weights of the wrong length", { weights: new Float64Array(5) }, "weights must have"],
  ["a negative weight", { weights: [1, 1, -1, 1, 1, 1] }, "weights[2]"],
  ["a NaN weight", { weights: [1, 1, NaN, 1, 1, 1] }, "weights[2]"],
  ["a student whose weights sum to 0", { weights: new Float64Array(12) }, "sum to 0"],
  ["a negative hidden width", { hidden: -1 }, "hidden"],
  ["zero outputs", { outputs: 0 }, "outputs"],
  ["an unknown loss", { loss: "hinge" as "mse" }, "loss"],
  ["a tracked index past P", { track: [13] }, "track[0]"],
  ["a negative perturbation scale", { init: { kind: "perturbed", scale: -1 } }, "init.scale"],
  ["fixed parameters of the wrong length", {
    init: { kind: "fixed", parameters: new Float32Array(5) },
  }, "init.parameters"],
  ["a negative worker count", { workers: -1 }, "workers"],
  ["an unknown backend", { backend: "gpu" as "auto" }, "backend"],
  ["classification with one class", {
    loss: "cross-entropy",
    outputs: 1,
    targets: [0, 0, 0, 0, 0, 0],
  }, "outputs"],
  ["a label out of range", {
    loss: "cross-entropy",
    outputs: 2,
    targets: [0, 1, 2, 0, 1, 0],
  }, "targets[2]"],
  ["a negative label", {
    loss: "cross-entropy",
    outputs: 2,
    targets: [0, 1, -1, 0, 1, 0],
  }, "targets[2]"],
  ["a fractional label", {
    loss: "cross-entropy",
    outputs: 2,
    targets: [0, 1, 0.5, 0, 1, 0],
  }, "targets[2]"],
];

for (const [what, change, names] of BAD) {
  Deno.test(`training rejects ${what} before it starts, naming the argument`, async () => {
    let progressed = false;
    await assertRejects(
      () => fitCohort({ ...good(), ...change, onProgress: () => progressed = true }),
      RangeError,
      names,
    );
    if (progressed) throw new Error("training started before the error");
  });
}

Deno.test("prediction rejects inputs of the wrong shape or with NaN", async () => {
  const c = await fitCohort(good());
  assertThrows(() => predictCohort(c, new Float64Array(5), 3), RangeError, "x must have");
  assertThrows(() => predictCohort(c, [1, NaN], 1), RangeError, "x[1]");
  assertThrows(() => predictCohort(c, [], 0), RangeError, "m must be");
});
