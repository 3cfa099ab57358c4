import { loadSgemm } from "../../lib/blas.ts";
import { fitMlpEnsemble } from "../../lib/gaussian/teachers.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

function problem(m: number) {
  const rng = new Rng(2);
  const x = Float64Array.from({ length: m * 2 }, () => 2 * rng.uniform() - 1);
  const y = Float64Array.from({ length: m }, (_, j) => Math.sin(2 * x[2 * j]) + x[2 * j + 1] ** 2);
  return { x, y };
}

Deno.test("fitMlpEnsemble: two-hidden-layer members fit a smooth function, and member s does not depend on n", () => {
  const m = 200, { x, y } = problem(m);
  const opts = { x, m, d: 2, y, hidden: 16, hidden2: 16, epochs: 400, lr: 0.01, seed: 7 };
  const three = fitMlpEnsemble({ ...opts, members: 3 });
  const one = fitMlpEnsemble({ ...opts, members: 1 });
  assertEquals(Array.from(one.nets[0].params), Array.from(three.nets[0].params));
  assertEquals(three.nets[0].h2, 16);
  const f = three.predict(x, m);
  let vy = 0, my = 0;
  for (let j = 0; j < m; j++) my += y[j] / m;
  for (let j = 0; j < m; j++) vy += (y[j] - my) ** 2 / m;
  for (let s = 0; s < 3; s++) {
    let mse = 0;
    for (let j = 0; j < m; j++) mse += (f[s * m + j] - y[j]) ** 2 / m;
    // A noiseless smooth target: each member explains over 95% of the variance (a linear fit ~60%).
    assert(mse < 0.05 * vy, `member ${s}: training MSE ${mse} vs variance ${vy}`);
  }
  // Members start from different draws, so they differ.
  assert(three.nets[0].params[0] !== three.nets[1].params[0]);
});

Deno.test(
  "fitMlpEnsemble: the float32 sgemm path trains the same networks as the float64 one (to float32 round-off)",
  {
    ignore: loadSgemm() === null,
  },
  () => {
    const m = 150, { x, y } = problem(m);
    const opts = {
      x,
      m,
      d: 2,
      y,
      hidden: 12,
      hidden2: 10,
      members: 2,
      epochs: 30,
      lr: 0.01,
      seed: 3,
    };
    const f32 = fitMlpEnsemble(opts).predict(x, m);
    const f64 = fitMlpEnsemble({ ...opts, precision: "float64" }).predict(x, m);
    let worst = 0;
    for (let i = 0; i < f32.length; i++) worst = Math.max(worst, Math.abs(f32[i] - f64[i]));
    // Outputs of order 1 after 30 Adam steps of size 0.01: float32 round-off (1e-7 relative)
    // amplified by Adam's normalisation stays far below 1e-3; a wrong gradient moves them by > 0.01.
    assert(worst < 1e-3, `largest difference ${worst}`);
  },
);

Deno.test("fitMlpEnsemble: bad input gets a named error before any training", () => {
  const { x, y } = problem(10);
  const o = { x, m: 10, d: 2, y, hidden: 4, hidden2: 4, members: 2, epochs: 1, lr: 0.01, seed: 1 };
  assertThrows(() => fitMlpEnsemble({ ...o, members: 0 }), RangeError, "members must be");
  assertThrows(() => fitMlpEnsemble({ ...o, y: y.subarray(1) }), RangeError, "y has 9 values");
  assertThrows(
    () => fitMlpEnsemble({ ...o, x: Float64Array.from(x, (v, i) => (i === 3 ? NaN : v)) }),
    RangeError,
    "x[3] is NaN",
  );
  assertThrows(() => fitMlpEnsemble({ ...o, lr: 0 }), RangeError, "lr must be > 0");
});

Deno.test("fitMlpEnsemble: early stopping keeps each member's epoch of lowest validation MSE", () => {
  // Few noisy rows and a wide network: it overfits, so the validation MSE turns up before the end.
  const m = 40, rng = new Rng(5);
  const { x, y } = problem(m + 200);
  for (let j = 0; j < m; j++) y[j] += 0.5 * (rng.uniform() - 0.5) * 2;
  const fitRows = { x: x.subarray(0, 2 * m), y: y.subarray(0, m), m };
  const val = { x: x.subarray(2 * m), y: y.subarray(m), m: 200 };
  const opts = { ...fitRows, d: 2, hidden: 32, hidden2: 32, members: 2, lr: 0.01, seed: 4 };
  const ens = fitMlpEnsemble({ ...opts, epochs: 300, validation: val });
  const mse = (f: Float64Array, s: number) => {
    let v = 0;
    for (let j = 0; j < val.m; j++) v += (f[s * val.m + j] - val.y[j]) ** 2 / val.m;
    return v;
  };
  const f = ens.predict(val.x, val.m);
  for (let s = 0; s < 2; s++) {
    const e = ens.bestEpochs![s];
    // The kept parameters are those of epoch e: retraining for e epochs without validation gives
    // the same network (same seed, same updates), and its validation MSE is the one reported.
    const again = fitMlpEnsemble({ ...opts, epochs: e }).predict(val.x, val.m);
    const sub = again.subarray(s * val.m, (s + 1) * val.m);
    assert(Math.abs(mse(again, s) - ens.validationMse![s]) < 1e-9, `member ${s}`);
    assert(Math.abs(sub[0] - f[s * val.m]) < 1e-9, `member ${s} kept epoch ${e}`);
    // No later epoch is better: the full 300-epoch fit has a validation MSE at least as high.
    const full = fitMlpEnsemble({ ...opts, epochs: 300 }).predict(val.x, val.m);
    assert(mse(full, s) >= ens.validationMse![s] - 1e-12, `member ${s}`);
  }
  assert(ens.bestEpochs!.every((e) => e >= 1 && e <= 300));
});
