import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals } from "../assert.ts";
import { disposeGpt } from "../../lib/llm/mod.ts";
import { answerLoss } from "../../lib/llm/loss.ts";
import { encodeExample, makeBatch } from "../../lib/llm/examples.ts";
import { Rng } from "../../lib/random.ts";
import { PAIRS, tinyModel, TOKENIZER } from "./fixture.ts";

Deno.test("the model's gradient matches a central finite difference along random directions", () => {
  const model = tinyModel(11, 2);
  // Give biases and gains non-trivial values so every kernel's gradient matters.
  const rng = new Rng(3);
  for (const v of model.params.values()) {
    const x = new Float32Array(v.dataSync());
    for (let i = 0; i < x.length; i++) x[i] += 0.05 * rng.normal();
    tf.tidy(() => v.assign(tf.tensor(x, v.shape)));
  }
  const batch = makeBatch(
    PAIRS.slice(0, 2).map((p) => encodeExample(TOKENIZER, p, 48)),
    TOKENIZER.pad,
  );
  const vars = [...model.params.values()];
  const loss = () => tf.tidy(() => answerLoss(model, batch).dataSync()[0]);
  const { value, grads } = tf.variableGrads(() => answerLoss(model, batch), vars);
  const g = vars.map((v) => new Float32Array(grads[v.name].dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  const base = vars.map((v) => new Float32Array(v.dataSync()));
  for (let trial = 0; trial < 3; trial++) {
    const d = base.map((b) => Float32Array.from(b, () => rng.normal()));
    let gd = 0;
    d.forEach((di, k) => di.forEach((x, i) => gd += x * g[k][i]));
    const shift = (eps: number) =>
      vars.forEach((v, k) =>
        tf.tidy(() => v.assign(tf.tensor(base[k].map((x, i) => x + eps * d[k][i]), v.shape)))
      );
    // eps 1e-3 keeps the second-order error ~eps² small and the float32 rounding of the
    // loss (~3e-6 absolute, so ~2e-3 on the quotient) well below 2% of |g·d| (> 0.1).
    const eps = 1e-3;
    shift(eps);
    const up = loss();
    shift(-eps);
    const down = loss();
    shift(0);
    const fd = (up - down) / (2 * eps);
    assert(Math.abs(gd) > 0.1, `the directional derivative ${gd} is large enough to compare`);
    assertAlmostEquals(fd, gd, 0.02 * Math.abs(gd), `direction ${trial}`);
  }
  disposeGpt(model);
});
