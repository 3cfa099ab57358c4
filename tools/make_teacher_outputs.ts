/**
 * `deno task example-outputs`: teacher-output files made from the project's
 * own teachers, in the offline format `deno task distill-targets` reads, for
 * the README's worked example and the benchmark.
 *
 * - `boston_ensemble.jsonl`: numbers. A teacher ensemble of 10 small
 *   networks (13-16-1, one per initialization, the cohort trainer) on the
 *   Boston training split; each member's prediction at a training input is
 *   one response. The student estimate for variance weighting is an OLS
 *   student fitted to the first member's outputs, with its predictive
 *   variance at that input, s² h(x) (Theorem 4.1; `{ mean, variance }`).
 * - `qa_teacher.jsonl`: texts. The bundled language-model teacher's answers
 *   to held-out questions, 5 samples each at T = 1 (top-k 50, repetition
 *   penalty 1.2); the student's own samples are 3 answers of the untrained
 *   student base at T = 1 (Section 7.3's protocol).
 *
 * Usage: deno task example-outputs [--out DIR] [--questions N]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadBoston } from "../lib/data/bundled.ts";
import { prepareRegression } from "../lib/data/prepare.ts";
import { fitCohort, predictCohort } from "../lib/nn/mod.ts";
import { fitOls, predictOls } from "../lib/linear/ols.ts";
import { residualVariance } from "../lib/linear/residual_variance.ts";
import { testLeverage } from "../lib/linear/theory.ts";

async function numbers(dir: string): Promise<string> {
  const data = prepareRegression(await loadBoston(), { splitSeed: 42, scaler: "full" });
  const { d, xTrain, yTrain, nTrain } = data;
  const members = 10;
  const x = Float32Array.from(xTrain);
  const cohort = await fitCohort({
    x,
    n: nTrain,
    d,
    hidden: 16,
    outputs: 1,
    loss: "mse",
    targets: Float32Array.from(yTrain),
    students: members,
    epochs: 200,
    lr: 0.01,
    seed: 11,
  });
  const pred = predictCohort(cohort, x, nTrain); // members x nTrain
  const first = Float64Array.from(pred.subarray(0, nTrain));
  const ols = fitOls(xTrain, d, first);
  const mu = predictOls(xTrain, ols);
  const s2 = residualVariance(xTrain, first, ols)[0];
  const h = testLeverage({ x: xTrain, d, xTest: xTrain });
  const lines: string[] = [];
  for (let i = 0; i < nTrain; i++) {
    const responses = Array.from(
      { length: members },
      (_, s) => Number(pred[s * nTrain + i].toPrecision(6)),
    );
    lines.push(JSON.stringify({
      id: `boston-train-${i}`,
      responses,
      student: { mean: Number(mu[i].toPrecision(6)), variance: Number((s2 * h[i]).toPrecision(6)) },
    }));
  }
  const path = `${dir}/boston_ensemble.jsonl`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

async function texts(dir: string, questions: number): Promise<string> {
  const { loadGpt } = await import("../lib/llm/io.ts");
  const { generateAnswers } = await import("../lib/llm/generate.ts");
  const { loadQaCorpus } = await import("../lib/llm/qa.ts");
  const { useBackend } = await import("../lib/llm/backend.ts");
  await useBackend();
  const root = new URL("../data/models/", import.meta.url).pathname;
  const teacher = (await loadGpt(`${root}teacher`)).model;
  const student = (await loadGpt(`${root}student_base`)).model;
  const test = (await loadQaCorpus()).test.slice(0, questions);
  const k = 5, kS = 3;
  const sampling = { temperature: 1, topK: 50, repetitionPenalty: 1.2 };
  const qs = test.map((p) => p.question);
  const t = generateAnswers(teacher, qs.flatMap((q) => Array(k).fill(q)), {
    ...sampling,
    seed: 21,
  });
  const s = generateAnswers(student, qs.flatMap((q) => Array(kS).fill(q)), {
    ...sampling,
    seed: 22,
  });
  const nonEmpty = (a: string) => a.trim() === "" ? "(empty answer)" : a;
  const lines = test.map((p, i) =>
    JSON.stringify({
      id: p.id ?? `qa-test-${i}`,
      input: p.question,
      responses: t.slice(i * k, (i + 1) * k).map(nonEmpty),
      student: s.slice(i * kS, (i + 1) * kS).map(nonEmpty),
    })
  );
  const path = `${dir}/qa_teacher.jsonl`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: "build/examples" },
      questions: { type: "string", default: "100" },
      only: { type: "string" },
    },
  });
  const n = Number(values.questions);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--questions must be a positive integer; got "${values.questions}".`);
    Deno.exit(2);
  }
  await Deno.mkdir(values.out!, { recursive: true });
  if (values.only !== "texts") console.log(`wrote ${await numbers(values.out!)}`);
  if (values.only !== "numbers") console.log(`wrote ${await texts(values.out!, n)}`);
}
