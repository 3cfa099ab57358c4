/**
 * Rebuild the bundled language models under data/models/ (`deno task models`).
 *
 * Knowledge in pre-training, format in fine-tuning, as with the paper's GPT-2 on
 * BioASQ (Section 4.3):
 *
 * 1. Pre-training corpus (tools/build_models.ts `pretrainCorpus`): for every one
 *    of the 4,432 biomedical terms, training and test terms alike, 3 definition
 *    statements in different surface forms ("The term X means ...", "Definition
 *    of X: ...", ...; tools/corpus/statements.ts), plus one statement for each
 *    of a seeded sample of 5,000 general WordNet terms. Never the
 *    `Question: ... Answer:` format.
 * 2. A byte-level BPE tokenizer with 3,000 merges learned from those statements
 *    and the training QA texts (never a test question), shared by both models.
 * 3. `student_base` (DistilGPT2's place): 4 layers x width 128 (~1.2 M
 *    parameters), pre-trained on the statements only, loss on every token. It
 *    knows the definitions but not the QA format.
 * 4. `teacher` (GPT-2 fine-tuned on BioASQ): 4 layers x width 256 (~4.0 M
 *    parameters), trained from scratch on the statements mixed with the 3,989
 *    training QA pairs (prompt `Question: {q}\nAnswer:`, loss on the answer
 *    only), peak lr 1.5e-3 after 200 warmup steps. Test pairs never appear in
 *    QA form. `--teacher-fork` builds the earlier, weaker recipe instead (the
 *    base's shape, continued from the base's checkpoint at step 511).
 *
 * Both train with AdamW (batch 32 grouped by length, linear warmup, then
 * linear decay to zero, gradients clipped to norm 1). By default each model
 * gets the shipped model's length (`SHIPPED_LENGTH`: the teacher 3,781 steps,
 * the student base 4 epochs). `--steps-teacher N --steps-student M` or
 * `--epochs-teacher E --epochs-student E` set other fixed schedules (re-plans
 * of an earlier build are not replayed); `--minutes-teacher M` /
 * `--minutes-student M` set a time budget instead: the rate is measured over
 * steps 20-100, the total is set then, re-planned at checkpoints, and
 * recorded in config.json. Every step is seeded.
 *
 * Engine: the native kernel (lib/llm/native.ts, C on OpenBLAS) when it loads,
 * else tfjs (`--engine tfjs|native|auto`, `--threads N` for the native one).
 * Both run the same loss, clipping and AdamW update (agreeing to float32
 * rounding, not bit for bit); the native steps keep AdamW's moments in flat
 * buffers of the parameter-manifest layout, which is also the checkpoint
 * file's layout, so a checkpoint of one engine resumes on the other. The
 * engine is recorded in config.json.
 *
 * Resumable: each model checkpoints (weights, AdamW moments, step) to
 * `<work>/<name>/` every few minutes with atomic saves; rerunning the same
 * command continues from the last checkpoint. Progress lines give the step,
 * loss, tokens/s and time left. The two models train in two processes (one per
 * core, OPENBLAS_NUM_THREADS=1, one native thread each unless `--threads`).
 *
 * Options (a model whose length is not given keeps its shipped length):
 * `--steps-teacher N`, `--steps-student N` (fixed step counts),
 * `--epochs-teacher E`, `--epochs-student E` (as many steps as E epochs),
 * `--minutes-teacher M`, `--minutes-student M` (time budgets, re-planned at
 * every checkpoint from the speed since the last one, as the machine is
 * shared; the changes are recorded in config.json; `--deadline ISO-TIME`
 * finishes by then at the latest), `--only teacher|student_base` (train one
 * model in this process; the shipped student base was rebuilt with
 * `--only student_base --tokenizer data/models/teacher/tokenizer.json`),
 * `--tokenizer FILE` (use this tokenizer.json instead of the work folder's or
 * a new one), `--out DIR` (default data/models), `--work DIR` (default
 * build/models_work), `--stop-after N` (checkpoint and stop after step N),
 * `--quick` (a smoke run: tiny models, 60 steps, under build/models_quick).
 *
 * Needs --allow-read --allow-write --allow-env --allow-ffi, and --allow-run to
 * start the two trainers and to compile the native kernel on first use.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { definitionStatements } from "./corpus/mod.ts";
import { loadPretrainCorpus, loadQaCorpus } from "../lib/llm/qa.ts";
import type { QaPair } from "../lib/llm/qa.ts";
import {
  AdamW,
  createGpt,
  type GptConfig,
  type GptModel,
  gptParameterCount,
  linearSchedule,
  loadGpt,
  saveGpt,
  type Tokenizer,
  tokenizerFromJson,
  trainTokenizer,
  useBackend,
} from "../lib/llm/mod.ts";
import { type EncodedExample, encodeExample, makeBatch } from "../lib/llm/examples.ts";
import { gptParameterShapes, isDecayedParameter } from "../lib/llm/model.ts";
import { matMulEngine } from "../lib/llm/matmul.ts";
import { answerLoss } from "../lib/llm/loss.ts";
import {
  checkThreads,
  type GptNativeKernel,
  type LlmEngine,
  loadGptNative,
  resolveLlmEngine,
} from "../lib/llm/native.ts";
import { nativeAdamW } from "../lib/llm/train.ts";
import { permutation, Rng, sampleWithoutReplacement } from "../lib/random.ts";

/** Seeds of every step (recorded in each model's config.json). */
export const SEEDS = {
  statements: 41,
  generalSample: 11,
  student: 21,
  studentData: 22,
  teacher: 31,
  teacherData: 32,
};
/** Tokenizer merges. */
export const MERGES = 3000;
/** General WordNet terms sampled into the pre-training statements. */
export const GENERAL_TERMS = 5000;
/** Statements per biomedical term. */
export const FORMS_PER_TERM = 3;

