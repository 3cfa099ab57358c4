// IDX fixtures are built byte by byte here from the format's definition (LeCun et al.),
// not with the code under test. The full-MNIST test reads the copy shipped in data/mnist
// (or KD_DATA_DIR/mnist when set).
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../assert.ts";
import { decodeIdx, loadMnist, loadMnistIdx, readIdx } from "../../lib/data/idx.ts";
import { classCounts } from "../../lib/data/dataset.ts";

/** IDX bytes: 0, 0, type, ndims, big-endian uint32 dims, then the body. */
function idxBytes(type: number, dims: number[], body: number[]): Uint8Array {
  const head = [0, 0, type, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...head, ...body]);
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

// Three 2 x 2 images and their labels.
const PIXELS = [0, 255, 51, 102, 10, 20, 30, 40, 255, 255, 0, 0];
const LABELS = [7, 0, 9];

async function writeMnist(dir: string, zip: boolean): Promise<void> {
  const files: [string, Uint8Array][] = [
    ["train-images-idx3-ubyte", idxBytes(0x08, [3, 2, 2], PIXELS)],
    ["train-labels-idx1-ubyte", idxBytes(0x08, [3], LABELS)],
    ["t10k-images-idx3-ubyte", idxBytes(0x08, [1, 2, 2], [1, 2, 3, 4])],
    ["t10k-labels-idx1-ubyte", idxBytes(0x08, [1], [5])],
  ];
  for (const [name, bytes] of files) {
    if (zip) await Deno.writeFile(`${dir}/${name}.gz`, await gzip(bytes));
    else await Deno.writeFile(`${dir}/${name}`, bytes);
  }
}

Deno.test("decodeIdx reads big-endian int16, int32, float32 and float64 bodies", () => {
  assertEquals(
    decodeIdx(idxBytes(0x0b, [2], [0xff, 0xfe, 0x01, 0x00])).data,
    new Int16Array([-2, 256]),
  );
  assertEquals(decodeIdx(idxBytes(0x0c, [1], [0, 1, 0, 2])).data, new Int32Array([65538]));
  // 1.5 as float32 is 0x3fc00000; -2 as float64 is 0xc000000000000000.
  assertEquals(decodeIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0])).data, new Float32Array([1.5]));
  assertEquals(
    decodeIdx(idxBytes(0x0e, [1], [0xc0, 0, 0, 0, 0, 0, 0, 0])).data,
    new Float64Array([-2]),
  );
  const a = decodeIdx(idxBytes(0x09, [2, 1], [0x80, 0x7f]));
  assertEquals([a.dims, a.data], [[2, 1], new Int8Array([-128, 127])]);
});

Deno.test("readIdx reads the same array from a plain and a gzipped file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kd_idx_test_" });
  try {
    const bytes = idxBytes(0x08, [3, 2, 2], PIXELS);
    await Deno.writeFile(`${dir}/a`, bytes);
    await Deno.writeFile(`${dir}/a.gz`, await gzip(bytes));
    const plain = await readIdx(`${dir}/a`), zipped = await readIdx(`${dir}/a.gz`);
    assertEquals(plain.dims, [3, 2, 2]);
    assertEquals(plain.data, new Uint8Array(PIXELS));
    assertEquals(zipped, plain);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadMnistIdx reads images as pixels / 255 with their labels, gzipped or not", async () => {
  for (const zip of [false, true]) {
    const dir = await Deno.makeTempDir({ prefix: "kd_idx_test_" });
    try {
      await writeMnist(dir, zip);
      const train = await loadMnistIdx(dir);
      assertEquals([train.n, train.d, train.featureNames[3]], [3, 4, "pixel_1_1"]);
      assertEquals(train.x, new Float64Array(PIXELS.map((p) => p / 255)));
      assertEquals(train.y, new Int32Array(LABELS));
      const all = await loadMnistIdx(dir, { split: "all" });
      assertEquals(all.n, 4);
      assertEquals(Array.from(all.y), [7, 0, 9, 5]);
      assertEquals(Array.from(all.x.subarray(12)), [1, 2, 3, 4].map((p) => p / 255));
      assert(all.name.includes("all"));
      assertEquals((await loadMnistIdx(dir, { split: "test" })).n, 1);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("bad IDX files and folders are refused with the path and what was expected", async () => {
  assertThrows(
    () => decodeIdx(new Uint8Array([1, 0, 8, 1]), "f"),
    Error,
    "does not start with 0x0000",
  );
  assertThrows(() => decodeIdx(idxBytes(0x07, [1], [0]), "f"), Error, "unknown type byte 0x7");
  assertThrows(
    () => decodeIdx(idxBytes(0x08, [4], [1, 2, 3]), "f"),
    Error,
    "need 12 bytes, the file has 11",
  );
  const dir = await Deno.makeTempDir({ prefix: "kd_idx_test_" });
  try {
    await assertRejects(
      () => loadMnistIdx(dir),
      Error,
      "has no MNIST file train-images-idx3-ubyte.gz",
    );
    await assertRejects(() => readIdx(`${dir}/nope`), Error, "not found");
    await writeMnist(dir, false);
    await Deno.writeFile(`${dir}/train-labels-idx1-ubyte`, idxBytes(0x08, [2], [1, 2]));
    await assertRejects(() => loadMnistIdx(dir), Error, "must hold 3 uint8 labels");
    await assertRejects(
      () => loadMnistIdx(dir, { split: "val" as "train" }),
      RangeError,
      "split must",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("full MNIST (shipped in data/mnist) has 60,000 + 10,000 images with the known class counts", async () => {
  const test = await loadMnist({ split: "test" });
  assertEquals([test.n, test.d], [10000, 784]);
  // Class counts of the MNIST test set (LeCun et al.).
  assertEquals(classCounts(test.y, 10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  const train = await loadMnist({ split: "train" });
  assertEquals(classCounts(train.y, 10), [
    5923,
    6742,
    5958,
    6131,
    5842,
    5421,
    5918,
    6265,
    5851,
    5949,
  ]);
  let s = 0;
  for (const v of train.x) s += v;
  // The widely quoted mean pixel of the MNIST training images is 0.1307 (4 decimals).
  assertAlmostEquals(s / train.x.length, 0.1307, 5e-5);
  const all = await loadMnist({ split: "all" });
  assertEquals([all.n, all.y[60000], all.y[0]], [70000, test.y[0], train.y[0]]);
});
