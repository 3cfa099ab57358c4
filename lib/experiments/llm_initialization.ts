/**
 * Section 5.1 with language models and Appendix D (docs/protocols.md,
 * "Section 5"): students start from the pre-trained base plus relative
 * Gaussian noise, p ← p + N(0,1)·|p|·s, at increasing scales s, and are
 * fine-tuned on the same fixed greedy teacher answers in the same data
 * order; only the perturbation differs between students. Then alignment
 * with the teacher and inter-student variance against s (Figure 6's LLM
 * panels), one attention weight's trajectory per student (Figure 12), and
 * the parameter variance across students before and after fine-tuning.
 *
 * Student s draws its perturbation from `new Rng(seed).child(s).child(1)`
 * at every level (common random numbers: the same direction, scaled), so
 * trends in s are tested paired over students (the claims' SEs are over
 * students; the SEs over questions are kept for the prose). At s = 0 every
 * student is the same network (a built-in check, shown as an identity check),
 * so the variance trend is tested over s > 0.
 *
 * @module
 */
import type { Scale } from "../config.ts";
import type { Chart } from "../plot/chart.ts";
import { facet, hconcat } from "../plot/compose.ts";
import { lineBand } from "../plot/line_band.ts";
import { type Claim, claimDirection, claimIdentity, claimNotTestable } from "../report/claims.ts";
import { type Table, table } from "../report/table.ts";
import { Rng } from "../random.ts";
import { cloneGpt, disposeGpt, gptValues } from "../llm/model.ts";
import { addRelativeNoise, trainOnQa } from "../llm/train.ts";
import { type MeanSe, meanSe } from "../llm/quality.ts";
import type { Embedding } from "../llm/text_average.ts";
import {
  alignment,
  hallucinationRates,
  type InterStudentVariance,
  interStudentVariance,
  LLM_UNIT_SECONDS,
  type LlmCohortConfig,
  type LlmSetup,
  sampleAnswers,
  slopeAcrossUnits,
  type SlopeTest,
  type TwoWaySe,
} from "./llm_setup.ts";
import { KEPT_FRACTION, SECTION5_PAPER } from "./student_initialization_claims.ts";
import { sweep } from "./sweep.ts";
import type { RunOptions } from "./types.ts";

/**
 * Counts of the initialization experiment.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface LlmInitializationConfig extends LlmCohortConfig {
  /** Relative perturbation scales s (0 = the base itself). */
  levels: number[];
  /** The tracked attention weight (Figure 12): a parameter name pattern resolved on the model, and a flat index. */
  track: { layer: number; index: number };
}

/**
 * The configuration at a scale. `default` (10 students per level, 3 epochs,
 * 400 training questions) keeps notebooks 04 and 05's language-model parts
 * within about 8.5 minutes on a quiet 2-core machine with the native engine
 * (the budget is 12); `paper` has the paper's 20 students per level.
 *
 * @category Section 5: student initialization uncertainty
 */
export function llmInitializationConfig(scale: Scale = "default"): LlmInitializationConfig {
  const base = {
    scale,
    seed: 5100,
    levels: [0, 0.01, 0.02, 0.05, 0.1],
    batchSize: 10,
    track: { layer: 0, index: 0 },
  };
  switch (scale) {
    case "smoke":
      return {
        ...base,
        students: 3,
        trainQuestions: 12,
        evalQuestions: 10,
        epochs: 1,
        learningRate: 1e-3,
      };
    case "default":
      return {
        ...base,
        students: 10,
        trainQuestions: 400,
        evalQuestions: 200,
        epochs: 3,
        learningRate: 1e-3,
      };
    case "paper":
      return {
        ...base,
        students: 20,
        trainQuestions: 3989,
        evalQuestions: 443,
        epochs: 3,
        learningRate: 5e-4,
      };
    default:
      throw new RangeError(
        `llmInitializationConfig: scale must be smoke, default or paper; got "${scale}".`,
      );
  }
}

/**
 * Expected seconds of {@link runLlmInitialization} on a quiet machine (an
 * estimate from the counts and {@link LLM_UNIT_SECONDS}).
 *
 * @category Section 5: student initialization uncertainty
 */
