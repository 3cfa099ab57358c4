/**
 * The steps of notebook 06, Section 6.1 (student output uncertainty in classification): the
 * settings and step functions (one setting in, rows out) that the notebook's sweep, the tests
 * and the shards call. No figure, table, claim or prose: the notebook's cells build those, from
 * a run here or a merged shard run ({@link mergedOrRun}). Section 6.2 is `06_llm_consistency.ts`.
 * Run r, the unit of the SEs, trains teacher and student from init seeds `seed + 2r`,
 * `seed + 2r + 1` on split seed `1 + r`; run 0 is the paper's split and the tables' headline run.
 *
 * @module
 */
import process from "node:process";
import type { Scale } from "../lib/config.ts";
import * as sets from "../lib/data/mod.ts";
import { hardLabels, softLabels, softTargetProblem } from "../lib/distill/mod.ts";
import { fitCohort, predictCohort } from "../lib/nn/mod.ts";
import { sampleWithoutReplacement } from "../lib/random.ts";
import * as unc from "../lib/uncertainty/mod.ts";
import { fitLogisticLbfgs, predictLogistic } from "../lib/uncertainty/logistic_lbfgs.ts";
import { sweep } from "../tools/sweep.ts";
import type { ExperimentConfig, RunOptions } from "../tools/sweep.ts";

/** A sharded run's merged result, or the sweep run here (tools/merged.ts). */
export { mergedOrRun } from "../tools/merged.ts";

// ---------------------------------------------------------------- settings

/** The five data sets of Section 6.1. */
export type StudentOutputSet = "Wine" | "Breast Cancer" | "Digits" | "MNIST" | "Covertype";
/** The two model families: Table 3 (logistic) and Table 4 (NN). */
export type StudentOutputFamily = "logistic" | "NN";

/** The protocol's free choices; the reference values are {@link REFERENCE_PROTOCOL}. */
export interface StudentOutputProtocol {
  splitSeed: number; // scikit-learn random_state of the stratified split
  testSize: number; // test share of the split
  scaler: "full" | "train"; // rows the scaler is fitted on: all (before the split) or training
  epochs: number; // full-batch Adam epochs
  lr: number; // Adam learning rate
  widthFactor: number; // NN hidden widths times this (1: d-128-C teacher, d-64-C student)
  solver: "adam" | "lbfgs-l2"; // logistic pairs: Adam, or scikit-learn's L-BFGS with L2, C = 1
  temperature: number | null; // student targets: null for argmax labels, else softmax(z_T / T)
}

/** The authors' protocol (docs/protocols.md, "6.1 Classification"). */
export const REFERENCE_PROTOCOL: Readonly<StudentOutputProtocol> = Object.freeze({
  ...{ splitSeed: 1, testSize: 0.2, scaler: "full" as const, epochs: 300, lr: 0.01 },
  ...{ widthFactor: 1, solver: "adam" as const, temperature: null },
});

/** One data set of the run. */
export interface StudentOutputSetSpec {
  name: StudentOutputSet;
  seeds: number; // init seeds at the reference split (teacher k and student k per seed)
  splitSeeds: number; // runs (init x split seeds); run 0 is the headline run
  rows?: number; // keep this many rows (a seeded subsample) before the split; default all
}

/** One variation of the investigation: a name and the protocol fields it changes. */
export interface StudentOutputVariant {
  key: string; // short, unique
  label: string; // what is changed, in words
  choice: string; // which free choice ("solver", "temperature", "epochs", "width", ...)
  change: Partial<StudentOutputProtocol>; // the fields changed from the reference
  families?: readonly StudentOutputFamily[]; // families it applies to (default both)
}

/** Configuration of {@link runStudentOutput}. */
export interface StudentOutputConfig extends ExperimentConfig {
  sets: StudentOutputSetSpec[]; // in table order
  protocol: StudentOutputProtocol; // the reference (epochs scale down only at smoke)
  covertypeRows: number; // Covertype: rows drawn from the shipped 150,000 (the paper: 50,000)
  families?: StudentOutputFamily[]; // default both, Table 3 then Table 4
  bins: number; // equal-width confidence bins of the reliability diagrams
  minGroup: number; // groups smaller than this get "—" for the paper's "Significant?"
  resamples: number; // bootstrap resamples of the paired comparison
  investigate: { sets: StudentOutputSet[]; seeds: number; variants: StudentOutputVariant[] };
}

