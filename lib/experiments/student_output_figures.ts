/**
 * Figures and tables of Section 6.1 (`student_output.ts`): Tables 3 and 4 in
 * the paper's layout, Figure 9 (entropy per group), the cell-by-cell entropy
 * comparison with the paper, the investigation's table, the paired tests and
 * the reliability diagrams.
 *
 * @module
 */
import type { Chart, Row } from "../plot/chart.ts";
import { facet } from "../plot/compose.ts";
import { groupedBars } from "../plot/grouped_bars.ts";
import { reliabilityDiagram } from "../plot/reliability.ts";
import { type Table, table } from "../report/table.ts";
import {
  ENTROPY_RULE,
  entropyCells,
  NO_PAPER_VALUE,
  PAPER_SECTION6,
  type StudentOutputFamily,
  type StudentOutputResult,
} from "./student_output.ts";

const familyText = (f: StudentOutputFamily) =>
  f === "logistic"
    ? "logistic-regression teacher and student"
    : "NN teacher (d-128-C) and student (d-64-C)";

const ms = (g: { mean: number; std: number; count: number }) =>
  g.count === 0 ? "–" : `${g.mean.toFixed(3)} (${g.std.toFixed(3)})`;

/** What the tables say about the run's data and seeds: which rows every number comes from. */
function dataNote(result: StudentOutputResult): string {
  const c = result.config;
  const sub = result.pairs.filter((p, i, a) =>
    a.findIndex((q) => q.set === p.set) === i &&
    (p.set === "MNIST" || p.set === "Covertype" || p.spreadOn !== undefined)
  ).map((p) => {
    const all = (p.nTrain + p.nTest).toLocaleString("en-US");
    return p.spreadOn
      ? `${p.dataName}: the table cells (first init seed, split seed 1) use all ${all} rows; ` +
        `the spread over init seeds and split seeds runs on ${
          p.spreadOn.dataName.replace(`${p.dataName}, `, "")
        }`
      : `${p.dataName}: ${all} rows`;
  }).join("; ");
  return `${sub}. Scale ${c.scale}; ${c.protocol.epochs} full-batch Adam epochs, lr ${c.protocol.lr}.`;
}

/** The note's words for a missing paper value. */
const NA_NOTE =
  `"n/a": ${NO_PAPER_VALUE} (our protocol notes, docs/protocols.md, and issue 13 do not record it)`;

/**
 * Table 3 (`"logistic"`) or Table 4 (`"NN"`) in the paper's layout, at init
 * the first init seed of the run's root seed and split seed 1: accuracies beside
 * the paper's, per group mean (std) entropy and sizes, the paper's All-group
 * entropies where our notes record them, and "Significant?" by the paper's
 * rule, or "—" when a group has fewer than `minGroup` inputs for either model.
 *
 * @category Section 6: student output uncertainty
 */
export function paperTable(result: StudentOutputResult, family: StudentOutputFamily): Table {
  const minGroup = result.config.minGroup;
  const rows = result.pairs.filter((r) => r.family === family).flatMap((r) => {
    const s0 = r.seeds[0], paper = PAPER_SECTION6[family][r.set];
    const paperH = (role: "teacher" | "student") => {
      const p = paper[role];
      return p
        ? `${p.mean.toFixed(3)}${p.std === undefined ? "" : ` (${p.std.toFixed(3)})`}`
        : "n/a";
    };
    return s0.rows.map((g, i) => ({
      data: i === 0 ? r.set : "",
      acc: i === 0 ? `${s0.teacher.accuracy.toFixed(2)} / ${s0.student.accuracy.toFixed(2)}` : "",
      paperAcc: i === 0 ? `${paper.accuracy[0].toFixed(2)} / ${paper.accuracy[1].toFixed(2)}` : "",
      group: g.group,
      teacher: ms(g.teacher),
      paperT: i === 0 ? paperH("teacher") : "",
      nT: g.teacher.count,
      student: ms(g.student),
      paperS: i === 0 ? paperH("student") : "",
      nS: g.student.count,
      significant: Math.min(g.teacher.count, g.student.count) < minGroup || g.significant === null
        ? "—"
        : g.significant
        ? "Yes"
        : "No",
    }));
  });
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "acc", label: "Acc. T / S (%)" },
      { name: "paperAcc", label: "Paper T / S (%)" },
      { name: "group", label: "Group" },
      { name: "teacher", label: "Teacher H mean (std)" },
      { name: "paperT", label: "Paper T" },
      { name: "nT", label: "N_T", latex: "$N_T$" },
      { name: "student", label: "Student H mean (std)" },
      { name: "paperS", label: "Paper S" },
      { name: "nS", label: "N_S", latex: "$N_S$" },
      { name: "significant", label: "Significant?" },
    ],
    rows,
    caption: `Table ${family === "logistic" ? 3 : 4}: predictive entropy (nats) of ${
      familyText(family)
    } on the test split, init seed ${result.config.seed} (the run's seed), split seed ${result.config.protocol.splitSeed}.`,
    note:
      `Student trained on the teacher's argmax labels. "Significant?": the paper's rule, mean ± std ` +
      `intervals disjoint; "—" when the group has fewer than ${minGroup} test inputs for the teacher or ` +
      `the student (the std of one or two inputs is no spread to compare). Paper T / S: the paper's ` +
      `All-group entropy; ${NA_NOTE}. ${dataNote(result)}`,
  });
}

