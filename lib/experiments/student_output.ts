/**
 * Section 6.1 of Cui & Pei, "How Is Uncertainty Propagated in Knowledge
 * Distillation?": student output uncertainty in classification (Figure 9,
 * Appendix E Tables 3 and 4). A teacher is trained on the ground truth, a
 * student on the teacher's argmax labels, and the predictive entropy of both
 * is compared on the test split, for logistic pairs (Table 3) and small
 * networks (Table 4), on Wine, Breast Cancer, Digits, MNIST and Covertype.
 *
 * The reference protocol is the authors' (docs/protocols.md, "6.1
 * Classification"): features z-scored on the full data before the split,
 * scikit-learn's stratified 80/20 split with random_state 1, full-batch Adam
 * (lr 0.01) for 300 epochs, cross-entropy, PyTorch's default initialisation.
 * Around it the experiment measures the spread of every number over
 * initialisation seeds and over split seeds, compares each entropy cell with
 * the paper's, and (the investigation) varies the protocol's free choices one
 * at a time where a cell differs.
 *
 * Figures and tables: `student_output_figures.ts`.
 *
 * @module
 */
import type { Scale } from "../config.ts";
import { type ClassificationSplit, prepareClassification } from "../data/prepare.ts";
import { loadBreastCancer, loadDigits, loadWine } from "../data/bundled.ts";
import { loadMnist } from "../data/idx.ts";
import { loadCovertype } from "../data/covertype.ts";
import { type ClassificationDataset, subsetRows } from "../data/dataset.ts";
import { hardLabels, softLabels } from "../distill/labels.ts";
import { softTargetProblem } from "../distill/soft_targets.ts";
import { fitCohort, predictCohort } from "../nn/mod.ts";
import { sampleWithoutReplacement } from "../random.ts";
import {
  type Claim,
  claimIdentity,
  claimMatches,
  claimNoEffect,
  claimNotTestable,
  powerGuard,
} from "../report/claims.ts";
import { predictiveEntropy } from "../uncertainty/entropy.ts";
import {
  compareGroups,
  type GroupComparisonRow,
  type GroupStatistics,
  groupStatistics,
} from "../uncertainty/groups.ts";
import { pairedComparison } from "../uncertainty/paired_test.ts";
import { type ReliabilityBin, reliabilityBins } from "../uncertainty/calibration.ts";
import { fitLogisticLbfgs, predictLogistic } from "../uncertainty/logistic_lbfgs.ts";
import process from "node:process";
import { sweep } from "../../tools/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../../tools/sweep.ts";

/**
 * The five data sets of Section 6.1.
 *
 * @category Section 6: student output uncertainty
 */
export type StudentOutputSet = "Wine" | "Breast Cancer" | "Digits" | "MNIST" | "Covertype";
/**
 * The two model families: Table 3 (logistic) and Table 4 (NN).
 *
 * @category Section 6: student output uncertainty
 */
export type StudentOutputFamily = "logistic" | "NN";

/**
 * The protocol's free choices; the reference values are {@link REFERENCE_PROTOCOL}.
 *
 * @category Section 6: student output uncertainty
 */
export interface StudentOutputProtocol {
  /** scikit-learn random_state of the stratified split. */
  splitSeed: number;
  /** Test share of the split. */
  testSize: number;
  /** Rows the scaler is fitted on: all ("full", before the split) or the training split. */
  scaler: "full" | "train";
  /** Full-batch Adam epochs. */
  epochs: number;
  /** Adam learning rate. */
  lr: number;
  /** Hidden widths multiplied by this (NN only; 1 = d-128-C teacher, d-64-C student). */
  widthFactor: number;
  /** Logistic pairs: "adam" (one linear layer trained like the networks) or "lbfgs-l2" (scikit-learn's default LogisticRegression, C = 1). */
  solver: "adam" | "lbfgs-l2";
  /** Student targets: null for the teacher's argmax labels, else softmax(z_T / T). */
  temperature: number | null;
}

/**
 * The authors' protocol (docs/protocols.md, "6.1 Classification").
 *
 * @category Section 6: student output uncertainty
 */
export const REFERENCE_PROTOCOL: Readonly<StudentOutputProtocol> = Object.freeze({
  splitSeed: 1,
  testSize: 0.2,
  scaler: "full",
  epochs: 300,
  lr: 0.01,
  widthFactor: 1,
  solver: "adam",
  temperature: null,
});

/**
 * One data set of the run.
 *
 * @category Section 6: student output uncertainty
 */
export interface StudentOutputSetSpec {
  /** Which data set. */
  name: StudentOutputSet;
  /** Initialisation seeds (teacher k and student k per seed). */
  seeds: number;
  /**
   * Runs, the independent unit of the SEs: run r (0, 1, ...) uses split seed 1 + r and init
   * seeds seed + 2r (teacher) and seed + 2r + 1 (student); run 0 is the paper's split and the
   * first init seed (the headline run).
   */
  splitSeeds: number;
  /** Keep this many rows (a seeded random subsample) before the split; default all. */
  rows?: number;
  /**
   * Run the spread (all `seeds` init seeds and the `splitSeeds` split seeds) on a seeded draw
   * of this many rows, while the headline run (the first init seed at the reference split: the
   * Tables 3-4 cells, Figure 9, the reliability diagrams and the paired tests) uses every row.
   * No scale uses it any more (a draw's entropy is not the full data's, so a drawn pair's
   * cells get no verdict); kept for exploration. Default: the runs use every row too.
   */
  spreadRows?: number;
}

/**
 * One variation of the investigation: a name and the protocol fields it changes.
 *
 * @category Section 6: student output uncertainty
 */
export interface StudentOutputVariant {
  /** Short key (unique). */
  key: string;
  /** What is changed, in words. */
  label: string;
  /** Which free choice this is ("solver", "temperature", "epochs", "width", "scaler", "test split"). */
  choice: string;
  /** The fields changed from the reference protocol. */
  change: Partial<StudentOutputProtocol>;
  /** Families it applies to (default both). */
  families?: readonly StudentOutputFamily[];
}

/**
 * Configuration of {@link runStudentOutput}.
 *
 * @category Section 6: student output uncertainty
 */
export interface StudentOutputConfig extends ExperimentConfig {
  /** The data sets, in table order. */
  sets: StudentOutputSetSpec[];
  /** The reference protocol (epochs scale down only at smoke). */
  protocol: StudentOutputProtocol;
  /** Covertype: rows drawn from the shipped 150,000 before any further subsample (the paper: 50,000). */
  covertypeRows: number;
  /** The families to run (default both, Table 3 then Table 4). */
  families?: StudentOutputFamily[];
  /** Equal-width confidence bins of the reliability diagrams. */
  bins: number;
  /** Groups smaller than this (teacher or student) get "—" for "Significant?". */
  minGroup: number;
  /** Bootstrap resamples of the paired comparison. */
  resamples: number;
  /** The investigation: data sets, init seeds per variant, and the variants. */
  investigate: { sets: StudentOutputSet[]; seeds: number; variants: StudentOutputVariant[] };
}

/**
 * The variants the investigation tries, one free choice at a time.
 *
 * @category Section 6: student output uncertainty
 */
export const INVESTIGATION_VARIANTS: readonly StudentOutputVariant[] = [
  {
    key: "lbfgs",
    label: "L-BFGS with L2, C = 1 (scikit-learn's LogisticRegression)",
    choice: "solver",
    change: { solver: "lbfgs-l2" },
    families: ["logistic"],
  },
  {
    key: "soft-t1",
    label: "soft labels, T = 1",
    choice: "temperature",
    change: { temperature: 1 },
  },
  {
    key: "soft-t4",
    label: "soft labels, T = 4",
    choice: "temperature",
    change: { temperature: 4 },
  },
  { key: "epochs-100", label: "100 epochs", choice: "epochs", change: { epochs: 100 } },
  { key: "epochs-1000", label: "1000 epochs", choice: "epochs", change: { epochs: 1000 } },
  {
    key: "width-half",
    label: "widths halved (64 / 32)",
    choice: "width",
    change: { widthFactor: 0.5 },
    families: ["NN"],
  },
  {
    key: "width-double",
    label: "widths doubled (256 / 128)",
    choice: "width",
    change: { widthFactor: 2 },
    families: ["NN"],
  },
  {
    key: "scaler-train",
    label: "scaler fitted on the training split",
    choice: "scaler",
    change: { scaler: "train" },
  },
  { key: "test-0.3", label: "test split 30%", choice: "test split", change: { testSize: 0.3 } },
];

