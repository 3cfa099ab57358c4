/**
 * Text-uncertainty measures on response embeddings (Sections 4.3, 6.2, 7.3,
 * Appendix F; Tables 1, 2 and 5; Figures 4 and 10). Inputs are n x d
 * row-major Float32Array/Float64Array embeddings, one response per row.
 *
 * Grouped by `@category`: Cosine similarity, Embeddings, Embedding moments
 * (Sections 4.3, 6.2), Noise transfer (Appendix F), Principal component
 * (Figure 4c).
 *
 * Section 6.2's alignment of mean embeddings is
 * `cosineSimilarity(meanEmbedding(teacher, d), meanEmbedding(student, d))`.
 *
 * @module
 */
export { cosineSimilarity, meanPairedCosine, pairedCosines } from "./cosine.ts";
export type { Embeddings } from "./matrix.ts";
export {
  dimensionVariance,
  embeddingVariance,
  interStudentEmbeddingVariance,
  meanEmbedding,
  shareStudentBelowTeacher,
  varianceDifference,
} from "./moments.ts";
export { type NoiseTransfer, noiseTransfer, responseNoise, systematicNoise } from "./noise.ts";
export { type FirstComponent, firstPrincipalComponent, projectOnAxis } from "./pca.ts";
