import { assert, assertArrayClose, assertEquals } from "../assert.ts";
import {
  fitCohort,
  type FitCohortOptions,
  loadBlas,
  loadNative,
  predictCohort,
} from "../../lib/nn/mod.ts";
import { Rng } from "../../lib/random.ts";
import { referenceOutputs, referenceTrain } from "./reference_mlp.ts";

// The BLAS path is tested only where OpenBLAS loads (needs --allow-ffi and
// libopenblas0), the native one only where it builds (a C compiler, --allow-run);
// elsewhere those cases are reported as ignored and the portable path alone runs.
const HAVE_BLAS = loadBlas() !== null;
const HAVE_NATIVE = loadNative() !== null;
const BACKENDS = ["portable", "blas", "native"] as const;
/** A backend's tests are registered always and reported as ignored when its engine is absent. */
const ABSENT: Record<(typeof BACKENDS)[number], boolean> = {
  portable: false,
  blas: !HAVE_BLAS,
  native: !HAVE_NATIVE,
};
/** The back ends that loaded here (a test looping over back ends inside one body uses these). */
const AVAILABLE = BACKENDS.filter((b) => !ABSENT[b]);

// Float32 training compared with the float64 reference: after 25 Adam epochs at
// lr 0.01 parameters agree to about 1e-5; a few 1e-4 allows for Adam's
// normalisation of near-zero gradients amplifying float32 rounding.
const ATOL = 3e-4, RTOL = 1e-3;

function data(seed: number, n: number, d: number) {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal());
}

function regressionTargets(seed: number, count: number, x: Float64Array, d: number, o: number) {
  const rng = new Rng(seed);
  const n = x.length / d;
  const y = new Float64Array(count * n * o);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < n; i++) {
      for (let q = 0; q < o; q++) {
        y[(s * n + i) * o + q] = x[i * d + (q % d)] - 0.5 * x[i * d + ((q + 1) % d)] +
          0.3 * rng.normal();
      }
    }
  }
  return y;
}

function labels(seed: number, count: number, x: Float64Array, d: number, classes: number) {
  const rng = new Rng(seed);
  const n = x.length / d;
  const y = new Int32Array(count * n);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < n; i++) {
      const score = x[i * d] + 0.5 * x[i * d + 1] + 0.7 * rng.normal();
      y[s * n + i] = Math.min(classes - 1, Math.max(0, Math.floor(score + classes / 2)));
    }
  }
  return y;
}

function weights(seed: number, count: number, n: number) {
  const rng = new Rng(seed);
  return Float64Array.from({ length: count * n }, () => rng.int(3)); // bootstrap-like counts
}

interface Case {
  name: string;
  h: number;
  o: number;
  loss: "mse" | "cross-entropy";
  weighted: boolean;
}

const CASES: Case[] = [];
for (const weighted of [false, true]) {
  CASES.push({ name: "regression 5-6-1", h: 6, o: 1, loss: "mse", weighted });
  // h a multiple of 4 with one MSE output runs the WebAssembly SIMD row pass.
  CASES.push({ name: "regression 5-8-1 (SIMD row pass)", h: 8, o: 1, loss: "mse", weighted });
  CASES.push({ name: "regression 5-4-2", h: 4, o: 2, loss: "mse", weighted });
  CASES.push({ name: "linear regression 5-0-1", h: 0, o: 1, loss: "mse", weighted });
  CASES.push({ name: "classification 5-6-3", h: 6, o: 3, loss: "cross-entropy", weighted });
  CASES.push({ name: "logistic regression 5-0-3", h: 0, o: 3, loss: "cross-entropy", weighted });
}

for (const backend of BACKENDS) {
  for (const c of CASES) {
    const w = c.weighted ? "with" : "without";
    Deno.test({
      name:
        `a ${backend} cohort of ${c.name} students ${w} example weights equals the students trained one by one`,
      ignore: ABSENT[backend],
    }, async () => {
      const n = 30, d = 5, S = 4, epochs = 25, lr = 0.01;
      const x = data(1, n, d);
      const targets = c.loss === "mse"
        ? regressionTargets(2, S, x, d, c.o)
        : labels(2, S, x, d, c.o);
      const wts = c.weighted ? weights(3, S, n) : undefined;
      const cohort = await fitCohort({
        x,
        n,
        d,
        hidden: c.h,
        outputs: c.o,
        loss: c.loss,
        targets,
        weights: wts,
        students: S,
        epochs,
        lr,
        seed: 9,
        backend,
        workers: 0,
        chunkStudents: 3,
      });
      const P = cohort.layout.count;
      for (let s = 0; s < S; s++) {
        const per = c.loss === "mse" ? n * c.o : n;
        const ref = referenceTrain({
          x,
          n,
          d,
          h: c.h,
          o: c.o,
          loss: c.loss,
          y: targets.subarray(s * per, (s + 1) * per),
          w: wts ? wts.subarray(s * n, (s + 1) * n) : null,
          init: cohort.initialParameters.subarray(s * P, (s + 1) * P),
          epochs,
          lr,
        });
        assertArrayClose(
          cohort.parameters.subarray(s * P, (s + 1) * P),
          ref.parameters,
          ATOL,
          RTOL,
          `student ${s} parameters`,
        );
        assertArrayClose(
          cohort.losses.subarray(s * epochs, (s + 1) * epochs),
          ref.losses,
          1e-5,
          1e-4,
          `student ${s} losses`,
        );
        assertArrayClose([cohort.finalLoss[s]], [ref.finalLoss], 1e-5, 1e-4, "final loss");
      }
    });
  }
}

