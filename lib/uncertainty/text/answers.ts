/**
 * Uncertainty of a language model's answers, measured on their sentence
 * embeddings (`[student][question]` grids of vectors, one per answer):
 *
 * - {@link alignment}: mean cosine between the teacher's and each student's
 *   answer to the same question (Section 4.3, Figure 4a);
 * - {@link answerInterStudentVariance}: per question, the inter-student
 *   variance of the answer embeddings (lib/uncertainty's
 *   `interStudentVariance` over the embedding's dimensions, unbiased), then
 *   averaged over questions (Figure 4b, Figure 6's LLM panel);
 * - {@link promptNoise}: per question, the mean pairwise cosine distance of
 *   several sampled answers (Appendix F's noise);
 * - {@link hallucinationRates}: per model, the share of answers nearer
 *   another question's true answer than their own (our addition).
 *
 * Pure functions of embeddings, so they are tested on constructed vectors.
 *
 * @module
 */
import { interStudentVariance } from "../inter_student.ts";
import { type MeanSe, meanSe, type TwoWaySe, twoWaySe } from "../unit_se.ts";
import { cosine, type Embedding } from "./text_average.ts";

function checkGrid(fn: string, name: string, g: readonly (readonly Embedding[])[]): number {
  if (g.length === 0) throw new RangeError(`${fn}: ${name} must hold at least one row.`);
  const q = g[0].length;
  if (q === 0) throw new RangeError(`${fn}: ${name}[0] is empty.`);
  g.forEach((r, i) => {
    if (r.length !== q) {
      throw new RangeError(
        `${fn}: ${name}[${i}] holds ${r.length} embeddings, expected ${q} (one per question).`,
      );
    }
  });
  return q;
}

/**
 * Throw unless every embedding of the `[row][question]` grid `g` is non-empty,
 * finite and as long as `g[0][0]` (the embedder's dimension); returns it.
 */
function checkEmbeddings(fn: string, name: string, g: readonly (readonly Embedding[])[]): number {
  const d = g[0][0].length;
  g.forEach((row, s) =>
    row.forEach((e, q) => {
      if (e.length !== d || d === 0) {
        throw new RangeError(
          `${fn}: ${name}[${s}][${q}] has ${e.length} dimensions, ${name}[0][0] ${d}: ` +
            "embed every answer with the same (non-empty) embedder.",
        );
      }
      for (let j = 0; j < d; j++) {
        if (!Number.isFinite(e[j])) {
          throw new RangeError(
            `${fn}: ${name}[${s}][${q}][${j}] is ${e[j]}: embeddings must be finite.`,
          );
        }
      }
    })
  );
  return d;
}

/**
 * Alignment (Section 4.3, Figure 4a): the cosine between the teacher's answer
 * and a student's answer to the same question, averaged over questions and
 * students.
 *
 * @param teacher the teacher's answer embeddings, one per question.
 * @param students `[student][question]` answer embeddings.
 * @throws RangeError for empty or ragged inputs.
 *
 * @category Text uncertainty
 */
export function alignment(
  teacher: readonly Embedding[],
  students: readonly (readonly Embedding[])[],
): TwoWaySe {
  const q = checkGrid("alignment", "students", students);
  if (teacher.length !== q) {
    throw new RangeError(
      `alignment: teacher holds ${teacher.length} embeddings, students ${q} per student.`,
    );
  }
  return twoWaySe(students.map((s) => s.map((e, i) => cosine(teacher[i], e))));
}

/**
 * What {@link answerInterStudentVariance} returns.
 *
 * @category Text uncertainty
 */
export interface AnswerInterStudentVariance {
  /** Mean over questions of the per-question variance. */
  mean: number;
  /** SE across questions (sd of the per-question values / √Q). */
  seQuestions: number;
  /** SE across students: jackknife (leave one student out) of the mean; NaN for 2 students. */
  seStudents: number;
  /** Per question: variance across students per dimension, averaged over dimensions. */
  perQuestion: number[];
}