export function llmInitializationSeconds(c: LlmInitializationConfig): number {
  const models = c.levels.length * c.students, u = LLM_UNIT_SECONDS;
  return models * c.trainQuestions * c.epochs * u.pairEpoch +
    (c.trainQuestions + (1 + models) * c.evalQuestions) * u.greedy +
    (2 + models) * c.evalQuestions * u.embed;
}

/**
 * One perturbation level.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface LlmInitializationLevel {
  /** The relative perturbation scale. */
  s: number;
  /** Student greedy answers against the teacher's greedy answers. */
  alignment: TwoWaySe;
  /** Inter-student variance of the answer embeddings. */
  inter: InterStudentVariance;
  /** Hallucination rate of the students' answers. */
  hallucination: TwoWaySe;
  /** Final-epoch training loss across students. */
  trainLoss: MeanSe;
  /** Mean over all parameters of the variance across students (n − 1), before fine-tuning. */
  paramVarBefore: number;
  /** The same after fine-tuning. */
  paramVarAfter: number;
  /** After minus before, with its jackknife SE over students. */
  paramVarGrowth: { value: number; se: number };
  /** After − KEPT_FRACTION × before (> 0: fine-tuning keeps more than that share of the spread), jackknife SE over students. */
  paramVarKept: { value: number; se: number };
  /** Per student: the tracked weight at the start and after every update. */
  trajectories: number[][];
}

/**
 * What {@link runLlmInitialization} returns.
 *
 * @category Section 5: student initialization uncertainty
 */
export interface LlmInitializationResult {
  config: LlmInitializationConfig;
  description: string;
  seconds: number;
  /** The tracked parameter's name and flat index. */
  tracked: { name: string; index: number };
  /** Parameters per student. */
  parameters: number;
  levels: LlmInitializationLevel[];
  /** The teacher's greedy answers: hallucination rate. */
  teacherHallucination: TwoWaySe;
  trends: {
    /** Alignment in s: paired over questions and over students (common random numbers). */
    alignment: { questions: SlopeTest; students: SlopeTest };
    /** Inter-student variance in s: paired over questions; over students by a jackknife. */
    inter: { questions: SlopeTest; students: SlopeTest };
    /**
     * Inter-student variance in s over the levels s > 0 only (it is 0 at s = 0 by design),
     * jackknife over students; null with fewer than two levels s > 0.
     */
    interPositive: SlopeTest | null;
    /** Hallucination in s, paired over questions. */
    hallucination: SlopeTest;
  };
}

function checkConfig(c: LlmInitializationConfig, setup: LlmSetup): void {
  const fn = "runLlmInitialization";
  for (
    const [k, min] of [
      ["students", 3],
      ["trainQuestions", 1],
      ["evalQuestions", 2],
      ["epochs", 1],
      ["batchSize", 1],
    ] as const
  ) {
    const v = c[k];
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(`${fn}: config.${k} must be an integer >= ${min}, got ${v}.`);
    }
  }
  if (c.levels.length < 2 || !c.levels.every((s) => s >= 0 && isFinite(s))) {
    throw new RangeError(`${fn}: config.levels needs at least 2 finite scales >= 0.`);
  }
  if (!Number.isInteger(c.seed)) throw new RangeError(`${fn}: config.seed must be an integer.`);
  if (c.trainQuestions > setup.qa.train.length || c.evalQuestions > setup.qa.test.length) {
    throw new RangeError(
      `${fn}: config asks for ${c.trainQuestions} training and ${c.evalQuestions} test questions; ` +
        `the split has ${setup.qa.train.length} and ${setup.qa.test.length}.`,
    );
  }
  if (!(c.learningRate > 0)) throw new RangeError(`${fn}: config.learningRate must be > 0.`);
  const layers = setup.base.config.layers;
  if (!Number.isInteger(c.track.layer) || c.track.layer < 0 || c.track.layer >= layers) {
    throw new RangeError(`${fn}: config.track.layer must be in [0, ${layers}).`);
  }
}

