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
  accuracyMargin,
  ENTROPY_GROUPS,
  ENTROPY_RULE,
  entropyCells,
  PAPER_SECTION6,
  runStats,
  type StudentOutputFamily,
  type StudentOutputResult,
  teacherStudentContrasts,
} from "./student_output.ts";

const familyText = (f: StudentOutputFamily) =>
  f === "logistic"
    ? "logistic-regression teacher and student"
    : "NN teacher (d-128-C) and student (d-64-C)";

const ms = (g: { mean: number; std: number; count: number }) =>
  g.count === 0 ? "–" : `${g.mean.toFixed(3)} (${g.std.toFixed(3)})`;

/** What the tables say about the run's data and runs: which rows every number comes from. */
function dataNote(result: StudentOutputResult): string {
  const c = result.config;
  const sub = result.pairs.filter((p, i, a) =>
    a.findIndex((q) => q.set === p.set) === i &&
    (p.set === "MNIST" || p.set === "Covertype" || p.spreadOn !== undefined)
  ).map((p) => {
    const all = (p.nTrain + p.nTest).toLocaleString("en-US");
    return p.spreadOn
      ? `${p.dataName}: the headline run uses all ${all} rows; the runs ran on ${
        p.spreadOn.dataName.replace(`${p.dataName}, `, "")
      }`
      : `${p.dataName}: ${all} rows`;
  }).join("; ");
  const runs = c.sets.map((x) => `${x.name} ${x.splitSeeds}`).join(", ");
  return `${sub}. Runs (init x split seeds) per data set: ${runs}. Scale ${c.scale}; ` +
    `${c.protocol.epochs} full-batch Adam epochs, lr ${c.protocol.lr}.`;
}

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
    return s0.rows.map((g, i) => {
      const p = paper.groups[ENTROPY_GROUPS[i]];
      return {
        data: i === 0 ? r.set : "",
        acc: i === 0 ? `${s0.teacher.accuracy.toFixed(2)} / ${s0.student.accuracy.toFixed(2)}` : "",
        paperAcc: i === 0
          ? `${paper.accuracy[0].toFixed(2)} / ${paper.accuracy[1].toFixed(2)}`
          : "",
        group: g.group,
        teacher: ms(g.teacher),
        paperT: `${p.teacher.mean.toFixed(3)} (${p.teacher.std.toFixed(3)})`,
        nT: `${g.teacher.count} / ${p.nT}`,
        student: ms(g.student),
        paperS: `${p.student.mean.toFixed(3)} (${p.student.std.toFixed(3)})`,
        nS: `${g.student.count} / ${p.nS}`,
        significant: Math.min(g.teacher.count, g.student.count) < minGroup || g.significant === null
          ? "—"
          : g.significant
          ? "Yes"
          : "No",
      };
    });
  });
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "acc", label: "Acc. T / S (%)" },
      { name: "paperAcc", label: "Paper T / S (%)" },
      { name: "group", label: "Group" },
      { name: "teacher", label: "Teacher H mean (std)" },
      { name: "paperT", label: "Paper T" },
      { name: "nT", label: "N_T ours / paper", latex: "$N_T$ ours / paper" },
      { name: "student", label: "Student H mean (std)" },
      { name: "paperS", label: "Paper S" },
      { name: "nS", label: "N_S ours / paper", latex: "$N_S$ ours / paper" },
      { name: "significant", label: "Significant?" },
    ],
    rows,
    caption: `Table ${family === "logistic" ? 3 : 4}: predictive entropy (nats) of ${
      familyText(family)
    } on the test split, one run: init seed ${result.config.seed} (the run's seed), split seed ${result.config.protocol.splitSeed}.`,
    note:
      `One run, as the paper's (std over the test inputs of the group, no SE: the SEs over runs are ` +
      `in the entropy comparison table). Student trained on the teacher's argmax labels. ` +
      `"Significant?": the paper's rule, mean ± std intervals disjoint (descriptive only: it cannot ` +
      `separate when the std exceeds the mean; the ledger tests teacher − student by equivalence ` +
      `over runs); "—" when the group has fewer than ${minGroup} test inputs for the teacher or the ` +
      `student. Paper T / S and the paper's N: Appendix E, Tables 3 and 4, every cell. ` +
      `${dataNote(result)}`,
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
const pmSe = (m: number, se: number, f = f4) =>
  !Number.isFinite(m) ? "–" : Number.isFinite(se) ? `${f(m)} ± ${f(se)}` : `${f(m)} (one run)`;
const f2 = (v: number) => v.toFixed(2);

/**
 * The comparison behind the ledger, every cell of Tables 3 and 4: per data
 * set, model and group, the teacher's and student's mean entropy over the
 * runs (± SE over runs) beside the paper's, the teacher − student gap paired
 * within runs, the equivalence margin, and per pair a row of accuracies.
 * Verdicts: the claims ledger (Holm over the notebook).
 *
 * @category Section 6: student output uncertainty
 */
