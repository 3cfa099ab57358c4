import { loadDgemm } from "../../lib/blas.ts";
import {
  createMlp,
  dgemm,
  loopDgemm,
  mlpBackward,
  mlpForward,
  mlpParameterCount,
} from "../../lib/nn/mlp64.ts";
import { parameterLayout } from "../../lib/nn/init.ts";
import { Rng } from "../../lib/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

function randomArray(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

Deno.test("dgemm (OpenBLAS or loops) agrees with the loop product for every transpose, on sub-array views", () => {
  const rng = new Rng(3);
  const [m, n, k] = [37, 29, 41];
  // Views with an offset, as the networks pass their weight blocks.
  const abuf = randomArray(m * k + 5, rng), bbuf = randomArray(k * n + 7, rng);
  const a = abuf.subarray(5), b = bbuf.subarray(7);
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const want = new Float64Array(m * n), got = new Float64Array(m * n + 3);
      loopDgemm(ta, tb, m, n, k, a, b, want);
      dgemm(ta, tb, m, n, k, a, b, got.subarray(3));
      for (let i = 0; i < m * n; i++) {
        // Sums of 41 products of N(0, 1) numbers: round-off is far below 1e-12.
        assertAlmostEquals(got[3 + i], want[i], 1e-12, `ta=${ta} tb=${tb} entry ${i}`);
      }
    }
  }
});

Deno.test("OpenBLAS dgemm is loaded where OpenBLAS is installed", {
  ignore: !(() => {
    try {
      return Deno.statSync("/usr/lib/x86_64-linux-gnu/libopenblas.so.0").isFile;
    } catch {
      return false;
    }
  })(),
}, () => {
  assert(loadDgemm() !== null, "cblas_dgemm should load from the system OpenBLAS");
});

Deno.test("createMlp draws PyTorch's init in the cohort trainer's layout (one hidden layer)", () => {
  const net = createMlp(5, 7, 3, 11);
  assertEquals(net.params.length, parameterLayout(5, 7, 3).count);
  const lay = parameterLayout(5, 7, 3);
  for (let i = 0; i < lay.w2; i++) assert(Math.abs(net.params[i]) <= 1 / Math.sqrt(5));
  for (let i = lay.w2; i < lay.count; i++) assert(Math.abs(net.params[i]) <= 1 / Math.sqrt(7));
  const deep = createMlp(5, 7, 3, 11, 4);
  assertEquals(deep.params.length, 7 * 5 + 7 + 4 * 7 + 4 + 3 * 4 + 3);
  assertEquals(mlpParameterCount(5, 7, 3, 4), deep.params.length);
  // The first layer is drawn first, from the same stream: identical to the one-layer net's.
  assertEquals(Array.from(deep.params.subarray(0, 42)), Array.from(net.params.subarray(0, 42)));
  assertThrows(() => createMlp(5, 7, 3, 1, -1), RangeError, "h2 must be an integer >= 0");
  assertThrows(() => createMlp(0, 7, 3, 1), RangeError, "d must be an integer >= 1");
});

for (const h2 of [0, 6]) {
  Deno.test(`mlpBackward is the gradient of a weighted output sum (finite differences, h2 = ${h2})`, () => {
    const rng = new Rng(5 + h2);
    // m h d = 21,600 >= 20,000: the first layer goes through dgemm where it loads.
    const [d, h, o, m] = [12, 30, 3, 60];
    const net = createMlp(d, h, o, rng.child(0), h2);
    const x = randomArray(m * d, rng.child(1)), w = randomArray(m * o, rng.child(2));
    const loss = () => {
      const out = mlpForward(net, x, m).out;
      let s = 0;
      for (let i = 0; i < out.length; i++) s += w[i] * out[i];
      return s;
    };
    const g = mlpBackward(net, x, m, mlpForward(net, x, m), w);
    const eps = 1e-6;
    for (let i = 0; i < net.params.length; i++) {
      const keep = net.params[i];
      net.params[i] = keep + eps;
      const up = loss();
      net.params[i] = keep - eps;
      const down = loss();
      net.params[i] = keep;
      // Central differences of a piecewise-linear function: exact away from ReLU kinks
      // (none within 1e-6 here), up to round-off of order 1e-9.
      assertAlmostEquals(g[i], (up - down) / (2 * eps), 1e-6, `parameter ${i}`);
    }
  });
}