/**
 * The configuration at a scale. The SEs of Tables 3-4 are over **runs**: run
 * r trains teacher and student from init seeds `seed + 2r`, `seed + 2r + 1`
 * on split seed `1 + r`, every row (run 0 is the paper's split and the
 * tables' headline run); `splitSeeds` counts them. `paper` has 15 runs on
 * every data set (MNIST's 70,000 rows and Covertype's 50,000 included) and
 * 10 init seeds at split seed 1 on the small sets. `default` has 5 runs on
 * every set, all rows of each (MNIST's 70,000 and Covertype's 50,000
 * included). A full-MNIST run fits because the native kernel trains on the
 * inputs' sparse form (lib/nn/sparse.ts: 26% of standardized MNIST's entries
 * differ from their pixel's background value): measured on the 2-core build
 * machine, one thread, 158 ms per epoch of the 784-128-10 teacher against 315
 * dense, 103 against 171 for the 784-64-10 student and 64 against 89-105 (OpenBLAS)
 * for the logistic model (`deno task bench:sparse`), so a run's network and
 * logistic pairs cost about 116 s of CPU instead of about 200. (The earlier
 * 8,000-row draw for MNIST's spread is gone: a draw's entropy is not the full
 * data's.) `smoke` trains 30 epochs on small subsamples.
 *
 * @category Section 6: student output uncertainty
 */
export function studentOutputConfig(scale: Scale): StudentOutputConfig {
  const counts = {
    smoke: { small: [2, 3], mnist: [1, 3], cov: [1, 3], mnistRows: 1000, covRows: 1000, inv: 1 },
    default: {
      small: [5, 5],
      mnist: [1, 5],
      cov: [1, 5],
      mnistRows: undefined,
      covRows: undefined,
      inv: 3,
    },
    paper: {
      small: [10, 15],
      mnist: [3, 15],
      cov: [3, 15],
      mnistRows: undefined,
      covRows: undefined,
      inv: 5,
    },
  }[scale];
  if (!counts) throw new RangeError(`scale must be smoke, default or paper, got ${scale}.`);
  const small = (name: StudentOutputSet): StudentOutputSetSpec => ({
    name,
    seeds: counts.small[0],
    splitSeeds: counts.small[1],
  });
  const large = (
    name: StudentOutputSet,
    [seeds, splitSeeds]: number[],
    rows: number | undefined,
  ): StudentOutputSetSpec => ({
    name,
    seeds,
    splitSeeds,
    ...(rows === undefined ? {} : { rows }),
  });
  return {
    scale,
    seed: 1,
    sets: [
      small("Wine"),
      small("Breast Cancer"),
      small("Digits"),
      large("MNIST", counts.mnist, counts.mnistRows),
      large("Covertype", counts.cov, counts.covRows),
    ],
    protocol: { ...REFERENCE_PROTOCOL, epochs: scale === "smoke" ? 30 : 300 },
    covertypeRows: 50_000,
    bins: 15,
    minGroup: 3,
    resamples: scale === "smoke" ? 200 : 2000,
    investigate: {
      sets: scale === "smoke"
        ? ["Wine"]
        : scale === "default"
        ? ["Wine", "Breast Cancer", "Digits"]
        : ["Wine", "Breast Cancer", "Digits", "MNIST"],
      seeds: counts.inv,
      variants: [...INVESTIGATION_VARIANTS],
    },
  };
}

/**
 * The three groups of Tables 3 and 4.
 *
 * @category Section 6: student output uncertainty
 */
export type EntropyGroup = "All" | "Correct" | "Incorrect";
/** The groups in the paper's order. */
export const ENTROPY_GROUPS: readonly EntropyGroup[] = ["All", "Correct", "Incorrect"];

/**
 * One group of a pair in the paper's table: the group sizes N_T, N_S and the
 * teacher's and student's predictive entropy, mean and std (nats) over the group.
 *
 * @category Section 6: student output uncertainty
 */
export interface PaperGroupCell {
  nT: number;
  nS: number;
  teacher: { mean: number; std: number };
  student: { mean: number; std: number };
}

const cell = (
  nT: number,
  nS: number,
  t: [number, number],
  s: [number, number],
): PaperGroupCell => ({
  nT,
  nS,
  teacher: { mean: t[0], std: t[1] },
  student: { mean: s[0], std: s[1] },
});

/**
 * The paper's Tables 3 (logistic) and 4 (NN), Appendix E, cell by cell as
 * /work/shared/PROTOCOLS.md transcribes them ("6.1 Classification"): test
 * accuracy of teacher and student (%), and per group All / Correct /
 * Incorrect the group sizes and the entropy mean (std) in nats. Every
 * "Significant?" of the paper is No ("—" for groups of one input).
 * Pinned cell by cell in tests/experiments/student_output_paper_test.ts.
 *
 * @category Section 6: student output uncertainty
 */
export const PAPER_SECTION6: Readonly<
  Record<
    StudentOutputFamily,
    Record<
      StudentOutputSet,
      { accuracy: [number, number]; groups: Record<EntropyGroup, PaperGroupCell> }
    >
  >
> = {
  logistic: {
    Wine: {
      accuracy: [97.22, 97.22],
      groups: {
        All: cell(36, 36, [0.125, 0.198], [0.132, 0.210]),
        Correct: cell(35, 35, [0.109, 0.176], [0.116, 0.189]),
        Incorrect: cell(1, 1, [0.689, 0.000], [0.693, 0.000]),
      },
    },
    "Breast Cancer": {
      accuracy: [97.37, 97.37],
      groups: {
        All: cell(114, 114, [0.109, 0.192], [0.070, 0.160]),
        Correct: cell(111, 111, [0.097, 0.179], [0.060, 0.146]),
        Incorrect: cell(3, 3, [0.539, 0.164], [0.444, 0.200]),
      },
    },
    Digits: {
      accuracy: [96.39, 96.39],
      groups: {
        All: cell(360, 360, [0.188, 0.307], [0.179, 0.308]),
        Correct: cell(347, 347, [0.163, 0.278], [0.152, 0.275]),
        Incorrect: cell(13, 13, [0.847, 0.325], [0.896, 0.291]),
      },
    },
    MNIST: {
      accuracy: [91.9, 91.85],
      groups: {
        All: cell(14000, 14000, [0.233, 0.320], [0.094, 0.213]),
        Correct: cell(12866, 12859, [0.189, 0.270], [0.062, 0.162]),
        Incorrect: cell(1134, 1141, [0.739, 0.396], [0.449, 0.352]),
      },
    },
    Covertype: {
      accuracy: [71.75, 71.69],
      groups: {
        All: cell(10000, 10000, [0.800, 0.208], [0.408, 0.277]),
        Correct: cell(7175, 7169, [0.769, 0.208], [0.376, 0.267]),
        Incorrect: cell(2825, 2831, [0.881, 0.185], [0.489, 0.285]),
      },
    },
  },
  NN: {
    Wine: {
      accuracy: [97.22, 97.22],
      groups: {
        All: cell(36, 36, [0.024, 0.070], [0.043, 0.121]),
        Correct: cell(35, 35, [0.018, 0.062], [0.036, 0.113]),
        Incorrect: cell(1, 1, [0.230, 0.000], [0.317, 0.000]),
      },
    },
    "Breast Cancer": {
      accuracy: [94.74, 94.74],
      groups: {
        All: cell(114, 114, [0.019, 0.090], [0.019, 0.086]),
        Correct: cell(108, 108, [0.009, 0.064], [0.006, 0.037]),
        Incorrect: cell(6, 6, [0.212, 0.204], [0.256, 0.235]),
      },
    },
    Digits: {
      accuracy: [97.22, 97.22],
      groups: {
        All: cell(360, 360, [0.035, 0.127], [0.044, 0.156]),
        Correct: cell(350, 350, [0.023, 0.099], [0.035, 0.142]),
        Incorrect: cell(10, 10, [0.446, 0.252], [0.387, 0.240]),
      },
    },
    MNIST: {
      accuracy: [97.04, 96.54],
      groups: {
        All: cell(14000, 14000, [0.027, 0.118], [0.035, 0.133]),
        Correct: cell(13585, 13515, [0.018, 0.090], [0.022, 0.100]),
        Incorrect: cell(415, 485, [0.348, 0.316], [0.380, 0.327]),
      },
    },
    Covertype: {
      accuracy: [80.96, 79.29],
      groups: {
        All: cell(10000, 10000, [0.459, 0.270], [0.221, 0.253]),
        Correct: cell(8096, 7929, [0.411, 0.257], [0.183, 0.231]),
        Incorrect: cell(1904, 2071, [0.663, 0.221], [0.368, 0.278]),
      },
    },
  },
};

