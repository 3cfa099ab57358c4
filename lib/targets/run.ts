/**
 * From a file of saved teacher outputs to a file of distillation targets,
 * streaming, written atomically, with progress: what `deno task
 * distill-targets` runs.
 *
 * @module
 */
import type { Embedder } from "../llm/embed/embedder.ts";
import { newReadStats, type ReadStats, readTeacherOutputs } from "./read.ts";
import { type Response, TeacherOutputError, type TeacherRecord } from "./records.ts";
import { TargetSummary } from "./summary.ts";
import {
  matrixTarget,
  recordTarget,
  type ResponseMatrix,
  responseMatrix,
  studentSide,
  type Target,
  type TargetOptions,
} from "./targets.ts";

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
}

/** A number as JSON writes it (non-finite values as null). */
function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "null" : String(v);
}

/** One output line; built by hand (the same text as JSON.stringify, about twice as fast). */
function outputLine(t: Target): string {
  const target = typeof t.target === "number" ? num(t.target) : JSON.stringify(t.target);
  let line = `{"id":${JSON.stringify(t.id)},"target":${target},"k":${t.k},` +
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
): Promise<{ rec: TeacherRecord; m: ResponseMatrix; t: Target }[]> {
  const emb = opts.embedder!;
  const texts: string[] = [];
  for (const r of batch) {
    texts.push(...(r.responses as string[]));
    if (Array.isArray(r.student) && opts.method === "variance-weighted") {
      texts.push(...(r.student as string[]));
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
    let student;
    if (Array.isArray(rec.student) && opts.method === "variance-weighted") {
      student = studentSide(take(rec.student.length), rec.line);
    }
    return { rec, m, t: matrixTarget(rec, m, opts, student) };
  });
}

/**
 * Read teacher outputs, write one target per input (JSON Lines: `id`,
 * `target`, `k`, `teacher_variance`, `target_variance`, `chosen` for
 * texts and medoids, `weight_teacher` and `weight_teacher_se` for variance
 * weighting, `flag` for inputs whose teacher variance is beyond Tukey's
 * far-out fence), and return the numbers of the uncertainty report.
 *
 * Nothing is written to `output` unless the whole input is processed: the
 * targets go to a temporary file beside it, renamed into place at the end.
 *
 * @throws TeacherOutputError naming the line and field of a bad input line
 *   (unless `skipBad`), an empty file, k larger than the responses given,
 *   or text responses without an embedder.
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
  if (opts.method === "average-k" && opts.k === undefined) {
    throw new TeacherOutputError(0, "--k", "average-k needs k: pass --k N.");
  }
  if (opts.k !== undefined && !(Number.isInteger(opts.k) && opts.k >= 1)) {
    throw new TeacherOutputError(0, "--k", `must be an integer >= 1, got ${opts.k}.`);
  }
  const size = (await Deno.stat(opts.input).catch(() => null))?.size;
  if (size === undefined) throw new TeacherOutputError(0, "--in", `${opts.input} does not exist.`);
  const stats = newReadStats();
  const summary = new TargetSummary({ seed: opts.seed });
  const dir = opts.output.includes("/") ? opts.output.slice(0, opts.output.lastIndexOf("/")) : ".";
  const tmp1 = `${dir}/.${opts.output.slice(dir.length + 1)}.part1-${Deno.pid}`;
  const tmp2 = `${dir}/.${opts.output.slice(dir.length + 1)}.part2-${Deno.pid}`;
  let responses = 0;
  let kind: DistillTargetsResult["kind"] = "number";
  const file = await Deno.open(tmp1, { write: true, create: true, truncate: true });
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
  try {
    let batch: TeacherRecord[] = [];
    const flushText = async () => {
      for (const { rec, m, t } of await textTargets(batch, opts)) {
        summary.add(rec.responses, m, t);
        const p = writer.push(outputLine(t));
        if (p) await p;
      }
      batch = [];
    };
    for await (const rec of readTeacherOutputs(opts.input, { ...opts, stats })) {
      responses += rec.responses.length;
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
        batch.push(rec);
        if (batch.length >= 64) await flushText();
      } else {
        kind = typeof first === "number" ? "number" : Array.isArray(first) ? "vector" : "sparse";
        let t: Target;
        let m: ResponseMatrix;
        try {
          m = responseMatrix(rec.responses, opts.space, rec.line);
          t = recordTarget(rec, opts, m);
        } catch (e) {
          if (!(opts.skipBad && e instanceof TeacherOutputError)) throw e;
          stats.skipped++;
          stats.records--;
          if (stats.errors.length < 10) stats.errors.push(e);
          continue;
        }
        summary.add(rec.responses, m, t);
        const p = writer.push(outputLine(t));
        if (p) await p;
      }
      tick(stats.records);
    }
    if (batch.length) await flushText();
    await writer.flush();
    file.close();
    // Second pass over our own output: set the flags now that the fence is known.
    const threshold = summary.flagThreshold();
    let flagged = 0;
    const out = await Deno.open(tmp2, { write: true, create: true, truncate: true });
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
    await Deno.rename(tmp2, opts.output);
    await removeQuietly(tmp1);
    return {
      summary,
      stats,
      responses,
      threshold,
      flagged,
      kind,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    try {
      file.close();
    } catch {
      // already closed
    }
    await removeQuietly(tmp1);
    await removeQuietly(tmp2);
    throw e;
  }
}