/** Variance across students (n − 1) per entry, averaged over entries, leaving out student `skip`. */
function meanVariance(sum: Float64Array, sq: Float64Array, xs: Float32Array[], skip = -1): number {
  const n = xs.length - (skip >= 0 ? 1 : 0);
  let t = 0;
  const x = skip >= 0 ? xs[skip] : undefined;
  for (let j = 0; j < sum.length; j++) {
    const s1 = x ? sum[j] - x[j] : sum[j], s2 = x ? sq[j] - x[j] * x[j] : sq[j];
    t += (s2 - (s1 * s1) / n) / (n - 1);
  }
  return t / sum.length;
}

function sums(xs: Float32Array[]): [Float64Array, Float64Array] {
  const P = xs[0].length;
  const s1 = new Float64Array(P), s2 = new Float64Array(P);
  for (const x of xs) {
    for (let j = 0; j < P; j++) {
      s1[j] += x[j];
      s2[j] += x[j] * x[j];
    }
  }
  return [s1, s2];
}

function flat(m: Map<string, Float32Array>): Float32Array {
  let n = 0;
  for (const v of m.values()) n += v.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const v of m.values()) {
    out.set(v, o);
    o += v.length;
  }
  return out;
}

function jackknife(values: number[], full: number): { value: number; se: number } {
  const n = values.length, m = values.reduce((a, b) => a + b, 0) / n;
  return {
    value: full,
    se: Math.sqrt(((n - 1) / n) * values.reduce((a, b) => a + (b - m) ** 2, 0)),
  };
}

/** Per-dimension variance across rows (n − 1) averaged over dimensions, leaving out row `skip`. */
function dimVariance(e: readonly Embedding[], skip: number): number {
  const d = e[0].length, n = e.length - 1;
  let s = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < e.length; i++) if (i !== skip) m += e[i][j];
    m /= n;
    for (let i = 0; i < e.length; i++) if (i !== skip) s += (e[i][j] - m) ** 2;
  }
  return s / ((n - 1) * d);
}

/**
 * Run the initialization experiment on a loaded setup.
 *
 * @throws RangeError for a bad configuration, before any work.
 *
 * @category Section 5: student initialization uncertainty
 */