/**
 * Accuracy and entropy groups of one model on the test split.
 *
 * @category Section 6: student output uncertainty
 */
export interface ModelScore {
  /** Test accuracy, %. */
  accuracy: number;
  /** All / Correct / Incorrect entropy summaries (population std). */
  groups: GroupStatistics;
}

/**
 * One init seed of a teacher-student pair.
 *
 * @category Section 6: student output uncertainty
 */
export interface SeedScore {
  /** The teacher. */
  teacher: ModelScore;
  /** The student. */
  student: ModelScore;
  /** Share of test inputs where both predict the same class, %. */
  agreement: number;
  /** Tables 3-4 rows (the paper's disjoint-interval rule). */
  rows: GroupComparisonRow[];
  /** Paired comparison of per-input entropies, teacher − student (All group). */
  paired: { diff: number; se: number; low: number; high: number; pT: number; pW: number };
}

/**
 * One run of a pair: split seed `splitSeed`, teacher init seed `initSeed` (student `initSeed + 1`).
 *
 * @category Section 6: student output uncertainty
 */
export interface RunScore {
  splitSeed: number;
  initSeed: number;
  /** Test accuracies, %. */
  accT: number;
  accS: number;
  /** All-group mean entropies, nats. */
  hT: number;
  hS: number;
  /** Every group of teacher and student. */
  teacher: GroupStatistics;
  student: GroupStatistics;
}

/**
 * A teacher-student pair on one data set at the reference split.
 *
 * @category Section 6: student output uncertainty
 */
export interface PairResult {
  /** Data set. */
  set: StudentOutputSet;
  /** Family. */
  family: StudentOutputFamily;
  /** The data set's description (rows, subsample). */
  dataName: string;
  /** The split and scaling, in words. */
  protocolLine: string;
  /** Training and test rows, classes. */
  nTrain: number;
  nTest: number;
  classes: number;
  /**
   * One score per init seed (split seed 1) on `dataName`'s rows. With a spread draw
   * (`spreadOn`) only the first init seed, the headline run, is here.
   */
  seeds: SeedScore[];
  /**
   * The runs (init x split seeds, see {@link StudentOutputSetSpec.splitSeeds}): accuracies,
   * All-group mean entropies and every group's statistics of teacher and student, on the
   * spread draw's rows when `spreadOn` is set, else on `dataName`'s. Run 0 is the headline run.
   */
  splits: RunScore[];
  /**
   * Present when the spread ran on a seeded draw of the rows (`spreadRows`): the draw, its
   * split sizes, and one score per init seed on it (the first init seed included).
   */
  spreadOn?: { dataName: string; rows: number; nTrain: number; nTest: number; seeds: SeedScore[] };
  /** Reliability bins of teacher and student at the first init seed (test sets of at least 300 inputs). */
  reliability: { model: "teacher" | "student"; bins: ReliabilityBin[] }[];
  /** Wall seconds spent training and scoring this pair (its parts may overlap other pairs'). */
  seconds: number;
}

/**
 * One row of the investigation: a variant's mean entropies on one pair.
 *
 * @category Section 6: student output uncertainty
 */
export interface InvestigationRow {
  set: StudentOutputSet;
  family: StudentOutputFamily;
  /** "reference" or a variant key. */
  variant: string;
  /** In words. */
  label: string;
  /** The free choice varied ("reference" for the reference). */
  choice: string;
  /** Init seeds averaged. */
  seeds: number;
  /** Mean over seeds of the All-group mean entropy, teacher and student, and their SDs over seeds. */
  hT: number;
  hS: number;
  sdT: number;
  sdS: number;
  /** Mean accuracies over seeds, %. */
  accT: number;
  accS: number;
}

/**
 * What {@link runStudentOutput} returns.
 *
 * @category Section 6: student output uncertainty
 */
export interface StudentOutputResult {
  config: StudentOutputConfig;
  pairs: PairResult[];
  investigation: InvestigationRow[];
  /** Wall seconds for the whole run. */
  seconds: number;
  /** CPU seconds of the process over the run (every thread), or null where the runtime cannot say. */
  cpuSeconds: number | null;
}

type Probs = Float32Array | Float64Array;

/**
 * Load one data set (with the run's subsample) as the paper prepares it before the split.
 *
 * @category Section 6: student output uncertainty
 */
export async function loadStudentOutputSet(
  spec: StudentOutputSetSpec,
  config: Pick<StudentOutputConfig, "seed" | "covertypeRows">,
): Promise<ClassificationDataset> {
  let ds: ClassificationDataset;
  switch (spec.name) {
    case "Wine":
      ds = await loadWine();
      break;
    case "Breast Cancer":
      ds = await loadBreastCancer();
      break;
    case "Digits":
      ds = await loadDigits();
      break;
    case "MNIST":
      ds = await loadMnist({ split: "all" });
      break;
    case "Covertype":
      ds = await loadCovertype({ rows: config.covertypeRows, seed: config.seed });
      break;
    default:
      throw new RangeError(
        `set name must be Wine, Breast Cancer, Digits, MNIST or Covertype, got ${spec.name}.`,
      );
  }
  return spec.rows !== undefined && spec.rows < ds.n ? drawRows(ds, spec.rows, config.seed) : ds;
}

/** A seeded draw of `rows` rows (kept in their original order), named after it. */
function drawRows(ds: ClassificationDataset, rows: number, seed: number): ClassificationDataset {
  const idx = Array.from(sampleWithoutReplacement(seed, ds.n, rows)).sort((a, b) => a - b);
  return {
    ...subsetRows(ds, idx),
    name: `${ds.name}, ${rows.toLocaleString("en-US")} rows drawn (seed ${seed})`,
  };
}

function prepare(ds: ClassificationDataset, p: StudentOutputProtocol): ClassificationSplit {
  return prepareClassification(ds, {
    splitSeed: p.splitSeed,
    scaler: p.scaler,
    testSize: p.testSize,
  });
}

/** Test-set probabilities of `seeds` teachers and their students, seeds x m x C each. */
async function distill(
  data: ClassificationSplit,
  family: StudentOutputFamily,
  p: StudentOutputProtocol,
  seeds: number,
  seed: number,
): Promise<{ teacher: Probs; student: Probs; seeds: number }> {
  const C = data.classes.length, n = data.nTrain, m = data.nTest;
  if (family === "logistic" && p.solver === "lbfgs-l2") {
    // Deterministic (zero start): one fit stands for every seed.
    const t = fitLogisticLbfgs(data.xTrain, n, data.d, data.yTrain, C);
    const labels = hardLabels(predictLogistic(t, data.xTrain, n), C);
    const s = fitLogisticLbfgs(data.xTrain, n, data.d, labels, C);
    return {
      teacher: predictLogistic(t, data.xTest, m),
      student: predictLogistic(s, data.xTest, m),
      seeds: 1,
    };
  }
  const hT = family === "NN" ? Math.round(128 * p.widthFactor) : 0;
  const hS = family === "NN" ? Math.round(64 * p.widthFactor) : 0;
  const common = {
    d: data.d,
    outputs: C,
    loss: "cross-entropy" as const,
    students: seeds,
    epochs: p.epochs,
    lr: p.lr,
  };
  const teachers = await fitCohort({
    ...common,
    x: data.xTrain,
    n,
    hidden: hT,
    targets: data.yTrain,
    seed,
  });
  const teacher = predictCohort(teachers, data.xTest, m);
  if (p.temperature === null) {
    const labels = hardLabels(predictCohort(teachers, data.xTrain, n), C); // seeds x n
    const students = await fitCohort({
      ...common,
      x: data.xTrain,
      n,
      hidden: hS,
      targets: labels,
      seed: seed + 1,
    });
    return { teacher, student: predictCohort(students, data.xTest, m), seeds };
  }
  // Soft labels: softmax(z_T / T) as a weighted hard-label problem; deployed as softmax(T z_S).
  const T = p.temperature;
  const logits = predictCohort(teachers, data.xTrain, n, { probabilities: false });
  const prob = softTargetProblem(data.xTrain, n, data.d, softLabels(logits, C, T), C, {
    minWeight: 1e-4,
  });
  const students = await fitCohort({
    ...common,
    x: prob.x,
    n: prob.n,
    hidden: hS,
    targets: prob.targets,
    weights: prob.weights,
    seed: seed + 1,
  });
  const z = predictCohort(students, data.xTest, m, { probabilities: false });
  return { teacher, student: softLabels(z, C, 1 / T), seeds };
}

