/**
 * Language-model benchmark (issue 12's bars), one run, targets beside the numbers:
 *
 * 1. Ceiling: single-thread OpenBLAS sgemm GFLOP/s at 512³, measured in this run.
 * 2. Quality on all 443 held-out test questions (greedy answers, Universal
 *    Sentence Encoder embeddings) for the teacher, the student base and a
 *    student fine-tuned for one epoch on the teacher's greedy answers to the
 *    3,989 training questions, each with its standard error:
 *    question-specificity (own-truth minus other-truth cosine; own truth ranked
 *    first among 200), teacher minus student base (paired), fluency (ends with
 *    end-of-sequence, no repeated word 3-gram, words found in the corpus);
 *    and the teacher and student base in the pre-training format (greedy
 *    continuations of "Definition of X:" for the test terms), since the base
 *    never saw the Question/Answer format.
 * 3. Teacher diversity against temperature (distinct-2 and mean pairwise
 *    embedding distance of 10 samples per question) and per-question noise
 *    (s², the per-dimension variance of the 10 sample embeddings, averaged
 *    over dimensions) and its spread across questions.
 * 4. Speeds (section "speed"): training tokens/s and model GFLOP/s (forward +
 *    backward + AdamW) per shape (the loaded teacher and student base, and a
 *    random-weight 4x256, since speed does not depend on the weights), for the
 *    native engine on 1 thread (its GFLOP per CPU-second against the ceiling is
 *    the per-core efficiency) and on all cores (wall speed), with the tfjs
 *    engine beside for reference; one student epoch over the training pairs;
 *    sampling with the KV cache (10 answers for each test question; tokens/s,
 *    GFLOP/s); 10,000 embeddings (products on OpenBLAS, and tfjs-wasm's on a
 *    sample for reference).
 *
 * The native engine is loaded first: it sets OpenBLAS's core type from the
 * CPU's features (Debian's OpenBLAS 0.3.21 falls back to its generic Prescott
 * kernel, ~30 GFLOP/s, on this machine's CPU), so the ceiling and every
 * product in the run use the same kernels.
 *
 * Model FLOPs count the matrix products only: per token, forward 2·12·L·C²
 * plus attention 4·L·C·t (t = the positions attended), plus the tied head
 * 2·V·C on the rows whose logits are needed (answer rows in training, one row
 * per new token in sampling); training 3x forward.
 *
 * Times are wall clock and process CPU; on a shared machine CPU time is what the
 * run would take on an idle core. Run:
 * `deno run -A bench/llm_bench.ts [--quick] [--out FILE.json] [--models DIR]
 * [--questions N] [--student-pairs N] [--diversity-questions N] [--sections LIST]
 * [--no-student]`
 * (defaults: all 443 test questions, all 3,989 training pairs, 100 questions for
 * diversity, all of speed,quality,sampling,diversity; sections may run in
 * separate processes, each measuring its own sgemm ceiling).
 *
 * @module
 */
import process from "node:process";
import { termDefinition } from "../tools/corpus/mod.ts";
import { loadQaCorpus } from "../lib/llm/qa.ts";
import { type Embedder, loadUseEmbedder } from "../lib/llm/embed/mod.ts";
import {
  cloneGpt,
  createGpt,
  defaultLlmThreads,
  disposeGpt,
  formatPrompt,
  generateAnswersDetailed,
  generateTokensDetailed,
  type GptConfig,
  type GptModel,
  gptNativeUnavailableReason,
  loadGpt,
  loadGptNative,
  openBlasCoreChosen,
  trainOnExamples,
  trainOnQa,
  useBackend,
} from "../lib/llm/mod.ts";
import { type EncodedExample, encodeExample } from "../lib/llm/examples.ts";
import {
  distinctN,
  knownWordFraction,
  perQuestionNoise,
  questionSpecificity,
  repeatsWordTrigram,
  vocabularyOf,
} from "./llm_quality.ts";
import { meanPairwiseDistance } from "../lib/uncertainty/text/answers.ts";
import { meanSe } from "../lib/uncertainty/unit_se.ts";
import { loadBlas } from "../lib/nn/mod.ts";
import { pretrainCorpus } from "../tools/build_models.ts";