function baseOptions(): FitCohortOptions {
  const n = 40, d = 4;
  const x = data(5, n, d);
  return {
    x,
    n,
    d,
    hidden: 8,
    outputs: 1,
    loss: "mse",
    targets: regressionTargets(6, 1, x, d, 1),
    students: 6,
    epochs: 20,
    lr: 0.01,
    seed: 3,
    workers: 0,
  };
}

Deno.test({
  name: "the BLAS path gives the portable path's results to float32 tolerance",
  ignore: !HAVE_BLAS,
}, async () => {
  const opts = { ...baseOptions(), students: 20, epochs: 60, hidden: 16 };
  const a = await fitCohort({ ...opts, backend: "portable" });
  const b = await fitCohort({ ...opts, backend: "blas" });
  assertEquals(a.backend, "portable");
  assertEquals(b.backend, "blas");
  assertArrayClose(b.parameters, a.parameters, 1e-4, 1e-4);
  assertArrayClose(b.finalLoss, a.finalLoss, 1e-6, 1e-4);
});

Deno.test("example weights of all ones give exactly the unweighted cohort", async () => {
  const opts = baseOptions();
  const plain = await fitCohort({ ...opts, backend: "portable" });
  const ones = await fitCohort({
    ...opts,
    backend: "portable",
    weights: new Float64Array(opts.students * opts.n).fill(1),
  });
  assertEquals(Array.from(ones.parameters), Array.from(plain.parameters));
});

Deno.test("integer example weights equal literally repeating the rows", async () => {
  const { x, n, d, targets } = baseOptions();
  const counts = weights(11, 1, n); // 0, 1 or 2 per row
  const xr: number[] = [], yr: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < counts[i]; r++) {
      for (let k = 0; k < d; k++) xr.push(x[i * d + k]);
      yr.push(targets[i]);
    }
  }
  for (const backend of AVAILABLE) {
    const common = {
      ...baseOptions(),
      students: 3,
      backend,
      init: { kind: "kaiming" as const },
    };
    const weighted = await fitCohort({ ...common, weights: counts });
    const repeated = await fitCohort({ ...common, x: xr, n: yr.length, targets: yr });
    assertArrayClose(weighted.initialParameters, repeated.initialParameters, 0);
    assertArrayClose(weighted.parameters, repeated.parameters, 2e-5, 1e-4, backend);
  }
});

Deno.test("training lowers the loss of every student", async () => {
  for (const loss of ["mse", "cross-entropy"] as const) {
    const n = 50, d = 4, S = 12;
    const x = data(21, n, d);
    const targets = loss === "mse" ? regressionTargets(22, S, x, d, 1) : labels(22, S, x, d, 3);
    const cohort = await fitCohort({
      x,
      n,
      d,
      hidden: 8,
      outputs: loss === "mse" ? 1 : 3,
      loss,
      targets,
      students: S,
      epochs: 40,
      lr: 0.01,
      seed: 1,
      workers: 0,
    });
    for (let s = 0; s < S; s++) {
      assert(
        cohort.finalLoss[s] < cohort.losses[s * 40],
        `${loss} student ${s}: ${cohort.finalLoss[s]} >= ${cohort.losses[s * 40]}`,
      );
    }
  }
});

for (const backend of BACKENDS) {
  Deno.test({
    name: `a student is the same in a cohort of 3 and of 300 (${backend})`,
    ignore: ABSENT[backend],
  }, async () => {
    const opts = { ...baseOptions(), epochs: 5, n: 20, backend };
    opts.x = (opts.x as Float64Array).subarray(0, 20 * opts.d);
    opts.targets = (opts.targets as Float64Array).subarray(0, 20);
    const small = await fitCohort({ ...opts, students: 3 });
    const big = await fitCohort({ ...opts, students: 300 });
    const P = small.layout.count;
    assertEquals(
      Array.from(small.initialParameters),
      Array.from(big.initialParameters.subarray(0, 3 * P)),
    );
    assertEquals(Array.from(small.parameters), Array.from(big.parameters.subarray(0, 3 * P)));
  });

  Deno.test({
    name: `a student is the same trained with 1 or 2 workers (${backend})`,
    ignore: ABSENT[backend],
  }, async () => {
    const opts = { ...baseOptions(), students: 9, chunkStudents: 2, epochs: 10, backend };
    const inline = await fitCohort({ ...opts, workers: 0 });
    const one = await fitCohort({ ...opts, workers: 1 });
    const two = await fitCohort({ ...opts, workers: 2 });
    assertEquals(one.workers, 1);
    assertEquals(two.workers, 2);
    assertEquals(Array.from(one.parameters), Array.from(inline.parameters));
    assertEquals(Array.from(two.parameters), Array.from(inline.parameters));
    assertEquals(Array.from(two.losses), Array.from(inline.losses));
  });
}