/** The variants the investigation tries, one free choice at a time. */
export const INVESTIGATION_VARIANTS: readonly StudentOutputVariant[] = [
  {
    ...{ key: "lbfgs", label: "L-BFGS with L2, C = 1 (scikit-learn's LogisticRegression)" },
    ...{ choice: "solver", change: { solver: "lbfgs-l2" }, families: ["logistic"] },
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
    ...{ key: "width-half", label: "widths halved (64 / 32)", choice: "width" },
    ...{ change: { widthFactor: 0.5 }, families: ["NN"] },
  },
  {
    ...{ key: "width-double", label: "widths doubled (256 / 128)", choice: "width" },
    ...{ change: { widthFactor: 2 }, families: ["NN"] },
  },
  {
    ...{ key: "scaler-train", label: "scaler fitted on the training split", choice: "scaler" },
    change: { scaler: "train" },
  },
  { key: "test-0.3", label: "test split 30%", choice: "test split", change: { testSize: 0.3 } },
];

/**
 * The configuration at a scale. `paper`: 15 runs on every data set (all rows) and 10 init seeds
 * at split seed 1 on the small sets; `default`: 5 runs on every set, all rows (a full-MNIST run
 * fits because the native kernel trains on the inputs' sparse form, lib/nn/sparse.ts); `smoke`:
 * 30 epochs, MNIST and Covertype on 1,000-row subsamples.
 */
export function studentOutputConfig(scale: Scale): StudentOutputConfig {
  const counts = {
    smoke: { small: [2, 3], large: [1, 3], rows: 1000, inv: 1 },
    default: { small: [5, 5], large: [1, 5], rows: undefined, inv: 3 },
    paper: { small: [10, 15], large: [3, 15], rows: undefined, inv: 5 },
  }[scale];
  if (!counts) throw new RangeError(`scale must be smoke, default or paper, got ${scale}.`);
  const set = (name: StudentOutputSet, [seeds, splitSeeds]: number[], rows?: number) => ({
    ...{ name, seeds, splitSeeds },
    ...(rows === undefined ? {} : { rows }),
  });
  const small = ["Wine", "Breast Cancer", "Digits"] as StudentOutputSet[];
  const investigated = { smoke: ["Wine"], default: small, paper: [...small, "MNIST"] };
  return {
    scale,
    seed: 1,
    sets: [
      ...small.map((name) => set(name, counts.small)),
      ...(["MNIST", "Covertype"] as const).map((name) => set(name, counts.large, counts.rows)),
    ],
    protocol: { ...REFERENCE_PROTOCOL, epochs: scale === "smoke" ? 30 : 300 },
    ...{ covertypeRows: 50_000, bins: 15, minGroup: 3 },
    resamples: scale === "smoke" ? 200 : 2000,
    investigate: {
      sets: investigated[scale] as StudentOutputSet[],
      seeds: counts.inv,
      variants: [...INVESTIGATION_VARIANTS],
    },
  };
}

// ---------------------------------------------------------------- steps

type Probs = Float32Array | Float64Array;
type Dataset = sets.ClassificationDataset;
type Split = sets.ClassificationSplit;
type Family = StudentOutputFamily;
type Config = StudentOutputConfig;
type SetSpec = StudentOutputSetSpec;
type Variant = StudentOutputVariant;
type Loader = (spec: SetSpec) => Promise<Dataset>;

