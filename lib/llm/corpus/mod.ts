/**
 * Question-answer corpora for the language-model experiments: the committed
 * WordNet biomedical QA set and general pre-training text, BioASQ Task B
 * files, and the pieces that build the WordNet corpus.
 *
 * @module
 */
export { type BioAsqOptions, loadBioAsq, parseBioAsq } from "./bioasq.ts";
export {
  loadPretrainCorpus,
  loadQaCorpus,
  parseQaJsonl,
  type PretrainLoadOptions,
  type QaCorpus,
  type QaLoadOptions,
} from "./qa.ts";
export {
  definitionStatements,
  STATEMENT_TEMPLATES,
  type StatementOptions,
  type TermDefinition,
  termDefinition,
} from "./statements.ts";
export { biomedicalOffsets, type QaPair, splitPairs, synsetPairs } from "./qa_build.ts";
export {
  parseWordNetData,
  questionFor,
  type Synset,
  tidyGloss,
  type WordNetPointer,
  type WordNetPos,
} from "./wordnet.ts";