Deno.test("progress is reported after every chunk and ends at S", async () => {
  const seen: number[] = [];
  await fitCohort({
    ...baseOptions(),
    students: 7,
    chunkStudents: 3,
    onProgress: (p) => seen.push(p.studentsDone),
  });
  assertEquals(seen, [3, 6, 7]);
});

Deno.test("trajectories start at the init and end at the trained parameters", async () => {
  const opts = { ...baseOptions(), track: [32, 0] }; // 4-8-1: b1[0] is index 32
  const c = await fitCohort(opts);
  const P = c.layout.count, E = c.epochs + 1;
  assertEquals(c.layout.b1, 32);
  for (let s = 0; s < c.students; s++) {
    for (const [t, idx] of [32, 0].entries()) {
      const row = c.trajectories.subarray((s * 2 + t) * E, (s * 2 + t + 1) * E);
      assertEquals(row[0], c.initialParameters[s * P + idx]);
      assertEquals(row[E - 1], c.parameters[s * P + idx]);
      assert(row[1] !== row[0], "the tracked parameter moved in the first epoch");
    }
  }
});

Deno.test("predictions equal the reference forward pass; class probabilities sum to one", async () => {
  const n = 30, d = 5, m = 7;
  const x = data(31, n, d), xt = data(32, m, d);
  for (
    const [h, o, loss] of [[6, 1, "mse"], [6, 3, "cross-entropy"], [0, 3, "cross-entropy"]] as const
  ) {
    const targets = loss === "mse" ? regressionTargets(33, 1, x, d, o) : labels(33, 1, x, d, o);
    const c = await fitCohort({
      x,
      n,
      d,
      hidden: h,
      outputs: o,
      loss,
      targets,
      students: 3,
      epochs: 5,
      lr: 0.01,
      seed: 4,
      workers: 0,
    });
    const pred = predictCohort(c, xt, m);
    assertEquals(pred.length, 3 * m * o);
    const P = c.layout.count;
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < m; i++) {
        const logits = referenceOutputs(c.parameters.subarray(s * P, (s + 1) * P), {
          x: xt,
          n: m,
          d,
          h,
          o,
          loss,
          y: [],
          w: null,
          init: [],
          epochs: 0,
          lr: 0,
        }, i);
        const row = Array.from(pred.subarray((s * m + i) * o, (s * m + i + 1) * o));
        if (loss === "mse") {
          assertArrayClose(row, logits, 1e-5, 1e-5);
        } else {
          const mx = Math.max(...logits);
          const e = Array.from(logits, (v) => Math.exp(v - mx));
          const z = e.reduce((a, b) => a + b, 0);
          assertArrayClose(row, e.map((v) => v / z), 1e-6, 1e-5);
          assertArrayClose([row.reduce((a, b) => a + b, 0)], [1], 1e-6);
        }
      }
    }
  }
});

Deno.test("a seed given as an Rng trains the students of the same number seed; a child Rng gives its own cohort", async () => {
  const opts = { ...baseOptions(), students: 4, chunkStudents: 3, epochs: 5 };
  const byNumber = await fitCohort({ ...opts, seed: 3 });
  const drawnFrom = new Rng(3);
  drawnFrom.normal(); // the students use child streams, which do not depend on draws made
  const byRng = await fitCohort({ ...opts, seed: drawnFrom, workers: 1 });
  assertEquals(Array.from(byRng.parameters), Array.from(byNumber.parameters));
  // A child generator (seed 3, path [7]) is a different root: student s uses new Rng(3, [7, s]).
  const child = await fitCohort({ ...opts, seed: new Rng(3).child(7) });
  assert(child.initialParameters[0] !== byNumber.initialParameters[0]);
  const manual = await fitCohort({
    ...opts,
    students: 1,
    init: { kind: "fixed", parameters: child.initialParameters.slice(0, byNumber.layout.count) },
  });
  assertEquals(
    Array.from(manual.parameters),
    Array.from(child.parameters.subarray(0, manual.layout.count)),
  );
});

Deno.test("a seed that is neither a number nor an Rng is rejected naming seed", async () => {
  const err = await fitCohort({ ...baseOptions(), seed: undefined as unknown as number }).then(
    () => null,
    (e: Error) => e,
  );
  assert(err instanceof RangeError && err.message.includes("seed must be"), String(err));
});