/** One model's recipe. */
export interface ModelSpec {
  name: "teacher" | "student_base";
  role: string;
  shape: Omit<GptConfig, "vocabSize">;
  initSeed: number;
  dataSeed: number;
  learningRate: number;
  batchSize: number;
  warmupSteps: number;
  /** Whether the training QA pairs are mixed into the statements. */
  withQa: boolean;
}

/**
 * The teacher (GPT-2's place): 4 layers x width 256 (about 4.0 M parameters,
 * over 3x the student base, as GPT-2 is to DistilGPT2), trained from scratch
 * (init seed 31) on the statements mixed with the training QA pairs, peak lr
 * 1.5e-3 after 200 warmup steps.
 */
export const TEACHER: ModelSpec = {
  name: "teacher",
  role: "teacher (stand-in for GPT-2 fine-tuned on BioASQ)",
  shape: { contextLength: 96, layers: 4, heads: 4, width: 256 },
  initSeed: SEEDS.teacher,
  dataSeed: SEEDS.teacherData,
  learningRate: 1.5e-3,
  batchSize: 32,
  warmupSteps: 200,
  withQa: true,
};

/**
 * The earlier teacher recipe (`--teacher-fork`): the student base's shape,
 * started from the base's checkpoint at step `TEACHER_FORK_STEP` and trained
 * further on the statements mixed with the QA pairs, peak lr 1e-3 after 50
 * warmup steps. Cheaper per step, but it stayed far weaker (data/models/README.md).
 */
export const FORKED_TEACHER: ModelSpec = {
  ...TEACHER,
  shape: { contextLength: 96, layers: 4, heads: 4, width: 128 },
  learningRate: 1e-3,
  warmupSteps: 50,
};

/**
 * The shipped models' lengths, used when no `--steps-*`, `--epochs-*` or
 * `--minutes-*` option is given: the teacher's 3,781 steps (5.42 epochs; its
 * budget was 90 minutes through tfjs) and the student base's 4 epochs (chosen
 * against 2, 6 and 10 epochs in data/models/README.md).
 */
