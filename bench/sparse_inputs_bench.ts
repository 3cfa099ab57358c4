/**
 * Sparse inputs benchmark (`deno task bench:sparse`): the native kernel's
 * sparse form against its dense passes (and OpenBLAS for the logistic model)
 * on Section 6.1's full-MNIST protocol: 56,000 standardized training rows,
 * 784 inputs, 10 classes, full-batch Adam, one student, one thread, measured
 * in one run so the ratios hold on any machine. Reports the share of values
 * the passes read, seconds per epoch, the ratio, and the final training losses
 * (which agree to float32 rounding, not bit for bit).
 *
 * Flags: `--epochs N` (default 20).
 *
 * @module
 */

import { loadMnist } from "../lib/data/mod.ts";
import { prepareClassification } from "../lib/data/prepare.ts";
import { fitCohort, loadBlas, loadNative } from "../lib/nn/mod.ts";
import { sparseShare } from "../lib/nn/sparse.ts";

const at = Deno.args.indexOf("--epochs");
const EPOCHS = at >= 0 ? Number(Deno.args[at + 1]) : 20;
if (!loadNative()) throw new Error("the native kernel does not load here: nothing to compare");
const ds = await loadMnist({ split: "all" });
const data = prepareClassification(ds, { splitSeed: 1, scaler: "full", testSize: 0.2 });
const x = Float32Array.from(data.xTrain);
console.log(
  `MNIST, ${data.nTrain} x ${data.d}; entries off their column's majority: ` +
    `${(100 * sparseShare(x, data.nTrain, data.d, data.nTrain)).toFixed(1)}%; ${EPOCHS} epochs`,
);

async function time(hidden: number, backend: "native" | "blas", inputs: "dense" | "sparse") {
  const t0 = performance.now();
  const c = await fitCohort({
    x,
    n: data.nTrain,
    d: data.d,
    hidden,
    outputs: 10,
    loss: "cross-entropy",
    targets: data.yTrain,
    students: 1,
    epochs: EPOCHS,
    lr: 0.01,
    seed: 1,
    backend,
    inputs,
    workers: 0,
  });
  return { seconds: (performance.now() - t0) / 1000, loss: c.finalLoss[0] };
}

for (const [label, hidden] of [["784-128-10 network", 128], ["784-64-10 network", 64]] as const) {
  const dense = await time(hidden, "native", "dense");
  const sparse = await time(hidden, "native", "sparse");
  console.log(
    `${label}: dense ${(dense.seconds / EPOCHS * 1000).toFixed(1)} ms/epoch, sparse ` +
      `${(sparse.seconds / EPOCHS * 1000).toFixed(1)} ms/epoch: ${
        (dense.seconds / sparse.seconds).toFixed(2)
      }x; final loss ${dense.loss.toFixed(6)} vs ${sparse.loss.toFixed(6)}`,
  );
}
const reference = loadBlas() ? "blas" : "native";
const dense = await time(0, reference, "dense");
const sparse = await time(0, "native", "sparse");
console.log(
  `784-10 logistic: ${reference} dense ${(dense.seconds / EPOCHS * 1000).toFixed(1)} ms/epoch, ` +
    `native sparse ${(sparse.seconds / EPOCHS * 1000).toFixed(1)} ms/epoch: ${
      (dense.seconds / sparse.seconds).toFixed(2)
    }x; final loss ${dense.loss.toFixed(6)} vs ${sparse.loss.toFixed(6)}`,
);