export async function runLlmInitialization(
  config: LlmInitializationConfig,
  setup: LlmSetup,
  options: RunOptions = {},
): Promise<LlmInitializationResult> {
  checkConfig(config, setup);
  const t0 = performance.now();
  const c = config;
  const trainQs = setup.qa.train.slice(0, c.trainQuestions).map((p) => p.question);
  const evalPairs = setup.qa.test.slice(0, c.evalQuestions);
  const evalQs = evalPairs.map((p) => p.question);
  const [targets] = setup.teacherAnswers(trainQs, { temperature: 0 });
  const data = trainQs.map((question, i) => ({ question, answer: targets[i] }))
    .filter((p) => p.answer.trim() !== "");
  const truths = await setup.embed(evalPairs.map((p) => p.answer));
  const [teacherGreedy] = setup.teacherAnswers(evalQs, { temperature: 0 });
  const teacherEmb = await setup.embed(teacherGreedy);
  const tracked = { name: `h.${c.track.layer}.attn.c_attn.w`, index: c.track.index };
  const root = new Rng(c.seed);

  const runLevel = async (s: number) => {
    const before: Float32Array[] = [], after: Float32Array[] = [];
    const answers: string[][] = [], losses: number[] = [], trajectories: number[][] = [];
    for (let k = 0; k < c.students; k++) {
      const model = cloneGpt(setup.base);
      try {
        addRelativeNoise(model, s, root.child(k).child(1));
        const b = flat(gptValues(model));
        before.push(b);
        const res = trainOnQa(model, data, {
          seed: root, // the same data order for every student
          epochs: c.epochs,
          batchSize: c.batchSize,
          learningRate: c.learningRate,
          track: tracked,
        });
        after.push(flat(gptValues(model)));
        losses.push(res.epochLosses[res.epochLosses.length - 1]);
        const start = b[offsetOf(model, tracked.name) + tracked.index];
        trajectories.push([start, ...res.trajectory]);
        [answers[k]] = sampleAnswers(model, evalQs, {
          temperature: 0,
          maxNewTokens: setup.maxNewTokens,
        });
      } finally {
        disposeGpt(model);
      }
    }
    const emb = await Promise.all(answers.map((a) => setup.embed(a)));
    const [b1, b2] = sums(before), [a1, a2] = sums(after);
    const vb = meanVariance(b1, b2, before), va = meanVariance(a1, a2, after);
    const looAfter = after.map((_, k) => meanVariance(a1, a2, after, k));
    const looBefore = before.map((_, k) => meanVariance(b1, b2, before, k));
    const loo = looAfter.map((a, k) => a - looBefore[k]);
    const looKept = looAfter.map((a, k) => a - KEPT_FRACTION * looBefore[k]);
    return {
      s,
      alignment: alignment(teacherEmb, emb),
      inter: interStudentVariance(emb),
      hallucination: hallucinationRates(emb, truths),
      trainLoss: meanSe(losses),
      paramVarBefore: vb,
      paramVarAfter: va,
      paramVarGrowth: jackknife(loo, va - vb),
      paramVarKept: jackknife(looKept, va - KEPT_FRACTION * vb),
      trajectories,
      // for the students' jackknife of the variance trend
      looInter: emb.map((_, k) =>
        evalQs.reduce((a, _q, q) => a + dimVariance(emb.map((e) => e[q]), k), 0) / evalQs.length
      ),
    };
  };
  const raw = await sweep(c.levels, runLevel, {
    label: "init perturbation",
    name: (s) => `s = ${s}`,
    progress: options.progress,
  });
  const levels: LlmInitializationLevel[] = raw.map(({ looInter: _l, ...l }) => l);
  const x = c.levels;
  const byQ = (f: (l: LlmInitializationLevel) => number[]) =>
    f(levels[0]).map((_, q) => levels.map((l) => f(l)[q]));
  // Jackknife over students of the variance slope (the same students at every level).
  const slopeOf = (ys: number[]) => slopeAcrossUnits(x, [ys, ys]).slope;
  const fullSlope = slopeOf(levels.map((l) => l.inter.mean));
  const looSlopes = Array.from(
    { length: c.students },
    (_, k) => slopeOf(raw.map((r) => r.looInter[k])),
  );
  const jk = jackknife(looSlopes, fullSlope);
  const pos = x.map((_s, i) => i).filter((i) => x[i] > 0);
  let interPositive: SlopeTest | null = null;
  if (new Set(pos.map((i) => x[i])).size >= 2) {
    const xp = pos.map((i) => x[i]);
    const slopeP = (ys: number[]) => slopeAcrossUnits(xp, [ys, ys]).slope;
    const jp = jackknife(
      Array.from({ length: c.students }, (_, k) => slopeP(pos.map((i) => raw[i].looInter[k]))),
      slopeP(pos.map((i) => levels[i].inter.mean)),
    );
    interPositive = { slope: jp.value, se: jp.se, z: jp.value / jp.se };
  }
  const perStudent = Array.from(
    { length: c.students },
    (_, k) => levels.map((l) => l.alignment.perStudent[k]),
  );
  const probe = cloneGpt(setup.base);
  const parameters = flat(gptValues(probe)).length;
  disposeGpt(probe);
  return {
    config,
    description: setup.description,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    tracked,
    parameters,
    levels,
    teacherHallucination: hallucinationRates([teacherEmb], truths),
    trends: {
      alignment: {
        questions: slopeAcrossUnits(x, byQ((l) => l.alignment.perQuestion)),
        students: slopeAcrossUnits(x, perStudent),
      },
      inter: {
        questions: slopeAcrossUnits(x, byQ((l) => l.inter.perQuestion)),
        students: { slope: jk.value, se: jk.se, z: jk.value / jk.se },
      },
      interPositive,
      hallucination: slopeAcrossUnits(x, byQ((l) => l.hallucination.perQuestion)),
    },
  };
}

function offsetOf(model: { params: Map<string, { size: number }> }, name: string): number {
  let o = 0;
  for (const [n, v] of model.params) {
    if (n === name) return o;
    o += v.size;
  }
  throw new RangeError(`offsetOf: no parameter ${name}.`);
}

