import { loadSgemm } from "../../lib/blas.ts";
import { fitMlpEnsemble } from "../../lib/gaussian/teachers.ts";
import { mlpForward } from "../../lib/nn/mlp64.ts";
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

Deno.test("fitMlpEnsemble: onEpoch sees each member after each epoch's update", () => {
  const m = 60, { x, y } = problem(m);
  const opts = { x, m, d: 2, y, hidden: 8, hidden2: 8, members: 2, lr: 0.01, seed: 4 };
  const seen: { member: number; epoch: number; out: number }[] = [];
  fitMlpEnsemble({
    ...opts,
    epochs: 5,
    onEpoch: (member, net, epoch) =>
      seen.push({ member, epoch, out: mlpForward(net, x, 1).out[0] }),
  });
  assertEquals(
    seen.map((s) => [s.member, s.epoch]),
    [0, 1].flatMap((s) => [0, 1, 2, 3, 4].map((e) => [s, e])),
  );
  // What member s looks like after epoch e is the network trained for e + 1 epochs.
  for (const epochs of [1, 3, 5]) {
    const f = fitMlpEnsemble({ ...opts, epochs }).predict(x, 1);
    for (const s of [0, 1]) {
      const at = seen.find((v) => v.member === s && v.epoch === epochs - 1)!;
      assert(Math.abs(at.out - f[s]) < 1e-12, `member ${s} after ${epochs} epochs`);
    }
  }
});