/** Load one data set (with the run's subsample) as the paper prepares it before the split. */
export async function loadStudentOutputSet(
  spec: StudentOutputSetSpec,
  config: Pick<StudentOutputConfig, "seed" | "covertypeRows">,
): Promise<Dataset> {
  const loaders: Record<StudentOutputSet, () => Promise<Dataset>> = {
    Wine: sets.loadWine,
    "Breast Cancer": sets.loadBreastCancer,
    Digits: sets.loadDigits,
    MNIST: () => sets.loadMnist({ split: "all" }),
    Covertype: () => sets.loadCovertype({ rows: config.covertypeRows, seed: config.seed }),
  };
  if (!Object.hasOwn(loaders, spec.name)) {
    throw new RangeError(
      `set name must be Wine, Breast Cancer, Digits, MNIST or Covertype, got ${spec.name}.`,
    );
  }
  const ds = await loaders[spec.name]();
  if (spec.rows === undefined || spec.rows >= ds.n) return ds;
  // A seeded draw of `rows` rows (kept in their original order), named after it.
  const idx = Array.from(sampleWithoutReplacement(config.seed, ds.n, spec.rows))
    .sort((a, b) => a - b);
  const name = `${ds.name}, ${spec.rows.toLocaleString("en-US")} rows drawn (seed ${config.seed})`;
  return { ...sets.subsetRows(ds, idx), name };
}

const prepare = (ds: Dataset, p: StudentOutputProtocol): Split =>
  sets.prepareClassification(ds, {
    splitSeed: p.splitSeed,
    scaler: p.scaler,
    testSize: p.testSize,
  });

/** Test-set probabilities of `seeds` teachers and their students, seeds x m x C each. */
export async function distill(
  data: Split,
  family: Family,
  p: StudentOutputProtocol,
  seeds: number,
  seed: number,
): Promise<{ teacher: Probs; student: Probs; seeds: number }> {
  const C = data.classes.length, n = data.nTrain, m = data.nTest, x = data.xTrain;
  if (family === "logistic" && p.solver === "lbfgs-l2") {
    // Deterministic (zero start): one fit stands for every seed.
    const t = fitLogisticLbfgs(x, n, data.d, data.yTrain, C);
    const s = fitLogisticLbfgs(x, n, data.d, hardLabels(predictLogistic(t, x, n), C), C);
    const [teacher, student] = [t, s].map((f) => predictLogistic(f, data.xTest, m));
    return { teacher, student, seeds: 1 };
  }
  const [hT, hS] = family === "NN" ? [128, 64].map((h) => Math.round(h * p.widthFactor)) : [0, 0];
  const common = { d: data.d, outputs: C, loss: "cross-entropy" as const, students: seeds };
  const adam = { ...common, epochs: p.epochs, lr: p.lr };
  const teachers = await fitCohort({ ...adam, x, n, hidden: hT, targets: data.yTrain, seed });
  const teacher = predictCohort(teachers, data.xTest, m);
  if (p.temperature === null) {
    const labels = hardLabels(predictCohort(teachers, x, n), C); // seeds x n
    const hard = { x, n, hidden: hS, targets: labels, seed: seed + 1 };
    const students = await fitCohort({ ...adam, ...hard });
    return { teacher, student: predictCohort(students, data.xTest, m), seeds };
  }
  // Soft labels: softmax(z_T / T) as a weighted hard-label problem; deployed as softmax(T z_S).
  const T = p.temperature;
  const logits = predictCohort(teachers, x, n, { probabilities: false });
  const prob = softTargetProblem(x, n, data.d, softLabels(logits, C, T), C, { minWeight: 1e-4 });
  const students = await fitCohort({
    ...adam,
    ...{ x: prob.x, n: prob.n, hidden: hS, targets: prob.targets, weights: prob.weights },
    seed: seed + 1,
  });
  const z = predictCohort(students, data.xTest, m, { probabilities: false });
  return { teacher, student: softLabels(z, C, 1 / T), seeds };
}

/** Accuracy (%) and entropy groups (population std) of one model on the test split. */
function scoreModel(p: Probs, y: Int32Array, C: number) {
  const predicted = hardLabels(p, C), entropy = Float64Array.from(unc.predictiveEntropy(p, C));
  let hits = 0;
  for (let i = 0; i < y.length; i++) hits += predicted[i] === y[i] ? 1 : 0;
  const groups = unc.groupStatistics(entropy, predicted, y);
  return { accuracy: (100 * hits) / y.length, groups, predicted, entropy };
}

/** A model's score: accuracy (%) and entropy groups. */
export type ModelScore = { accuracy: number; groups: unc.GroupStatistics };

/** Model k of a cohort's test probabilities (k x m x C). */
const slice = (p: Probs, k: number, m: number, C: number) => p.subarray(k * m * C, (k + 1) * m * C);

