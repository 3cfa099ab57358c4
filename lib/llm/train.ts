/**
 * Fine-tuning as the paper's students are trained (docs/protocols.md 4.3, 5.1): the
 * prompt `Question: {q}\nAnswer:`, loss on the answer tokens only, AdamW with
 * a linearly decaying learning rate (Hugging Face Trainer defaults), mini-batches,
 * epochs, the data order reshuffled every epoch from the seed. Optionally the
 * model is first perturbed with relative parameter noise (Section 5.1).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "./backend.ts";
import { permutation, type Seed, toRng } from "../random.ts";
import { AdamW, type AdamWOptions, checkAdamW, linearSchedule } from "./adamw.ts";
import { type EncodedExample, encodeExample, makeBatch, type QaPair } from "./examples.ts";
import { answerLoss } from "./loss.ts";
import { type GptModel, gptParameterShapes, isDecayedParameter } from "./model.ts";
import {
  checkThreads,
  decayMask,
  flatParameters,
  type GptNativeKernel,
  type LlmEngine,
  loadGptNative,
  NATIVE_GRADIENT_PARTS,
  packExamples,
  parameterOffsets,
  resolveLlmEngine,
} from "./native.ts";

/** What the progress callback receives after every update. */
export interface TrainProgress {
  /** 0-based epoch. */
  epoch: number;
  /** Updates done so far (1-based after the first). */
  step: number;
  /** Total updates of the run. */
  totalSteps: number;
  /** Loss of the batch just used. */
  loss: number;
  /** Learning rate used for this update. */
  learningRate: number;
}

/** One scalar parameter to record after every update (Section 5.1's trajectories). */
export interface TrackedParameter {
  /** Parameter name, e.g. "h.0.mlp.c_fc.b". */
  name: string;
  /** Flat index into that parameter. */
  index: number;
}

/** Settings of `trainOnQa` (defaults: the paper's student fine-tuning where it states them). */
export interface TrainOptions extends Partial<AdamWOptions> {
  /** Passes over the data (default 3, as the paper's students). */
  epochs?: number;
  /** Examples per update (default 10, as the paper's students). */
  batchSize?: number;
  /** Seed of the data order (and of the noise, if any). */
  seed: Seed;
  /** Relative parameter noise before training: p += N(0,1)·|p|·fraction (default 0: none). */
  noiseFraction?: number;
  /** Record this parameter's value after every update. */
  track?: TrackedParameter;
  /** Called after every update. */
  onProgress?: (p: TrainProgress) => void;
  /**
   * Engine (default "auto": the native kernel when it loads, else tfjs; see
   * lib/llm/native.ts). The engines agree to float32 rounding, not bit for bit;
   * each alone is deterministic per seed.
   */
  engine?: LlmEngine;
  /**
   * Threads of the native engine (default: `KD_LLM_THREADS` or the number of
   * cores). Does not change the results (see NATIVE_GRADIENT_PARTS).
   */
  threads?: number;
}

/** What `trainOnQa` returns. */
export interface TrainResult {
  /** Loss of every batch, in order. */
  losses: number[];
  /** Mean batch loss per epoch. */
  epochLosses: number[];
  /** The tracked parameter after each update (empty without `track`). */
  trajectory: number[];
  /** Number of updates. */
  steps: number;
}

/**
 * Perturb every parameter of `model` in place: p ← p + N(0,1)·|p|·fraction, one
 * independent draw per entry (the authors' relative noise of Section 5.1;
 * zero entries, such as fresh biases, stay zero).
 *
 * @throws RangeError when fraction is negative or not finite.
 * @example
 * ```ts
 * addRelativeNoise(student, 0.03, 7);
 * ```
 */
export function addRelativeNoise(model: GptModel, fraction: number, seed: Seed): void {
  if (!(fraction >= 0 && isFinite(fraction))) {
    throw new RangeError(`fraction must be a finite number >= 0, got ${fraction}.`);
  }
  if (fraction === 0) return;
  const rng = toRng(seed);
  for (const [name] of gptParameterShapes(model.config)) {
    const v = model.params.get(name)!;
    const x = new Float32Array(v.dataSync());
    for (let i = 0; i < x.length; i++) x[i] += rng.normal() * Math.abs(x[i]) * fraction;
    tf.tidy(() => v.assign(tf.tensor(x, v.shape, "float32")));
  }
}

/**
 * Fine-tune `model` in place on question-answer pairs with the answer-only loss.
 * With the same model, data and seed the run is identical.
 *
 * @throws RangeError for an empty data set or bad epochs / batchSize / learning
 *   rate, or when `track` names an unknown parameter or index (all before any update).
 * @example
 * ```ts
 * const res = trainOnQa(student, pairs, { seed: 1, epochs: 3, batchSize: 10, learningRate: 5e-5 });
 * ```
 */
