/**
 * The paper's Tables 3 and 4 (Cui & Pei, Appendix E) as notebook 06 writes them out
 * (`TABLE_3`, `TABLE_4`, read into `PAPER_SECTION6`), pinned cell by cell against the
 * transcription in /work/shared/PROTOCOLS.md, "6.1 Classification" (copied from there, not from
 * memory): accuracies, and per data set and group N_T, N_S, teacher mean (std), student mean (std).
 */
import { assertEquals } from "../assert.ts";
import { cellDeclaring, codeCells, evaluateCells } from "./notebook_cells.ts";

type Row = [string, string, number, number, number, number, number, number];
// [data set, group, N_T, N_S, teacher mean, teacher std, student mean, student std]
const TABLE3: Row[] = [
  ["Wine", "All", 36, 36, 0.125, 0.198, 0.132, 0.210],
  ["Wine", "Correct", 35, 35, 0.109, 0.176, 0.116, 0.189],
  ["Wine", "Incorrect", 1, 1, 0.689, 0.000, 0.693, 0.000],
  ["Breast Cancer", "All", 114, 114, 0.109, 0.192, 0.070, 0.160],
  ["Breast Cancer", "Correct", 111, 111, 0.097, 0.179, 0.060, 0.146],
  ["Breast Cancer", "Incorrect", 3, 3, 0.539, 0.164, 0.444, 0.200],
  ["Digits", "All", 360, 360, 0.188, 0.307, 0.179, 0.308],
  ["Digits", "Correct", 347, 347, 0.163, 0.278, 0.152, 0.275],
  ["Digits", "Incorrect", 13, 13, 0.847, 0.325, 0.896, 0.291],
  ["MNIST", "All", 14000, 14000, 0.233, 0.320, 0.094, 0.213],
  ["MNIST", "Correct", 12866, 12859, 0.189, 0.270, 0.062, 0.162],
  ["MNIST", "Incorrect", 1134, 1141, 0.739, 0.396, 0.449, 0.352],
  ["Covertype", "All", 10000, 10000, 0.800, 0.208, 0.408, 0.277],
  ["Covertype", "Correct", 7175, 7169, 0.769, 0.208, 0.376, 0.267],
  ["Covertype", "Incorrect", 2825, 2831, 0.881, 0.185, 0.489, 0.285],
];
const TABLE4: Row[] = [
  ["Wine", "All", 36, 36, 0.024, 0.070, 0.043, 0.121],
  ["Wine", "Correct", 35, 35, 0.018, 0.062, 0.036, 0.113],
  ["Wine", "Incorrect", 1, 1, 0.230, 0.000, 0.317, 0.000],
  ["Breast Cancer", "All", 114, 114, 0.019, 0.090, 0.019, 0.086],
  ["Breast Cancer", "Correct", 108, 108, 0.009, 0.064, 0.006, 0.037],
  ["Breast Cancer", "Incorrect", 6, 6, 0.212, 0.204, 0.256, 0.235],
  ["Digits", "All", 360, 360, 0.035, 0.127, 0.044, 0.156],
  ["Digits", "Correct", 350, 350, 0.023, 0.099, 0.035, 0.142],
  ["Digits", "Incorrect", 10, 10, 0.446, 0.252, 0.387, 0.240],
  ["MNIST", "All", 14000, 14000, 0.027, 0.118, 0.035, 0.133],
  ["MNIST", "Correct", 13585, 13515, 0.018, 0.090, 0.022, 0.100],
  ["MNIST", "Incorrect", 415, 485, 0.348, 0.316, 0.380, 0.327],
  ["Covertype", "All", 10000, 10000, 0.459, 0.270, 0.221, 0.253],
  ["Covertype", "Correct", 8096, 7929, 0.411, 0.257, 0.183, 0.231],
  ["Covertype", "Incorrect", 1904, 2071, 0.663, 0.221, 0.368, 0.278],
];
// Accuracies (teacher, student, %), PROTOCOLS.md's table headers.
const ACCURACY = {
  logistic: {
    Wine: [97.22, 97.22],
    "Breast Cancer": [97.37, 97.37],
    Digits: [96.39, 96.39],
    MNIST: [91.90, 91.85],
    Covertype: [71.75, 71.69],
  },
  NN: {
    Wine: [97.22, 97.22],
    "Breast Cancer": [94.74, 94.74],
    Digits: [97.22, 97.22],
    MNIST: [97.04, 96.54],
    Covertype: [80.96, 79.29],
  },
} as const;

type Cell = { nT: number; nS: number; teacher: MeanStd; student: MeanStd };
type MeanStd = { mean: number; std: number };
type Pair = { accuracy: number[]; groups: Record<"All" | "Correct" | "Incorrect", Cell> };

/** The notebook's PAPER_SECTION6: its first cell (the imports) and the cells of the tables. */
async function notebookTables(): Promise<Record<"logistic" | "NN", Record<string, Pair>>> {
  const cells = codeCells("06_student_output_uncertainty");
  const at = (name: string) => cells[cellDeclaring(cells, name)];
  const mod = await evaluateCells(
    [cells[0], at("TABLE_3"), at("TABLE_4"), at("PAPER_SECTION6")],
    ["PAPER_SECTION6"],
  );
  return mod.PAPER_SECTION6 as Record<"logistic" | "NN", Record<string, Pair>>;
}

const PAPER_SECTION6 = await notebookTables();

for (const [family, rows] of [["logistic", TABLE3], ["NN", TABLE4]] as const) {
  Deno.test(`Table ${family === "logistic" ? 3 : 4}: every cell as PROTOCOLS.md gives it`, () => {
    let cells = 0;
    for (const [set, group, nT, nS, tm, ts, sm, ss] of rows) {
      const p = PAPER_SECTION6[family][set].groups[group as "All" | "Correct" | "Incorrect"];
      assertEquals(
        [p.nT, p.nS, p.teacher.mean, p.teacher.std, p.student.mean, p.student.std],
        [nT, nS, tm, ts, sm, ss],
        `${family} ${set} ${group}`,
      );
      cells++;
    }
    assertEquals(cells, 15);
    for (const [set, acc] of Object.entries(ACCURACY[family])) {
      assertEquals(PAPER_SECTION6[family][set].accuracy, [...acc], set);
    }
    // Nothing else: five data sets, three groups each.
    assertEquals(Object.keys(PAPER_SECTION6[family]).length, 5);
    for (const v of Object.values(PAPER_SECTION6[family])) {
      assertEquals(Object.keys(v.groups), ["All", "Correct", "Incorrect"]);
    }
  });
}

Deno.test("Tables 3-4: group sizes add up to N and match the accuracies (a transcription check)", () => {
  for (const family of ["logistic", "NN"] as const) {
    for (const [set, v] of Object.entries(PAPER_SECTION6[family])) {
      const g = v.groups;
      assertEquals(g.Correct.nT + g.Incorrect.nT, g.All.nT, `${family} ${set} teacher`);
      assertEquals(g.Correct.nS + g.Incorrect.nS, g.All.nS, `${family} ${set} student`);
      // The printed accuracy is 100 N_correct / N to two decimals.
      assertEquals(Number((100 * g.Correct.nT / g.All.nT).toFixed(2)), v.accuracy[0], set);
      assertEquals(Number((100 * g.Correct.nS / g.All.nS).toFixed(2)), v.accuracy[1], set);
    }
  }
});
