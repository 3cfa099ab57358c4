/**
 * From a file of saved teacher outputs to a file of distillation targets,
 * streaming, written atomically, with progress: what `deno task
 * distill-targets` runs.
 *
 * @module
 */
import type { Embedder } from "../../lib/llm/embed/embedder.ts";
import { newReadStats, oneLine, type ReadStats, readTeacherOutputs } from "./read.ts";
import { processAlive } from "../process_alive.ts";
import {
  type Response,
  TargetOptionError,
  TeacherOutputError,
  type TeacherRecord,
} from "../../lib/targets/records.ts";
import { TargetSummary } from "./summary.ts";
import {
  checkedRecordTarget,
  checkTargetOptions,
  matrixTarget,
  type ResponseMatrix,
  responseMatrix,
  SpaceDetector,
  studentSide,
  type Target,
  type TargetOptions,
} from "../../lib/targets/targets.ts";

/**
 * Options of {@link distillTargets}.
 *
 * @category Variance-aware targets for your teacher
 */
export interface DistillTargetsOptions extends TargetOptions {
  /** Input file: JSON Lines or CSV, plain or gzip. */
  input: string;
  /** Output file (JSON Lines), written atomically. */
  output: string;
  /** Input format (default from the file name). */
  format?: "jsonl" | "csv";
  /** Skip bad lines, reporting their count, instead of stopping at the first. */
  skipBad?: boolean;
  /** The sentence embedder for text responses (required when the responses are texts). */
  embedder?: Embedder;
  /** Progress: called about every half second with records done and the share of the file read. */
  onProgress?: (p: { records: number; fraction: number; seconds: number }) => void;
  /** Seed of the report's sub-sampling (default 1). */
  seed?: number;
  /**
   * Filled with the paths of the temporary files while they exist, so that a
   * signal handler can remove them (`deno task distill-targets` does on
   * SIGINT and SIGTERM).
   */
  temporaries?: Set<string>;
  /** Told what the run does beside its work: stale temporaries removed, an output replaced. */
  onNotice?: (message: string) => void;
  /**
   * Called with the result after every target is written to the temporary
   * file and before it is renamed into place (the command writes the report
   * here): if it throws, the output is not written.
   */
  beforeCommit?: (result: DistillTargetsResult) => Promise<void>;
}

/**
 * What {@link distillTargets} returns.
 *
 * @category Variance-aware targets for your teacher
 */
export interface DistillTargetsResult {
  /** The report's accumulated numbers. */
  summary: TargetSummary;
  /** Reader counts (lines, records, skipped, first errors). */
  stats: ReadStats;
  /** Teacher responses processed. */
  responses: number;
  /** The flag threshold on the per-input variance (Tukey's far-out fence). */
  threshold: number;
  /** Inputs flagged as extreme. */
  flagged: number;
  /** The response kind of the file. */
  kind: "number" | "vector" | "sparse" | "text";
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  /** How vectors were read (`auto` decided once for the file); null for other kinds. */
  space: "probability" | "logit" | null;
}

/** A number as JSON writes it (non-finite values as null). */
function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "null" : String(v);
}

/** One output line; built by hand (the same text as JSON.stringify, about twice as fast). */
function outputLine(t: Target, input: unknown): string {
  const target = typeof t.target === "number" ? num(t.target) : JSON.stringify(t.target);
  const inp = input === undefined ? "" : `"input":${JSON.stringify(input)},`;
  let line = `{"id":${JSON.stringify(t.id)},${inp}"target":${target},"k":${t.k},` +
    `"teacher_variance":${num(t.teacherVariance)},"target_variance":${num(t.targetVariance)}`;
  if (t.chosen !== null) line += `,"chosen":${t.chosen}`;
  if (t.weightTeacher !== null) {
    line += `,"weight_teacher":${num(t.weightTeacher)},"weight_teacher_se":${
      num(t.weightTeacherSe)
    }`;
  }
  return line + `,"flag":false}`;
}

