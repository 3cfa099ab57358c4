/**
 * Reading WordNet 3.0 database files (`data.noun`, `data.verb`, `data.adj`,
 * `data.adv`, as shipped by Debian's `wordnet-base` under /usr/share/wordnet)
 * and turning a synset's gloss into a tidy definition.
 *
 * A data line is: `offset lex_filenum ss_type w_cnt word lex_id [word lex_id]...
 * p_cnt [pointer_symbol offset pos source/target]... [frames] | gloss`, with
 * `w_cnt` in hexadecimal and `p_cnt` in decimal. Lines starting with two spaces
 * are the licence header and are skipped.
 *
 * @module
 */

/** The four WordNet parts of speech (adjective satellites `s` are read as `a`). */
export type WordNetPos = "n" | "v" | "a" | "r";

/** One pointer of a synset: relation symbol, target offset and target part of speech. */
export interface WordNetPointer {
  /** The relation, e.g. `@` hypernym, `@i` instance hypernym, `;c` topic domain. */
  symbol: string;
  /** The target synset's 8-digit offset. */
  offset: string;
  /** The target's part of speech (`s` is kept as written). */
  pos: string;
}

/** One synset of a WordNet data file. */
export interface Synset {
  /** 8-digit byte offset, the synset's id within its part of speech. */
  offset: string;
  /** Lexicographer file number (08 noun.body, 22 noun.process, 26 noun.state, ...). */
  lexFile: number;
  /** Part of speech of the file it came from. */
  pos: WordNetPos;
  /** The synset's words, underscores turned to spaces, adjective markers removed. */
  words: string[];
  /** The synset's pointers in file order. */
  pointers: WordNetPointer[];
  /** The raw gloss (definition and quoted examples). */
  gloss: string;
}

/**
 * Parse the text of one WordNet data file into synsets, in file order.
 *
 * @param text the file's text (Latin-1 or UTF-8; WordNet 3.0 is ASCII).
 * @param pos the part of speech of the file (`n`, `v`, `a` or `r`).
 * @throws Error naming the line when a data line does not follow the format.
 * @example
 * ```ts
 * const synsets = parseWordNetData(await Deno.readTextFile("/usr/share/wordnet/data.noun"), "n");
 * ```
 */
export function parseWordNetData(text: string, pos: WordNetPos): Synset[] {
  if (!["n", "v", "a", "r"].includes(pos)) {
    throw new Error(`pos must be one of n, v, a, r; got "${pos}".`);
  }
  const out: Synset[] = [];
  const lines = text.split("\n");
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (line === "" || line.startsWith("  ")) continue;
    const bar = line.indexOf(" | ");
    const bad = (why: string) =>
      new Error(
        `WordNet data line ${li + 1} is malformed (${why}): "${line.slice(0, 60)}..."; ` +
          `the file may be damaged: reinstall wordnet-base.`,
      );
    if (bar < 0) throw bad("no gloss separator");
    const f = line.slice(0, bar).trim().split(/\s+/);
    const wCnt = parseInt(f[3], 16);
    if (!/^\d{8}$/.test(f[0]) || !Number.isFinite(wCnt)) throw bad("bad offset or word count");
    const words: string[] = [];
    for (let i = 0; i < wCnt; i++) words.push(cleanWord(f[4 + 2 * i] ?? ""));
    const k = 4 + 2 * wCnt;
    const pCnt = parseInt(f[k], 10);
    if (!Number.isFinite(pCnt)) throw bad("bad pointer count");
    const pointers: WordNetPointer[] = [];
    for (let i = 0; i < pCnt; i++) {
      pointers.push({ symbol: f[k + 1 + 4 * i], offset: f[k + 2 + 4 * i], pos: f[k + 3 + 4 * i] });
    }
    out.push({
      offset: f[0],
      lexFile: parseInt(f[1], 10),
      pos,
      words,
      pointers,
      gloss: line.slice(bar + 3).trim(),
    });
  }
  return out;
}

/** `heart_attack` -> `heart attack`; `able(a)` -> `able` (adjective position markers). */
function cleanWord(w: string): string {
  return w.replace(/\((a|p|ip)\)$/, "").replace(/_/g, " ");
}

/**
 * The definition part of a gloss, tidied: the quoted example sentences are cut
 * off (everything from the first double quote), trailing `;`, `:` and a dangling
 * "e.g." are removed, white space is collapsed, a lower-case first letter is
 * capitalised (a leading "(medicine)" label stays as written)
 * and a full stop is added when the text does not end in `.`, `!` or `?`.
 * Returns `""` when nothing is left (a gloss made only of examples).
 *
 * @example
 * ```ts
 * tidyGloss('a state of partial or total darkness; "he struck a match to dispel the gloom"');
 * // "A state of partial or total darkness."
 * ```
 */
export function tidyGloss(gloss: string): string {
  let s = gloss;
  const q = s.indexOf('"');
  if (q >= 0) s = s.slice(0, q);
  s = s.replace(/\s+/g, " ").trim();
  for (;;) {
    const before = s;
    s = s.replace(/[;:,]\s*$/, "").replace(/\s*\b(e\.g\.|i\.e\.)$/i, "").trim();
    if (s === before) break;
  }
  if (s === "") return "";
  if (/[a-z]/.test(s[0])) s = s[0].toUpperCase() + s.slice(1);
  if (!/[.!?]$/.test(s)) s += ".";
  return s;
}

/**
 * The question asked for a word of a given part of speech: "What is X?" for
 * nouns, "What does it mean to X?" for verbs, "What does X mean?" for
 * adjectives and adverbs.
 *
 * @example
 * ```ts
 * questionFor("heart attack", "n"); // "What is heart attack?"
 * ```
 */
export function questionFor(word: string, pos: WordNetPos): string {
  if (pos === "n") return `What is ${word}?`;
  if (pos === "v") return `What does it mean to ${word}?`;
  return `What does ${word} mean?`;
}
