import { assertArrayClose, assertEquals } from "./assert.ts";
import {
  BLAS_CANDIDATES,
  blasLibraryPaths,
  loadSgemm,
  sgemmUnavailableReason,
} from "../lib/blas.ts";

const SGEMM = loadSgemm();

Deno.test("loadSgemm returns the same function on every call and gives a reason when it is null", () => {
  assertEquals(loadSgemm(), SGEMM);
  assertEquals(sgemmUnavailableReason() === "", SGEMM !== null);
});

Deno.test({
  name: "sgemm multiplies with each combination of transpose flags, where OpenBLAS loads",
  ignore: SGEMM === null,
  fn() {
    // op(A) = [[1, 2, 3], [4, 5, 6]] (2 x 3), op(B) = [[1, 0], [0, 1], [1, 1]] (3 x 2);
    // op(A) op(B) = [[4, 5], [10, 11]] by hand.
    const a = [1, 2, 3, 4, 5, 6], aT = [1, 4, 2, 5, 3, 6];
    const b = [1, 0, 0, 1, 1, 1], bT = [1, 0, 1, 0, 1, 1];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const c = new Float32Array(4).fill(NaN);
      SGEMM!(
        ta,
        tb,
        2,
        2,
        3,
        new Float32Array(ta ? aT : a),
        new Float32Array(tb ? bT : b),
        c,
      );
      assertArrayClose(c, [4, 5, 10, 11], 0);
    }
  },
});

Deno.test("KD_BLAS_LIB names the library tried first, and none tries no library", () => {
  const saved = Deno.env.get("KD_BLAS_LIB");
  try {
    Deno.env.set("KD_BLAS_LIB", "/opt/my/libopenblas.so");
    assertEquals(blasLibraryPaths(), ["/opt/my/libopenblas.so", ...BLAS_CANDIDATES]);
    Deno.env.set("KD_BLAS_LIB", "none");
    assertEquals(blasLibraryPaths(), []);
    Deno.env.delete("KD_BLAS_LIB");
    assertEquals(blasLibraryPaths(), [...BLAS_CANDIDATES]);
  } finally {
    if (saved === undefined) Deno.env.delete("KD_BLAS_LIB");
    else Deno.env.set("KD_BLAS_LIB", saved);
  }
});