export const SHIPPED_LENGTH = {
  teacher: { steps: 3781 },
  student_base: { epochs: 4 },
} as const;

/** Student-base step whose checkpoint the default teacher starts from. */
export const TEACHER_FORK_STEP = 511;

export const STUDENT_BASE: ModelSpec = {
  name: "student_base",
  role: "student base (stand-in for DistilGPT2: pre-trained, never saw the QA format)",
  shape: { contextLength: 96, layers: 4, heads: 4, width: 128 },
  initSeed: SEEDS.student,
  dataSeed: SEEDS.studentData,
  learningRate: 2e-3,
  batchSize: 32,
  warmupSteps: 200,
  withQa: false,
};

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

/** The pre-training statements and the QA training pairs, deterministic. */
export async function pretrainCorpus(): Promise<{ statements: string[]; qaTrain: QaPair[] }> {
  const qa = await loadQaCorpus();
  const general = await loadPretrainCorpus();
  const bio = definitionStatements([...qa.train, ...qa.test], {
    seed: SEEDS.statements,
    formsPerTerm: FORMS_PER_TERM,
    domain: "medicine",
  });
  const pick = sampleWithoutReplacement(
    new Rng(SEEDS.generalSample),
    general.length,
    GENERAL_TERMS,
  );
  const gen = definitionStatements(Array.from(pick, (i) => general[i]), {
    seed: SEEDS.statements + 1,
    formsPerTerm: 1,
    domain: "everyday English",
  });
  return { statements: [...bio, ...gen], qaTrain: qa.train };
}

function encodeAll(
  tok: Tokenizer,
  ctx: number,
  statements: string[],
  qa: QaPair[],
): EncodedExample[] {
  const out: EncodedExample[] = statements.map((t) => ({
    tokens: [...tok.encode(t), tok.eos].slice(0, ctx + 1),
    promptLength: 0,
  }));
  for (const p of qa) out.push(encodeExample(tok, p, ctx));
  return out;
}

/**
 * The batches of epoch `epoch`: a seeded permutation, cut into chunks of 64
 * batches, each chunk sorted by length (less padding), cut into batches, and
 * the batches shuffled. Depends only on (seed, epoch), so resuming is exact.
 */
export function epochBatches(
  lengths: readonly number[],
  batchSize: number,
  seed: number,
  epoch: number,
): number[][] {
  const rng = new Rng(seed).child(epoch);
  const perm = Array.from(permutation(rng.child(0), lengths.length));
  const chunk = batchSize * 64;
  const batches: number[][] = [];
  for (let c = 0; c < perm.length; c += chunk) {
    const part = perm.slice(c, c + chunk).sort((a, b) => lengths[a] - lengths[b] || a - b);
    for (let b = 0; b < part.length; b += batchSize) batches.push(part.slice(b, b + batchSize));
  }
  const order = permutation(rng.child(1), batches.length);
  return Array.from(order, (i) => batches[i]);
}

interface Checkpoint {
  step: number;
  totalSteps: number | null;
  elapsedSec: number;
  tokens: number;
  recentLoss: number;
  epochLosses: number[];
  /** Times the step budget was cut to finish by the deadline: [at step, old total, new total]. */
  replans?: [number, number, number][];
}

async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/** AdamW's state in the flat layout of `flatParameters` (gptParameterShapes order). */
interface FlatMoments {
  steps: number;
  m: Float32Array;
  v: Float32Array;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, x) => a + x.length, 0));
  let o = 0;
  for (const x of parts) (out.set(x, o), o += x.length);
  return out;
}

/**
 * Save a checkpoint: the weights, AdamW's moments (`moments.bin`: all first
 * moments then all second moments, float32, in parameter-manifest order: the
 * same file whichever engine trained) and `state.json`.
 */