export function entropyComparisonTable(result: StudentOutputResult): Table {
  const cells = entropyCells(result);
  const contrasts = teacherStudentContrasts(result);
  const rows = result.pairs.flatMap((pr) => {
    const paper = PAPER_SECTION6[pr.family][pr.set];
    const accT = runStats(pr.splits.map((s) => s.accT));
    const accS = runStats(pr.splits.map((s) => s.accS));
    const acc = {
      data: pr.set,
      family: pr.family,
      group: "accuracy (%)",
      teacher: pmSe(accT.mean, accT.se, f2),
      paperT: paper.accuracy[0].toFixed(2),
      student: pmSe(accS.mean, accS.se, f2),
      paperS: paper.accuracy[1].toFixed(2),
      diff: "",
      paperDiff: "",
      margin: accuracyMargin(pr.nTest).toFixed(2),
      runs: `${accT.n}`,
    };
    const groups = ENTROPY_GROUPS.map((group) => {
      const at = (role: "teacher" | "student") =>
        cells.find((c) =>
          c.set === pr.set && c.family === pr.family && c.group === group && c.role === role
        )!;
      const t = at("teacher"), s = at("student");
      const d = contrasts.find((c) =>
        c.set === pr.set && c.family === pr.family && c.group === group
      )!;
      return {
        data: "",
        family: "",
        group,
        teacher: pmSe(t.runs.mean, t.runs.se),
        paperT: `${f3(t.paper.mean)} (${f3(t.paper.std)})`,
        student: pmSe(s.runs.mean, s.runs.se),
        paperS: `${f3(s.paper.mean)} (${f3(s.paper.std)})`,
        diff: pmSe(d.diff.mean, d.diff.se),
        paperDiff: f3(d.paper),
        margin: `${f4(t.margin)} / ${f4(s.margin)}`,
        runs: t.runs.n === t.of && s.runs.n === s.of
          ? `${t.of}`
          : `${Math.min(t.runs.n, s.runs.n)} of ${t.of} (group empty in the others)`,
      };
    });
    return [acc, ...groups];
  });
  return table({
    columns: [
      { name: "data", label: "Data set" },
      { name: "family", label: "Model" },
      { name: "group", label: "Group" },
      { name: "teacher", label: "Teacher, mean ± SE over runs" },
      { name: "paperT", label: "Paper T" },
      { name: "student", label: "Student, mean ± SE over runs" },
      { name: "paperS", label: "Paper S" },
      { name: "diff", label: "T − S, paired ± SE over runs" },
      { name: "paperDiff", label: "Paper T − S" },
      { name: "margin", label: "Margin (T / S)" },
      { name: "runs", label: "Runs" },
    ],
    rows,
    caption:
      "Tables 3 and 4 cell by cell: mean entropy (nats) and accuracy, ours over runs beside the " +
      "paper's one run.",
    note:
      `SE over runs: each run is one teacher-student pair trained from its own init seeds on its ` +
      `own split seed (run r: split seed 1 + r, init seed ${result.config.seed} + 2r), every row ` +
      `of the data set; the SE is the SD over runs / √runs; "one run": no SE. Entropy cells: ` +
      `${ENTROPY_RULE}. T − S: teacher minus student in the same run, tested for no difference ` +
      `within 0.2 × the paper's teacher All-group SD. Accuracy: margin 1 point or one test input. ` +
      `Paper (mean (std)): Appendix E, Tables 3 and 4. Verdicts: the claims ledger. ` +
      `${dataNote(result)}`,
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
        paper: first ? `${f3(p.groups.All.teacher.mean)} / ${f3(p.groups.All.student.mean)}` : "",
      };
    }),
    caption:
      "Investigation: the protocol's free choices varied one at a time (All-group entropy, " +
      "mean ± SD over init seeds).",
    note:
      `Each row changes one choice of the reference protocol and keeps the rest; the reference ` +
      `stays the default everywhere else. ${result.investigation[0].seeds} init seeds per row ` +
      `(L-BFGS is deterministic: one fit); the SD is over those init seeds at split seed 1. Soft ` +
      `labels: student trained on softmax(z_T / T), deployed as softmax(T z_S). Paper H_T / H_S: ` +
      `the paper's All-group entropies. Scale ${result.config.scale}.`,
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
      `the CI and p-values are over the test inputs of that one run (descriptive: they say nothing ` +
      `of another init or split; the ledger's teacher − student claims use the SE over runs); ` +
      `bootstrap with ${result.config.resamples} resamples; the last column counts the init seeds on ` +
      `which the paired t-test rejects at 5%. ${dataNote(result)}`,
  });
}
