import { assert, assertAlmostEquals, assertArrayClose, assertEquals } from "../assert.ts";
import { fitCohort, loadNative } from "../../lib/nn/mod.ts";
import { sparseShare } from "../../lib/nn/sparse.ts";
import { Rng } from "../../lib/random.ts";

// The native kernel's sparse form (columns shifted by their majority value, rows
// or tiles listing only the other entries) is checked against the portable
// path, which always reads x densely. Tolerances as in native_test.ts: float32
// sums in another order, amplified by Adam over 30 epochs (observed there
// <= 2e-7); 1e-4 still catches a missing term (a wrong gradient moves a
// parameter by about lr = 1e-2 per epoch).
const NATIVE = loadNative();
const ATOL = 1e-4, RTOL = 1e-4;

/**
 * n x d inputs where column k holds the value c_k in a share `p` of rows (c_k
 * differs by column, nonzero), except column 0 (no majority: all distinct) and
 * column 1 (one value in every row).
 */
function sparseInputs(seed: number, n: number, d: number, p = 0.7): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const c = -0.5 - 0.1 * k;
      x[i * d + k] = k === 0 ? rng.normal() : k === 1 ? 0.75 : rng.uniform() < p ? c : rng.normal();
    }
  }
  return x;
}

const CASES = [
  { d: 12, h: 16, o: 3, n: 41, loss: "cross-entropy" as const },
  { d: 9, h: 40, o: 1, n: 23, loss: "mse" as const },
  { d: 30, h: 128, o: 10, n: 57, loss: "cross-entropy" as const },
  { d: 10, h: 0, o: 4, n: 33, loss: "cross-entropy" as const },
  { d: 7, h: 0, o: 2, n: 30, loss: "mse" as const },
];

for (const c of CASES) {
  Deno.test({
    name:
      `the sparse form trains ${c.loss} ${c.d}-${c.h}-${c.o} on ${c.n} rows like the dense path`,
    ignore: !NATIVE,
  }, async () => {
    const S = 3, x = sparseInputs(1, c.n, c.d);
    const rng = new Rng(2);
    const targets = c.loss === "mse"
      ? Float64Array.from(
        { length: c.n * c.o },
        (_, k) => x[Math.floor(k / c.o) * c.d] + rng.normal(),
      )
      : Int32Array.from({ length: S * c.n }, () => rng.int(c.o));
    const weights = Float64Array.from({ length: S * c.n }, () => rng.int(3));
    const opts = {
      x,
      n: c.n,
      d: c.d,
      hidden: c.h,
      outputs: c.o,
      loss: c.loss,
      targets,
      weights,
      students: S,
      epochs: 30,
      lr: 0.01,
      seed: 5,
      workers: 0,
    };
    const a = await fitCohort({ ...opts, backend: "portable" });
    const b = await fitCohort({ ...opts, backend: "native", inputs: "sparse" });
    assertArrayClose(b.parameters, a.parameters, ATOL, RTOL, "parameters");
    assertArrayClose(b.losses, a.losses, 1e-6, 1e-5, "losses");
    assertArrayClose(b.finalLoss, a.finalLoss, 1e-6, 1e-5, "final loss");
    let moved = 0;
    for (let i = 0; i < b.parameters.length; i++) {
      moved = Math.max(moved, Math.abs(b.parameters[i] - b.initialParameters[i]));
    }
    assert(moved > 0.05, `parameters moved by ${moved}`);
    // The sparse form is not the dense one: the sums run in another order.
    const dense = await fitCohort({ ...opts, backend: "native", inputs: "dense" });
    assert(
      b.parameters.some((v, i) => v !== dense.parameters[i]),
      "sparse and dense agree bit for bit: the sparse form was not used",
    );
  });
}

Deno.test({
  name: "auto trains dense inputs densely (bit for bit) and sparse ones on the sparse form",
  ignore: !NATIVE,
}, async () => {
  const n = 40, d = 20;
  const rng = new Rng(9);
  const dense = Float64Array.from({ length: n * d }, () => rng.normal());
  // 95% on the majority: a tile of 5 rows lists about 1 - 0.95^5 = 23% of the columns.
  const sparse = sparseInputs(3, n, d, 0.95);
  for (const [x, form] of [[dense, "dense"], [sparse, "sparse"]] as const) {
    for (const h of [16, 0]) {
      const opts = {
        x,
        n,
        d,
        hidden: h,
        outputs: 3,
        loss: "cross-entropy" as const,
        targets: Int32Array.from({ length: n }, (_, i) => i % 3),
        students: 2,
        epochs: 10,
        lr: 0.01,
        seed: 1,
        workers: 0,
      };
      const auto = await fitCohort(opts);
      const forced = await fitCohort({
        ...opts,
        backend: h > 0 ? "native" : auto.backend,
        inputs: form,
      });
      assertEquals(auto.backend, h > 0 || form === "sparse" ? "native" : forced.backend);
      assertEquals(Array.from(auto.parameters), Array.from(forced.parameters), `${form}, h = ${h}`);
    }
  }
});

Deno.test("sparseShare counts the entries off their column's majority value", () => {
  // Column 0: 5 is the majority (2 of 3), column 1: 0 is (2 of 3): 7 and 2 remain.
  assertAlmostEquals(sparseShare(Float32Array.from([5, 0, 5, 2, 7, 0]), 3, 2), 2 / 6, 1e-12);
  // No majority in a column: its nonzero entries remain.
  assertAlmostEquals(sparseShare(Float32Array.from([1, 0, 2, 0, 3, 0, 0, 4]), 4, 2), 4 / 8, 1e-12);
  const x = sparseInputs(4, 2000, 10);
  // Expected: column 0 all, column 1 none, columns 2..9 about 30% each: (1 + 8 * 0.3) / 10.
  // SD of the share over 2,000 rows: sqrt(8 * 0.21 / 2000) / 10 = 0.003; 5 SD allowed.
  assertAlmostEquals(sparseShare(Float32Array.from(x), 2000, 10), 0.34, 0.015);
});
