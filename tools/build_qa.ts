/**
 * Build data/qa/ from WordNet 3.0 (Debian's `wordnet-base`):
 *
 * - `biomedical_train.jsonl`, `biomedical_test.jsonl`: "What is X?" -> tidied
 *   gloss for the biomedical noun synsets (see `biomedicalOffsets`), split
 *   90/10 with seed 2024;
 * - `general.jsonl.gz`: the same kind of pairs for every other synset (nouns,
 *   verbs, adjectives, adverbs), for pre-training;
 * - `manifest.json`: counts.
 *
 * Deterministic: the same WordNet files give the same bytes every run.
 *
 * Usage: `deno task data:qa [--wordnet /usr/share/wordnet] [--out data/qa]`
 * (needs `apt-get install -y wordnet-base` only when rebuilding).
 */
import { biomedicalOffsets, splitPairs, synsetPairs } from "./corpus/qa_build.ts";
import type { QaPair } from "../lib/llm/qa.ts";
import { parseWordNetData, type Synset, type WordNetPos } from "./corpus/wordnet.ts";

const TEST_FRACTION = 0.1;
const SEED = 2024;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 && Deno.args[i + 1] ? Deno.args[i + 1] : fallback;
}

const wordnet = arg("--wordnet", "/usr/share/wordnet");
const out = arg("--out", new URL("../data/qa", import.meta.url).pathname);

async function read(pos: WordNetPos): Promise<Synset[]> {
  const file = { n: "noun", v: "verb", a: "adj", r: "adv" }[pos];
  const path = `${wordnet}/data.${file}`;
  let text: string;
  try {
    text = new TextDecoder("latin1").decode(await Deno.readFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `${path} not found: install WordNet 3.0 with "apt-get install -y wordnet-base" ` +
          `or pass --wordnet <folder with data.noun ...>.`,
      );
    }
    throw e;
  }
  return parseWordNetData(text, pos);
}

function jsonl(pairs: QaPair[]): string {
  return pairs.map((p) => JSON.stringify({ id: p.id, question: p.question, answer: p.answer }))
    .join("\n") + "\n";
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const nouns = await read("n");
const bio = biomedicalOffsets(nouns);
const bioPairs = synsetPairs(nouns.filter((s) => bio.has(s.offset)));
const { train, test } = splitPairs(bioPairs, TEST_FRACTION, SEED);

const general: QaPair[] = synsetPairs(nouns.filter((s) => !bio.has(s.offset)));
for (const pos of ["v", "a", "r"] as const) general.push(...synsetPairs(await read(pos)));

await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(`${out}/biomedical_train.jsonl`, jsonl(train));
await Deno.writeTextFile(`${out}/biomedical_test.jsonl`, jsonl(test));
await Deno.writeFile(`${out}/general.jsonl.gz`, await gzip(jsonl(general)));
const manifest = {
  source: "WordNet 3.0 (Debian wordnet-base), Princeton University; see LICENSE-WordNet.txt",
  builder: "tools/build_qa.ts",
  seed: SEED,
  testFraction: TEST_FRACTION,
  biomedicalSynsets: bio.size,
  biomedicalTrain: train.length,
  biomedicalTest: test.length,
  general: general.length,
};
await Deno.writeTextFile(`${out}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
console.log(JSON.stringify(manifest));