/**
 * A one-sided claim, or `not testable here` when the SE is 0 or undefined
 * (at a tiny scale the students' answers may not differ at all).
 */
function directionOr(
  c: Parameters<typeof claimDirection>[0],
): Claim {
  if (Number.isFinite(c.ours) && Number.isFinite(c.se) && c.se > 0) return claimDirection(c);
  return claimNotTestable({
    section: c.section,
    id: c.id,
    claim: c.claim,
    paper: c.paper,
    why: `no test at this scale: estimate ${c.ours}, SE ${c.se} over ${c.seOver}`,
  });
}

/**
 * The language-model claims of Section 5.1 and Appendix D, by the rules of
 * claim_rules.ts, each with its SE over students (the same students, with
 * the same perturbation direction, at every level):
 *
 * - alignment drops with s: one-sided test of the slope (each student's
 *   slope, SE across students);
 * - inter-student variance rises with s: one-sided test of the slope over
 *   the levels s > 0 (jackknife over students); at s = 0 it is 0 by design,
 *   shown as an identity check;
 * - distinct optima: one-sided test that fine-tuning keeps more than
 *   `KEPT_FRACTION` of the parameter spread across students at the largest s
 *   (after − KEPT_FRACTION × before, jackknife over students).
 *
 * @category Section 5: student initialization uncertainty
 */
export function llmInitializationClaims(r: LlmInitializationResult): Claim[] {
  const n = r.config.students;
  const top = r.levels[r.levels.length - 1];
  const kept = top.paramVarKept;
  const rel = top.paramVarBefore > 0 ? top.paramVarAfter / top.paramVarBefore : NaN;
  const over = `${n} students (the same students at every level)`;
  const al = r.trends.alignment.students, iv = r.trends.interPositive;
  const claims: Claim[] = [];
  const l0 = r.levels.find((l) => l.s === 0);
  if (l0) {
    claims.push(claimIdentity({
      section: "5.1, Fig. 6 (LM)",
      id: "lm-s0-identical",
      claim: "LM students at s = 0: inter-student variance of the answers is 0 (one network)",
      evidence: "05_llm_init_summary",
      ours: l0.inter.mean,
      reference: 0,
      tolerance: 1e-12,
      why: "at s = 0 every student is the base fine-tuned on the same answers in the same " +
        "order: equal by design",
    }));
  }
  claims.push(
    directionOr({
      section: "5.1, Fig. 6 (LM)",
      id: "lm-alignment-drops",
      claim:
        "LM students: alignment with the teacher drops as the init noise grows (slope per unit s)",
      evidence: "05_fig6_llm_init",
      paper: SECTION5_PAPER.lmAlignment,
      ours: al.slope,
      se: al.se,
      seOver: `${over}; each student's slope`,
      direction: "less",
    }),
    directionOr({
      section: "5.1, Fig. 6 (LM)",
      id: "lm-variance-rises",
      claim: "LM students: inter-student variance rises with the init noise (slope per unit s " +
        "over s > 0; it is 0 at s = 0 by design)",
      evidence: "05_fig6_llm_init",
      paper: SECTION5_PAPER.lmVariance,
      ours: iv?.slope ?? NaN,
      se: iv?.se ?? NaN,
      seOver: `${over}; jackknife`,
      direction: "greater",
    }),
    directionOr({
      section: "5.1, App. D Fig. 12",
      id: "lm-distinct-optima",
      claim: `LM students settle in distinct optima: fine-tuning keeps more than ` +
        `${100 * KEPT_FRACTION}% of the parameter variance across students at s = ${top.s} ` +
        `(after − ${KEPT_FRACTION} × before; after/before = ${rel.toFixed(2)})`,
      evidence: "05_llm_init_summary",
      paper: SECTION5_PAPER.distinctOptima,
      ours: kept.value,
      se: kept.se,
      seOver: `${over}; jackknife`,
      direction: "greater",
    }),
  );
  return claims;
}

/**
 * Figure 6's LLM panels rebuilt: alignment and inter-student variance
 * against the perturbation scale, bands ±2 SE across students.
 *
 * @category Section 5: student initialization uncertainty
 */