/**
 * Figure 9: mean ± std entropy per group, teacher beside student, one panel per data set (first init seed).
 *
 * @category Section 6: student output uncertainty
 */
export function entropyBarsFigure(result: StudentOutputResult, family: StudentOutputFamily): Chart {
  const rows: Row[] = result.pairs.filter((r) => r.family === family).flatMap((r) =>
    r.seeds[0].rows.flatMap((g) =>
      (["teacher", "student"] as const).filter((m) => g[m].count > 0).map((model) => {
        const { mean, std } = g[model];
        return {
          data: r.set,
          group: g.group,
          model,
          entropy: mean,
          lower: Math.max(0, mean - std),
          upper: mean + std,
        };
      })
    )
  );
  const sets = new Set(rows.map((r) => r.data)).size;
  return facet(
    groupedBars(rows, {
      x: "group",
      y: "entropy",
      group: "model",
      lower: "lower",
      upper: "upper",
      xTitle: "",
      yTitle: "predictive entropy (nats)",
      height: 110,
    }),
    "data",
    { width: "page", columns: Math.min(5, sets) },
  );
}

/**
 * Reliability diagrams of teacher and student (first init seed), one panel per data set with at least 300 test inputs.
 *
 * @category Section 6: student output uncertainty
 */
export function reliabilityFigure(result: StudentOutputResult, family: StudentOutputFamily): Chart {
  const rows: Row[] = result.pairs.filter((r) => r.family === family).flatMap((r) =>
    r.reliability.flatMap(({ model, bins }) => bins.map((b) => ({ data: r.set, model, ...b })))
  );
  return facet(
    reliabilityDiagram(rows, {
      count: "count",
      series: "model",
      height: 100,
      xTitle: "confidence",
      yTitle: "accuracy",
    }),
    "data",
    { width: "page" },
  );
}

const f3 = (v: number) => v.toFixed(3);
const f4 = (v: number) => v.toFixed(4);

/**
 * The entropy comparison, cell by cell: for every data set, family and role,
 * ours in one run (the first init seed; mean and std over test inputs) beside the paper's, the mean
 * ± SD over init seeds and over split seeds, the verdict by
 * {@link ENTROPY_RULE}, and which investigated choices reach the paper.
 *
 * @category Section 6: student output uncertainty
 */
export function entropyComparisonTable(result: StudentOutputResult): Table {
  const cells = entropyCells(result);
  const drawText = (c: (typeof cells)[number]) =>
    c.spread.drawRows === undefined
      ? ""
      : `; ${c.spread.drawRows.toLocaleString("en-US")}-row draw`;
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "family", label: "Model" },
      { name: "role", label: "Role" },
      { name: "ours", label: "Ours, one run: mean (std)" },
      { name: "paper", label: "Paper: mean (std)" },
      { name: "seeds", label: "Over init seeds" },
      { name: "splits", label: "Over split seeds" },
      { name: "verdict", label: "Verdict" },
      { name: "movers", label: "Investigation: choices that reach the paper" },
    ],
    rows: cells.map((c) => ({
      data: c.set,
      family: c.family,
      role: c.role,
      ours: `${f3(c.ours.mean)} (${f3(c.ours.std)})`,
      paper: c.paper
        ? `${f3(c.paper.mean)}${c.paper.std === undefined ? "" : ` (${f3(c.paper.std)})`}`
        : "not available to us",
      seeds: `${f4(c.spread.meanSeeds)} ± ${f4(c.spread.sdSeeds)} (${c.spread.nSeeds}${
        drawText(c)
      })`,
      splits: `${f4(c.spread.meanSplits)} ± ${f4(c.spread.sdSplits)} (${c.spread.nSplits}${
        drawText(c)
      })`,
      verdict: c.verdict,
      movers: c.movers === undefined
        ? (c.paper && c.verdict === "differs"
          ? (c.subsample === undefined
            ? "not investigated at this scale"
            : `${
              c.subsample.toLocaleString("en-US")
            }-row subsample here; paper scale uses all rows`)
          : c.paper
          ? ""
          : "no verdict")
        : c.movers.length
        ? c.movers.join(", ")
        : "none",
    })),
    caption:
      "Entropy (All group, nats), cell by cell: ours beside the paper's, with the spread over " +
      "initialisation seeds and over split seeds.",
    note:
      `One run: the first init seed (root seed ${result.config.seed}) at split seed ${result.config.protocol.splitSeed}, as the ` +
      `paper's single run (std over test inputs). Over init seeds: mean ± SD of the mean entropy over ` +
      `init seeds at split seed 1 (count in brackets, and the draw when the spread ran on fewer rows ` +
      `than the one run); over split seeds: the same at the first init seed over ` +
      `split seeds 1, 2, .... Verdict: ${ENTROPY_RULE}; "one run": a single init and split seed, no ` +
      `spread to judge by; "${NO_PAPER_VALUE}": our protocol notes (docs/protocols.md) and issue 13 ` +
      `record only the accuracies, the Digits entropies and four other cells, so the cell gets no ` +
      `verdict. Investigation: variants (next table) whose mean lies within 2 × spread of the ` +
      `paper; "none": no single choice does. ${dataNote(result)}`,
  });
}