/** The mean of numbers. */
export const meanOf = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export const sdOf = (a: readonly number[]): number =>
  a.length < 2 ? 0 : Math.sqrt(a.reduce((s, v) => s + (v - meanOf(a)) ** 2, 0) / (a.length - 1));

/** Init seed k: both models' scores, agreement (%), the paper's rows, the paired comparison. */
function seedScore(pt: Probs, ps: Probs, data: Split, k: number, config: Config) {
  const C = data.classes.length, m = data.nTest;
  const t = scoreModel(pt, data.yTest, C), s = scoreModel(ps, data.yTest, C);
  let agree = 0;
  for (let i = 0; i < m; i++) agree += t.predicted[i] === s.predicted[i] ? 1 : 0;
  const resamples = config.resamples;
  const pc = unc.pairedComparison(t.entropy, s.entropy, { seed: config.seed + k, resamples });
  return {
    teacher: { accuracy: t.accuracy, groups: t.groups } as ModelScore,
    student: { accuracy: s.accuracy, groups: s.groups } as ModelScore,
    agreement: (100 * agree) / m,
    rows: unc.compareGroups(t.groups, s.groups),
    paired: {
      ...{ diff: pc.tTest.meanDifference, se: pc.tTest.standardError },
      ...{ low: pc.bootstrap.low, high: pc.bootstrap.high },
      ...{ pT: pc.tTest.pValue, pW: pc.wilcoxon.pValue },
    },
  };
}

/** One init seed of a teacher-student pair at the reference split. */
export type SeedScore = ReturnType<typeof seedScore>;
/** Reliability bins of teacher and student. */
type Reliability = { model: "teacher" | "student"; bins: unc.ReliabilityBin[]; ece: number }[];