class LineWriter {
  #parts: string[] = [];
  #size = 0;
  #enc = new TextEncoder();
  constructor(readonly file: Deno.FsFile) {}
  /** Queue a line; returns a promise only when the buffer was flushed (await it then). */
  push(line: string): Promise<void> | undefined {
    this.#parts.push(line, "\n");
    this.#size += line.length + 1;
    return this.#size > 1 << 20 ? this.flush() : undefined;
  }
  async flush() {
    if (this.#parts.length === 0) return;
    const bytes = this.#enc.encode(this.#parts.join(""));
    let off = 0;
    while (off < bytes.length) off += await this.file.write(bytes.subarray(off));
    this.#parts = [];
    this.#size = 0;
  }
}

async function removeQuietly(path: string) {
  try {
    await Deno.remove(path);
  } catch {
    // already gone
  }
}

/** Embed a batch of text records and make their targets. */
async function textTargets(
  batch: TeacherRecord[],
  opts: DistillTargetsOptions,
): Promise<{ rec: TeacherRecord; m: ResponseMatrix; t: Target | TeacherOutputError }[]> {
  const emb = opts.embedder!;
  const texts: string[] = [];
  for (const r of batch) {
    for (const t of r.responses as string[]) texts.push(t);
    if (Array.isArray(r.student) && opts.method === "variance-weighted") {
      for (const t of r.student as string[]) texts.push(t);
    }
  }
  const e = await emb.embed(texts);
  const d = emb.dim;
  let row = 0;
  const take = (n: number): ResponseMatrix => {
    const m = { n, d, values: Float64Array.from(e.subarray(row * d, (row + n) * d)) };
    row += n;
    return m;
  };
  return batch.map((rec) => {
    const m = take(rec.responses.length);
    const sm = Array.isArray(rec.student) && opts.method === "variance-weighted"
      ? take(rec.student.length)
      : undefined;
    try {
      return { rec, m, t: matrixTarget(rec, m, opts, sm && studentSide(sm, rec.line)) };
    } catch (e) {
      if (e instanceof TeacherOutputError) return { rec, m, t: e };
      throw e;
    }
  });
}

/** The folder and file name of a path. */
function splitPath(path: string): [string, string] {
  const i = path.lastIndexOf("/");
  return i === -1 ? [".", path] : [i === 0 ? "/" : path.slice(0, i), path.slice(i + 1)];
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** The canonical path of `path`, which need not exist (its folder is resolved then). */
async function canonical(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    const [dir, name] = splitPath(path);
    try {
      return `${await Deno.realPath(dir)}/${name}`;
    } catch {
      return path;
    }
  }
}

/**
 * Whether two paths name the same file: the same canonical path (symbolic
 * links resolved) or, when both exist, the same device and inode (hard links).
 *
 * @category Variance-aware targets for your teacher
 */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if ((await canonical(a)) === (await canonical(b))) return true;
  const [sa, sb] = [await statOrNull(a), await statOrNull(b)];
  return sa !== null && sb !== null && sa.ino !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/**
 * Remove the temporary files an interrupted run left beside `output`
 * (`.NAME.part1-PID`, `.NAME.part2-PID`) whose process is no longer alive.
 *
 * @returns the paths removed.
 *
 * @category Variance-aware targets for your teacher
 */
export async function removeStaleTemporaries(output: string): Promise<string[]> {
  const [dir, name] = splitPath(output);
  const removed: string[] = [];
  const prefix = `.${name}.part`;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return removed; // the folder's problems are reported when the output is opened
  }
  for (const e of entries) {
    if (!e.isFile || !e.name.startsWith(prefix)) continue;
    const m = /^part[12]-(\d+)$/.exec(e.name.slice(prefix.length - "part".length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === Deno.pid || processAlive(pid, Deno.hostname()) !== false) continue;
    try {
      await Deno.remove(`${dir}/${e.name}`);
      removed.push(`${dir}/${e.name}`);
    } catch {
      // not ours to remove after all
    }
  }
  return removed;
}

/**
 * The one-line error for an output that cannot be written: a missing
 * folder, a path through a file, no permission, a read-only file system.
 *
 * @category Variance-aware targets for your teacher
 */
export function outputWriteError(path: string, e: unknown): TeacherOutputError {
  const why = e instanceof Deno.errors.NotFound
    ? "its folder does not exist"
    : e instanceof Deno.errors.NotADirectory || /not a directory/i.test(oneLine(e))
    ? "a component of the path is a file, not a folder"
    : e instanceof Deno.errors.PermissionDenied || /read-only|permission/i.test(oneLine(e))
    ? `no permission to write there (${oneLine(e)})`
    : oneLine(e);
  return new TeacherOutputError(0, "--out", `cannot write ${path}: ${why}.`);
}

/**
 * Decide `--space auto` once for the whole file: read every vector first.
 * Returns null when the file's responses are not vectors.
 */
async function fileSpace(opts: DistillTargetsOptions): Promise<"probability" | "logit" | null> {
  const d = new SpaceDetector();
  let vectors = false;
  for await (
    const rec of readTeacherOutputs(opts.input, {
      format: opts.format,
      skipBad: opts.skipBad,
      stats: newReadStats(),
    })
  ) {
    if (!Array.isArray(rec.responses[0])) return null;
    vectors = true;
    const line = rec.line ?? 0;
    (rec.responses as number[][]).forEach((v, i) => d.add(v, line, `responses[${i}]`));
    if (Array.isArray(rec.student) && opts.method === "variance-weighted") {
      (rec.student as number[][]).forEach((v, i) => d.add(v, line, `student[${i}]`));
    }
  }
  return vectors ? d.space() : null;
}

/**
 * Read teacher outputs, write one target per input (JSON Lines: `id`,
 * `input` when the record has one, `target`, `k`, `teacher_variance`
 * (null for an input with one response), `target_variance`, `chosen` for
 * texts and medoids, `weight_teacher` and `weight_teacher_se` for variance
 * weighting, `flag` for inputs whose teacher variance is beyond Tukey's
 * far-out fence), and return the numbers of the uncertainty report.
 *
 * Nothing is written to `output` unless the whole input is processed: the
 * targets go to temporary files beside it (`.NAME.part1-PID`,
 * `.NAME.part2-PID`), renamed into place at the end; an existing output is
 * replaced then (and `onNotice` told). Stale temporaries of runs that were
 * killed are removed on start. With `space` `auto`, vector files are read
 * twice: once to decide the space for the whole file.
 *
 * @throws TargetOptionError for bad options: an unknown method, a bad k or
 *   space, `average-k` without k, the output naming the input file.
 * @throws TeacherOutputError naming the line and field of a bad input line
 *   (unless `skipBad`), a duplicate id, an empty or unreadable file, k larger
 *   than the responses given, text responses without an embedder, or an
 *   output that cannot be written.
 *
 * @example
 * ```ts
 * const r = await distillTargets({ input: "teacher.jsonl", output: "targets.jsonl", method: "mean" });
 * console.log(r.summary.recommendK(0.01));
 * ```
 *
 * @category Variance-aware targets for your teacher
 */
export async function distillTargets(opts: DistillTargetsOptions): Promise<DistillTargetsResult> {
  const started = performance.now();
  checkTargetOptions(opts);
  if (opts.format !== undefined && opts.format !== "jsonl" && opts.format !== "csv") {
    throw new TargetOptionError("--format", `must be jsonl or csv; got "${opts.format}".`);
  }
  if (!opts.input || !opts.output) {
    throw new TargetOptionError("--in/--out", "both the input and the output file are needed.");
  }
  const inStat = await statOrNull(opts.input);
  if (inStat === null) throw new TeacherOutputError(0, "--in", `${opts.input} does not exist.`);
  if (inStat.isDirectory) {
    throw new TeacherOutputError(0, "--in", `${opts.input} is a folder; give the file.`);
  }
  if (await sameFile(opts.input, opts.output)) {
    throw new TargetOptionError(
      "--out",
      `${opts.output} is the input file ${opts.input}; write the targets to another file.`,
    );
  }
  const outStat = await statOrNull(opts.output);
  if (outStat?.isDirectory) {
    throw new TeacherOutputError(0, "--out", `${opts.output} is a folder; give a file name.`);
  }
  const size = inStat.size;
  const [dir, name] = splitPath(opts.output);
  for (const p of await removeStaleTemporaries(opts.output)) {
    opts.onNotice?.(`removed ${p}, left by an interrupted run (its process is gone)`);
  }
  const space = opts.space === "auto" || opts.space === undefined
    ? await fileSpace(opts)
    : opts.space;
  const targetOpts: DistillTargetsOptions = { ...opts, space: space ?? opts.space };
  const stats = newReadStats();
  const summary = new TargetSummary({ seed: opts.seed });
  const tmp1 = `${dir}/.${name}.part1-${Deno.pid}`;
  const tmp2 = `${dir}/.${name}.part2-${Deno.pid}`;
  const temps = opts.temporaries ?? new Set<string>();
  let responses = 0;
  let kind: DistillTargetsResult["kind"] = "number";
  let file: Deno.FsFile;
  temps.add(tmp1);
  try {
    file = await Deno.open(tmp1, { write: true, create: true, truncate: true });
  } catch (e) {
    temps.delete(tmp1);
    throw outputWriteError(opts.output, e);
  }
  if (outStat !== null) {
    opts.onNotice?.(`${opts.output} exists: it is replaced when the run succeeds`);
  }
  const writer = new LineWriter(file);
  let lastTick = performance.now();
  const tick = (records: number) => {
    const now = performance.now();
    if (opts.onProgress && now - lastTick > 500) {
      lastTick = now;
      opts.onProgress({
        records,
        fraction: size > 0 ? Math.min(stats.bytes / size, 1) : 1,
        seconds: (now - started) / 1000,
      });
    }
  };
  const skip = (e: unknown) => {
    if (!(opts.skipBad && e instanceof TeacherOutputError)) throw e;
    stats.skipped++;
    stats.records--;
    if (stats.errors.length < 10) stats.errors.push(e);
  };
  let out: Deno.FsFile | undefined;
  try {
    let batch: TeacherRecord[] = [];
    const flushText = async () => {
      for (const { rec, m, t } of await textTargets(batch, targetOpts)) {
        if (t instanceof TeacherOutputError) {
          skip(t);
          continue;
        }
        summary.add(rec.responses, m, t);
        const p = writer.push(outputLine(t, rec.input));
        if (p) await p;
      }
      batch = [];
    };
    for await (const rec of readTeacherOutputs(opts.input, { ...opts, stats })) {
      const first: Response = rec.responses[0];
      if (typeof first === "string") {
        kind = "text";
        if (!opts.embedder) {
          throw new TeacherOutputError(
            rec.line ?? 0,
            "responses",
            "are texts: an embedder is needed (the command loads the offline sentence encoder).",
          );
        }
        responses += rec.responses.length;
        batch.push(rec);
        if (batch.length >= 64) await flushText();
      } else {
        kind = typeof first === "number" ? "number" : Array.isArray(first) ? "vector" : "sparse";
        let t: Target;
        let m: ResponseMatrix;
        try {
          m = responseMatrix(rec.responses, targetOpts.space, rec.line);
          t = checkedRecordTarget(rec, targetOpts, m);
        } catch (e) {
          skip(e);
          continue;
        }
        responses += rec.responses.length;
        summary.add(rec.responses, m, t);
        const p = writer.push(outputLine(t, rec.input));
        if (p) await p;
      }
      tick(stats.records);
    }
    if (batch.length) await flushText();
    if (stats.records === 0) {
      throw new TeacherOutputError(
        0,
        "--in",
        `${opts.input}: every one of ${stats.skipped} records is bad (first: ${
          stats.errors[0]?.message
        }).`,
      );
    }
    await writer.flush();
    file.close();
    // Second pass over our own output: set the flags now that the fence is known.
    const threshold = summary.flagThreshold();
    let flagged = 0;
    temps.add(tmp2);
    out = await Deno.open(tmp2, { write: true, create: true, truncate: true });
    const w2 = new LineWriter(out);
    const src = await Deno.open(tmp1);
    let i = 0, rest = "";
    for await (const chunk of src.readable.pipeThrough(new TextDecoderStream())) {
      const text = rest + chunk;
      let start = 0;
      for (let j = text.indexOf("\n"); j !== -1; j = text.indexOf("\n", start)) {
        let line = text.slice(start, j);
        if (summary.variances[i] > threshold) {
          line = line.slice(0, -"false}".length) + "true}";
          flagged++;
        }
        const p = w2.push(line);
        if (p) await p;
        i++;
        start = j + 1;
      }
      rest = text.slice(start);
    }
    await w2.flush();
    out.close();
    out = undefined;
    const result: DistillTargetsResult = {
      summary,
      stats,
      responses,
      threshold,
      flagged,
      kind,
      space: kind === "vector"
        ? (targetOpts.space === "probability" ? "probability" : "logit")
        : null,
      seconds: (performance.now() - started) / 1000,
    };
    await opts.beforeCommit?.(result);
    try {
      await Deno.rename(tmp2, opts.output);
    } catch (e) {
      throw outputWriteError(opts.output, e);
    }
    temps.delete(tmp2);
    await removeQuietly(tmp1);
    temps.delete(tmp1);
    result.seconds = (performance.now() - started) / 1000;
    return result;
  } catch (e) {
    for (const f of [file, out]) {
      try {
        f?.close();
      } catch {
        // already closed
      }
    }
    await removeQuietly(tmp1);
    await removeQuietly(tmp2);
    temps.delete(tmp1);
    temps.delete(tmp2);
    if (e instanceof TeacherOutputError || e instanceof TargetOptionError) throw e;
    // The reader wraps its own file errors; what is left from the file system is the output's
    // (a full disk, a read-only file system, a folder removed meanwhile).
    const fsError = Object.values(Deno.errors).some((c) => e instanceof c) ||
      (e instanceof Error && /\(os error \d+\)/.test(e.message));
    if (fsError) throw outputWriteError(opts.output, e);
    throw e;
  }
}