/**
 * Variance across the answers `e` (one per student) per dimension, dividing by
 * n − 1, averaged over dimensions; without answer `skip` when given. It is
 * {@link interStudentVariance} of the answers as S students' predictions of d
 * values, rescaled from the population variance to the unbiased one.
 */
function dimVariance(e: readonly Embedding[], skip = -1): number {
  const rows = skip >= 0 ? e.filter((_, i) => i !== skip) : e;
  const n = rows.length, d = rows[0].length;
  const flat = new Float64Array(n * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) flat[i * d + j] = r[j];
  });
  return interStudentVariance(flat, d).mean * n / (n - 1);
}

/**
 * Inter-student variance (Section 4.3, Figure 4b; Figure 6's LLM panel): for
 * each question, the variance across students of their answer embeddings per
 * dimension (unbiased, dividing by S − 1, so arms with different S compare),
 * averaged over dimensions; then averaged over questions.
 *
 * @param students `[student][question]` answer embeddings (at least 2 students,
 *   at least one question, all of one non-empty dimension, finite).
 * @throws RangeError, before any work, naming the argument: for fewer than 2
 *   students, no question, ragged rows, embeddings of different or zero
 *   dimension, or a value that is not finite (the same checks as
 *   {@link interStudentVariance}).
 *
 * @category Text uncertainty
 */
export function answerInterStudentVariance(
  students: readonly (readonly Embedding[])[],
): AnswerInterStudentVariance {
  const Q = checkGrid("answerInterStudentVariance", "students", students);
  const S = students.length;
  if (S < 2) {
    throw new RangeError(
      `answerInterStudentVariance: students holds ${S} student(s); inter-student variance and its SE ` +
        "need at least 2 students.",
    );
  }
  checkEmbeddings("answerInterStudentVariance", "students", students);
  const byQ = Array.from({ length: Q }, (_, q) => students.map((s) => s[q]));
  const perQuestion = byQ.map((e) => dimVariance(e));
  const m = meanSe(perQuestion);
  let seStudents = NaN;
  if (S >= 3) {
    const loo = leaveOneOut(byQ, S);
    const lm = loo.reduce((a, b) => a + b, 0) / S;
    seStudents = Math.sqrt(((S - 1) / S) * loo.reduce((a, b) => a + (b - lm) ** 2, 0));
  }
  return { mean: m.mean, seQuestions: m.se, seStudents, perQuestion };
}

/** Per student k, the mean over questions of the variance with student k left out. */
function leaveOneOut(byQ: readonly (readonly Embedding[])[], S: number): number[] {
  return Array.from(
    { length: S },
    (_, k) => byQ.reduce((a, e) => a + dimVariance(e, k), 0) / byQ.length,
  );
}

/**
 * The inter-student variance of {@link answerInterStudentVariance} with each
 * student left out in turn (the jackknife replicates behind its
 * \`seStudents\`), or [] with fewer than 3 students.
 *
 * @param students \`[student][question]\` answer embeddings, checked as
 *   {@link answerInterStudentVariance} checks them.
 *
 * @category Text uncertainty
 */
export function leaveOneOutAnswerVariance(
  students: readonly (readonly Embedding[])[],
): number[] {
  const Q = checkGrid("leaveOneOutAnswerVariance", "students", students);
  checkEmbeddings("leaveOneOutAnswerVariance", "students", students);
  const S = students.length;
  if (S < 3) return [];
  return leaveOneOut(Array.from({ length: Q }, (_, q) => students.map((s) => s[q])), S);
}

/**
 * Per-prompt noise (Appendix F): for each question, the mean pairwise cosine
 * distance (1 − cosine) among its sampled answers' embeddings.
 *
 * @param samples `[question][sample]` embeddings (at least 2 samples each).
 * @returns the per-question noise with its mean and SE across questions.
 * @throws RangeError for no question or a question with fewer than 2 samples.
 *
 * @category Text uncertainty
 */
