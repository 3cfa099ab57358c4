/**
 * Notebook 06's Section 6.1 claims, as its cells build them, on synthetic results (no training):
 * the configuration and paper cells, then the cells from the run statistics to the contrasts'
 * claims (the sweep, and those that save, show or print left out), are evaluated as one function
 * of `result`, so the rules can be checked on results chosen to go either way: an entropy near
 * the paper's is reproduced and one far from it differs, the teacher-student gap is paired within
 * runs, the SE is over runs, and a pair with too few runs gets no verdict and says why.
 */
import type { Claim } from "../../lib/report/claims.ts";
import { applyHolm, powerGuard } from "../../lib/report/claims.ts";
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import { importRun } from "./notebook_cells.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const NOTEBOOK = `${REPO}/notebooks/06_student_output_uncertainty.ipynb`;

type Run = (result: unknown) => Record<string, Claim[]>;

/** The notebook's Section 6.1 claim cells as one module exporting `run(result)`. */
async function claimCells(): Promise<Run> {
  const nb = JSON.parse(await Deno.readTextFile(NOTEBOOK)) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  const code = nb.cells.filter((c) => c.cell_type === "code")
    .map((c) => Array.isArray(c.source) ? c.source.join("") : c.source)
    .map((c) =>
      c.replaceAll('"../lib/', `"file://${REPO}/lib/`)
        .replaceAll('"./06_', `"file://${REPO}/notebooks/06_`)
    );
  const find = (marker: string) => {
    const i = code.findIndex((c) => c.includes(marker));
    assert(i >= 0, `a cell with ${marker}`);
    return i;
  };
  // The literals: the configuration (and its variants) and the paper's Tables 3-4.
  const head = code.slice(0, find("const config: StudentOutputConfig") + 1)
    .concat(code.slice(find("const TABLE_3"), find("const PAPER_SECTION6") + 1));
  // From the run statistics to the contrasts' claims, without the sweep and the display cells.
  const skip = ["saveTable(", "save(", "show(", "prose`", "= table(", "console.log("];
  const body = code.slice(find("const runStats"), find("ledger.contrasts =") + 1)
    .filter((c) => !skip.some((s) => c.includes(s)));
  const importsOf = (c: string) => c.match(/^import [\s\S]*?from "[^"]+";$/gm) ?? [];
  const strip = (c: string) => importsOf(c).reduce((s, i) => s.replace(i, ""), c);
  const source = [...head, ...body].flatMap(importsOf).join("\n") + "\n" +
    head.map(strip).join("\n") +
    `\nexport function run(result: any) {\n${body.map(strip).join("\n")}\nreturn ledger;\n}\n`;
  return await importRun<Run>(source, "nb06_claims_");
}

const run = await claimCells();

/**
 * A Digits NN pair over `runs` runs whose teacher's and student's mean entropy per run are
 * `hT(r)` and `hS(r)` (All group; Correct and Incorrect scaled from it), accuracies 97.22 ± 0.1.
 */
function synthetic(hT: (r: number) => number, hS: (r: number) => number, runs = 6) {
  const g = (mean: number, count: number) => ({ mean, std: 0.1, count });
  const groups = (h: number) => ({
    all: g(h, 360),
    correct: g(h * 0.8, 350),
    incorrect: g(h * 5, 10),
  });
  const splits = Array.from({ length: runs }, (_, r) => ({
    splitSeed: 1 + r,
    initSeed: 1 + 2 * r,
    accT: 97.22 + (r % 2 ? 0.1 : -0.1),
    accS: 97.22 + (r % 2 ? -0.1 : 0.1),
    teacher: groups(hT(r)),
    student: groups(hS(r)),
  }));
  const seed0 = {
    teacher: { accuracy: splits[0].accT, groups: splits[0].teacher },
    student: { accuracy: splits[0].accS, groups: splits[0].student },
    agreement: 99,
    paired: { diff: 0, se: 1, low: 0, high: 0, pT: 1, pW: 1 },
    rows: [],
  };
  return {
    config: {
      scale: "default",
      seed: 1,
      sets: [{ name: "Digits", seeds: 1, splitSeeds: runs }],
      protocol: { epochs: 300, lr: 0.01 },
    },
    investigation: [],
    seconds: 0,
    cpuSeconds: null,
    pairs: [{
      set: "Digits",
      family: "NN",
      dataName: "Digits",
      protocolLine: "",
      nTrain: 1437,
      nTest: 360,
      classes: 10,
      seeds: [seed0],
      splits,
      reliability: [],
      seconds: 0,
    }],
  };
}

const decided = (ledger: Record<string, Claim[]>) =>
  applyHolm(powerGuard(["accuracy", "entropy", "contrasts"].flatMap((p) => ledger[p])));
const at = (cs: Claim[], id: string) => {
  const c = cs.find((x) => x.id === id);
  assert(c, `claim ${id}`);
  return c;
};
const wobble = (r: number) => (r % 2 ? 1 : -1) * 0.001;

Deno.test("Section 6.1 rules go either way: an entropy near the paper's is reproduced, far from it differs", () => {
  // Paper (NN, Digits, All): teacher 0.035, student 0.044; margin 0.2 x the teacher's std 0.127.
  const near = decided(run(synthetic((r) => 0.035 + wobble(r), (r) => 0.044 + wobble(r))));
  const far = decided(run(synthetic((r) => 0.135 + wobble(r), (r) => 0.044 + wobble(r))));
  assertEquals(at(near, "digits-nn-teacher-entropy-all").verdict, "reproduced");
  assertEquals(at(far, "digits-nn-teacher-entropy-all").verdict, "differs");
  // Teacher − student, paired within runs: -0.009 is within the margin, +0.091 is not.
  assertEquals(at(near, "digits-nn-teacher-student-all").verdict, "reproduced");
  assertEquals(at(far, "digits-nn-teacher-student-all").verdict, "differs");
  // The test's numbers: ours the mean over the 6 runs, SE = SD / √6, the paper's one run adds
  // that SD; the margin as stated.
  const t = at(near, "digits-nn-teacher-entropy-all").test!;
  const sd = Math.sqrt(6 * 0.001 ** 2 / 5);
  assertAlmostEquals(t.estimate, 0.035, 1e-12);
  assertAlmostEquals(t.se, Math.hypot(sd / Math.sqrt(6), sd), 1e-12);
  assertAlmostEquals(t.margin!, 0.2 * 0.127, 1e-15);
  // Accuracy: 97.22 ± 0.1 over runs against the paper's 97.22 within 1 point; N is an identity.
  assertEquals(at(near, "digits-nn-teacher-accuracy").verdict, "reproduced");
  assertEquals(at(near, "digits-nn-test-size").verdict, "identity check");
});

Deno.test("Section 6.1: a pair with fewer than 3 runs gets no verdict, and says why", () => {
  const two = decided(run(synthetic((r) => 0.035 + wobble(r), (r) => 0.044 + wobble(r), 2)));
  for (const id of ["digits-nn-teacher-entropy-all", "digits-nn-teacher-student-all"]) {
    const c = at(two, id);
    assertEquals(c.verdict, "not testable here");
    assert(/2 run\(s\).*fewer than 3/.test(c.rule ?? ""), c.rule);
  }
});