async function saveCheckpoint(
  work: string,
  model: GptModel,
  moments: FlatMoments,
  state: Checkpoint,
): Promise<void> {
  await saveGpt(model, `${work}/model`, { step: state.step });
  const all = concat([moments.m, moments.v]);
  await writeFileAtomic(`${work}/moments.bin`, new Uint8Array(all.buffer));
  await writeFileAtomic(
    `${work}/state.json`,
    new TextEncoder().encode(JSON.stringify({ ...state, optSteps: moments.steps }, null, 2)),
  );
}

/** One engine's training step and checkpoint state (see `trainModel`). */
interface StepRunner {
  /** One AdamW update on this batch at learning rate `lr`; the batch's mean loss. */
  step(examples: EncodedExample[], lr: number): number;
  /** Bring the model's weights up to date and return AdamW's state (for a checkpoint). */
  sync(): FlatMoments;
  dispose(): void;
}

/** The tfjs step: autodiff of `answerLoss` and the tfjs AdamW. */
function tfjsRunner(model: GptModel, opt: AdamW, vars: tf.Variable[]): StepRunner {
  return {
    step(examples, lr) {
      const batch = makeBatch(examples, model.tokenizer.pad);
      const { value, grads } = tf.variableGrads(() => answerLoss(model, batch), vars);
      const loss = value.dataSync()[0];
      opt.update(vars.map((v) => grads[v.name]), lr);
      value.dispose();
      tf.dispose(Object.values(grads));
      return loss;
    },
    sync() {
      const s = opt.state();
      return { steps: s.steps, m: concat(s.m), v: concat(s.v) };
    },
    dispose: () => opt.dispose(),
  };
}

/**
 * The native step (lib/llm/native.ts): the same loss, gradient clipping and
 * AdamW update as `tfjsRunner` (and as lib/llm/train.ts's native loop), on flat
 * float32 buffers; it starts from `opt`'s state (zeros, or a checkpoint's
 * moments), so a checkpoint of either engine resumes on the other.
 */
function nativeRunner(
  model: GptModel,
  opt: AdamW,
  k: GptNativeKernel,
  threads: number,
): StepRunner {
  const s0 = opt.state();
  const from = { steps: s0.steps, m: concat(s0.m), v: concat(s0.v) };
  opt.dispose();
  const o = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 };
  const run = nativeAdamW(model, k, threads, o, from);
  return {
    step: (examples, lr) => run.step(examples, lr),
    sync() {
      run.writeBack();
      return run.state();
    },
    dispose() {},
  };
}

function fmtTime(sec: number): string {
  if (!isFinite(sec)) return "?";
  const r = Math.round(sec), m = Math.floor(r / 60), s = r % 60;
  return `${m}m${String(s).padStart(2, "0")}s`;
}

