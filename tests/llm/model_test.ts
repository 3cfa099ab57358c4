import * as tf from "@tensorflow/tfjs-core";
import {
  assert,
  assertAlmostEquals,
  assertArrayClose,
  assertEquals,
  assertThrows,
} from "../assert.ts";
import { disposeGpt, gptParameterCount } from "../../lib/llm/mod.ts";
import { gptInitialValues, gptLogits, gptParameterShapes } from "../../lib/llm/model.ts";
import { matMulT, setMatMulEngine } from "../../lib/llm/matmul.ts";
import { tinyModel, TOKENIZER } from "./fixture.ts";

function logits(model: ReturnType<typeof tinyModel>, ids: number[]): Float32Array {
  return tf.tidy(() =>
    gptLogits(model, tf.tensor2d(ids, [1, ids.length], "int32")).dataSync() as Float32Array
  );
}

Deno.test("changing a later token does not change the logits of earlier positions (causal mask)", () => {
  const model = tinyModel(3, 2);
  const v = model.config.vocabSize;
  const a = TOKENIZER.encode("Question: What is a cell?");
  const b = [...a];
  b[b.length - 1] = (b[b.length - 1] + 7) % 256;
  const la = logits(model, a), lb = logits(model, b);
  const prefix = (a.length - 1) * v;
  assertArrayClose(la.subarray(0, prefix), lb.subarray(0, prefix), 1e-6);
  // ...and the last position does change.
  let diff = 0;
  for (let i = prefix; i < la.length; i++) diff = Math.max(diff, Math.abs(la[i] - lb[i]));
  assert(diff > 1e-4, "the changed token must affect its own position");
  disposeGpt(model);
});

Deno.test("the initialisation is GPT-2's: N(0, 0.02²) weights, scaled residual projections, unit gains", () => {
  const config = { vocabSize: 300, contextLength: 8, layers: 4, heads: 2, width: 32 };
  const values = gptInitialValues(config, 5);
  const std = (x: Float32Array) => Math.sqrt(x.reduce((s, y) => s + y * y, 0) / x.length);
  // wte has 9,600 draws: the relative standard error of a standard deviation is 1/sqrt(2n) ~ 0.7%;
  // allow 5 standard errors.
  assertAlmostEquals(std(values.get("wte")!), 0.02, 0.02 * 5 / Math.sqrt(2 * 9600));
  const proj = values.get("h.0.mlp.c_proj.w")!; // 4,096 draws
  const want = 0.02 / Math.sqrt(2 * 4);
  assertAlmostEquals(std(proj), want, want * 5 / Math.sqrt(2 * proj.length));
  assert(values.get("h.1.ln_1.g")!.every((x) => x === 1));
  assert(values.get("h.1.attn.c_attn.b")!.every((x) => x === 0));
  const total = gptParameterShapes(config).reduce(
    (s, [, sh]) => s + sh.reduce((a, b) => a * b, 1),
    0,
  );
  assertEquals(gptParameterCount(config), total);
});

Deno.test("the same seed gives the same model", () => {
  const a = tinyModel(9), b = tinyModel(9), c = tinyModel(10);
  const ids = TOKENIZER.encode("What is blood?");
  assertEquals(Array.from(logits(a, ids)), Array.from(logits(b, ids)));
  assert(logits(a, ids)[0] !== logits(c, ids)[0]);
  [a, b, c].forEach(disposeGpt);
});

Deno.test("the BLAS and tfjs matrix products agree, with their gradients", () => {
  const a = tf.randomNormal([2, 5, 3], 0, 1, "float32", 1),
    b = tf.randomNormal([2, 4, 3], 0, 1, "float32", 2);
  const run = () =>
    tf.tidy(() => {
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(matMulT(x, y, false, true)));
      const [ga, gb] = tf.grads(f)([a, b]);
      return [matMulT(a, b, false, true), ga, gb].map((t) => Array.from(t.dataSync()));
    });
  const first = setMatMulEngine("auto");
  const x = run();
  setMatMulEngine(first === "blas" ? "tfjs" : "auto");
  const y = run();
  setMatMulEngine("auto");
  for (let i = 0; i < 3; i++) assertArrayClose(x[i], y[i], 1e-4, 1e-5);
  // Against a hand computation of one entry: (a bᵀ)[0,1,2] = sum_k a[0,1,k] b[0,2,k].
  const A = a.dataSync(), B = b.dataSync();
  let want = 0;
  for (let k = 0; k < 3; k++) want += A[3 + k] * B[6 + k];
  assertAlmostEquals(x[0][1 * 4 + 2], want, 1e-5);
  tf.dispose([a, b]);
});

Deno.test("bad configs and inputs name the argument", () => {
  assertThrows(() => tinyModel(1, 1, 15), RangeError, "heads");
  const model = tinyModel();
  assertThrows(() => gptLogits(model, tf.tensor2d([[1.5]], [1, 1])), Error, "int32");
  assertThrows(
    () => gptLogits(model, tf.zeros([1, 60], "int32") as tf.Tensor2D),
    RangeError,
    "context length",
  );
  disposeGpt(model);
});