export function promptNoise(
  samples: readonly (readonly Embedding[])[],
): MeanSe & { perQuestion: number[] } {
  if (samples.length === 0) throw new RangeError("promptNoise: samples holds no question.");
  const perQuestion = samples.map((s, i) => {
    if (s.length < 2) {
      throw new RangeError(`promptNoise: samples[${i}] holds ${s.length} answers; need >= 2.`);
    }
    return meanPairwiseDistance(s);
  });
  return { ...meanSe(perQuestion), perQuestion };
}

/**
 * Hallucination rates (our addition): for each model (teacher or student),
 * the share of its answers whose embedding is nearer (cosine) another
 * question's true answer than its own (`hallucinationRate`), with SEs across
 * models and across questions.
 *
 * @param answers `[model][question]` answer embeddings.
 * @param truths the true answers' embeddings, one per question.
 * @throws RangeError for empty or ragged inputs or fewer than 2 questions.
 *
 * @category Text uncertainty
 */
export function hallucinationRates(
  answers: readonly (readonly Embedding[])[],
  truths: readonly Embedding[],
): TwoWaySe {
  const q = checkGrid("hallucinationRates", "answers", answers);
  if (truths.length !== q) {
    throw new RangeError(
      `hallucinationRates: truths holds ${truths.length} embeddings, answers ${q} per model.`,
    );
  }
  return twoWaySe(answers.map((a) => hallucinationRate(a, truths).indicators));
}

/**
 * Hallucination rate, a register-free measure of wrong answers (our addition
 * beside Section 7.3's "fewer hallucinations" and Appendix F's systematic
 * noise, which the paper infers from noise): the share of answers whose
 * embedding is closer (cosine) to some *other* question's true answer than to
 * their own question's. An answer in the right register but about the wrong
 * term counts as a hallucination; an answer about its own term does not,
 * however it is worded. Ties count as not closer.
 *
 * @param answers embeddings of the answers, one per question (several answers
 *   to one question: pass `owner`).
 * @param truths embeddings of the true answers, one per question.
 * @param owner the question of each answer (default: answer i is question i's).
 * @returns per-answer indicators (1 = hallucination) with their mean and SE.
 * @throws RangeError for fewer than 2 truths, mismatched counts or an owner
 *   outside the truths.
 */
export function hallucinationRate(
  answers: readonly Embedding[],
  truths: readonly Embedding[],
  owner?: readonly number[],
): MeanSe & { indicators: number[] } {
  const n = truths.length;
  if (n < 2) throw new RangeError(`truths must hold at least 2 embeddings, got ${n}.`);
  if (answers.length === 0) throw new RangeError("answers must hold at least one embedding.");
  if (owner === undefined && answers.length !== n) {
    throw new RangeError(
      `answers (${answers.length}) and truths (${n}) differ in number; pass owner to say whose each answer is.`,
    );
  }
  if (owner !== undefined && owner.length !== answers.length) {
    throw new RangeError(
      `owner must hold one index per answer (${answers.length}), got ${owner.length}.`,
    );
  }
  const indicators = answers.map((a, i) => {
    const q = owner ? owner[i] : i;
    if (!Number.isInteger(q) || q < 0 || q >= n) {
      throw new RangeError(`owner[${i}] = ${q} is not a question index in [0, ${n}).`);
    }
    const own = cosine(a, truths[q]);
    for (let j = 0; j < n; j++) if (j !== q && cosine(a, truths[j]) > own) return 1;
    return 0;
  });
  return { ...meanSe(indicators), indicators };
}

/** Mean over pairs of 1 − cosine (the spread of a set of samples' embeddings); 0 for one sample. */
export function meanPairwiseDistance(e: readonly Embedding[]): number {
  if (e.length === 0) throw new RangeError("embeddings must hold at least one embedding.");
  let s = 0, n = 0;
  for (let i = 0; i < e.length; i++) {
    for (let j = i + 1; j < e.length; j++) {
      s += 1 - cosine(e[i], e[j]);
      n++;
    }
  }
  return n === 0 ? 0 : s / n;
}