/** Train one model to its step budget, resuming from `<work>/<name>/` when a checkpoint is there. */
export async function trainModel(
  spec: ModelSpec,
  tok: Tokenizer,
  statements: string[],
  qaTrain: QaPair[],
  opts: {
    work: string;
    out: string;
    minutes: number;
    steps?: number;
    /** Train this many epochs (sets the step count; overrides `minutes`, not `steps`). */
    epochs?: number;
    /** Engine of the training steps (default "auto": native when it loads, else tfjs). */
    engine?: LlmEngine;
    /** Threads of the native engine (default: KD_LLM_THREADS or the cores). */
    threads?: number;
    meta: object;
    /** Wall-clock time (ms since the epoch) by which training must end; the budget shrinks to fit. */
    deadline?: number;
    /** Stop (with a checkpoint) after this step, to test resuming. */
    stopAfter?: number;
    /** Start from this saved model (a checkpoint's model folder) instead of a fresh init. */
    initFrom?: string;
    /** Also keep a copy of the checkpoint taken at this step (the teacher's starting point). */
    snapshotAt?: number;
  },
): Promise<void> {
  const work = `${opts.work}/${spec.name}`;
  const engine = resolveLlmEngine(opts.engine ?? "auto");
  const threads = checkThreads(opts.threads);
  const kernel = engine === "native" ? loadGptNative()! : undefined;
  if (opts.epochs !== undefined && !(opts.epochs > 0 && isFinite(opts.epochs))) {
    throw new RangeError(`epochs must be a positive number, got ${opts.epochs}.`);
  }
  await Deno.mkdir(work, { recursive: true });
  const config: GptConfig = { ...spec.shape, vocabSize: tok.vocabSize };
  const data = encodeAll(tok, config.contextLength, statements, spec.withQa ? qaTrain : []);
  const lengths = data.map((e) => e.tokens.length);
  const perEpoch = Math.ceil(data.length / spec.batchSize);
  const fixedSteps = opts.steps ??
    (opts.epochs !== undefined ? Math.round(opts.epochs * perEpoch) : undefined);
  let state: Checkpoint = {
    step: 0,
    totalSteps: fixedSteps ?? null,
    elapsedSec: 0,
    tokens: 0,
    recentLoss: NaN,
    epochLosses: [],
  };
  let model: GptModel;
  const names = gptParameterShapes(config).map(([n]) => n);
  let opt: AdamW;
  let resumed = false;
  try {
    state = JSON.parse(await Deno.readTextFile(`${work}/state.json`));
    resumed = true;
  } catch { /* fresh start */ }
  if (resumed) {
    const saved = await loadGpt(`${work}/model`);
    model = saved.model;
    if (saved.metadata.step !== undefined && saved.metadata.step !== state.step) {
      throw new Error(
        `${work}: the checkpoint's weights are from step ${saved.metadata.step} but state.json ` +
          `says ${state.step} (a save was interrupted); delete ${work} to restart this model.`,
      );
    }
    const vars = names.map((n) => model.params.get(n)!);
    opt = new AdamW(vars, names.map(isDecayedParameter), { learningRate: spec.learningRate });
    const raw = await Deno.readFile(`${work}/moments.bin`);
    const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const m: Float32Array[] = [], v: Float32Array[] = [];
    let o = 0;
    for (const x of vars) (m.push(all.slice(o, o + x.size)), o += x.size);
    for (const x of vars) (v.push(all.slice(o, o + x.size)), o += x.size);
    opt.setState({ steps: state.step, m, v });
    console.error(`${spec.name}: resumed at step ${state.step}/${state.totalSteps ?? "?"}`);
  } else if (opts.initFrom) {
    for (let waited = 0;; waited++) {
      try {
        await Deno.stat(`${opts.initFrom}/config.json`);
        break;
      } catch {
        if (waited % 30 === 0) console.error(`${spec.name}: waiting for ${opts.initFrom}`);
        await new Promise((r) => setTimeout(r, 10_000));
      }
    }
    const init = await loadGpt(opts.initFrom);
    model = init.model;
    if (JSON.stringify(model.config) !== JSON.stringify(config)) {
      throw new RangeError(
        `${opts.initFrom} has shape ${JSON.stringify(model.config)}, not ${
          JSON.stringify(config)
        }.`,
      );
    }
    console.error(`${spec.name}: starting from ${opts.initFrom} (step ${init.metadata.step})`);
    const vars = names.map((n) => model.params.get(n)!);
    opt = new AdamW(vars, names.map(isDecayedParameter), { learningRate: spec.learningRate });
  } else {
    model = createGpt(config, tok, spec.initSeed);
    const vars = names.map((n) => model.params.get(n)!);
    opt = new AdamW(vars, names.map(isDecayedParameter), { learningRate: spec.learningRate });
  }
  const vars = names.map((n) => model.params.get(n)!);
  const runner = kernel ? nativeRunner(model, opt, kernel, threads) : tfjsRunner(model, opt, vars);
  console.error(
    `${spec.name}: ${gptParameterCount(config).toLocaleString("en")} parameters, ` +
      `${data.length} examples, ${lengths.reduce((a, b) => a + b, 0)} tokens/epoch, ` +
      `${perEpoch} steps/epoch, engine ${engine}${kernel ? ` (${threads} threads)` : ""}`,
  );
  const budgetSec = opts.minutes * 60;
  const t0 = performance.now() - state.elapsedSec * 1000;
  const elapsed = () => (performance.now() - t0) / 1000;
  let rateStart = { t: 0, step: state.step };
  let lastCkpt = performance.now();
  let ckptTime = elapsed(), ckptStep = state.step;
  let epochSum = 0, epochCount = 0;
  let window = 0, windowN = 0;
  let batches = epochBatches(
    lengths,
    spec.batchSize,
    spec.dataSeed,
    Math.floor(state.step / perEpoch),
  );
  while (state.totalSteps === null || state.step < state.totalSteps) {
    const epoch = Math.floor(state.step / perEpoch), within = state.step % perEpoch;
    if (within === 0 && state.step > 0) {
      batches = epochBatches(lengths, spec.batchSize, spec.dataSeed, epoch);
      if (epochCount > 0) state.epochLosses.push(epochSum / epochCount);
      epochSum = 0;
      epochCount = 0;
    }
    const examples = batches[within].map((i) => data[i]);
    const lr = spec.learningRate *
      linearSchedule(state.step, state.totalSteps ?? 1e12, spec.warmupSteps);
    const loss = runner.step(examples, lr);
    state.step++;
    // tokens of the padded batch (as tfjs computes it), whichever engine runs it
    state.tokens += examples.length * Math.max(...examples.map((e) => e.tokens.length - 1));
    epochSum += loss;
    epochCount++;
    window += loss;
    windowN++;
    if (state.step === 20 || (resumed && rateStart.t === 0)) {
      rateStart = { t: elapsed(), step: state.step };
    }
    if (state.totalSteps === null && state.step === 100) {
      const rate = (100 - rateStart.step) / (elapsed() - rateStart.t);
      state.totalSteps = 100 + Math.max(0, Math.floor((budgetSec - elapsed()) * rate * 0.92));
      console.error(
        `${spec.name}: ${
          rate.toFixed(2)
        } steps/s measured; total set to ${state.totalSteps} steps ` +
          `(${(state.totalSteps / perEpoch).toFixed(1)} epochs)`,
      );
    }
    if (state.step % 50 === 0 || state.step === state.totalSteps) {
      state.recentLoss = window / windowN;
      window = 0;
      windowN = 0;
      const e = elapsed();
      const total = state.totalSteps ?? NaN;
      const left = (e / state.step) * (total - state.step);
      console.error(
        `${spec.name}: step ${state.step}/${total} (epoch ${(state.step / perEpoch).toFixed(2)}) ` +
          `loss ${state.recentLoss.toFixed(3)} lr ${lr.toExponential(2)} ` +
          `${(state.tokens / e).toFixed(0)} tok/s, ${fmtTime(e)} elapsed, ~${fmtTime(left)} left`,
      );
    }
    if (
      performance.now() - lastCkpt > 240_000 || state.step === opts.stopAfter ||
      state.step === opts.snapshotAt
    ) {
      state.elapsedSec = elapsed();
      if (
        fixedSteps === undefined && state.totalSteps !== null && state.step > 200 &&
        state.step > ckptStep
      ) {
        // Re-plan the step budget from the speed since the last checkpoint (the
        // machine is shared, so the speed drifts): finish by the time budget or
        // the deadline, whichever comes first. Every change is recorded.
        const perStep = (elapsed() - ckptTime) / (state.step - ckptStep);
        let left = budgetSec - elapsed();
        if (opts.deadline !== undefined) left = Math.min(left, (opts.deadline - Date.now()) / 1000);
        const fit = state.step + Math.max(1, Math.floor((left / perStep) * 0.95));
        if (Math.abs(fit - state.totalSteps) > 0.02 * state.totalSteps) {
          console.error(`${spec.name}: re-planned; total ${state.totalSteps} -> ${fit} steps`);
          (state.replans ??= []).push([state.step, state.totalSteps, fit]);
          state.totalSteps = fit;
        }
      }
      ckptTime = elapsed();
      ckptStep = state.step;
      await saveCheckpoint(work, model, runner.sync(), state);
      lastCkpt = performance.now();
      if (state.step === opts.snapshotAt) {
        await saveGpt(model, `${opts.work}/${spec.name}_step${state.step}`, { step: state.step });
      }
      if (state.step === opts.stopAfter) {
        console.error(`${spec.name}: stopped after step ${state.step} (checkpoint saved)`);
        runner.dispose();
        return;
      }
    }
  }
  if (epochCount > 0) state.epochLosses.push(epochSum / epochCount);
  state.elapsedSec = elapsed();
  await saveCheckpoint(work, model, runner.sync(), state);
  await saveGpt(model, `${opts.out}/${spec.name}`, {
    ...opts.meta,
    role: spec.role,
    parameters: gptParameterCount(config),
    initSeed: opts.initFrom ? undefined : spec.initSeed,
    initFrom: opts.initFrom ? `student_base checkpoint at step ${TEACHER_FORK_STEP}` : "fresh",
    training: {
      data: spec.withQa
        ? "definition statements + biomedical_train.jsonl QA pairs (answer-only loss), mixed"
        : "definition statements only (loss on every token)",
      examples: data.length,
      tokensPerEpoch: lengths.reduce((a, b) => a + b, 0),
      steps: state.totalSteps,
      epochs: state.step / perEpoch,
      batchSize: spec.batchSize,
      learningRate: spec.learningRate,
      warmupSteps: spec.warmupSteps,
      schedule: "linear warmup then linear decay to 0; AdamW, weight decay 0, clip 1",
      dataSeed: spec.dataSeed,
      epochLosses: state.epochLosses,
      finalLoss: state.recentLoss,
      trainSeconds: Math.round(state.elapsedSec),
      timeBudgetMinutes: fixedSteps === undefined ? opts.minutes : null,
      fixedEpochs: opts.steps === undefined ? opts.epochs ?? null : null,
      engine: kernel
        ? `native (lib/llm/native.ts, ${threads} thread${threads === 1 ? "" : "s"})`
        : "tfjs",
      replans: state.replans ?? [],
    },
  });
  runner.dispose();
  console.error(`${spec.name}: saved to ${opts.out}/${spec.name} (${fmtTime(state.elapsedSec)})`);
}

