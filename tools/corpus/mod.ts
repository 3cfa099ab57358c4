/**
 * Building the question-answer corpora of the language-model experiments
 * (`deno task data:qa`, `deno task models`): the WordNet biomedical QA set,
 * definition statements for pre-training, BioASQ Task B files. Loading the
 * committed corpus is lib/llm's (`loadQaCorpus`, lib/llm/qa.ts).
 *
 * @module
 */
export { type BioAsqOptions, loadBioAsq, parseBioAsq } from "./bioasq.ts";
export {
  definitionStatements,
  STATEMENT_TEMPLATES,
  type StatementOptions,
  type TermDefinition,
  termDefinition,
} from "./statements.ts";
export { biomedicalOffsets, splitPairs, synsetPairs } from "./qa_build.ts";
export {
  parseWordNetData,
  questionFor,
  type Synset,
  tidyGloss,
  type WordNetPointer,
  type WordNetPos,
} from "./wordnet.ts";
