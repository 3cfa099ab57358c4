/**
 * AdamW (Loshchilov & Hutter) with the Hugging Face Trainer's defaults: betas
 * 0.9/0.999, eps 1e-8, weight decay 0, a learning rate decaying linearly to 0
 * over the run with no warmup, and gradients clipped to global norm 1.0.
 *
 * Update per parameter p with gradient g at step t (1-based), as torch.optim.AdamW:
 * p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − lr/(1−β1^t) · m / (√(v/(1−β2^t)) + eps).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "./backend.ts";

/** Optimizer settings (defaults: the Hugging Face Trainer's). */
export interface AdamWOptions {
  /** Peak learning rate (the Trainer's default is 5e-5). */
  learningRate: number;
  /** Decoupled weight decay (default 0). */
  weightDecay?: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-8). */
  eps?: number;
  /** Clip gradients to this global L2 norm; 0 or Infinity turns clipping off (default 1.0). */
  maxGradNorm?: number;
  /** Warmup steps of the linear schedule (default 0). */
  warmupSteps?: number;
}

/**
 * The linear schedule's multiplier for update number `step` (0-based) of `total`:
 * step/warmup during warmup, then (total − step)/(total − warmup), never below 0.
 * (Hugging Face's get_linear_schedule_with_warmup.)
 */
export function linearSchedule(step: number, total: number, warmup = 0): number {
  if (step < warmup) return step / Math.max(1, warmup);
  return Math.max(0, (total - step) / Math.max(1, total - warmup));
}

/** Throw unless the learning rate is positive, the betas in [0, 1) and the decay >= 0 (internal). */
export function checkAdamW(
  o: { learningRate: number; beta1: number; beta2: number; weightDecay: number },
): void {
  if (!(o.learningRate > 0)) {
    throw new RangeError(`learningRate must be positive, got ${o.learningRate}.`);
  }
  for (const k of ["beta1", "beta2"] as const) {
    if (!(o[k] >= 0 && o[k] < 1)) throw new RangeError(`${k} must be in [0, 1), got ${o[k]}.`);
  }
  if (!(o.weightDecay >= 0)) {
    throw new RangeError(`weightDecay must be >= 0, got ${o.weightDecay}.`);
  }
}

/** An AdamW optimizer over a fixed list of variables. */
export class AdamW {
  readonly #vars: tf.Variable[];
  readonly #decay: boolean[];
  readonly #m: tf.Variable[];
  readonly #v: tf.Variable[];
  readonly #o: Required<AdamWOptions>;
  #t = 0;

  /**
   * An optimizer for `vars`, with zero moment estimates.
   *
   * @param vars the variables to update, in a fixed order.
   * @param decayed per variable, whether weight decay applies.
   * @throws RangeError for a non-positive learning rate, betas outside [0, 1) or negative decay.
   */
  constructor(vars: tf.Variable[], decayed: boolean[], options: AdamWOptions) {
    const o: Required<AdamWOptions> = {
      weightDecay: 0,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      maxGradNorm: 1,
      warmupSteps: 0,
      ...options,
    };
    checkAdamW(o);
    if (decayed.length !== vars.length) {
      throw new RangeError(`decayed must have one flag per variable (${vars.length}).`);
    }
    this.#o = o;
    this.#vars = vars;
    this.#decay = decayed;
    this.#m = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.#v = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.#t;
  }

  /**
   * Apply one update with learning rate `lr` (already scheduled). Returns the
   * global gradient norm before clipping. Does not dispose `grads`.
   */
  update(grads: tf.Tensor[], lr: number): number {
    const o = this.#o;
    this.#t++;
    const t = this.#t;
    const norm = tf.tidy(() =>
      tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]
    );
    const clip = o.maxGradNorm > 0 && isFinite(o.maxGradNorm) && norm > o.maxGradNorm
      ? o.maxGradNorm / (norm + 1e-6)
      : 1;
    const c1 = 1 - Math.pow(o.beta1, t), c2 = 1 - Math.pow(o.beta2, t);
    tf.tidy(() => {
      this.#vars.forEach((p, i) => {
        const g = clip === 1 ? grads[i] : tf.mul(grads[i], clip);
        const m = tf.add(tf.mul(this.#m[i], o.beta1), tf.mul(g, 1 - o.beta1));
        const v = tf.add(tf.mul(this.#v[i], o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
        this.#m[i].assign(m);
        this.#v[i].assign(v);
        let base: tf.Tensor = p;
        if (this.#decay[i] && o.weightDecay > 0) base = tf.mul(p, 1 - lr * o.weightDecay);
        const step = tf.mul(tf.div(m, tf.add(tf.sqrt(tf.div(v, c2)), o.eps)), lr / c1);
        p.assign(tf.sub(base, step));
      });
    });
    return norm;
  }

  /** A copy of the optimizer's state (step count and both moment estimates), for checkpoints. */
  state(): { steps: number; m: Float32Array[]; v: Float32Array[] } {
    return {
      steps: this.#t,
      m: this.#m.map((x) => new Float32Array(x.dataSync())),
      v: this.#v.map((x) => new Float32Array(x.dataSync())),
    };
  }

  /**
   * Restore a state returned by `state()` (resuming from a checkpoint).
   *
   * @throws RangeError when the arrays do not match the variables' sizes.
   */
  setState(s: { steps: number; m: Float32Array[]; v: Float32Array[] }): void {
    if (s.m.length !== this.#m.length || s.v.length !== this.#v.length) {
      throw new RangeError(`state must hold ${this.#m.length} moment arrays of each kind.`);
    }
    this.#m.forEach((x, i) => {
      if (s.m[i].length !== x.size || s.v[i].length !== x.size) {
        throw new RangeError(`state moment ${i} has the wrong size (expected ${x.size}).`);
      }
      tf.tidy(() => {
        x.assign(tf.tensor(s.m[i], x.shape));
        this.#v[i].assign(tf.tensor(s.v[i], x.shape));
      });
    });
    this.#t = s.steps;
  }

  /** Free the moment estimates. */
  dispose(): void {
    for (const x of [...this.#m, ...this.#v]) x.dispose();
  }
}