async function tokenizerFor(
  work: string,
  statements: string[],
  qa: QaPair[],
  from?: string,
): Promise<Tokenizer> {
  if (from !== undefined) {
    // an existing model's tokenizer (a student base rebuilt alone must read the teacher's tokens)
    const tok = tokenizerFromJson(JSON.parse(await Deno.readTextFile(from)));
    console.error(`tokenizer: ${tok.vocabSize} ids from ${from}`);
    return tok;
  }
  const path = `${work}/tokenizer.json`;
  try {
    return tokenizerFromJson(JSON.parse(await Deno.readTextFile(path)));
  } catch { /* build it */ }
  const t0 = performance.now();
  const textOf = (p: QaPair) => `Question: ${p.question}\nAnswer: ${p.answer}`;
  const tok = trainTokenizer([...statements, ...qa.map(textOf)], MERGES);
  await Deno.mkdir(work, { recursive: true });
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(tok.toJson())));
  console.error(
    `tokenizer: ${tok.vocabSize} ids (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return tok;
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const out = arg("--out") ?? (quick ? "build/models_quick" : "data/models");
  const work = arg("--work") ?? (quick ? "build/models_quick_work" : "build/models_work");
  const only = arg("--only");
  const minutes = {
    teacher: Number(arg("--minutes-teacher") ?? 75),
    student_base: Number(arg("--minutes-student") ?? 45),
  };
  const steps = {
    teacher: arg("--steps-teacher") ? Number(arg("--steps-teacher")) : (quick ? 60 : undefined),
    student_base: arg("--steps-student")
      ? Number(arg("--steps-student"))
      : (quick ? 60 : undefined),
  };
  const epochs = {
    teacher: arg("--epochs-teacher") ? Number(arg("--epochs-teacher")) : undefined,
    student_base: arg("--epochs-student") ? Number(arg("--epochs-student")) : undefined,
  };
  // Without a length option a model gets the shipped model's length, not a time budget:
  // on the native engine a time budget buys far more epochs than the shipped models had.
  const fork = Deno.args.includes("--teacher-fork");
  if (
    !quick && !fork &&
    ["--steps-teacher", "--epochs-teacher", "--minutes-teacher"].every((o) =>
      !Deno.args.includes(o)
    )
  ) {
    steps.teacher = SHIPPED_LENGTH.teacher.steps;
  }
  if (
    !quick &&
    ["--steps-student", "--epochs-student", "--minutes-student"].every((o) =>
      !Deno.args.includes(o)
    )
  ) {
    epochs.student_base = SHIPPED_LENGTH.student_base.epochs;
  }
  const engine = (arg("--engine") ?? "auto") as LlmEngine;
  if (!["auto", "native", "tfjs"].includes(engine)) {
    throw new RangeError(`--engine must be "auto", "native" or "tfjs", got "${engine}".`);
  }
  const threads = arg("--threads") ? Number(arg("--threads")) : undefined;
  const specs = [fork ? FORKED_TEACHER : TEACHER, STUDENT_BASE].map((s) =>
    quick ? { ...s, shape: { ...s.shape, layers: 1, width: s.shape.width / 4 } } : s
  );
  if (only !== undefined && !specs.some((s) => s.name === only)) {
    throw new RangeError(`--only must be "teacher" or "student_base", got "${only}".`);
  }
  const { statements, qaTrain } = await pretrainCorpus();
  const tok = await tokenizerFor(work, statements, qaTrain, arg("--tokenizer"));
  const meta = {
    builder: "tools/build_models.ts",
    tokenizer: {
      kind: "byte-bpe",
      merges: MERGES,
      trainedOn: "pre-training statements + biomedical_train QA texts (no test question)",
    },
    statements: {
      biomedicalTerms: "all 4,432 (train and test terms)",
      formsPerTerm: FORMS_PER_TERM,
      generalTerms: GENERAL_TERMS,
      count: statements.length,
      seeds: { statements: SEEDS.statements, generalSample: SEEDS.generalSample },
      format: "definition statements in 6 surface forms; never Question/Answer",
    },
  };
  if (only) {
    await useBackend("wasm");
    console.error(`matrix products: ${matMulEngine()}`);
    const spec = specs.find((s) => s.name === only)!;
    await trainModel(spec, tok, statements, qaTrain, {
      work,
      out,
      minutes: minutes[spec.name],
      steps: steps[spec.name],
      epochs: epochs[spec.name],
      engine,
      threads,
      meta,
      deadline: arg("--deadline") ? Date.parse(arg("--deadline")!) : undefined,
      stopAfter: arg("--stop-after") ? Number(arg("--stop-after")) : undefined,
      initFrom: spec.name === "teacher" && fork
        ? arg("--teacher-init") ?? `${work}/student_base_step${TEACHER_FORK_STEP}`
        : undefined,
      snapshotAt: spec.name === "student_base" && fork ? TEACHER_FORK_STEP : undefined,
    });
  } else {
    const self = new URL(import.meta.url).pathname;
    const children = specs.map((s) => {
      const a = [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-ffi",
        "--allow-run",
        self,
        "--only",
        s.name,
        ...Deno.args.filter((x, i, all) => x !== "--only" && all[i - 1] !== "--only"),
      ];
      return new Deno.Command(Deno.execPath(), {
        args: a,
        // one core each (--threads overrides KD_LLM_THREADS)
        env: { OPENBLAS_NUM_THREADS: "1", KD_LLM_THREADS: "1" },
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
    });
    const codes = await Promise.all(children.map((c) => c.status));
    if (codes.some((c) => !c.success)) {
      console.error("a trainer failed; rerun the same command to resume from the checkpoints.");
      Deno.exit(1);
    }
    console.error(`done; models in ${out}/`);
  }
}