export function trainOnQa(
  model: GptModel,
  data: readonly QaPair[],
  options: TrainOptions,
): TrainResult {
  if (data.length === 0) throw new RangeError("data must hold at least one question-answer pair.");
  const ctx = model.config.contextLength;
  return trainOnExamples(model, data.map((p) => encodeExample(model.tokenizer, p, ctx)), options);
}

/**
 * Pre-train `model` in place on plain texts: every token after the first (and
 * the end-of-sequence token appended to each text) counts in the loss, as in
 * GPT-2's pre-training. Texts longer than the context are cut.
 *
 * @throws RangeError as `trainOnQa`.
 * @example
 * ```ts
 * trainOnTexts(base, generalTexts, { seed: 1, epochs: 1, batchSize: 32, learningRate: 1e-3 });
 * ```
 */
export function trainOnTexts(
  model: GptModel,
  texts: readonly string[],
  options: TrainOptions,
): TrainResult {
  if (texts.length === 0) throw new RangeError("texts must hold at least one text.");
  const ctx = model.config.contextLength;
  const tok = model.tokenizer;
  const encoded = texts.map((t) => ({
    tokens: [...tok.encode(t), tok.eos].slice(0, ctx + 1),
    promptLength: 0,
  }))
    .filter((e) => e.tokens.length >= 2);
  if (encoded.length === 0) throw new RangeError("texts must hold at least one non-empty text.");
  return trainOnExamples(model, encoded, options);
}

/**
 * The training loop behind `trainOnQa` and `trainOnTexts`: AdamW on the masked
 * loss of already-encoded examples (targets at index >= promptLength count).
 *
 * @throws RangeError as `trainOnQa`.
 */
