// Fixtures in UCI's covtype.data layout and in the header CSV layout are written here.
// The test on the real file reads the copy shipped in data/covtype (or KD_DATA_DIR's).
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { COVERTYPE_FEATURES, loadCovertype } from "../../lib/data/covertype.ts";
import { classCounts } from "../../lib/data/dataset.ts";

/** Row i: 10 quantitative values, wilderness area i % 4, soil type i % 40, cover type 1 + i % 7. */
function fixtureRow(i: number): number[] {
  const q = Array.from({ length: 10 }, (_, j) => 1000 * (i + 1) + j);
  const w = Array.from({ length: 4 }, (_, j) => (j === i % 4 ? 1 : 0));
  const s = Array.from({ length: 40 }, (_, j) => (j === i % 40 ? 1 : 0));
  return [...q, ...w, ...s, 1 + (i % 7)];
}

const N = 20;
const ROWS = Array.from({ length: N }, (_, i) => fixtureRow(i));
const UCI_TEXT = ROWS.map((r) => r.join(",")).join("\n") + "\n";
const HEADER = [...COVERTYPE_FEATURES, "Cover_Type"].join(",");

async function gzip(text: string): Promise<Uint8Array> {
  const s = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kd_covtype_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("UCI covtype.data, its gzip and the header CSV layout load the same rows", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/covtype.data`, UCI_TEXT);
    await Deno.mkdir(`${dir}/gz`);
    await Deno.writeFile(`${dir}/gz/covtype.data.gz`, await gzip(UCI_TEXT));
    await Deno.mkdir(`${dir}/csv`);
    await Deno.writeFile(
      `${dir}/csv/covtype_uci_150k.csv.gz`,
      await gzip(HEADER + "\n" + UCI_TEXT),
    );
    const a = await loadCovertype(`${dir}/covtype.data`);
    assertEquals([a.n, a.d, a.classes.length], [N, 54, 7]);
    for (let i = 0; i < N; i++) {
      assertEquals(Array.from(a.x.subarray(i * 54, i * 54 + 54)), ROWS[i].slice(0, 54), `row ${i}`);
      assertEquals(a.y[i], ROWS[i][54] - 1, `label ${i} shifted to 0..6`);
    }
    assertEquals(a.featureNames[0], "Elevation");
    assertEquals(a.featureNames[53], "Soil_Type40");
    const b = await loadCovertype(`${dir}/gz`); // a folder: finds covtype.data.gz
    const c = await loadCovertype(`${dir}/csv/covtype_uci_150k.csv.gz`);
    for (const other of [b, c]) {
      assertEquals(other.x, a.x);
      assertEquals(other.y, a.y);
      assertEquals(other.featureNames, a.featureNames);
    }
    assert(c.name.includes("covtype_uci_150k.csv.gz"));
  });
});

Deno.test("a Covertype subsample keeps distinct rows in file order and depends only on the seed", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/covtype.data`, UCI_TEXT);
    const s1 = await loadCovertype(`${dir}/covtype.data`, { rows: 7, seed: 3 });
    const s2 = await loadCovertype(`${dir}/covtype.data`, { rows: 7, seed: 3 });
    assertEquals([s1.n, s1.x.length], [7, 7 * 54]);
    assertEquals(s1.x, s2.x);
    // Elevation of fixture row i is 1000 (i + 1): recover which rows were kept.
    const kept = Array.from({ length: 7 }, (_, k) => s1.x[k * 54] / 1000 - 1);
    assert(kept.every((v, k) => Number.isInteger(v) && (k === 0 || kept[k - 1] < v)), `${kept}`);
    kept.forEach((i, k) => assertEquals(s1.y[k], ROWS[i][54] - 1));
    assert(s1.name.includes("7 of 20 rows"), s1.name);
  });
});

Deno.test("bad Covertype files and options are refused with what was expected", async () => {
  await inTempDir(async (dir) => {
    await assertRejects(() => loadCovertype(`${dir}/missing.data`), Error, "does not exist");
    await assertRejects(() => loadCovertype(dir), Error, "is a folder without any of");
    await Deno.writeTextFile(`${dir}/short.data`, ROWS.map((r) => r.slice(1).join(",")).join("\n"));
    await assertRejects(
      () => loadCovertype(`${dir}/short.data`),
      Error,
      "54 columns at line 1; expected 55",
    );
    const bad = ROWS.map((r, i) => (i === 4 ? [...r.slice(0, 54), 8] : r).join(",")).join("\n");
    await Deno.writeTextFile(`${dir}/bad.data`, bad);
    await assertRejects(
      () => loadCovertype(`${dir}/bad.data`),
      Error,
      "Cover_Type 8 at line 5; expected 1..7",
    );
    await Deno.writeTextFile(`${dir}/covtype.data`, UCI_TEXT);
    await assertRejects(
      () => loadCovertype(`${dir}/covtype.data`, { rows: 5 }),
      TypeError,
      "seed is required",
    );
    await assertRejects(
      () => loadCovertype(`${dir}/covtype.data`, { rows: 21, seed: 1 }),
      RangeError,
      "rows must be an integer in [1, 20]",
    );
  });
});

Deno.test({
  name: "the shipped 150,000-row Covertype file (data/covtype) loads with labels 0..6",
  fn: async () => {
    const cov = await loadCovertype();
    assertEquals([cov.n, cov.d], [150000, 54]);
    // First data line of covtype_uci_150k.csv.gz, read with zcat | head.
    assertEquals(Array.from(cov.x.subarray(0, 10)), [
      2464,
      315,
      13,
      67,
      28,
      376,
      184,
      229,
      184,
      1900,
    ]);
    assertEquals(cov.y[0], 2);
    const counts = classCounts(cov.y, 7);
    assert(counts.every((c) => c > 0), `${counts}`);
    const sub = await loadCovertype({ rows: 50000, seed: 1 });
    assertEquals(sub.n, 50000);
    const again = await loadCovertype("data/covtype", { rows: 50000, seed: 1 });
    assertEquals(again.y, sub.y);
  },
});
