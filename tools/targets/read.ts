/**
 * Streaming reader of offline teacher outputs: JSON Lines or CSV, plain or
 * gzip, read line by line so that files larger than memory can be
 * processed.
 *
 * @module
 */
import {
  checkRecord,
  type RecordContext,
  TeacherOutputError,
  type TeacherRecord,
} from "../../lib/targets/records.ts";
import { csvParseRows } from "d3-dsv";

/**
 * Options of {@link readTeacherOutputs}.
 *
 * @category Variance-aware targets for your teacher
 */
export interface ReadOptions {
  /** `jsonl` or `csv` (default: from the file name, `.csv`/`.csv.gz` is CSV, else JSON Lines). */
  format?: "jsonl" | "csv";
  /** Skip bad lines (counted in `stats.skipped`) instead of stopping at the first. */
  skipBad?: boolean;
  /** Filled while reading: lines seen, records yielded, lines skipped, the first errors. */
  stats?: ReadStats;
}

/**
 * Counts kept by {@link readTeacherOutputs}.
 *
 * @category Variance-aware targets for your teacher
 */
export interface ReadStats {
  /** Lines read (blank lines included). */
  lines: number;
  /** Records yielded. */
  records: number;
  /** Bad lines skipped (with `skipBad`). */
  skipped: number;
  /** The first 10 errors of skipped lines. */
  errors: TeacherOutputError[];
  /** Bytes read from the file (compressed size for gzip). */
  bytes: number;
}

/**
 * A fresh {@link ReadStats}.
 *
 * @category Variance-aware targets for your teacher
 */
export function newReadStats(): ReadStats {
  return { lines: 0, records: 0, skipped: 0, errors: [], bytes: 0 };
}

function isGzipName(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * The format a path implies: `.csv` or `.csv.gz` is CSV, anything else JSON Lines.
 *
 * @category Variance-aware targets for your teacher
 */
export function formatOf(path: string): "jsonl" | "csv" {
  return /\.csv(\.gz)?$/i.test(path) ? "csv" : "jsonl";
}

/** The file's lines, a batch per chunk read (one await per chunk, not per line). */
async function* lines(
  path: string,
  stats: ReadStats,
): AsyncGenerator<string[]> {
  let file: Deno.FsFile;
  try {
    const st = await Deno.stat(path);
    if (st.isDirectory) {
      throw new TeacherOutputError(0, "--in", `${path} is a folder; give the teacher-output file.`);
    }
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof TeacherOutputError) throw e;
    throw new TeacherOutputError(0, "--in", `cannot open ${path}: ${oneLine(e)}`);
  }
  try {
    yield* decodedLines(file, path, stats);
  } catch (e) {
    if (e instanceof TeacherOutputError) throw e;
    throw new TeacherOutputError(
      0,
      "--in",
      `cannot read ${path}: ${oneLine(e)}` +
        (/gzip|deflate|compress|checksum|eof|unexpected end/i.test(oneLine(e))
          ? " (a truncated or corrupt gzip file?)"
          : ""),
    );
  } finally {
    try {
      file.close();
    } catch {
      // closed by its stream already
    }
  }
}

/** The first line of an error's message (no stack). */
export function oneLine(e: unknown): string {
  const m = e instanceof Error ? `${e.message}` : String(e);
  return m.split("\n")[0].slice(0, 600);
}

async function* decodedLines(
  file: Deno.FsFile,
  path: string,
  stats: ReadStats,
): AsyncGenerator<string[]> {
  // Gzip is recognised by its magic bytes, whatever the name.
  const head = new Uint8Array(2);
  const got = await file.read(head);
  await file.seek(0, Deno.SeekMode.Start);
  const gz = (got === 2 && head[0] === 0x1f && head[1] === 0x8b) ||
    (got === null && isGzipName(path));
  let bytes: ReadableStream<Uint8Array> = file.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        stats.bytes += chunk.byteLength;
        c.enqueue(chunk);
      },
    }),
  );
  if (gz) {
    bytes = bytes.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  let rest = "";
  for await (const chunk of bytes.pipeThrough(new TextDecoderStream())) {
    const text = rest + chunk;
    const batch: string[] = [];
    let start = 0;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", start)) {
      batch.push(text.charCodeAt(i - 1) === 13 ? text.slice(start, i - 1) : text.slice(start, i));
      start = i + 1;
    }
    rest = text.slice(start);
    if (batch.length) yield batch;
  }
  if (rest !== "") yield [rest];
}

/**
 * The ids seen so far, with their lines; a number and its decimal text are
 * the same id. While the ids are increasing numbers (the common case) no
 * repeat is possible and they are only appended to an array; the maps are
 * built from it the first time an id breaks the order.
 */
class IdSet {
  #increasing = true;
  #last = -Infinity;
  #ids = new Float64Array(1024);
  #lines = new Float64Array(1024);
  #n = 0;
  #numbers = new Map<number, number>();
  #strings = new Map<string, number>();