export function trainOnExamples(
  model: GptModel,
  encoded: readonly EncodedExample[],
  options: TrainOptions,
): TrainResult {
  const epochs = options.epochs ?? 3;
  const batchSize = options.batchSize ?? 10;
  const learningRate = options.learningRate ?? 5e-5;
  if (encoded.length === 0) throw new RangeError("there must be at least one training example.");
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`epochs must be a positive integer, got ${epochs}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (options.track) {
    const v = model.params.get(options.track.name);
    if (!v) {
      throw new RangeError(`track.name "${options.track.name}" is not a parameter of the model.`);
    }
    if (
      !Number.isInteger(options.track.index) || options.track.index < 0 ||
      options.track.index >= v.size
    ) {
      throw new RangeError(
        `track.index must be an integer in [0, ${v.size}), got ${options.track.index}.`,
      );
    }
  }
  const threads = checkThreads(options.threads);
  const native = resolveLlmEngine(options.engine) === "native" ? loadGptNative()! : undefined;
  const rng = toRng(options.seed);
  if (options.noiseFraction) addRelativeNoise(model, options.noiseFraction, rng.child(1));
  if (native) return trainNative(model, native, encoded, options, rng, epochs, batchSize, threads);
  const names = gptParameterShapes(model.config).map(([n]) => n);
  const vars = names.map((n) => model.params.get(n)!);
  const opt = new AdamW(vars, names.map(isDecayedParameter), {
    ...options,
    learningRate,
  });
  const perEpoch = Math.ceil(encoded.length / batchSize);
  const total = perEpoch * epochs;
  const losses: number[] = [], epochLosses: number[] = [], trajectory: number[] = [];
  const order = rng.child(0);
  try {
    for (let e = 0; e < epochs; e++) {
      const perm = permutation(order, encoded.length);
      let sum = 0;
      for (let s = 0; s < perEpoch; s++) {
        const idx = Array.from(perm.slice(s * batchSize, (s + 1) * batchSize));
        const batch = makeBatch(idx.map((i) => encoded[i]), model.tokenizer.pad);
        const lr = learningRate * linearSchedule(opt.steps, total, options.warmupSteps ?? 0);
        const { value, grads } = tf.variableGrads(() => answerLoss(model, batch), vars);
        const loss = value.dataSync()[0];
        opt.update(vars.map((v) => grads[v.name]), lr);
        value.dispose();
        tf.dispose(Object.values(grads));
        losses.push(loss);
        sum += loss;
        if (options.track) {
          const v = model.params.get(options.track.name)!;
          trajectory.push(
            tf.tidy(() => tf.slice(tf.reshape(v, [-1]), options.track!.index, 1).dataSync()[0]),
          );
        }
        options.onProgress?.({
          epoch: e,
          step: opt.steps,
          totalSteps: total,
          loss,
          learningRate: lr,
        });
      }
      epochLosses.push(sum / perEpoch);
    }
  } finally {
    opt.dispose();
  }
  return { losses, epochLosses, trajectory, steps: total };
}

/** AdamW's settings besides the learning rate, as the native update takes them. */
export interface NativeAdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the gradient's global norm to this (0 or Infinity: no clipping). */
  maxGradNorm: number;
}

/**
 * AdamW on the native engine over a model's parameters held flat: the loss
 * and gradient of a batch, the global-norm clip, and the update, in the same
 * order and float32 arithmetic as lib/llm/train.ts's native loop and
 * tools/build_models.ts (both use this).
 *
 * @category Language models
 */
export interface NativeAdamW {
  /** The parameters, flat (lib/llm/native.ts `parameterOffsets` gives each one's place). */
  readonly params: Float32Array;
  /** One update on a batch at learning rate `lr`; returns the batch's loss before it. */
  step(examples: readonly EncodedExample[], lr: number): number;
  /** Copy the flat parameters back into the model's variables. */
  writeBack(): void;
  /** Steps taken and the moments (flat, in `params`' order; live views). */
  state(): { steps: number; m: Float32Array; v: Float32Array };
}

/**
 * Start native AdamW on `model`'s current parameters, from zero moments or
 * from `from` (a checkpoint's steps and flat moments, which are used in place).
 *
 * @category Language models
 */
export function nativeAdamW(
  model: GptModel,
  k: GptNativeKernel,
  threads: number,
  o: NativeAdamWOptions,
  from?: { steps: number; m: Float32Array; v: Float32Array },
): NativeAdamW {
  const c = model.config;
  const p = flatParameters(model), g = new Float32Array(p.length);
  const m = from?.m ?? new Float32Array(p.length), v = from?.v ?? new Float32Array(p.length);
  if (m.length !== p.length || v.length !== p.length) {
    throw new RangeError(
      `nativeAdamW: moments hold ${m.length} and ${v.length} values, the model ${p.length}.`,
    );
  }
  let t = from?.steps ?? 0;
  const scratch = new Float32Array((NATIVE_GRADIENT_PARTS - 1) * p.length);
  const decayed = decayMask(c);
  const hp = new Float64Array(8);
  return {
    params: p,
    step(examples, lr) {
      const batch = packExamples(examples);
      const loss = k.lossGrad(c, p, g, batch, threads, NATIVE_GRADIENT_PARTS, scratch);
      const norm = Math.sqrt(k.sumSquares(g));
      t++;
      const clip = o.maxGradNorm > 0 && isFinite(o.maxGradNorm) && norm > o.maxGradNorm
        ? o.maxGradNorm / (norm + 1e-6)
        : 1;
      hp.set([
        lr,
        o.beta1,
        o.beta2,
        o.eps,
        o.weightDecay,
        clip,
        1 - Math.pow(o.beta1, t),
        1 - Math.pow(o.beta2, t),
      ]);
      k.adamw(p, g, m, v, decayed, hp);
      return loss;
    },
    writeBack() {
      for (const [name, { offset, size }] of parameterOffsets(c)) {
        const variable = model.params.get(name)!;
        tf.tidy(() =>
          variable.assign(tf.tensor(p.subarray(offset, offset + size), variable.shape, "float32"))
        );
      }
    },
    state: () => ({ steps: t, m, v }),
  };
}

/** The native engine's loop: the same schedule, data order and AdamW as the tfjs loop. */
function trainNative(
  model: GptModel,
  k: GptNativeKernel,
  encoded: readonly EncodedExample[],
  options: TrainOptions,
  rng: ReturnType<typeof toRng>,
  epochs: number,
  batchSize: number,
  threads: number,
): TrainResult {
  const c = model.config;
  const learningRate = options.learningRate ?? 5e-5;
  const o = {
    weightDecay: options.weightDecay ?? 0,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    eps: options.eps ?? 1e-8,
    maxGradNorm: options.maxGradNorm ?? 1,
  };
  checkAdamW({ learningRate, ...o });
  const opt = nativeAdamW(model, k, threads, o);
  const tracked = options.track
    ? parameterOffsets(c).get(options.track.name)!.offset + options.track.index
    : -1;
  const perEpoch = Math.ceil(encoded.length / batchSize);
  const total = perEpoch * epochs;
  const losses: number[] = [], epochLosses: number[] = [], trajectory: number[] = [];
  const order = rng.child(0);
  let t = 0;
  for (let e = 0; e < epochs; e++) {
    const perm = permutation(order, encoded.length);
    let sum = 0;
    for (let s = 0; s < perEpoch; s++) {
      const idx = Array.from(perm.slice(s * batchSize, (s + 1) * batchSize));
      const lr = learningRate * linearSchedule(t, total, options.warmupSteps ?? 0);
      const loss = opt.step(idx.map((i) => encoded[i]), lr);
      t++;
      losses.push(loss);
      sum += loss;
      if (tracked >= 0) trajectory.push(opt.params[tracked]);
      options.onProgress?.({ epoch: e, step: t, totalSteps: total, loss, learningRate: lr });
    }
    epochLosses.push(sum / perEpoch);
  }
  opt.writeBack();
  return { losses, epochLosses, trajectory, steps: total };
}
