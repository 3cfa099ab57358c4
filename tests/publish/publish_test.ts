/**
 * The publishing tool's choices, without a browser: what each export is
 * indexed as, where pages go for each scale, and the Markdown-with-maths
 * conversion of the pages.
 */
import { assert, assertEquals } from "../assert.ts";
import { listExports, paperReference, publishTarget } from "../../tools/publish_html.ts";
import { markdownToHtml } from "../../tools/publish/markdown.ts";

Deno.test("each export is linked to the paper figure, table or theorem it rebuilds", () => {
  assertEquals(
    [
      "04_fig2_mean_test_mse",
      "06_table3_logistic",
      "07_theorem73_combination",
      "05_bootstrap_linear",
      "06_reliability_nn",
      "02_variance_by_source",
      "04_fig4ab_llm_temperature",
      "04_fig4c_llm_predictive",
      "05_fig12_llm_trajectories",
      "04_table5_noise_transfer",
      "08_regression",
      "07_table_test_mse",
      "06_entropy_comparison",
    ].map((n) => paperReference(n)),
    [
      "Figure 2",
      "Table 3 (Appendix E)",
      "Theorem 7.3",
      "Figure 8 (Section 5.2)",
      "Section 6.1 calibration (added here: no paper figure)",
      "Section 2 (added here: no paper figure)",
      // docs/protocols.md: Figure 4 (a, b) alignment and inter-student variance over the
      // temperature, Figure 4c the predictive distributions; Figure 12 in Appendix D,
      // Table 5 in Appendix F; Section 8 rebuilds the companion paper, not this one.
      "Figure 4 (a, b)",
      "Figure 4 (c)",
      "Figure 12 (Appendix D)",
      "Table 5 (Appendix F)",
      "Section 8: the companion DLF paper (no figure of this paper)",
      // Figure 11's experiment (docs/protocols.md 7.2) and Tables 3-4's cells, as tables.
      "Figure 11 (Section 7.2), as a table",
      "Tables 3 and 4 (Appendix E), cell by cell beside the paper's",
    ],
  );
  assertEquals(paperReference("02_anything", { paper: "Figure 1" }), "Figure 1");
});

Deno.test("only default- and paper-scale runs publish to the committed docs/", () => {
  assertEquals(publishTarget(["default", "paper"], "/r"), {
    pages: "/r/docs",
    exports: "/r/figures",
  });
  for (const scales of [["smoke"], ["default", "smoke"], ["unknown"], []]) {
    assertEquals(publishTarget(scales, "/r").pages, "/r/build/docs", scales.join(","));
  }
});

Deno.test("the index lists figures and tables with their stamp and chapter", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = (n: string, t: string) => Deno.writeTextFileSync(`${dir}/${n}`, t);
    w("04_fig2_a.vl.json", "{}");
    w("04_fig2_a.csv", "# scale=default, seed=4, commit=0123abc\nx\n1\n");
    w("06_table3_b.md", "| a |\n| - |\n| 1 |\n");
    w("06_table3_b.csv", "# scale=default, seed=1, paper=Table 3 (logistic)\na\n1\n");
    w("notes.md", "not a table: no CSV beside it");
    assertEquals(listExports(dir, ["04_teacher", "06_student"]), [
      {
        name: "04_fig2_a",
        kind: "figure",
        scale: "default",
        seed: "4",
        commit: "0123abc",
        paper: "Figure 2",
        chapter: "04_teacher",
      },
      {
        name: "06_table3_b",
        kind: "table",
        scale: "default",
        seed: "1",
        commit: undefined,
        paper: "Table 3 (logistic)",
        chapter: "06_student",
      },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Markdown maths is typeset, even with _ and * inside, and code keeps its dollars", () => {
  const html = markdownToHtml("Let $a_1 * b_2$ and `$x$`.\n\n$$\\sum_k x_k$$");
  assert(html.includes('class="katex"'), html);
  assert(html.includes("<code>$x$</code>"), html);
  assert(!/<em>|\$a_1/.test(html), "no emphasis made from the maths, no raw TeX");
  assert(html.includes('class="katex-display"'), "display maths");
  const bad = markdownToHtml("$\\nosuchcommand$");
  assert(bad.includes('class="katex-error"'), bad);
});

Deno.test("an inline formula broken across a source line is typeset, and $ pairs stay right", () => {
  // Section 7's "Pilot design" paragraph as it was written (the formula breaks after \top).
  const md =
    "with its closed-form predictive variance $(\\hat\\sigma^2/3)\\,\\tilde x^\\top(\\tilde X^\\top\n" +
    "\\tilde X)^{-1}\\tilde x$ (Theorems 4.1/7.1) and $\\hat\\sigma^2$ estimated";
  const html = markdownToHtml(md);
  assertEquals((html.match(/class="katex"/g) ?? []).length, 2, html);
  const text = html.replace(/<span class="katex">[\s\S]*?<\/math><\/span>/g, "").replace(
    /<[^>]+>/g,
    "",
  );
  assert(!text.includes("$"), `raw TeX left: ${text}`);
  assert(text.includes("(Theorems 4.1/7.1) and"), "the prose between the formulas stays prose");
  // A blank line ends a paragraph: a lone $ there is a dollar, not the start of maths.
  const two = markdownToHtml("costs $5\n\nand $x$ is maths");
  assert(two.includes("costs $5"), two);
  assertEquals((two.match(/class="katex"/g) ?? []).length, 1, two);
});
