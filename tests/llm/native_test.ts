/**
 * The native engine (lib/llm/native.ts) against the tfjs path, and its
 * promises: thread count never changes a result; sampling does not depend on
 * the batch; without the kernel the engine "auto" falls back to tfjs.
 *
 * Tolerances: both engines compute in float32 with sums in different orders,
 * so they agree to a few float32 ulps per operation: logits of the tiny model
 * (|logit| < 1) within 1e-5 absolute; per-parameter gradients within 1e-4 in
 * relative L2 norm (measured ~4e-7); losses of a short training run within
 * 1e-4 relative (AdamW's first steps divide by √v, which amplifies rounding of
 * near-zero gradients into parameter differences of order lr, so the test
 * compares losses, not parameters).
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { generateAnswers, trainOnQa } from "../../lib/llm/mod.ts";
import { answerLoss } from "../../lib/llm/loss.ts";
import { encodeExample, makeBatch } from "../../lib/llm/examples.ts";
import { gptLogits, gptParameterShapes, gptValues } from "../../lib/llm/model.ts";
import { kthLargest } from "../../lib/llm/sampling.ts";
import {
  flatParameters,
  gptNativeUnavailableReason,
  loadGptNative,
  packExamples,
  parameterOffsets,
  resolveLlmEngine,
} from "../../lib/llm/native.ts";
import { PAIRS, tinyModel, TOKENIZER } from "./fixture.ts";

const kernel = loadGptNative();
const ignore = kernel === null;
if (ignore) {
  console.log(`native kernel unavailable (${gptNativeUnavailableReason()}): tests ignored`);
}

Deno.test({
  name: "native logits equal the tfjs forward pass (1e-5), at every position",
  ignore,
  fn() {
    const model = tinyModel(11, 2, 16);
    const c = model.config;
    const seq = encodeExample(TOKENIZER, PAIRS[2], c.contextLength).tokens;
    const want = tf.tidy(() =>
      gptLogits(model, tf.tensor2d([seq], [1, seq.length], "int32")).dataSync()
    );
    const size = c.layers * c.contextLength * c.width;
    const got = new Float32Array(seq.length * c.vocabSize);
    const rows = Int32Array.from(seq, (_, i) => i);
    kernel!.infer(
      c,
      flatParameters(model),
      new Int32Array(seq.length),
      Int32Array.from(seq),
      rows,
      new Float32Array(size),
      new Float32Array(size),
      rows,
      got,
    );
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    assert(worst < 1e-5, `max |logit difference| ${worst}`);
    model.params.forEach((v) => v.dispose());
  },
});

Deno.test({
  name: "native loss and gradients equal tfjs's (relative 1e-4); threads never change them",
  ignore,
  fn() {
    const model = tinyModel(12, 2, 16);
    const c = model.config;
    const ex = PAIRS.map((p) => encodeExample(TOKENIZER, p, c.contextLength));
    const names = gptParameterShapes(c).map(([n]) => n);
    const vars = names.map((n) => model.params.get(n)!);
    const { value, grads } = tf.variableGrads(() => answerLoss(model, makeBatch(ex, 0)), vars);
    const P = flatParameters(model);
    const offs = parameterOffsets(c);
    for (const parts of [1, 2, 3]) {
      const byThreads = [1, 2].map((threads) => {
        const g = new Float32Array(P.length);
        const loss = kernel!.lossGrad(
          c,
          P,
          g,
          packExamples(ex),
          threads,
          parts,
          new Float32Array((parts - 1) * P.length),
        );
        return { g, loss };
      });
      assertEquals(byThreads[1].loss, byThreads[0].loss, `parts ${parts}: loss, 1 vs 2 threads`);
      assertEquals(byThreads[1].g, byThreads[0].g, `parts ${parts}: gradient, 1 vs 2 threads`);
      const { g, loss } = byThreads[0];
      const l0 = value.dataSync()[0];
      assert(Math.abs(loss - l0) < 1e-5 * Math.abs(l0), `parts ${parts}: loss ${loss} vs ${l0}`);
      for (const n of names) {
        const a = grads[model.params.get(n)!.name].dataSync();
        const { offset, size } = offs.get(n)!;
        let num = 0, den = 0;
        for (let i = 0; i < size; i++) {
          num += (a[i] - g[offset + i]) ** 2;
          den += a[i] ** 2;
        }
        assert(den > 0, `${n} has a gradient`);
        assert(
          Math.sqrt(num / den) < 1e-4,
          `parts ${parts}: ${n} relative error ${Math.sqrt(num / den)}`,
        );
      }
    }
    tf.dispose([value, ...Object.values(grads)]);
    model.params.forEach((v) => v.dispose());
  },
});

Deno.test({
  name:
    "native training follows the tfjs run (losses within 1e-4) and is identical on 1 or 2 threads",
  ignore,
  fn() {
    const o = { seed: 3, epochs: 2, batchSize: 3, learningRate: 1e-3, weightDecay: 0.01 };
    const ref = tinyModel(13, 2, 16);
    const a = tinyModel(13, 2, 16), b = tinyModel(13, 2, 16);
    const rt = trainOnQa(ref, PAIRS, { ...o, engine: "tfjs" });
    const ra = trainOnQa(a, PAIRS, { ...o, engine: "native", threads: 1 });
    const rb = trainOnQa(b, PAIRS, { ...o, engine: "native", threads: 2 });
    assertEquals(rb.losses, ra.losses);
    assertEquals([...gptValues(b).values()], [...gptValues(a).values()]);
    assertEquals(ra.steps, rt.steps);
    ra.losses.forEach((l, i) =>
      assert(Math.abs(l - rt.losses[i]) < 1e-4 * rt.losses[i], `step ${i}: ${l} vs ${rt.losses[i]}`)
    );
    for (const m of [ref, a, b]) m.params.forEach((v) => v.dispose());
  },
});

Deno.test({
  name: "native sampling: the same samples whatever the batch size and threads; greedy equals tfjs",
  ignore,
  fn() {
    const model = tinyModel(14, 2, 16);
    const qs = [...PAIRS.map((p) => p.question), PAIRS[0].question, PAIRS[0].question];
    const o = { temperature: 1.3, topK: 20, repetitionPenalty: 1.2, seed: 9, maxNewTokens: 12 };
    const a = generateAnswers(model, qs, { ...o, batchSize: 6, threads: 1, engine: "native" });
    const b = generateAnswers(model, qs, { ...o, batchSize: 1, threads: 1, engine: "native" });
    const c = generateAnswers(model, qs, { ...o, batchSize: 4, threads: 2, engine: "native" });
    assertEquals(b, a);
    assertEquals(c, a);
    const g = { greedy: true, maxNewTokens: 10 };
    assertEquals(
      generateAnswers(model, qs, { ...g, engine: "native" }),
      generateAnswers(model, qs, { ...g, engine: "tfjs" }),
    );
    model.params.forEach((v) => v.dispose());
  },
});

Deno.test("kthLargest equals the sorted array's element n − k (ties, negatives)", () => {
  const xs = [3, -1, 4, 1, -5, 9, 2, 6, 5, 3, 5, -8, 9, 7, 9, 3];
  const sorted = [...xs].sort((p, q) => p - q);
  for (let k = 1; k <= xs.length; k++) {
    assertEquals(kthLargest(xs, k), sorted[xs.length - k], `k ${k}`);
  }
  assertEquals(kthLargest([2, 2, 2], 2), 2);
});

Deno.test("engine choice: bad names and thread counts are refused; tfjs is always available", () => {
  assertThrows(() => resolveLlmEngine("gpu" as "auto"), RangeError, "engine");
  assertEquals(resolveLlmEngine("tfjs"), "tfjs");
  const model = tinyModel(16);
  assertThrows(
    () => generateAnswers(model, ["What is a cell?"], { greedy: true, threads: 0 }),
    RangeError,
    "threads",
  );
  assertThrows(
    () => trainOnQa(model, PAIRS, { seed: 1, threads: 1.5 }),
    RangeError,
    "threads",
  );
  model.params.forEach((v) => v.dispose());
});

/** Run the fallback probe in a fresh process with these flags and environment. */
async function fallbackProbe(flags: string[], env: Record<string, string> = {}) {
  const script = `
    import { resolveLlmEngine, gptNativeUnavailableReason } from "${
    new URL("../../lib/llm/native.ts", import.meta.url).href
  }";
    import { generateAnswers } from "${new URL("../../lib/llm/mod.ts", import.meta.url).href}";
    import { tinyModel, PAIRS } from "${new URL("./fixture.ts", import.meta.url).href}";
    const out = { auto: resolveLlmEngine("auto"), reason: gptNativeUnavailableReason(), error: "" };
    try { resolveLlmEngine("native"); } catch (e) { out.error = e.message; }
    const a = generateAnswers(tinyModel(15), PAIRS.map((p) => p.question), { greedy: true, maxNewTokens: 4 });
    console.log(JSON.stringify({ ...out, answers: a.length }));
  `;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const root = new URL("../../", import.meta.url).pathname;
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", `${root}deno.json`, ...flags, file],
      cwd: root,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(r.stdout).trim().split("\n").pop() ?? "";
    assert(r.success, new TextDecoder().decode(r.stderr).slice(0, 500));
    return {
      ...JSON.parse(text) as { auto: string; reason: string; error: string; answers: number },
      stderr: new TextDecoder().decode(r.stderr),
    };
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("without --allow-ffi the native engine is unavailable: auto falls back to tfjs and generates, native names the fix", async () => {
  const out = await fallbackProbe(["--allow-read", "--allow-env"]);
  assertEquals(out.auto, "tfjs");
  assert(out.reason.includes("--allow-ffi"), out.reason);
  assert(out.error.includes("apt-get install"), out.error);
  assertEquals(out.answers, PAIRS.length);
});

Deno.test("without a C compiler (and no cached build) auto falls back to tfjs with one warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await fallbackProbe(["--allow-all"], {
      KD_CC: "/nonexistent/cc",
      KD_NATIVE_DIR: dir,
    });
    assertEquals(out.auto, "tfjs");
    assert(out.reason.includes("/nonexistent/cc"), out.reason);
    assert(out.stderr.includes("native engine unavailable"), out.stderr.slice(0, 300));
    assertEquals(out.answers, PAIRS.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