function scoreModel(p: Probs, y: Int32Array, C: number): ModelScore & {
  predicted: Int32Array;
  entropy: Float64Array;
} {
  const predicted = hardLabels(p, C), entropy = Float64Array.from(predictiveEntropy(p, C));
  let hits = 0;
  for (let i = 0; i < y.length; i++) hits += predicted[i] === y[i] ? 1 : 0;
  return {
    accuracy: (100 * hits) / y.length,
    groups: groupStatistics(entropy, predicted, y),
    predicted,
    entropy,
  };
}

function slice(p: Probs, k: number, m: number, C: number): Probs {
  return p.subarray(k * m * C, (k + 1) * m * C);
}

const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
/**
 * Sample standard deviation (n − 1); 0 for fewer than two values.
 *
 * @category Section 6: student output uncertainty
 */
export const sdOf = (a: readonly number[]): number =>
  a.length < 2 ? 0 : Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1));
export { mean as meanOf };

/** Score `seeds` init seeds of a pair on one split (and the reliability bins of the first, when asked). */
async function scoreSeeds(
  data: ClassificationSplit,
  family: StudentOutputFamily,
  seeds: number,
  config: StudentOutputConfig,
  withReliability: boolean,
): Promise<{ seeds: SeedScore[]; reliability: PairResult["reliability"] }> {
  const p = config.protocol;
  const C = data.classes.length, m = data.nTest;
  const out = await distill(data, family, p, seeds, config.seed);
  const scores: SeedScore[] = [];
  let reliability: PairResult["reliability"] = [];
  for (let k = 0; k < out.seeds; k++) {
    const pt = slice(out.teacher, k, m, C), ps = slice(out.student, k, m, C);
    const t = scoreModel(pt, data.yTest, C), s = scoreModel(ps, data.yTest, C);
    let agree = 0;
    for (let i = 0; i < m; i++) agree += t.predicted[i] === s.predicted[i] ? 1 : 0;
    const pc = pairedComparison(t.entropy, s.entropy, {
      seed: config.seed + k,
      resamples: config.resamples,
    });
    scores.push({
      teacher: { accuracy: t.accuracy, groups: t.groups },
      student: { accuracy: s.accuracy, groups: s.groups },
      agreement: (100 * agree) / m,
      rows: compareGroups(t.groups, s.groups),
      paired: {
        diff: pc.tTest.meanDifference,
        se: pc.tTest.standardError,
        low: pc.bootstrap.low,
        high: pc.bootstrap.high,
        pT: pc.tTest.pValue,
        pW: pc.wilcoxon.pValue,
      },
    });
    if (withReliability && k === 0 && m >= 300) {
      reliability = [
        { model: "teacher", bins: reliabilityBins(pt, data.yTest, C, { bins: config.bins }) },
        { model: "student", bins: reliabilityBins(ps, data.yTest, C, { bins: config.bins }) },
      ];
    }
  }
  return { seeds: scores, reliability };
}

type SplitRow = PairResult["splits"][number];

/** Run 0 of a pair: the first init seed of the headline run, on the reference split. */
function firstSplit(first: SeedScore, config: StudentOutputConfig): SplitRow {
  return {
    splitSeed: config.protocol.splitSeed,
    initSeed: config.seed,
    accT: first.teacher.accuracy,
    accS: first.student.accuracy,
    hT: first.teacher.groups.all.mean,
    hS: first.student.groups.all.mean,
    teacher: first.teacher.groups,
    student: first.student.groups,
  };
}