/**
 * The investigation: per investigated pair, the reference protocol and each
 * variant (one free choice changed), with the mean ± SD over init seeds of the
 * teacher's and student's All-group entropy, their accuracies, and the
 * paper's numbers beside.
 *
 * @category Section 6: student output uncertainty
 */
export function investigationTable(result: StudentOutputResult): Table {
  const inv = result.investigation;
  if (inv.length === 0) throw new Error("investigationTable: the run has no investigation rows.");
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "family", label: "Model" },
      { name: "choice", label: "Choice varied" },
      { name: "label", label: "Setting" },
      { name: "hT", label: "H_T (nats)" },
      { name: "hS", label: "H_S (nats)" },
      { name: "acc", label: "Acc. T / S (%)" },
      { name: "paper", label: "Paper H_T / H_S" },
    ],
    rows: inv.map((r, i) => {
      const first = i === 0 || inv[i - 1].set !== r.set || inv[i - 1].family !== r.family;
      const p = PAPER_SECTION6[r.family][r.set];
      return {
        data: first ? r.set : "",
        family: first ? r.family : "",
        choice: r.choice,
        label: r.label,
        hT: `${f4(r.hT)} ± ${f4(r.sdT)}`,
        hS: `${f4(r.hS)} ± ${f4(r.sdS)}`,
        acc: `${r.accT.toFixed(2)} / ${r.accS.toFixed(2)}`,
        paper: first
          ? `${p.teacher ? f3(p.teacher.mean) : "n/a"} / ${p.student ? f3(p.student.mean) : "n/a"}`
          : "",
      };
    }),
    caption:
      "Investigation: the protocol's free choices varied one at a time (All-group entropy, " +
      "mean ± SD over init seeds).",
    note:
      `Each row changes one choice of the reference protocol and keeps the rest; the reference ` +
      `stays the default everywhere else. ${result.investigation[0].seeds} init seeds per row ` +
      `(L-BFGS is deterministic: one fit). Soft labels: student trained on softmax(z_T / T), ` +
      `deployed as softmax(T z_S). Paper H_T / H_S: ${NA_NOTE}. Scale ${result.config.scale}.`,
  });
}

/**
 * The paper's interval rule beside paired tests on the same test inputs (All group, first init seed).
 *
 * @category Section 6: student output uncertainty
 */
export function pairedTestsTable(result: StudentOutputResult): Table {
  // A p-value that underflows to 0 in float64 is printed as a bound, not as "0.0e+0".
  const fmtP = (p: number) => (p === 0 ? "< 1e-300" : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "family", label: "Model" },
      { name: "diff", label: "H_T − H_S", latex: "$\\bar H_T - \\bar H_S$" },
      { name: "ci", label: "95% bootstrap CI" },
      { name: "pT", label: "p (paired t)" },
      { name: "pW", label: "p (Wilcoxon)" },
      { name: "tSeeds", label: "t-test p < 0.05 (seeds)" },
    ],
    rows: result.pairs.map((r) => {
      const p = r.seeds[0].paired;
      return {
        data: r.set,
        family: r.family,
        diff: f4(p.diff),
        ci: `[${f4(p.low)}, ${f4(p.high)}]`,
        pT: fmtP(p.pT),
        pW: fmtP(p.pW),
        tSeeds: `${r.seeds.filter((s) => s.paired.pT < 0.05).length} / ${r.seeds.length}`,
      };
    }),
    caption: "Teacher against student entropy on the same test inputs (All group): paired tests.",
    note:
      `First init seed (root seed ${result.config.seed}), split seed ${result.config.protocol.splitSeed}; ` +
      `bootstrap with ${result.config.resamples} resamples; the last column counts the init seeds on ` +
      `which the paired t-test rejects at 5%. ${dataNote(result)}`,
  });
}
