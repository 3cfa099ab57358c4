/**
 * Text responses through the real offline sentence encoder (Universal Sentence
 * Encoder, shipped through npm): the target is the answer closest to the mean
 * embedding (Section 7.3's averaging), or to the variance-weighted combination.
 */
import { loadUseEmbedder } from "../../lib/llm/embed/use.ts";
import { distillTargets } from "../../tools/targets/run.ts";
import { targetReport, writeTargetReport } from "../../tools/targets/report.ts";
import { assert, assertEquals } from "../assert.ts";

Deno.test("text targets: the answer nearest the mean embedding, and variance weighting with the student's samples", async () => {
  const dir = await Deno.makeTempDir();
  const use = await loadUseEmbedder({ workers: 1 });
  try {
    // Three paraphrases and one unrelated answer: the medoid-like choice is a paraphrase, never the outlier.
    const kidney = [
      "Nephritis is an inflammation of the kidney.",
      "An inflammation of the kidneys.",
      "Inflammation affecting the kidney.",
      "A small brown spot on the skin.",
    ];
    const lines = [
      {
        id: "q1",
        responses: kidney,
        student: ["A disease of the kidney.", "Kidney inflammation."],
      },
      {
        id: "q2",
        responses: ["A network of nerves.", "A network of blood vessels."],
        student: ["A web.", "A net."],
      },
    ].map((r) => JSON.stringify(r)).join("\n");
    await Deno.writeTextFile(`${dir}/in.jsonl`, lines);
    for (const method of ["mean", "variance-weighted"] as const) {
      const r = await distillTargets({
        input: `${dir}/in.jsonl`,
        output: `${dir}/out.jsonl`,
        method,
        embedder: use,
      });
      assertEquals(r.kind, "text");
      if (method === "mean") {
        // Issue 26 item 1: q1 alone has more than 2 responses, so k = 2 and 3 have one input each
        // (no SE); the report used to crash on the NaN band.
        await writeTargetReport(targetReport(r, { method, input: "in.jsonl" }), `${dir}/r.html`);
        const md = await Deno.readTextFile(`${dir}/r.md`);
        assert(md.includes("a single input contributes"), md);
      }
      const out = (await Deno.readTextFile(`${dir}/out.jsonl`)).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      assert(out[0].chosen !== 3, `${method}: chose the outlier`);
      assertEquals(out[0].target, kidney[out[0].chosen]);
      assert(out[0].teacher_variance > 0 && out[0].k === 4, JSON.stringify(out[0]));
      if (method === "variance-weighted") {
        assert(
          out[0].weight_teacher > 0 && out[0].weight_teacher < 1,
          `a_T = ${out[0].weight_teacher}`,
        );
      }
    }
  } finally {
    await use.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