  /** The line of an earlier equal id, or undefined (then `id` is recorded at `line`). */
  check(id: string | number, line: number): number | undefined {
    if (this.#increasing) {
      if (typeof id === "number" && id > this.#last) {
        if (this.#n === this.#ids.length) {
          const ids = new Float64Array(2 * this.#n), lines = new Float64Array(2 * this.#n);
          ids.set(this.#ids);
          lines.set(this.#lines);
          this.#ids = ids;
          this.#lines = lines;
        }
        this.#ids[this.#n] = id;
        this.#lines[this.#n++] = line;
        this.#last = id;
        return undefined;
      }
      this.#increasing = false;
      for (let i = 0; i < this.#n; i++) this.#numbers.set(this.#ids[i], this.#lines[i]);
      this.#ids = this.#lines = new Float64Array(0);
    }
    if (typeof id === "number") {
      const first = this.#numbers.get(id) ??
        (this.#strings.size ? this.#strings.get(String(id)) : undefined);
      if (first === undefined) this.#numbers.set(id, line);
      return first;
    }
    let first = this.#strings.get(id);
    if (first === undefined && this.#numbers.size) {
      const n = Number(id);
      if (id.trim() !== "" && String(n) === id) first = this.#numbers.get(n);
    }
    if (first === undefined) this.#strings.set(id, line);
    return first;
  }
}

/**
 * Read teacher outputs record by record.
 *
 * @throws TeacherOutputError naming the line and field of the first bad
 *   line (unless `skipBad`), and for an empty file (no record at all).
 *
 * @example
 * ```ts
 * for await (const rec of readTeacherOutputs("teacher.jsonl.gz")) {
 *   console.log(rec.id, rec.responses.length);
 * }
 * ```
 */
export async function* readTeacherOutputs(
  path: string,
  opts: ReadOptions = {},
): AsyncGenerator<TeacherRecord> {
  const format = opts.format ?? formatOf(path);
  if (format !== "jsonl" && format !== "csv") {
    throw new TeacherOutputError(0, "--format", `must be jsonl or csv, got "${format}".`);
  }
  const stats = opts.stats ?? newReadStats();
  const ctx: RecordContext = {};
  // Ids must be unique; 1 and "1" count as the same id (a join on id could not tell them apart).
  const seen = new IdSet();
  let lineNo = 0;
  for await (const batch of lines(path, stats)) {
    for (const text of batch) {
      lineNo++;
      stats.lines = lineNo;
      if (text.trim() === "") continue;
      if (
        format === "csv" && stats.records === 0 && stats.skipped === 0 &&
        /^\s*"?id"?\s*,/.test(text)
      ) {
        continue; // header
      }
      let rec: TeacherRecord;
      try {
        rec = format === "csv"
          ? parseCsvLine(text, ctx, lineNo)
          : parseRecordLine(text, ctx, lineNo);
        const first = seen.check(rec.id, lineNo);
        if (first !== undefined) {
          throw new TeacherOutputError(
            lineNo,
            "id",
            `${JSON.stringify(rec.id)} repeats the id of line ${first} (ids must be unique; ` +
              `1 and "1" count as the same id).`,
          );
        }
      } catch (e) {
        if (!opts.skipBad || !(e instanceof TeacherOutputError)) throw e;
        stats.skipped++;
        if (stats.errors.length < 10) stats.errors.push(e);
        continue;
      }
      stats.records++;
      yield rec;
    }
  }
  if (stats.records === 0) {
    throw new TeacherOutputError(
      0,
      "--in",
      stats.skipped > 0
        ? `${path}: every one of ${stats.skipped} non-empty lines is bad (first: ${
          stats.errors[0]?.message
        }).`
        : `${path} holds no record (empty file).`,
    );
  }
}

/**
 * Parse and check one JSON Lines line.
 *
 * @throws TeacherOutputError for malformed JSON or a bad record.
 *
 * @category Variance-aware targets for your teacher
 */
export function parseRecordLine(text: string, ctx: RecordContext, line: number): TeacherRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TeacherOutputError(
      line,
      "record",
      `is not valid JSON (${(e as Error).message.slice(0, 80)}).`,
    );
  }
  return checkRecord(value, ctx, line);
}

/**
 * Parse one CSV line of the numeric layout `id,response_1,...,response_k`
 * (empty trailing cells allowed, so inputs may have different k). Cells are
 * split by d3-dsv, so a quoted cell may hold commas and doubled quotes
 * (`"x,1",1,2`); a quoted cell may not span lines. The id is kept as text.
 *
 * @throws TeacherOutputError for an empty id, an unbalanced quote, no
 *   responses, or a cell that is not a finite number.
 *
 * @category Variance-aware targets for your teacher
 */
export function parseCsvLine(text: string, ctx: RecordContext, line: number): TeacherRecord {
  let quotes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) quotes++;
  if (quotes % 2 === 1) {
    throw new TeacherOutputError(
      line,
      "record",
      "has an unbalanced quote (a quoted cell may not span lines; double a quote inside one).",
    );
  }
  const cells = quotes === 0 ? text.split(",") : csvParseRows(text)[0] ?? [""];
  const id = cells[0].trim();
  if (id === "") throw new TeacherOutputError(line, "id", "is empty: give each input an id.");
  const responses: number[] = [];
  for (let j = 1; j < cells.length; j++) {
    const c = cells[j].trim();
    if (c === "") continue;
    const v = Number(c);
    if (!Number.isFinite(v)) {
      throw new TeacherOutputError(
        line,
        `response_${j}`,
        `${JSON.stringify(c.slice(0, 40))} is not a finite number.`,
      );
    }
    responses.push(v);
  }
  if (responses.length === 0) {
    throw new TeacherOutputError(line, "responses", "the line has no response values.");
  }
  ctx.kind ??= "number";
  return { id, responses, line };
}
