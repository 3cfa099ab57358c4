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
 *    end-of-sequence, no repeated word 3-gram, words found in the corpus).
 * 3. Teacher diversity against temperature (distinct-2 and mean pairwise
 *    embedding distance of 10 samples per question) and per-question noise
 *    (s², the per-dimension variance of the 10 sample embeddings, averaged
 *    over dimensions) and its spread across questions.
 * 4. Speeds: training tokens/s and model GFLOP/s (forward + backward + AdamW)
 *    per shape, one student epoch, sampling with the KV cache (tokens/s,
 *    GFLOP/s, 10 answers for each of the 443 test questions), 10,000 embeddings.
 *
 * Model FLOPs count the matrix products only: per token, forward 2·N (N = the
 * weights of the products, 12·L·C² + V·C with the tied head) plus attention
 * 4·L·C·t (t = the positions attended), training 3x forward.
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
import * as tf from "@tensorflow/tfjs-core";
import { loadQaCorpus } from "../lib/llm/corpus/mod.ts";
import { type Embedder, loadUseEmbedder } from "../lib/llm/embed/mod.ts";
import {
  cloneGpt,
  disposeGpt,
  distinctN,
  encodeExample,
  generateAnswersDetailed,
  type GptConfig,
  type GptModel,
  gptParameterShapes,
  isDecayedParameter,
  knownWordFraction,
  loadGpt,
  makeBatch,
  meanPairwiseDistance,
  meanSe,
  perQuestionNoise,
  questionSpecificity,
  repeatsWordTrigram,
  trainOnQa,
  useBackend,
  vocabularyOf,
} from "../lib/llm/mod.ts";
import { AdamW } from "../lib/llm/adamw.ts";
import { answerLoss } from "../lib/llm/loss.ts";
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

/** Weights of the matrix products (blocks + tied head). */
function productWeights(c: GptConfig): number {
  return 12 * c.layers * c.width * c.width + c.vocabSize * c.width;
}
/** Forward FLOPs for one token attending to t positions. */
function forwardFlops(c: GptConfig, t: number): number {
  return 2 * productWeights(c) + 4 * c.layers * c.width * t;
}

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

// 4a. Training speed per shape: forward + backward + AdamW on real batches.
function trainSpeed(model: GptModel, batchSize: number, steps: number) {
  const m = cloneGpt(model);
  const names = gptParameterShapes(m.config).map(([n]) => n);
  const vars = names.map((n) => m.params.get(n)!);
  const opt = new AdamW(vars, names.map(isDecayedParameter), { learningRate: 1e-4 });
  const ex = qa.train.map((p) => encodeExample(m.tokenizer, p, m.config.contextLength));
  let tokens = 0, flops = 0;
  const step = (i: number) => {
    const b = makeBatch(ex.slice(i * batchSize, (i + 1) * batchSize), m.tokenizer.pad);
    const { value, grads } = tf.variableGrads(() => answerLoss(m, b), vars);
    value.dataSync();
    opt.update(vars.map((v) => grads[v.name]), 1e-4);
    tf.dispose([value, ...Object.values(grads)]);
    return b;
  };
  step(0);
  const c = process.cpuUsage(), t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    const b = step(i);
    tokens += b.batch * b.time;
    flops += 3 * b.batch * b.time * forwardFlops(m.config, (b.time + 1) / 2);
  }
  const u = process.cpuUsage(c);
  const cpu = (u.user + u.system) / 1e6, wall = (performance.now() - t0) / 1000;
  opt.dispose();
  disposeGpt(m);
  return { tokensPerCpuSecond: tokens / cpu, gflops: flops / cpu / 1e9, wall, cpu };
}
const speed: Record<string, unknown> = {};
for (
  const [label, m, bs] of sections.has("speed")
    ? [["teacher", teacher, 32], ["student", base, 10]] as const
    : []
) {
  const r = trainSpeed(m, bs, quick ? 5 : 20);
  speed[`train_${label}`] = r;
  console.log(
    `training ${label} (${m.config.layers}x${m.config.width}, batch ${bs}): ` +
      `${f(r.tokensPerCpuSecond, 0)} tokens/CPU-s, ${f(r.gflops, 1)} GFLOP/s = ` +
      `${f((100 * r.gflops) / ceiling, 0)}% of the sgemm ceiling (target >= 40%), 1 worker ` +
      `(target: both cores)`,
  );
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
    for (let j = 0; j < n; j++) flops += forwardFlops(teacher.config, p + j + 1);
    flops += p * forwardFlops(teacher.config, p / 2);
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