const quick = Deno.args.includes("--quick");
const argOf = (n: string) => {
  const i = Deno.args.indexOf(n);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const outFile = argOf("--out");
const modelsDir = argOf("--models") ?? "data/models";
const sections = new Set(
  (argOf("--sections") ?? "speed,quality,sampling,diversity").split(",").map((x) => x.trim()),
);
for (const x of sections) {
  if (!["speed", "quality", "sampling", "diversity"].includes(x)) {
    throw new RangeError(
      `--sections takes a comma list of speed, quality, sampling, diversity; got "${x}".`,
    );
  }
}
const results: Record<string, unknown> = {
  quick,
  sections: [...sections],
  date: new Date().toISOString(),
};
const f = (x: number, d = 3) => x.toFixed(d);
const pm = (m: { mean: number; se: number }, d = 3) => `${f(m.mean, d)} ± ${f(m.se, d)}`;

interface Timing {
  wall: number;
  cpu: number;
}
async function timed<T>(fn: () => T | Promise<T>): Promise<[T, Timing]> {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await fn();
  const u = process.cpuUsage(c);
  return [r, { wall: (performance.now() - t) / 1000, cpu: (u.user + u.system) / 1e6 }];
}
const fmtT = (t: Timing) => `${f(t.wall, 1)} s wall, ${f(t.cpu, 1)} s CPU`;

// 0. The native engine first: it sets OpenBLAS's core type from the CPU before
// anything opens OpenBLAS (lib/llm/native.ts), so the ceiling below and every
// product of the run use the same kernels.
const native = loadGptNative();
console.log(
  native
    ? `native engine: ${native.path}; OpenBLAS core ${native.blasCore}` +
      (openBlasCoreChosen() ? ` (OPENBLAS_CORETYPE set from the CPU's features)` : "")
    : `native engine unavailable (${gptNativeUnavailableReason()}): tfjs only`,
);
results.native = native ? { path: native.path, blasCore: native.blasCore } : null;

// 1. The sgemm ceiling.
const blas = loadBlas();
let ceiling = NaN;
if (blas) {
  const n = 512;
  const A = new Float32Array(n * n).fill(0.5), B = new Float32Array(n * n).fill(0.25);
  const C = new Float32Array(n * n);
  blas.gemm(false, n, n, n, A, B, C);
  const reps = 20;
  const [, t] = await timed(() => {
    for (let r = 0; r < reps; r++) blas.gemm(false, n, n, n, A, B, C);
  });
  ceiling = (2 * n ** 3 * reps) / t.cpu / 1e9;
  console.log(
    `sgemm ceiling (OpenBLAS, 1 thread, 512^3): ${f(ceiling, 1)} GFLOP/s per CPU-second ` +
      `(${f((2 * n ** 3 * reps) / t.wall / 1e9, 1)} per wall second)`,
  );
}
results.sgemmGflops = ceiling;

await useBackend("wasm");
const qa = await loadQaCorpus();
const { model: base, metadata: baseMeta } = await loadGpt(`${modelsDir}/student_base`);
const { model: teacher, metadata: teacherMeta } = await loadGpt(`${modelsDir}/teacher`);
console.log(
  `teacher ${JSON.stringify(teacher.config)} (${teacherMeta.parameters} parameters); ` +
    `student base ${JSON.stringify(base.config)} (${baseMeta.parameters} parameters)`,
);
const nTest = Number(argOf("--questions") ?? (quick ? 60 : qa.test.length));
const nStudentPairs = Number(argOf("--student-pairs") ?? (quick ? 100 : qa.train.length));
const test = qa.test.slice(0, nTest);
const trainQs = qa.train.slice(0, nStudentPairs);

// 4. Speeds (section "speed"), the engines as callers get them (native where it loads).
const speed: Record<string, unknown> = {};
const threads = defaultLlmThreads();
const pct = (g: number) => `${f((100 * g) / ceiling, 0)}%`;

/** FLOPs of one training step on a packed batch (forward + backward = 3x forward products). */
function trainFlops(c: GptConfig, ex: readonly EncodedExample[]): number {
  let fl = 0;
  for (const e of ex) {
    const n = e.tokens.length - 1;
    for (let t = 0; t < n; t++) {
      fl += 2 * 12 * c.layers * c.width * c.width + 4 * c.layers * c.width * (t + 1);
      if (t + 1 >= e.promptLength) fl += 2 * c.vocabSize * c.width; // the head, answer rows only
    }
  }
  return 3 * fl;
}

/** Training throughput: `steps` updates of `batchSize` training pairs, timed. */
function trainSpeed(
  model: GptModel,
  batchSize: number,
  steps: number,
  engine: "native" | "tfjs",
  nThreads: number,
) {
  const m = cloneGpt(model);
  const ex = qa.train.slice(0, steps * batchSize).map((p) =>
    encodeExample(m.tokenizer, p, m.config.contextLength)
  );
  const o = { seed: 1, epochs: 1, batchSize, learningRate: 1e-4, engine, threads: nThreads };
  trainOnExamples(m, ex.slice(0, batchSize), o); // warm-up (compiles, allocates)
  const c = process.cpuUsage(), t0 = performance.now();
  trainOnExamples(m, ex, o);
  const u = process.cpuUsage(c);
  const cpu = (u.user + u.system) / 1e6, wall = (performance.now() - t0) / 1000;
  disposeGpt(m);
  const tokens = ex.reduce((a, e) => a + e.tokens.length - 1, 0);
  const flops = trainFlops(model.config, ex);
  return {
    engine,
    threads: nThreads,
    steps,
    tokens,
    wall,
    cpu,
    tokensPerCpuSecond: tokens / cpu,
    tokensPerWallSecond: tokens / wall,
    gflopsPerCpuSecond: flops / cpu / 1e9,
    gflopsPerWallSecond: flops / wall / 1e9,
  };
}

/** Forward FLOPs of generating `a` after a prompt of `p` tokens (prompt once, then one token at a time). */
function sampleFlops(c: GptConfig, p: number, n: number): number {
  let fl = 0;
  for (let j = 0; j < p + n; j++) {
    fl += 2 * 12 * c.layers * c.width * c.width + 4 * c.layers * c.width * (j + 1);
  }
  return fl + (1 + n) * 2 * c.vocabSize * c.width; // the head: last prompt row and each new token
}

/** Sampling throughput: 10 answers (T = 1, top-k 50, penalty 1.2) per question. */
function sampleSpeed(
  model: GptModel,
  questions: readonly string[],
  engine: "native" | "tfjs",
  nThreads: number,
  maxNewTokens = 48,
) {
  const prompts = questions.flatMap((q) => Array(10).fill(q));
  const o = {
    temperature: 1,
    topK: 50,
    repetitionPenalty: 1.2,
    seed: 7,
    batchSize: 128,
    engine,
    threads: nThreads,
    maxNewTokens,
  };
  generateAnswersDetailed(model, prompts.slice(0, 10), o); // warm-up
  const c = process.cpuUsage(), t0 = performance.now();
  const ans = generateTokensDetailed(
    model,
    prompts.map((q) => model.tokenizer.encode(formatPrompt(q))),
    o,
  );
  const u = process.cpuUsage(c);
  const cpu = (u.user + u.system) / 1e6, wall = (performance.now() - t0) / 1000;
  let tokens = 0, flops = 0;
  ans.forEach((a, i) => {
    const n = a.tokens.length + (a.endedWithEos ? 1 : 0);
    tokens += n;
    flops += sampleFlops(model.config, model.tokenizer.encode(formatPrompt(prompts[i])).length, n);
  });
  return {
    engine,
    threads: nThreads,
    answers: ans.length,
    tokens,
    wall,
    cpu,
    tokensPerCpuSecond: tokens / cpu,
    tokensPerWallSecond: tokens / wall,
    gflopsPerCpuSecond: flops / cpu / 1e9,
  };
}

if (sections.has("speed")) {
  const wideConfig: GptConfig = { ...teacher.config, layers: 4, width: 256 };
  const wide = createGpt(wideConfig, teacher.tokenizer, 1);
  const shapes = [
    [`teacher ${teacher.config.layers}x${teacher.config.width}`, teacher, 32],
    [`student ${base.config.layers}x${base.config.width}`, base, 10],
    ["random 4x256", wide, 32],
  ] as const;
  const steps = quick ? 4 : 20;
  const fmtTrain = (r: ReturnType<typeof trainSpeed>) =>
    `${r.engine}, ${r.threads} thread${r.threads > 1 ? "s" : ""}: ${
      f(r.tokensPerCpuSecond, 0)
    } tokens/CPU-s, ${f(r.tokensPerWallSecond, 0)} tokens/wall-s, ${
      f(r.gflopsPerCpuSecond, 1)
    } GFLOP/CPU-s = ${pct(r.gflopsPerCpuSecond)} of the ceiling (target >= 40% per core)`;
  const train: Record<string, unknown> = {};
  for (const [label, m, bs] of shapes) {
    const rows = [];
    if (native) {
      rows.push(trainSpeed(m, bs, steps, "native", 1));
      if (threads > 1) rows.push(trainSpeed(m, bs, steps, "native", threads));
    }
    rows.push(trainSpeed(m, bs, quick ? 2 : 4, "tfjs", 1));
    train[label] = rows;
    console.log(`training ${label}, batch ${bs} (forward + backward + AdamW):`);
    for (const r of rows) console.log(`    ${fmtTrain(r)}`);
  }
  speed.train = train;

  // One student epoch over the training pairs (the dataset's answers), batch 10.
  const pairs = qa.train.slice(0, nStudentPairs);
  const student = cloneGpt(base);
  const [epoch, tEpoch] = await timed(() =>
    trainOnQa(student, pairs, { seed: 1, epochs: 1, batchSize: 10, learningRate: 5e-4 })
  );
  disposeGpt(student);
  console.log(
    `student epoch over ${pairs.length} pairs (batch 10, ${
      native ? "native" : "tfjs"
    }, ${threads} ` +
      `threads): ${fmtT(tEpoch)} (target <= 12 s wall); loss ${f(epoch.epochLosses[0])}`,
  );
  speed.studentEpochSpeed = { pairs: pairs.length, ...tEpoch, threads };

  // Sampling: 10 answers per test question with the teacher; the random 4x256 shape too.
  const qs = test.map((p) => p.question);
  const sampling: Record<string, unknown> = {};
  const fmtS = (r: ReturnType<typeof sampleSpeed>) =>
    `${r.engine}, ${r.threads} thread${
      r.threads > 1 ? "s" : ""
    }: ${r.answers} answers, ${r.tokens} new tokens in ${f(r.wall, 1)} s wall, ${
      f(r.cpu, 1)
    } s CPU; ${f(r.tokensPerCpuSecond, 0)} tokens/CPU-s, ${f(r.gflopsPerCpuSecond, 1)} GFLOP/CPU-s`;
  for (const [label, m] of [[shapes[0][0], teacher], ["random 4x256", wide]] as const) {
    const rows = [];
    if (native) rows.push(sampleSpeed(m, qs, "native", threads));
    const few = qs.slice(0, quick ? 5 : 20);
    rows.push(sampleSpeed(m, few, "tfjs", 1));
    sampling[label] = rows;
    console.log(
      `sampling ${label} (KV cache), 10 answers x ${qs.length} questions (target <= 15 s wall):`,
    );
    for (const r of rows) console.log(`    ${fmtS(r)}`);
  }
  console.log(
    "    (random weights rarely emit end-of-sequence: their answers run to 48 tokens, " +
      "so their time is an upper bound; tokens/CPU-s is the comparable figure)",
  );
  const teacherRows = sampling[shapes[0][0]] as ReturnType<typeof sampleSpeed>[];
  if (native && teacherRows[0]?.engine === "native") {
    // The random 4x256 with answers cut to the trained teacher's mean length.
    const cap = Math.max(1, Math.round(teacherRows[0].tokens / teacherRows[0].answers));
    const r = sampleSpeed(wide, qs, "native", threads, cap);
    sampling["random 4x256, answers cut to the teacher's mean length"] = [r];
    console.log(`    random 4x256, answers cut at ${cap} tokens: ${fmtS(r)}`);
  }
  speed.samplingSpeed = sampling;
  disposeGpt(wide);

  // Embeddings: 10,000 texts of the corpus (answers and questions) with the sentence encoder.
  const texts = [...new Set([...qa.train, ...qa.test].flatMap((p) => [p.answer, p.question]))]
    .slice(0, 10000);
  const emb: Record<string, unknown> = {};
  for (const matmul of ["auto", "tfjs"] as const) {
    try {
      const e = await loadUseEmbedder({ matmul });
      const n = matmul === "auto" ? texts.length : Math.min(texts.length, quick ? 200 : 1000);
      await e.embed(texts.slice(0, 16));
      const [, t] = await timed(() => e.embed(texts.slice(0, n)));
      await e.dispose();
      emb[matmul] = {
        texts: n,
        ...t,
        per10kWall: (t.wall * 10000) / n,
        per10kCpu: (t.cpu * 10000) / n,
      };
      console.log(
        `embeddings (Universal Sentence Encoder, 2 workers, products on ${
          matmul === "auto" ? "OpenBLAS" : "tfjs-wasm"
        }): ${n} texts in ${fmtT(t)} = ${f((t.wall * 10000) / n, 1)} s wall, ${
          f((t.cpu * 10000) / n, 1)
        } s CPU per 10,000 (target <= 30 s wall)`,
      );
    } catch (err) {
      console.log(`embeddings skipped: ${(err as Error).message}`);
      break;
    }
  }
  speed.embeddingSpeed = emb;
}

// 2. Quality: greedy answers of the teacher, the student base and a one-epoch student.
let embedder: Embedder | undefined;
if (["quality", "sampling", "diversity"].some((x) => sections.has(x))) {
  try {
    embedder = await loadUseEmbedder();
  } catch (e) {
    console.log(`no sentence embedder (${(e as Error).message}); embedding measures skipped`);
  }
}
let embedSeconds = 0, embedCount = 0;
async function embedRows(texts: string[]): Promise<Float32Array[]> {
  const t0 = performance.now();
  const e = await embedder!.embed(texts.map((t) => t === "" ? "(empty)" : t));
  embedSeconds += (performance.now() - t0) / 1000;
  embedCount += texts.length;
  const d = embedder!.dim;
  return texts.map((_, i) => e.subarray(i * d, (i + 1) * d));
}

if (sections.has("quality")) {
  const { statements } = await pretrainCorpus();
  const vocab = vocabularyOf([...statements, ...qa.train.map((p) => `${p.question} ${p.answer}`)]);
  const truthEmb = embedder ? await embedRows(test.map((p) => p.answer)) : [];
  const pool = Math.min(200, test.length);

  // The one-epoch student: fine-tuned on the teacher's greedy answers to the training questions.
  const makeStudent = async (): Promise<GptModel> => {
    const [teacherTrainAnswers, tTA] = await timed(() =>
      generateAnswersDetailed(teacher, trainQs.map((p) => p.question), {
        greedy: true,
        batchSize: 64,
      })
    );
    console.log(`teacher greedy answers to ${trainQs.length} training questions: ${fmtT(tTA)}`);
    const student = cloneGpt(base);
    const targets = trainQs.map((p, i) => ({
      question: p.question,
      answer: teacherTrainAnswers[i].text,
    }))
      .filter((p) => p.answer.trim() !== "");
    const [ftRes, tFt] = await timed(() =>
      trainOnQa(student, targets, { seed: 1, epochs: 1, batchSize: 10, learningRate: 5e-4 })
    );
    const ftTokens = targets.reduce(
      (a, p) => a + encodeExample(base.tokenizer, p, base.config.contextLength).tokens.length,
      0,
    );
    console.log(
      `student fine-tune, 1 epoch over ${targets.length} teacher answers (batch 10, lr 5e-4): ` +
        `${fmtT(tFt)} (target <= 12 s); ${f(ftTokens / tFt.cpu, 0)} tokens/CPU-s; loss ${
          f(ftRes.epochLosses[0])
        }` + (trainQs.length < qa.train.length ? ` (${trainQs.length} of 3,989 pairs)` : ""),
    );
    speed.studentEpoch = { pairs: targets.length, ...tFt, tokens: ftTokens };
    return student;
  };
  const quality: Record<string, unknown> = { n: test.length, pool };
  const specs: Record<string, number[]> = {};
  let student: GptModel | undefined;
  const labels = Deno.args.includes("--no-student")
    ? ["teacher", "student base"] as const
    : ["teacher", "student base", "student (1 epoch)"] as const;
  for (const label of labels) {
    const m = label === "teacher"
      ? teacher
      : label === "student base"
      ? base
      : (student = await makeStudent());
    const ans = generateAnswersDetailed(m, test.map((p) => p.question), {
      greedy: true,
      batchSize: 64,
    });
    const texts = ans.map((a) => a.text);
    const q: Record<string, unknown> = {
      endsWithEos: meanSe(ans.map((a) => a.endedWithEos ? 1 : 0)),
      noRepeatedTrigram: meanSe(texts.map((t) => repeatsWordTrigram(t) ? 0 : 1)),
      knownWords: knownWordFraction(texts, vocab),
      distinctAnswers: new Set(texts).size,
    };
    if (embedder) {
      const e = await embedRows(texts);
      const s = questionSpecificity(e, truthEmb, pool);
      q.ownMinusOther = s.ownMinusOther;
      q.top1 = s.top1;
      specs[label] = e.map((x, i) => {
        // per-question own − other, for the paired teacher − base difference
        const cos = (a: Float32Array, b: Float32Array) => {
          let ab = 0, aa = 0, bb = 0;
          for (let j = 0; j < a.length; j++) (ab += a[j] * b[j], aa += a[j] ** 2, bb += b[j] ** 2);
          return ab / Math.sqrt(aa * bb);
        };
        return cos(x, truthEmb[i]) - cos(x, truthEmb[(i + 1) % truthEmb.length]);
      });
    }
    quality[label] = q;
    const mq = q as Record<string, { mean: number; se: number }>;
    console.log(
      `${label}: ` +
        (embedder
          ? `own - other ${pm(mq.ownMinusOther)} (teacher target >= 0.10), top-1 of ${pool} ${
            pm(mq.top1)
          } (teacher target >= 0.20); `
          : "") +
        `ends with EOS ${pm(mq.endsWithEos)} (>= 0.95), no repeated 3-gram ${
          pm(mq.noRepeatedTrigram)
        } (>= 0.90), known words ${f(q.knownWords as number)} (>= 0.95), ` +
        `${q.distinctAnswers} distinct answers`,
    );
    for (let i = 0; i < 3; i++) console.log(`    ${test[i].question} -> ${texts[i]}`);
    if (label === "student base" && embedder) {
      const d = meanSe(specs["teacher"].map((x, i) => x - specs["student base"][i]));
      quality.teacherMinusBase = d;
      console.log(`teacher - student base, own - other (paired): ${pm(d)} (target >= 0.05)`);
      console.log(
        `    truth itself: own - other ${
          pm(questionSpecificity(truthEmb, truthEmb, pool).ownMinusOther)
        }`,
      );
    }
  }
  // The models in the pre-training format (the student base never saw Question/Answer):
  // greedy continuations of "Definition of X:" for the test terms, against their true definitions.
  if (embedder) {
    const prompts = test.map((p) => `Definition of ${termDefinition(p).term}:`);
    const probe: Record<string, unknown> = { prompt: "Definition of X:" };
    for (const [label, m] of [["teacher", teacher], ["student base", base]] as const) {
      const rows = generateTokensDetailed(m, prompts.map((t) => m.tokenizer.encode(t)), {
        greedy: true,
        batchSize: 64,
      });
      const texts = rows.map((r) => m.tokenizer.decode(r.tokens).trim());
      const s = questionSpecificity(await embedRows(texts), truthEmb, pool);
      probe[label] = { ownMinusOther: s.ownMinusOther, top1: s.top1 };
      console.log(
        `${label}, statement prompt "Definition of X:" (test terms): own - other ${
          pm(s.ownMinusOther)
        }, top-1 of ${pool} ${pm(s.top1)}`,
      );
      for (let i = 0; i < 3; i++) console.log(`    ${prompts[i]} ${texts[i]}`);
    }
    quality.statementProbe = probe;
  }
  results.quality = quality;
  if (student) disposeGpt(student);
}

// 4b/3. Sampling speed (10 answers per test question, T = 1, top-k 50, penalty 1.2) and noise.
if (sections.has("sampling")) {
  const prompts = test.flatMap((p) => Array(10).fill(p.question));
  const [ans, t] = await timed(() =>
    generateAnswersDetailed(teacher, prompts, {
      temperature: 1,
      topK: 50,
      repetitionPenalty: 1.2,
      seed: 7,
      batchSize: 128,
    })
  );
  let tokens = 0, flops = 0;
  for (const [i, a] of ans.entries()) {
    const p = teacher.tokenizer.encode(`Question: ${prompts[i]}\nAnswer:`).length;
    const n = teacher.tokenizer.encode(" " + a.text).length + (a.endedWithEos ? 1 : 0);
    tokens += n;
    flops += sampleFlops(teacher.config, p, n);
  }
  console.log(
    `sampling (teacher, KV cache): 10 answers x ${test.length} questions: ${fmtT(t)} ` +
      `(target <= 15 s); ${f(tokens / t.cpu, 0)} new tokens/CPU-s, ${
        f(flops / t.cpu / 1e9, 2)
      } GFLOP/s`,
  );
  speed.sampling = { answers: ans.length, ...t, tokens, gflops: flops / t.cpu / 1e9 };
  if (embedder) {
    const e = await embedRows(ans.map((a) => a.text));
    const groups = test.map((_, i) => e.slice(i * 10, (i + 1) * 10));
    const noise = perQuestionNoise(groups);
    const { values: _v, ...summary } = noise;
    results.noiseT1 = summary;
    console.log(
      `teacher per-question noise at T = 1 (s^2 of 10 samples): mean ${
        noise.mean.toExponential(3)
      }, ` +
        `sd across questions ${noise.sd.toExponential(3)}, p10 ${noise.p10.toExponential(3)}, ` +
        `p90 ${noise.p90.toExponential(3)} (target: varies across questions)`,
    );
  }
}

// 3. Diversity against temperature (10 samples per question).
if (sections.has("diversity")) {
  const qs = test.slice(0, Number(argOf("--diversity-questions") ?? (quick ? 10 : 100))).map((p) =>
    p.question
  );
  const rows: Record<string, number>[] = [];
  for (const temperature of [0.5, 0.8, 1.0, 1.2, 1.5, 2.0]) {
    const ans = generateAnswersDetailed(teacher, qs.flatMap((q) => Array(10).fill(q)), {
      temperature,
      topK: 50,
      repetitionPenalty: 1.2,
      seed: 11,
      batchSize: 128,
    }).map((a) => a.text);
    const row: Record<string, number> = {
      temperature,
      distinct2: meanSe(
        qs.map((_, i) => distinctN(ans.slice(i * 10, (i + 1) * 10), 2)).filter(isFinite),
      ).mean,
    };
    if (embedder) {
      const e = await embedRows(ans);
      row.meanPairwiseDistance = meanSe(qs.map((_, i) =>
        meanPairwiseDistance(e.slice(i * 10, (i + 1) * 10))
      )).mean;
    }
    rows.push(row);
    console.log(
      `teacher T = ${temperature}: distinct-2 ${f(row.distinct2)}, mean pairwise distance ${
        f(row.meanPairwiseDistance ?? NaN)
      } (${qs.length} questions x 10)`,
    );
  }
  const rising = rows.every((r, i) => i === 0 || r.distinct2 >= rows[i - 1].distinct2);
  console.log(`distinct-2 rises with temperature at every step: ${rising} (target: rises)`);
  results.diversity = { questions: qs.length, rows, rising };
}
if (embedder && embedCount > 0) {
  console.log(
    `embeddings: ${embedCount} texts in ${f(embedSeconds, 1)} s wall = ${
      f((10000 * embedSeconds) / embedCount, 1)
    } s per 10,000 (target <= 30 s)`,
  );
  speed.embedPer10k = (10000 * embedSeconds) / embedCount;
}
results.speed = speed;
await embedder?.dispose();
disposeGpt(base);
disposeGpt(teacher);
if (outFile) await Deno.writeTextFile(outFile, JSON.stringify(results, null, 2) + "\n");
