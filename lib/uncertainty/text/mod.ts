/**
 * Uncertainty of a language model's text answers, measured on their sentence
 * embeddings (Sections 4.3, 5.1, 6.2, 7.3, Appendix F; Tables 1, 2 and 5;
 * Figures 4, 6 and 10): the library's one text-uncertainty stack.
 *
 * - Embeddings, one per answer: cosine, the mean embedding, the mean
 *   per-dimension variance, the answer nearest a target.
 * - Grids of answers, `[student][question]`: alignment with the teacher,
 *   inter-student variance (lib/uncertainty's `interStudentVariance` over the
 *   embedding's dimensions), per-prompt noise, hallucination rates.
 * - Text targets (Section 7.3): the averaged answer (the sample nearest the
 *   mean embedding) and the variance-weighted one.
 * - Scores on the first principal component of a set of embeddings (Figure 4c).
 *
 * Standard errors over students and questions are lib/uncertainty's
 * (`meanSe`, `twoWaySe`, `pairedDifference`).
 *
 * @module
 */
export {
  closestByCosine,
  cosine,
  type Embedding,
  meanDimensionVariance,
  meanEmbedding,
  textAverage,
  type TextChoice,
  textVarianceWeighting,
  type VarianceWeightedChoice,
} from "./text_average.ts";
export {
  alignment,
  type AnswerInterStudentVariance,
  answerInterStudentVariance,
  hallucinationRate,
  hallucinationRates,
  leaveOneOutAnswerVariance,
  meanPairwiseDistance,
  promptNoise,
} from "./answers.ts";
export { firstComponentScores } from "./pca.ts";