/** A pair's headline run: `seeds` init seeds at split seed 1, the first's reliability bins. */
export async function headlineStep(ds: Dataset, family: Family, seeds: number, config: Config) {
  const t0 = performance.now();
  const data = prepare(ds, config.protocol);
  const C = data.classes.length, m = data.nTest, y = data.yTest, bins = config.bins;
  const out = await distill(data, family, config.protocol, seeds, config.seed);
  const scores: SeedScore[] = [];
  let reliability: Reliability = [];
  for (let k = 0; k < out.seeds; k++) {
    const pt = slice(out.teacher, k, m, C), ps = slice(out.student, k, m, C);
    scores.push(seedScore(pt, ps, data, k, config));
    if (k === 0 && m >= 300) {
      reliability = [
        {
          model: "teacher",
          bins: unc.reliabilityBins(pt, y, C, { bins }),
          ece: unc.expectedCalibrationError(pt, y, C, { bins }),
        },
        {
          model: "student",
          bins: unc.reliabilityBins(ps, y, C, { bins }),
          ece: unc.expectedCalibrationError(ps, y, C, { bins }),
        },
      ];
    }
  }
  return {
    ...{ seeds: scores, reliability, dataName: ds.name, protocolLine: data.protocol },
    ...{ nTrain: data.nTrain, nTest: data.nTest, classes: C },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** What {@link headlineStep} returns. */
export type Headline = Awaited<ReturnType<typeof headlineStep>>;

/** Run 0 of a pair: the first init seed of the headline run, on the reference split. */
function firstRun(first: SeedScore, config: Config) {
  return {
    ...{ splitSeed: config.protocol.splitSeed, initSeed: config.seed },
    ...{ accT: first.teacher.accuracy, accS: first.student.accuracy },
    ...{ hT: first.teacher.groups.all.mean, hS: first.student.groups.all.mean },
    ...{ teacher: first.teacher.groups, student: first.student.groups },
  };
}

/** One run of a pair: split seed, teacher init seed (student: + 1), accuracies, entropies. */
export type RunScore = ReturnType<typeof firstRun>;

/** Run k >= 1 of a pair: init seeds `seed + 2k` (teacher), `seed + 2k + 1` on split `1 + k`. */
export async function runStep(ds: Dataset, family: Family, k: number, config: Config) {
  const t0 = performance.now();
  const q = { ...config.protocol, splitSeed: config.protocol.splitSeed + k };
  const d2 = prepare(ds, q);
  const initSeed = config.seed + 2 * k;
  const o = await distill(d2, family, q, 1, initSeed);
  const C2 = d2.classes.length, m2 = d2.nTest;
  const t = scoreModel(slice(o.teacher, 0, m2, C2), d2.yTest, C2);
  const s = scoreModel(slice(o.student, 0, m2, C2), d2.yTest, C2);
  const run: RunScore = {
    ...{ splitSeed: q.splitSeed, initSeed, accT: t.accuracy, accS: s.accuracy },
    ...{ hT: t.groups.all.mean, hS: s.groups.all.mean, teacher: t.groups, student: s.groups },
  };
  return { ...run, seconds: (performance.now() - t0) / 1000 };
}

/** A pair's result from its headline run and its runs. */
function pairOf(set: StudentOutputSet, family: Family, h: Headline, splits: RunScore[], t: number) {
  const { dataName, protocolLine, nTrain, nTest, classes, seeds, reliability } = h;
  const counts = { nTrain, nTest, classes };
  return { set, family, dataName, protocolLine, ...counts, seeds, splits, reliability, seconds: t };
}

/** A pair: the headline run's init seeds (`seeds`), the runs (`splits`), reliability bins. */
export type PairResult = ReturnType<typeof pairOf>;

/** A whole pair in one step: the headline run, then runs 1, 2, ... (the small data sets). */
export async function pairStep(ds: Dataset, spec: SetSpec, family: Family, config: Config) {
  const t0 = performance.now();
  const h = await headlineStep(ds, family, spec.seeds, config);
  const splits: RunScore[] = [firstRun(h.seeds[0], config)];
  for (let k = 1; k < spec.splitSeeds; k++) {
    const { seconds: _, ...row } = await runStep(ds, family, k, config);
    splits.push(row);
  }
  return pairOf(spec.name, family, h, splits, (performance.now() - t0) / 1000);
}

/** Mean and SD over init seeds of the All-group entropies, and mean accuracies. */
function overSeeds(t: ModelScore[], s: ModelScore[]) {
  const hT = t.map((x) => x.groups.all.mean), hS = s.map((x) => x.groups.all.mean);
  return {
    seeds: t.length,
    ...{ hT: meanOf(hT), hS: meanOf(hS), sdT: sdOf(hT), sdS: sdOf(hS) },
    accT: meanOf(t.map((x) => x.accuracy)),
    accS: meanOf(s.map((x) => x.accuracy)),
  };
}

/** One variant of the investigation on one pair: mean entropies and accuracies over seeds. */
export async function variantStep(
  ds: Dataset,
  set: StudentOutputSet,
  family: Family,
  v: Variant,
  config: Config,
) {
  const p = { ...config.protocol, ...v.change };
  const data = prepare(ds, p);
  const C = data.classes.length, m = data.nTest;
  const out = await distill(data, family, p, config.investigate.seeds, config.seed);
  const t: ModelScore[] = [], s: ModelScore[] = [];
  for (let k = 0; k < out.seeds; k++) {
    t.push(scoreModel(slice(out.teacher, k, m, C), data.yTest, C));
    s.push(scoreModel(slice(out.student, k, m, C), data.yTest, C));
  }
  return { set, family, variant: v.key, label: v.label, choice: v.choice, ...overSeeds(t, s) };
}

/** A variant ("reference": the protocol) on a pair: means and SDs over init seeds (`hT`, `hS`). */
export type InvestigationRow = Awaited<ReturnType<typeof variantStep>>;

// ---------------------------------------------------------------- the sweep

function checkConfig(config: StudentOutputConfig): void {
  const fn = "runStudentOutput";
  if (!config || typeof config !== "object" || !Array.isArray(config.sets)) {
    throw new TypeError(`${fn}: config must come from studentOutputConfig(scale).`);
  }
  if (config.sets.length === 0) throw new RangeError(`${fn}: config.sets is empty.`);
  const bad = (what: string, v: unknown, min: number, more = "") => {
    if (Number.isInteger(v) && (v as number) >= min) return;
    throw new RangeError(`${fn}: ${what} must be an integer >= ${min}${more}, got ${v}.`);
  };
  for (const s of config.sets) {
    bad(`sets "${s.name}".seeds`, s.seeds, 1);
    bad(`sets "${s.name}".splitSeeds`, s.splitSeeds, 1);
    if (s.rows !== undefined) bad(`sets "${s.name}".rows`, s.rows, 10, " (or left out)");
  }
  bad("protocol.epochs", config.protocol.epochs, 1);
  const lr = config.protocol.lr;
  if (!(lr > 0)) throw new RangeError(`${fn}: protocol.lr must be > 0, got ${lr}.`);
  bad("investigate.seeds", config.investigate.seeds, 1);
}

/**
 * One unit of the sweep: a small set's whole pair ("pair"), a large set's headline run
 * ("first") or one of its further runs ("run"), or one variant of the investigation.
 */
export type StudentOutputUnit =
  | { kind: "pair" | "first"; set: StudentOutputSet; family: Family }
  | { kind: "run"; set: StudentOutputSet; family: Family; run: number }
  | { kind: "variant"; set: StudentOutputSet; family: Family; variant: number };

const familiesOf = (c: StudentOutputConfig): Family[] => c.families ?? ["logistic", "NN"];
const isLarge = (set: StudentOutputSet) => set === "MNIST" || set === "Covertype";

/**
 * The units in sweep order, each independent of the others (each fixes its own seeds): the
 * large sets' headline runs first (networks first), so the longest chains start at once, then
 * their further runs one unit each, the small sets' pairs, and the investigation's variants.
 */
export function studentOutputUnits(config: StudentOutputConfig): StudentOutputUnit[] {
  const families = familiesOf(config);
  const pairs = config.sets.flatMap((spec) => families.map((family) => ({ spec, family })));
  const nnFirst = (f: Family) => f === "NN" ? 0 : 1;
  const large = pairs.filter((j) => isLarge(j.spec.name))
    .sort((a, b) => nnFirst(a.family) - nnFirst(b.family));
  const runs = ({ spec, family }: (typeof pairs)[number]) =>
    Array.from({ length: spec.splitSeeds - 1 }, (_, k) => ({ set: spec.name, family, run: k + 1 }));
  const units: StudentOutputUnit[] = [
    ...large.map(({ spec, family }) => ({ kind: "first" as const, set: spec.name, family })),
    ...large.flatMap(runs).map((r) => ({ kind: "run" as const, ...r })),
    ...pairs.filter((j) => !isLarge(j.spec.name))
      .map(({ spec, family }) => ({ kind: "pair" as const, set: spec.name, family })),
  ];
  for (const set of config.investigate.sets) {
    if (!config.sets.some((s) => s.name === set)) continue;
    for (const family of families) {
      config.investigate.variants.forEach((v, variant) => {
        if (!v.families || v.families.includes(family)) {
          units.push({ kind: "variant", set, family, variant });
        }
      });
    }
  }
  return units;
}

/** A unit's name in progress lines. */
function unitName(u: StudentOutputUnit, config: StudentOutputConfig): string {
  const n = config.sets.find((s) => s.name === u.set)!.splitSeeds;
  const where = `${u.set}, ${u.family}`;
  if (u.kind === "variant") {
    return `investigation: ${where}, ${config.investigate.variants[u.variant].key}`;
  }
  if (u.kind === "run") return `${where}, run ${u.run + 1} of ${n}`;
  return u.kind === "first" ? `${where}, run 1 of ${n}` : where;
}

/** The step of one unit; `load` gives a data set (loaded once per run). */
export async function studentOutputStep(config: Config, load: Loader, u: StudentOutputUnit) {
  const spec = config.sets.find((s) => s.name === u.set)!;
  const ds = await load(spec);
  switch (u.kind) {
    case "pair":
      return { kind: u.kind, value: await pairStep(ds, spec, u.family, config) };
    case "first":
      return { kind: u.kind, value: await headlineStep(ds, u.family, spec.seeds, config) };
    case "run":
      return { kind: u.kind, value: await runStep(ds, u.family, u.run, config) };
    case "variant": {
      const v = config.investigate.variants[u.variant];
      return { kind: u.kind, value: await variantStep(ds, u.set, u.family, v, config) };
    }
  }
}

/** What a unit makes. */
type Done = Awaited<ReturnType<typeof studentOutputStep>>;
type TimedRun = RunScore & { seconds: number };

/** The pairs, in table order, from the units' results (in sweep order). */
function assemblePairs(config: StudentOutputConfig, units: StudentOutputUnit[], done: Done[]) {
  const key = (set: StudentOutputSet, family: Family) => `${set}/${family}`;
  const full = new Map<string, PairResult>(), firsts = new Map<string, Headline>();
  const runs = new Map<string, TimedRun[]>();
  units.forEach((u, i) => {
    const d = done[i], k = key(u.set, u.family);
    if (d.kind === "pair") full.set(k, d.value);
    else if (d.kind === "first") firsts.set(k, d.value);
    else if (d.kind === "run") runs.set(k, [...(runs.get(k) ?? []), d.value]);
  });
  return config.sets.flatMap((spec) =>
    familiesOf(config).map((family) => {
      const k = key(spec.name, family);
      if (full.has(k)) return full.get(k)!;
      // Units run in sweep order, so runs.get(k) is in run order.
      const first = firsts.get(k)!, rest = runs.get(k) ?? [];
      const splits = [firstRun(first.seeds[0], config), ...rest.map(({ seconds: _, ...r }) => r)];
      const seconds = first.seconds + rest.reduce((a, r) => a + r.seconds, 0);
      return pairOf(spec.name, family, first, splits, seconds);
    })
  );
}

/** The investigation: per investigated pair its reference (the pair's first seeds) first. */
function investigationRows(
  config: StudentOutputConfig,
  pairs: PairResult[],
  variantRows: InvestigationRow[],
): InvestigationRow[] {
  const families = familiesOf(config), rows: InvestigationRow[] = [];
  const ref = { variant: "reference", label: "reference protocol", choice: "reference" };
  for (const set of config.investigate.sets) {
    for (const family of families) {
      const pr = pairs.find((p) => p.set === set && p.family === family);
      if (!pr) continue;
      const first = pr.seeds.slice(0, Math.min(config.investigate.seeds, pr.seeds.length));
      const scores = overSeeds(first.map((s) => s.teacher), first.map((s) => s.student));
      rows.push({ set, family, ...ref, ...scores });
    }
  }
  rows.push(...variantRows);
  // Group the rows by pair, the reference first in each group (a stable sort).
  const order = (r: InvestigationRow) =>
    config.investigate.sets.indexOf(r.set) * 2 + families.indexOf(r.family);
  return rows.sort((a, b) => order(a) - order(b));
}

/**
 * Run Section 6.1: every unit of {@link studentOutputUnits} in one sweep on as many lanes as
 * the machine has cores (a shard runs only its own units), then the pairs and the
 * investigation assembled from them; wall seconds, and CPU seconds over all threads or null.
 *
 * @throws TypeError/RangeError when the configuration is malformed (before any training).
 */
export async function runStudentOutput(config: StudentOutputConfig, options: RunOptions = {}) {
  checkConfig(config);
  const t0 = performance.now(), cpu0 = cpuSeconds();
  const loaded = new Map<StudentOutputSet, Promise<Dataset>>();
  const load = (spec: StudentOutputSetSpec) => {
    if (!loaded.has(spec.name)) loaded.set(spec.name, loadStudentOutputSet(spec, config));
    return loaded.get(spec.name)!;
  };
  const units = studentOutputUnits(config);
  const done = await sweep(units, (u) => studentOutputStep(config, load, u), {
    label: "Section 6.1",
    name: (u) => unitName(u, config),
    progress: options.progress,
    lanes: hardwareThreads(),
  });
  const pairs = assemblePairs(config, units, done);
  const variantRows = done.flatMap((d) => d.kind === "variant" ? [d.value] : []);
  const investigation = investigationRows(config, pairs, variantRows);
  const cpu1 = cpuSeconds();
  const seconds = (performance.now() - t0) / 1000;
  return {
    ...{ config, pairs, investigation, seconds },
    cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
  };
}

/** What {@link runStudentOutput} returns. */
export type StudentOutputResult = Awaited<ReturnType<typeof runStudentOutput>>;

/** CPU seconds of this process so far (all threads: workers included), or null. */
function cpuSeconds(): number | null {
  try {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  } catch {
    return null;
  }
}

/** Lanes of the sweep: the machine's hardware threads. */
const hardwareThreads = () => Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