/** Run k >= 1 of a pair: init seeds `seed + 2k` (teacher), `seed + 2k + 1` (student) on split seed `1 + k`. */
async function splitRun(
  ds: ClassificationDataset,
  family: StudentOutputFamily,
  k: number,
  config: StudentOutputConfig,
): Promise<SplitRow & { seconds: number }> {
  const t0 = performance.now();
  const q = { ...config.protocol, splitSeed: config.protocol.splitSeed + k };
  const d2 = prepare(ds, q);
  const initSeed = config.seed + 2 * k;
  const o = await distill(d2, family, q, 1, initSeed);
  const C2 = d2.classes.length, m2 = d2.nTest;
  const t = scoreModel(slice(o.teacher, 0, m2, C2), d2.yTest, C2);
  const s = scoreModel(slice(o.student, 0, m2, C2), d2.yTest, C2);
  return {
    splitSeed: q.splitSeed,
    initSeed,
    accT: t.accuracy,
    accS: s.accuracy,
    hT: t.groups.all.mean,
    hS: s.groups.all.mean,
    teacher: t.groups,
    student: s.groups,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The runs of a pair (init x split seeds): run 0 is `first` (split seed 1, the first init
 * seed); run r >= 1 is {@link splitRun}.
 */
async function splitRuns(
  ds: ClassificationDataset,
  family: StudentOutputFamily,
  splitSeeds: number,
  first: SeedScore,
  config: StudentOutputConfig,
): Promise<PairResult["splits"]> {
  const splits: SplitRow[] = [firstSplit(first, config)];
  for (let k = 1; k < splitSeeds; k++) {
    const { seconds: _, ...row } = await splitRun(ds, family, k, config);
    splits.push(row);
  }
  return splits;
}

/** The headline run of a pair: `seeds` init seeds at the reference split, with the reliability bins. */
async function runHeadline(
  ds: ClassificationDataset,
  family: StudentOutputFamily,
  seeds: number,
  config: StudentOutputConfig,
) {
  const t0 = performance.now();
  const data = prepare(ds, config.protocol);
  const r = await scoreSeeds(data, family, seeds, config, true);
  return {
    ...r,
    dataName: ds.name,
    protocolLine: data.protocol,
    nTrain: data.nTrain,
    nTest: data.nTest,
    classes: data.classes.length,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The spread of a pair on a draw: every init seed at the reference split, then the split seeds. */
async function runSpread(
  draw: ClassificationDataset,
  spec: StudentOutputSetSpec,
  family: StudentOutputFamily,
  config: StudentOutputConfig,
) {
  const t0 = performance.now();
  const data = prepare(draw, config.protocol);
  const { seeds } = await scoreSeeds(data, family, spec.seeds, config, false);
  const splits = await splitRuns(draw, family, spec.splitSeeds, seeds[0], config);
  return {
    spreadOn: {
      dataName: draw.name,
      rows: draw.n,
      nTrain: data.nTrain,
      nTest: data.nTest,
      seeds,
    },
    splits,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A pair whose spread uses the same rows as its headline run. */
async function runPair(
  ds: ClassificationDataset,
  spec: StudentOutputSetSpec,
  family: StudentOutputFamily,
  config: StudentOutputConfig,
): Promise<PairResult> {
  const t0 = performance.now();
  const h = await runHeadline(ds, family, spec.seeds, config);
  const splits = await splitRuns(ds, family, spec.splitSeeds, h.seeds[0], config);
  return pairOf(spec.name, family, h, { splits }, (performance.now() - t0) / 1000);
}

/** A pair's result from its headline run and its spread over split seeds (and where that ran). */
function pairOf(
  set: StudentOutputSet,
  family: StudentOutputFamily,
  h: Awaited<ReturnType<typeof runHeadline>>,
  spread: Pick<PairResult, "splits" | "spreadOn">,
  seconds: number,
): PairResult {
  const { dataName, protocolLine, nTrain, nTest, classes, seeds, reliability } = h;
  return {
    set,
    family,
    dataName,
    protocolLine,
    nTrain,
    nTest,
    classes,
    seeds,
    ...spread,
    reliability,
    seconds,
  };
}

async function runVariant(
  ds: ClassificationDataset,
  set: StudentOutputSet,
  family: StudentOutputFamily,
  v: StudentOutputVariant,
  config: StudentOutputConfig,
): Promise<InvestigationRow> {
  const p = { ...config.protocol, ...v.change };
  const data = prepare(ds, p);
  const C = data.classes.length, m = data.nTest;
  const out = await distill(data, family, p, config.investigate.seeds, config.seed);
  const t: ModelScore[] = [], s: ModelScore[] = [];
  for (let k = 0; k < out.seeds; k++) {
    t.push(scoreModel(slice(out.teacher, k, m, C), data.yTest, C));
    s.push(scoreModel(slice(out.student, k, m, C), data.yTest, C));
  }
  const hT = t.map((x) => x.groups.all.mean), hS = s.map((x) => x.groups.all.mean);
  return {
    set,
    family,
    variant: v.key,
    label: v.label,
    choice: v.choice,
    seeds: out.seeds,
    hT: mean(hT),
    hS: mean(hS),
    sdT: sdOf(hT),
    sdS: sdOf(hS),
    accT: mean(t.map((x) => x.accuracy)),
    accS: mean(s.map((x) => x.accuracy)),
  };
}

function checkConfig(config: StudentOutputConfig): void {
  const fn = "runStudentOutput";
  if (!config || typeof config !== "object" || !Array.isArray(config.sets)) {
    throw new TypeError(`${fn}: config must come from studentOutputConfig(scale).`);
  }
  if (config.sets.length === 0) throw new RangeError(`${fn}: config.sets is empty.`);
  for (const s of config.sets) {
    for (const k of ["seeds", "splitSeeds"] as const) {
      if (!Number.isInteger(s[k]) || s[k] < 1) {
        throw new RangeError(`${fn}: sets "${s.name}".${k} must be an integer >= 1, got ${s[k]}.`);
      }
    }
    for (const k of ["rows", "spreadRows"] as const) {
      const v = s[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 10)) {
        throw new RangeError(
          `${fn}: sets "${s.name}".${k} must be an integer >= 10 (or left out for every row), got ${v}.`,
        );
      }
    }
  }
  const { epochs, lr } = config.protocol;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`${fn}: protocol.epochs must be an integer >= 1, got ${epochs}.`);
  }
  if (!(lr > 0)) throw new RangeError(`${fn}: protocol.lr must be > 0, got ${lr}.`);
  if (!Number.isInteger(config.investigate.seeds) || config.investigate.seeds < 1) {
    throw new RangeError(
      `${fn}: investigate.seeds must be an integer >= 1, got ${config.investigate.seeds}.`,
    );
  }
}

/**
 * Run Section 6.1: for each data set and family, train `seeds` teachers and
 * their hard-label students at the reference split, score them, repeat at
 * `splitSeeds` split seeds (the first init seed), then run the investigation's
 * variants on `investigate.sets`.
 *
 * @throws TypeError/RangeError when the configuration is malformed (before any training).
 *
 * @category Section 6: student output uncertainty
 */
export async function runStudentOutput(
  config: StudentOutputConfig,
  options: RunOptions = {},
): Promise<StudentOutputResult> {
  checkConfig(config);
  const t0 = performance.now(), cpu0 = cpuSeconds();
  const families: StudentOutputFamily[] = config.families ?? ["logistic", "NN"];
  const loaded = new Map<StudentOutputSet, Promise<ClassificationDataset>>();
  const load = (spec: StudentOutputSetSpec) => {
    if (!loaded.has(spec.name)) loaded.set(spec.name, loadStudentOutputSet(spec, config));
    return loaded.get(spec.name)!;
  };
  const draws = new Map<StudentOutputSet, Promise<ClassificationDataset>>();
  const loadDraw = (spec: StudentOutputSetSpec) => {
    if (!draws.has(spec.name)) {
      draws.set(
        spec.name,
        load(spec).then((ds) =>
          spec.spreadRows! < ds.n ? drawRows(ds, spec.spreadRows!, config.seed) : ds
        ),
      );
    }
    return draws.get(spec.name)!;
  };
  // The units of work, independent of one another (each fixes its own seeds), are the settings
  // of one sweep run on as many lanes as the machine has cores: the full-data headline runs of
  // the large sets first, so the longest chain (teacher, then student) starts at once and the
  // rest fills the other lanes. A shard (lib/experiments/shard.ts) runs only its own units.
  type Head = Awaited<ReturnType<typeof runHeadline>>;
  type Spread = Awaited<ReturnType<typeof runSpread>>;
  // A large set's pair on all its rows is cut into its headline run ("first") and one unit per
  // further run, so its runs spread over the lanes; the results are those of runPair.
  type Unit =
    | {
      kind: "pair" | "head" | "spread" | "first";
      set: StudentOutputSet;
      family: StudentOutputFamily;
    }
    | { kind: "run"; set: StudentOutputSet; family: StudentOutputFamily; run: number }
    | { kind: "variant"; set: StudentOutputSet; family: StudentOutputFamily; variant: number };
  type Done =
    | { kind: "pair"; value: PairResult }
    | { kind: "head"; value: Head }
    | { kind: "first"; value: Head }
    | { kind: "spread"; value: Spread }
    | { kind: "run"; value: SplitRow & { seconds: number } }
    | { kind: "variant"; value: InvestigationRow };
  const key = (set: StudentOutputSet, family: StudentOutputFamily) => `${set}/${family}`;
  const large = (spec: StudentOutputSetSpec) => spec.name === "MNIST" || spec.name === "Covertype";
  const pairSpecs = config.sets.flatMap((spec) => families.map((family) => ({ spec, family })));
  const byFamily = (a: { family: StudentOutputFamily }, b: { family: StudentOutputFamily }) =>
    (a.family === "NN" ? 0 : 1) - (b.family === "NN" ? 0 : 1);
  const pairUnit = (
    { spec, family }: { spec: StudentOutputSetSpec; family: StudentOutputFamily },
  ) => {
    const kind = spec.spreadRows !== undefined ? "head" : large(spec) ? "first" : "pair";
    return { kind, set: spec.name, family } as Unit;
  };
  const largePairs = pairSpecs.filter((j) => large(j.spec)).sort(byFamily);
  const runUnits = largePairs.filter((j) => j.spec.spreadRows === undefined).flatMap((
    { spec, family },
  ) =>
    Array.from({ length: spec.splitSeeds - 1 }, (_, k) => ({
      kind: "run" as const,
      set: spec.name,
      family,
      run: k + 1,
    }))
  );
  const units: Unit[] = [
    ...largePairs.map(pairUnit),
    ...runUnits,
    ...pairSpecs.filter((j) => !large(j.spec)).map(pairUnit),
    ...pairSpecs.filter((j) => j.spec.spreadRows !== undefined).map(({ spec, family }) => ({
      kind: "spread" as const,
      set: spec.name,
      family,
    })),
  ];
  const variants = config.investigate.variants;
  for (const name of config.investigate.sets) {
    if (!config.sets.some((s) => s.name === name)) continue;
    for (const family of families) {
      variants.forEach((v, variant) => {
        if (!v.families || v.families.includes(family)) {
          units.push({ kind: "variant", set: name, family, variant });
        }
      });
    }
  }
  const specOf = (set: StudentOutputSet) => config.sets.find((s) => s.name === set)!;
  const unitName = (u: Unit) => {
    const spec = specOf(u.set);
    switch (u.kind) {
      case "pair":
        return `${u.set}, ${u.family}`;
      case "head":
        return `${u.set}, ${u.family}, first init seed on all rows`;
      case "first":
        return `${u.set}, ${u.family}, run 1 of ${spec.splitSeeds}`;
      case "run":
        return `${u.set}, ${u.family}, run ${u.run + 1} of ${spec.splitSeeds}`;
      case "spread":
        return `${u.set}, ${u.family}, spread on ${spec.spreadRows} rows`;
      case "variant":
        return `investigation: ${u.set}, ${u.family}, ${variants[u.variant].key}`;
    }
  };
  const runUnit = async (u: Unit): Promise<Done> => {
    const spec = specOf(u.set);
    switch (u.kind) {
      case "pair":
        return { kind: u.kind, value: await runPair(await load(spec), spec, u.family, config) };
      case "head":
        return { kind: u.kind, value: await runHeadline(await load(spec), u.family, 1, config) };
      case "first":
        return {
          kind: u.kind,
          value: await runHeadline(await load(spec), u.family, spec.seeds, config),
        };
      case "run":
        return { kind: u.kind, value: await splitRun(await load(spec), u.family, u.run, config) };
      case "spread":
        return {
          kind: u.kind,
          value: await runSpread(await loadDraw(spec), spec, u.family, config),
        };
      case "variant":
        return {
          kind: u.kind,
          value: await runVariant(await load(spec), u.set, u.family, variants[u.variant], config),
        };
    }
  };
  const done = await sweep(units, runUnit, {
    label: "Section 6.1",
    name: unitName,
    progress: options.progress,
    lanes: hardwareThreads(),
  });
  const full = new Map<string, PairResult>();
  const heads = new Map<string, Head>(), spreads = new Map<string, Spread>();
  const firsts = new Map<string, Head>();
  const runs = new Map<string, (SplitRow & { seconds: number })[]>();
  const variantRows: InvestigationRow[] = [];
  units.forEach((u, i) => {
    const d = done[i], k = key(u.set, u.family);
    if (d.kind === "pair") full.set(k, d.value);
    else if (d.kind === "head") heads.set(k, d.value);
    else if (d.kind === "first") firsts.set(k, d.value);
    else if (d.kind === "run") runs.set(k, [...(runs.get(k) ?? []), d.value]);
    else if (d.kind === "spread") spreads.set(k, d.value);
    else variantRows.push(d.value);
  });
  const pairs: PairResult[] = pairSpecs.map(({ spec, family }) => {
    const k = key(spec.name, family);
    if (full.has(k)) return full.get(k)!;
    const first = firsts.get(k);
    if (first) {
      // Units run in sweep order, so runs.get(k) is in run order.
      const rest = runs.get(k) ?? [];
      const splits = [firstSplit(first.seeds[0], config), ...rest.map(({ seconds: _, ...r }) => r)];
      const seconds = first.seconds + rest.reduce((a, r) => a + r.seconds, 0);
      return pairOf(spec.name, family, first, { splits }, seconds);
    }
    const h = heads.get(k)!, sp = spreads.get(k)!;
    const spread = { splits: sp.splits, spreadOn: sp.spreadOn };
    return pairOf(spec.name, family, h, spread, h.seconds + sp.seconds);
  });
  const investigation: InvestigationRow[] = [];
  for (const name of config.investigate.sets) {
    for (const family of families) {
      const pr = pairs.find((p) => p.set === name && p.family === family);
      if (!pr) continue;
      const k = Math.min(config.investigate.seeds, pr.seeds.length);
      const hT = pr.seeds.slice(0, k).map((s) => s.teacher.groups.all.mean);
      const hS = pr.seeds.slice(0, k).map((s) => s.student.groups.all.mean);
      investigation.push({
        set: name,
        family,
        variant: "reference",
        label: "reference protocol",
        choice: "reference",
        seeds: k,
        hT: mean(hT),
        hS: mean(hS),
        sdT: sdOf(hT),
        sdS: sdOf(hS),
        accT: mean(pr.seeds.slice(0, k).map((s) => s.teacher.accuracy)),
        accS: mean(pr.seeds.slice(0, k).map((s) => s.student.accuracy)),
      });
    }
  }
  investigation.push(...variantRows);
  // Group the rows by pair, the reference first in each group (a stable sort).
  const order = (r: InvestigationRow) =>
    config.investigate.sets.indexOf(r.set) * 2 + families.indexOf(r.family);
  investigation.sort((a, b) => order(a) - order(b));
  const cpu1 = cpuSeconds();
  return {
    config,
    pairs,
    investigation,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
  };
}

/** CPU seconds of this process so far (all threads: workers included), or null. */
function cpuSeconds(): number | null {
  try {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  } catch {
    return null;
  }
}

function hardwareThreads(): number {
  const n = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  return n && n > 0 ? n : 1;
}

/**
 * Mean, SD (n − 1) and SE = SD / √n of a quantity over `n` runs.
 *
 * @category Section 6: student output uncertainty
 */
export interface RunStats {
  mean: number;
  sd: number;
  se: number;
  n: number;
}

/**
 * {@link RunStats} of finite values (NaN, an empty group's mean, is left out).
 *
 * @category Section 6: student output uncertainty
 */
export function runStats(values: readonly number[]): RunStats {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: NaN, sd: NaN, se: NaN, n: 0 };
  const sd = sdOf(v);
  return { mean: mean(v), sd, se: v.length < 2 ? NaN : sd / Math.sqrt(v.length), n: v.length };
}

const GROUP_KEY = { All: "all", Correct: "correct", Incorrect: "incorrect" } as const;

/** Runs with fewer than this many values (a group empty in the others) give no SE and no verdict. */
export const MIN_RUNS = 3;

/**
 * The equivalence margin of an entropy cell, as a share of the paper's
 * All-group std of that model across test inputs: 0.2, Cohen's "small"
 * standardized effect. The paper judges teacher against student by mean ±
 * std, i.e. in units of that std; a gap under a fifth of it is one the paper
 * would call no difference by any reading.
 *
 * @category Section 6: student output uncertainty
 */
export const ENTROPY_MARGIN = 0.2;

/** The margin's reason, as the ledger prints it. */
const ENTROPY_MARGIN_WHY =
  "0.2 × the paper's All-group SD across test inputs (Cohen's small effect; the paper judges by mean ± std)";

/**
 * The verdict rule of the entropy cells, in words.
 *
 * @category Section 6: student output uncertainty
 */
export const ENTROPY_RULE =
  "equivalence (TOST, Holm over the notebook's claims): ours = mean over runs (init x split " +
  "seeds) of the group's mean entropy, SE over those runs combined with the paper's one run's " +
  "spread (the SD over our runs); margin = 0.2 × the paper's All-group SD of that model";

/**
 * One cell of Tables 3-4: a pair's teacher or student in one group, ours over the runs beside the paper's.
 *
 * @category Section 6: student output uncertainty
 */
export interface EntropyCell {
  set: StudentOutputSet;
  family: StudentOutputFamily;
  role: "teacher" | "student";
  group: EntropyGroup;
  /** Ours in the headline run (run 0: split seed 1, first init seed): mean, std over its inputs, size. */
  ours: { mean: number; std: number; count: number };
  /** The paper's: mean, std and group size. */
  paper: { mean: number; std: number; n: number };
  /** Over the runs whose group is not empty: the group's mean entropy. */
  runs: RunStats;
  /** Mean group size over all runs (0 for an empty group). */
  meanCount: number;
  /** Runs of the pair (some may have an empty group). */
  of: number;
  /** The equivalence margin ({@link ENTROPY_MARGIN} × the paper's All-group std). */
  margin: number;
  /** True when the runs ran on a draw of the rows (`spreadRows`), not on all rows. */
  onDraw: boolean;
  /** Rows kept when the whole run subsampled the data set (smoke), else absent. */
  subsample?: number;
  /** All group, investigated pairs: variants whose mean over init seeds lies within the margin. */
  movers?: string[];
}

/**
 * Every (data set, family, role, group) cell of Tables 3-4, with ours over the runs and the paper's.
 *
 * @category Section 6: student output uncertainty
 */
export function entropyCells(result: StudentOutputResult): EntropyCell[] {
  const cells: EntropyCell[] = [];
  for (const pr of result.pairs) {
    const paper = PAPER_SECTION6[pr.family][pr.set];
    const spec = result.config.sets.find((s) => s.name === pr.set);
    for (const role of ["teacher", "student"] as const) {
      const margin = ENTROPY_MARGIN * paper.groups.All[role].std;
      for (const group of ENTROPY_GROUPS) {
        const key = GROUP_KEY[group];
        const g = pr.seeds[0][role].groups[key];
        const p = paper.groups[group];
        const inv = result.investigation.filter((r) =>
          r.set === pr.set && r.family === pr.family && r.variant !== "reference"
        );
        cells.push({
          set: pr.set,
          family: pr.family,
          role,
          group,
          ours: { mean: g.mean, std: g.std, count: g.count },
          paper: { mean: p[role].mean, std: p[role].std, n: role === "teacher" ? p.nT : p.nS },
          runs: runStats(pr.splits.map((r) => r[role][key].mean)),
          meanCount: mean(pr.splits.map((r) => r[role][key].count)),
          of: pr.splits.length,
          margin,
          onDraw: pr.spreadOn !== undefined,
          ...(spec?.rows !== undefined ? { subsample: spec.rows } : {}),
          ...(group === "All" && inv.length > 0
            ? {
              movers: inv.filter((r) =>
                Math.abs((role === "teacher" ? r.hT : r.hS) - p[role].mean) <= margin
              ).map((r) => r.variant),
            }
            : {}),
        });
      }
    }
  }
  return cells;
}

/**
 * Teacher minus student mean entropy per run, paired within the run, for one pair and group.
 *
 * @category Section 6: student output uncertainty
 */
export interface TeacherStudentContrast {
  set: StudentOutputSet;
  family: StudentOutputFamily;
  group: EntropyGroup;
  /** Over the runs where both groups are not empty. */
  diff: RunStats;
  /** The paper's teacher − student gap in this group. */
  paper: number;
  /** {@link ENTROPY_MARGIN} × the paper's teacher All-group std. */
  margin: number;
}

/**
 * The teacher − student contrasts of every pair and group (the paper's "no significant difference").
 *
 * @category Section 6: student output uncertainty
 */
export function teacherStudentContrasts(result: StudentOutputResult): TeacherStudentContrast[] {
  return result.pairs.flatMap((pr) => {
    const paper = PAPER_SECTION6[pr.family][pr.set];
    return ENTROPY_GROUPS.map((group) => {
      const key = GROUP_KEY[group];
      return {
        set: pr.set,
        family: pr.family,
        group,
        diff: runStats(pr.splits.map((r) => r.teacher[key].mean - r.student[key].mean)),
        paper: paper.groups[group].teacher.mean - paper.groups[group].student.mean,
        margin: ENTROPY_MARGIN * paper.groups.All.teacher.std,
      };
    });
  });
}

/**
 * The accuracy margin, percentage points: 1, or one test input (100 / nTest) where that is more.
 *
 * @category Section 6: student output uncertainty
 */
export function accuracyMargin(nTest: number): number {
  return Math.max(1, 100 / nTest);
}

/** Why a pair's cells get no verdict, or null when they can get one. */
function noRunsWhy(pr: PairResult, n: number, rows?: number): string | null {
  if (rows !== undefined) {
    return `the run keeps ${rows} rows of the data set at this scale, not the paper's data: no verdict`;
  }
  if (pr.spreadOn) {
    return `the runs ran on a ${
      pr.spreadOn.rows.toLocaleString("en-US")
    }-row draw, whose entropy is not the full data's: no verdict`;
  }
  if (n >= MIN_RUNS) return null;
  return `${n} run(s) with this group at this scale, fewer than ${MIN_RUNS}: no SE over runs`;
}

/**
 * The claims ledger of Section 6.1, every cell of the paper's Tables 3 and 4:
 * - per pair and model, the test accuracy against the paper's by equivalence
 *   (margin {@link accuracyMargin}); the Correct / Incorrect group sizes are
 *   the accuracy times N and carry no separate test;
 * - per pair, the test-set size N (an identity check: the stratified 80/20
 *   split gives it by construction);
 * - per pair, model and group, the mean entropy against the paper's by
 *   equivalence ({@link ENTROPY_RULE});
 * - per pair and group, the paper's "no significant difference" between
 *   teacher and student: the teacher − student gap, paired within each run,
 *   equivalent to 0 within the same margin.
 * Every SE is over runs (init x split seeds). Cells with fewer than
 * {@link MIN_RUNS} runs, or whose test is underpowered ({@link powerGuard},
 * applied here over these claims unless `guard` is false: a notebook with
 * more claims passes false and guards all its claims at once), get no verdict.
 *
 * @category Section 6: student output uncertainty
 */
export function studentOutputClaims(
  result: StudentOutputResult,
  options: { guard?: boolean } = {},
): Claim[] {
  const claims: Claim[] = [];
  const id = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const tableOf = (f: StudentOutputFamily) => f === "logistic" ? "Table 3" : "Table 4";
  const tableExport = (f: StudentOutputFamily) =>
    f === "logistic" ? "06_table3_logistic" : "06_table4_nn";
  const evidence = "06_entropy_comparison";
  const rowsOf = (set: StudentOutputSet) => result.config.sets.find((x) => x.name === set)?.rows;
  for (const pr of result.pairs) {
    const paper = PAPER_SECTION6[pr.family][pr.set];
    const section = tableOf(pr.family);
    const sub = result.config.sets.find((x) => x.name === pr.set)?.rows;
    const sizeText = {
      section,
      id: `${id(pr.set)}-${id(pr.family)}-test-size`,
      claim: `${pr.set}, ${pr.family}: test-set size N (All group)`,
      paper: paper.groups.All.nT,
    };
    if (sub !== undefined) {
      claims.push(claimNotTestable({
        ...sizeText,
        why: `the run keeps ${sub} rows at this scale (test set ${pr.nTest})`,
      }));
    } else {claims.push(claimIdentity({
        section,
        id: `${id(pr.set)}-${id(pr.family)}-test-size`,
        claim: `${pr.set}, ${pr.family}: test-set size N (All group)`,
        paper: paper.groups.All.nT,
        ours: pr.nTest,
        reference: paper.groups.All.nT,
        tolerance: 0,
        why: "the stratified 80/20 split of the same rows gives this size by construction",
        evidence: tableExport(pr.family),
      }));}
    for (const [role, k] of [["teacher", 0], ["student", 1]] as const) {
      const st = runStats(pr.splits.map((s) => role === "teacher" ? s.accT : s.accS));
      const text = {
        section,
        id: `${id(pr.set)}-${id(pr.family)}-${role}-accuracy`,
        claim: `${pr.set}, ${pr.family}: ${role} accuracy (%; the paper's N correct ${
          role === "teacher" ? paper.groups.Correct.nT : paper.groups.Correct.nS
        } of ${paper.groups.All.nT})`,
        paper: paper.accuracy[k],
        evidence,
      };
      const why = noRunsWhy(pr, st.n, sub);
      if (why !== null) {
        claims.push({ ...claimNotTestable({ ...text, why }), ours: st.mean, evidence });
        continue;
      }
      const margin = accuracyMargin(pr.nTest);
      // A few runs of a discrete accuracy can agree exactly (SD 0): a run's SD is never taken
      // below half a test input (50 / N points), the resolution of one run's accuracy.
      const runSd = Math.max(st.sd, 50 / pr.nTest);
      claims.push(claimMatches({
        ...text,
        paper: paper.accuracy[k],
        ours: st.mean,
        se: runSd / Math.sqrt(st.n),
        paperSe: runSd,
        seOver: `${st.n} runs (init x split seeds), SD at least half a test input; ` +
          `plus the paper's one run, that SD`,
        margin,
        marginWhy: margin > 1
          ? "one test input (100 / N points): the paper's single run moves by whole inputs"
          : "1 point: the paper's single run, two decimals",
      }));
    }
  }
  for (const c of entropyCells(result)) {
    const pr = result.pairs.find((p) => p.set === c.set && p.family === c.family)!;
    const text = {
      section: tableOf(c.family),
      id: `${id(c.set)}-${id(c.family)}-${c.role}-entropy-${id(c.group)}`,
      claim: `${c.set}, ${c.family}: ${c.role} mean entropy, ${c.group} (nats)`,
      paper: c.paper.mean,
      evidence,
    };
    const why = noRunsWhy(pr, c.runs.n, rowsOf(c.set));
    if (why !== null) {
      claims.push({
        ...claimNotTestable({ ...text, why }),
        ours: Number.isFinite(c.runs.mean) ? c.runs.mean : null,
        evidence,
      });
      continue;
    }
    claims.push(claimMatches({
      ...text,
      paper: c.paper.mean,
      ours: c.runs.mean,
      se: Math.max(c.runs.se, 1e-12),
      paperSe: c.runs.sd,
      seOver: `${c.runs.n} runs (init x split seeds)${
        c.runs.n < c.of ? ` with a nonempty group, of ${c.of}` : ""
      }; plus the paper's one run, SD over ours`,
      margin: c.margin,
      marginWhy: ENTROPY_MARGIN_WHY,
    }));
  }
  for (const c of teacherStudentContrasts(result)) {
    const pr = result.pairs.find((p) => p.set === c.set && p.family === c.family)!;
    const text = {
      section: "6.1",
      id: `${id(c.set)}-${id(c.family)}-teacher-student-${id(c.group)}`,
      claim: `${c.set}, ${c.family}, ${c.group}: no teacher-student entropy difference ` +
        `(the paper's gap ${c.paper.toFixed(3)})`,
      paper: "no significant difference",
      evidence,
    };
    const why = noRunsWhy(pr, c.diff.n, rowsOf(c.set));
    if (why !== null) {
      claims.push({
        ...claimNotTestable({ ...text, why }),
        ours: Number.isFinite(c.diff.mean) ? c.diff.mean : null,
        evidence,
      });
      continue;
    }
    claims.push(claimNoEffect({
      ...text,
      ours: c.diff.mean,
      se: Math.max(c.diff.se, 1e-12),
      seOver: `${c.diff.n} runs (init x split seeds), teacher − student paired within each run`,
      margin: c.margin,
      marginWhy: "0.2 × the paper's teacher All-group SD across test inputs (Cohen's small effect)",
    }));
  }
  return options.guard === false ? claims : powerGuard(claims);
}

/**
 * The numbers "What we found" quotes, all from the run (no verdicts: those the
 * notebook reads from the ledger after Holm, {@link verdictSummary}).
 *
 * @category Section 6: student output uncertainty
 */
export interface StudentOutputFindings {
  /** Pairs whose spread ran on a draw: where, the draw's rows and all rows (empty when none). */
  draws: { where: string; rows: number; all: number }[];
  /** Data sets the whole run subsampled (`rows`; smoke scale): which and how many rows (empty when none). */
  subsamples: { set: StudentOutputSet; rows: number }[];
  /** Runs (init x split seeds) per data set. */
  runs: { set: StudentOutputSet; runs: number }[];
  /** Largest |teacher − student| accuracy gap over pairs (mean over seeds), points, and where. */
  maxAccuracyGap: { gap: number; where: string };
  /** Mean teacher-student agreement over pairs and seeds, % (lowest pair and where). */
  minAgreement: { agreement: number; where: string };
  /** Groups the paper's interval rule flags, of those it can test (first init seed). */
  intervalFlagged: number;
  intervalTested: number;
  /** The pair with the largest |teacher − student| mean entropy difference at the first init seed (paired). */
  largestPaired: { where: string; diff: number; low: number; high: number; interval: boolean };
  /** Pairs whose paired t-test rejects at 5% at the first init seed, of all pairs. */
  pairedRejects: number;
  pairs: number;
  /** Seconds of the run. */
  seconds: number;
  /**
   * The investigation's levers: per free choice, the mean over investigated pairs and roles
   * of |variant − reference| / reference of the All-group entropy (largest effect of that
   * choice's settings), largest first.
   */
  levers: { choice: string; relative: number }[];
  /** Investigated (pair, role) cells whose entropy falls with the epochs (100, the reference's, 1000), of those with both variants. */
  epochsFalling: { holds: number; of: number };
}

/**
 * Summarise a run for the notebook's prose.
 *
 * @category Section 6: student output uncertainty
 */
export function studentOutputFindings(result: StudentOutputResult): StudentOutputFindings {
  let gap = { gap: -1, where: "" }, agree = { agreement: Infinity, where: "" };
  let flagged = 0, tested = 0, rejects = 0;
  let largest = { where: "", diff: 0, low: 0, high: 0, interval: false };
  for (const pr of result.pairs) {
    const where = `${pr.set}, ${pr.family}`;
    const g = Math.abs(mean(pr.seeds.map((s) => s.teacher.accuracy - s.student.accuracy)));
    if (g > gap.gap) gap = { gap: g, where };
    const a = mean(pr.seeds.map((s) => s.agreement));
    if (a < agree.agreement) agree = { agreement: a, where };
    for (const r of pr.seeds[0].rows) {
      if (Math.min(r.teacher.count, r.student.count) < result.config.minGroup) continue;
      tested++;
      if (r.significant) flagged++;
    }
    if (pr.seeds[0].paired.pT < 0.05) rejects++;
    const pd = pr.seeds[0].paired;
    if (Math.abs(pd.diff) > Math.abs(largest.diff)) {
      largest = {
        where,
        diff: pd.diff,
        low: pd.low,
        high: pd.high,
        interval: pr.seeds[0].rows[0].significant === true,
      };
    }
  }
  const effect = new Map<string, number[]>();
  for (const ref of result.investigation.filter((r) => r.variant === "reference")) {
    const vs = result.investigation.filter((r) =>
      r.set === ref.set && r.family === ref.family && r.variant !== "reference"
    );
    for (const choice of new Set(vs.map((v) => v.choice))) {
      const of = vs.filter((v) => v.choice === choice);
      for (const role of ["hT", "hS"] as const) {
        const rel = Math.max(...of.map((v) => Math.abs(v[role] - ref[role]) / ref[role]));
        if (Number.isFinite(rel)) effect.set(choice, [...(effect.get(choice) ?? []), rel]);
      }
    }
  }
  let holds = 0, of = 0;
  for (const ref of result.investigation.filter((r) => r.variant === "reference")) {
    const at = (k: string) =>
      result.investigation.find((r) =>
        r.set === ref.set && r.family === ref.family && r.variant === k
      );
    const short = at("epochs-100"), long = at("epochs-1000");
    if (!short || !long) continue;
    const e = result.config.protocol.epochs;
    for (const role of ["hT", "hS"] as const) {
      of++;
      const pts = [[100, short[role]], [e, ref[role]], [1000, long[role]]].sort((a, b) =>
        a[0] - b[0]
      );
      if (pts[0][1] > pts[1][1] && pts[1][1] > pts[2][1]) holds++;
    }
  }
  const levers = [...effect].map(([choice, v]) => ({ choice, relative: mean(v) }))
    .sort((a, b) => b.relative - a.relative);
  return {
    levers,
    epochsFalling: { holds, of },
    largestPaired: largest,
    runs: result.config.sets.map((x) => ({ set: x.name, runs: x.splitSeeds })),
    subsamples: result.config.sets.filter((x) => x.rows !== undefined).map((x) => ({
      set: x.name,
      rows: x.rows!,
    })),
    draws: result.pairs.filter((p) => p.spreadOn).map((p) => ({
      where: `${p.set}, ${p.family}`,
      rows: p.spreadOn!.rows,
      all: p.nTrain + p.nTest,
    })),
    maxAccuracyGap: gap,
    minAgreement: agree,
    intervalFlagged: flagged,
    intervalTested: tested,
    pairedRejects: rejects,
    pairs: result.pairs.length,
    seconds: result.seconds,
  };
}

/**
 * What the notebook's prose says about Section 6.1's verdicts, read from the
 * notebook's claims AFTER Holm (`applyHolm(powerGuard(allClaims))`), so the
 * prose and the ledger agree.
 *
 * @category Section 6: student output uncertainty
 */
export interface VerdictSummary {
  /** Per kind of claim (accuracy, entropy, teacher-student), counts of each verdict. */
  counts: {
    kind: string;
    reproduced: number;
    differs: number;
    inconclusive: number;
    none: number;
  }[];
  /** One Markdown line per 6.1 claim that differs: what, ours, the paper's, and the investigation. */
  differLines: string[];
}

/**
 * {@link VerdictSummary} of the decided claims of a notebook (only Section 6.1's are read).
 *
 * @category Section 6: student output uncertainty
 */
export function verdictSummary(
  decided: readonly Claim[],
  result: StudentOutputResult,
): VerdictSummary {
  const kinds: [string, RegExp][] = [
    ["accuracy", /-accuracy$/],
    ["mean entropy against the paper's", /-entropy-(all|correct|incorrect)$/],
    ["teacher − student entropy (no difference)", /-teacher-student-/],
  ];
  const counts = kinds.map(([kind, re]) => {
    const cs = decided.filter((c) => re.test(c.id));
    const n = (v: string) => cs.filter((c) => c.verdict === v).length;
    return {
      kind,
      reproduced: n("reproduced"),
      differs: n("differs"),
      inconclusive: n("inconclusive"),
      none: n("not testable here"),
    };
  });
  const cells = entropyCells(result);
  const num = (v: number | string | null) => typeof v === "number" ? v.toFixed(3) : String(v);
  const differLines = decided.filter((c) =>
    c.verdict === "differs" && kinds.some(([, re]) => re.test(c.id))
  ).map((c) => {
    let line = `${c.claim}: ours ${num(c.ours)} ± ${c.se?.toPrecision(2)}, the paper ${
      num(c.paper)
    }`;
    const cell = cells.find((x) =>
      c.id.endsWith(`-${x.role}-entropy-all`) && x.group === "All" &&
      c.claim.startsWith(`${x.set}, ${x.family}:`)
    );
    if (cell?.movers !== undefined) {
      line += cell.movers.length
        ? `; the investigation reaches it with ${cell.movers.join(", ")}`
        : "; no single investigated choice reaches it";
    }
    return line;
  });
  return { counts, differLines };
}
