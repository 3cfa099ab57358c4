import { assertEquals } from "../assert.ts";
import { loadBlas } from "../../lib/nn/gemm.ts";
import { loadNative } from "../../lib/nn/native.ts";
import { fitCohort } from "../../lib/nn/cohort.ts";

const x = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i));
const base = {
  x,
  n: 10,
  d: 4,
  outputs: 1,
  loss: "mse" as const,
  targets: new Float32Array(10).fill(0.5),
  students: 2,
  epochs: 2,
  lr: 0.01,
  seed: 1,
  workers: 0,
};

Deno.test({
  name: "auto trains networks without a hidden layer on BLAS, where BLAS loads",
  ignore: loadBlas() === null,
  fn: async () => {
    assertEquals((await fitCohort({ ...base, hidden: 0 })).backend, "blas");
  },
});

Deno.test({
  name: "auto trains networks with a hidden layer on the native kernel, where it loads",
  ignore: loadNative() === null,
  fn: async () => {
    assertEquals((await fitCohort({ ...base, hidden: 4 })).backend, "native");
  },
});