export function llmInitializationFigure(r: LlmInitializationResult): Chart {
  const rows = r.levels.map((l) => ({
    s: l.s,
    alignment: l.alignment.mean,
    alignmentBand: 2 * (isFinite(l.alignment.seStudents) ? l.alignment.seStudents : 0),
    inter: l.inter.mean,
    interBand: 2 * (isFinite(l.inter.seStudents) ? l.inter.seStudents : 0),
    hallucination: l.hallucination.mean,
    hallucinationBand: 2 *
      (isFinite(l.hallucination.seQuestions) ? l.hallucination.seQuestions : 0),
  }));
  const frame = { x: "s", xTitle: "relative init noise s", width: "column" } as const;
  return hconcat([
    lineBand(rows, {
      ...frame,
      y: "alignment",
      band: "alignmentBand",
      yTitle: "alignment (cosine)",
    }),
    lineBand(rows, { ...frame, y: "inter", band: "interBand", yTitle: "inter-student variance" }),
    lineBand(rows, {
      ...frame,
      y: "hallucination",
      band: "hallucinationBand",
      yTitle: "hallucination rate",
    }),
  ], { width: "page" });
}

/**
 * Figure 12 rebuilt: the tracked attention weight over fine-tuning, one line
 * per student (the first five), one panel per level.
 *
 * @category Section 5: student initialization uncertainty
 */
export function llmTrajectoryFigure(r: LlmInitializationResult): Chart {
  const rows = r.levels.flatMap((l) =>
    l.trajectories.slice(0, 5).flatMap((path, k) =>
      path.map((w, step) => ({ s: l.s, student: `student ${k + 1}`, step, w }))
    )
  );
  return facet(
    lineBand(rows, {
      x: "step",
      y: "w",
      series: "student",
      points: false,
      xTitle: "update",
      yTitle: `${r.tracked.name}[${r.tracked.index}]`,
    }),
    "s",
    { columns: 3, width: "page", name: "llm_trajectories_by_s" },
  );
}

/**
 * Appendix D's numbers per level: alignment, inter-student variance,
 * hallucination, training loss and parameter variance before and after.
 *
 * @category Section 5: student initialization uncertainty
 */
export function llmInitializationTable(r: LlmInitializationResult): Table {
  const c = r.config;
  const sci = (d: number) => (v: unknown) => typeof v === "number" ? v.toExponential(d) : String(v);
  return table({
    columns: [
      { name: "s", label: "s", digits: 2 },
      { name: "alignment", label: "Alignment", digits: 4 },
      { name: "seAlignment", label: "SE", digits: 4 },
      { name: "inter", label: "Inter-student var", format: sci(3) },
      { name: "seInter", label: "SE", format: sci(2) },
      { name: "hallucination", label: "Halluc.", digits: 3 },
      { name: "loss", label: "Train loss", digits: 3 },
      { name: "before", label: "Param var before", format: sci(3) },
      { name: "after", label: "Param var after", format: sci(3) },
      { name: "trackSd", label: "SD tracked w end", format: sci(2) },
    ],
    rows: r.levels.map((l) => {
      const end = l.trajectories.map((t) => t[t.length - 1]);
      return {
        s: l.s,
        alignment: l.alignment.mean,
        seAlignment: l.alignment.seStudents,
        inter: l.inter.mean,
        seInter: l.inter.seStudents,
        hallucination: l.hallucination.mean,
        loss: l.trainLoss.mean,
        before: l.paramVarBefore,
        after: l.paramVarAfter,
        trackSd: Math.sqrt(meanSe(end).se ** 2 * end.length),
      };
    }),
    caption: "Section 5.1 with language models: students from the base plus relative noise s, " +
      "fine-tuned on the teacher's greedy answers.",
    note: `${c.students} students per level, ${c.trainQuestions} training and ` +
      `${c.evalQuestions} test questions, ${c.epochs} epoch(s), seed ${c.seed}, scale ${c.scale}. ` +
      `SEs over the ${c.students} students of a level: across students (alignment) and by a ` +
      `jackknife over students (inter-student variance). Param var: ` +
      `mean over the ${
        r.parameters.toLocaleString("en-US")
      } parameters of the variance across students.`,
  });
}
