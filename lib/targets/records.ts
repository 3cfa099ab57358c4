/**
 * The offline teacher-output format: one input per record, with the k
 * responses a teacher gave for it (sampled answers, repeated calls of an
 * API, members of an ensemble), optionally the input itself and the
 * student's own estimates for variance weighting.
 *
 * JSON Lines, one record a line:
 * `{ "id": "q17", "responses": [...], "input": ..., "student": ... }`
 * where every response of a file has one kind:
 * - `number`: a regression output (`[2.1, 1.9, 2.4]`);
 * - `vector`: a probability vector or a logit vector of fixed length
 *   (`[[0.7, 0.3], [0.6, 0.4]]`); logits are turned into probabilities
 *   with a softmax before averaging;
 * - `sparse`: top-k logits with their token ids
 *   (`[{ "ids": [5, 9], "logits": [2.3, 1.1] }, ...]`), a softmax over the
 *   given logits (the rest of the vocabulary has probability 0);
 * - `text`: generated answers (`["A small brown spot.", ...]`).
 * `student`, when given, is the student's own samples for the same input,
 * of the same kind as the responses, or `{ "mean": m, "variance": v }` for
 * numbers. The JSON Schema is `docs/teacher_outputs.schema.json`.
 *
 * @module
 */

/**
 * The kind of the responses in a file.
 *
 * @category Variance-aware targets for your teacher
 */
export type ResponseKind = "number" | "vector" | "sparse" | "text";

/**
 * A top-k logit response: token ids and their logits, the same length.
 *
 * @category Variance-aware targets for your teacher
 */
export interface SparseResponse {
  /** Token (class) ids, distinct non-negative integers. */
  ids: number[];
  /** Their logits. */
  logits: number[];
}

/**
 * A response of any kind.
 *
 * @category Variance-aware targets for your teacher
 */
export type Response = number | number[] | SparseResponse | string;

/**
 * The student's estimate: its own samples, or a mean and variance (numbers only).
 *
 * @category Variance-aware targets for your teacher
 */
export type StudentEstimate = Response[] | { mean: number; variance: number };

/**
 * One checked record.
 *
 * @category Variance-aware targets for your teacher
 */
export interface TeacherRecord {
  /** The input's identifier (string or number in the file; kept as given). */
  id: string | number;
  /** The teacher's responses, all of one kind, at least one. */
  responses: Response[];
  /** The input itself, passed through untouched. */
  input?: unknown;
  /** The student's estimate for variance weighting. */
  student?: StudentEstimate;
  /** The 1-based line of the file it came from (set by the reader). */
  line?: number;
}

/**
 * A bad record: names the line (1-based) and the field, and says how to
 * fix it.
 *
 * @category Variance-aware targets for your teacher
 */
export class TeacherOutputError extends Error {
  /** Always "TeacherOutputError". */
  override name = "TeacherOutputError";
  /** The 1-based line of the file (0 when the problem is the file itself). */
  readonly line: number;
  /** The field at fault, e.g. `responses[3]`. */
  readonly field: string;
  /** An error at `line` (0: the file itself) in `field`, saying `message`. */
  constructor(line: number, field: string, message: string) {
    super(line > 0 ? `line ${line}, ${field}: ${message}` : `${field}: ${message}`);
    this.line = line;
    this.field = field;
  }
}

/**
 * A bad option or argument (a missing --k for average-k, an unknown method,
 * the output naming the input file): the command exits with status 2.
 *
 * @category Variance-aware targets for your teacher
 */
export class TargetOptionError extends Error {
  /** Always "TargetOptionError". */
  override name = "TargetOptionError";
  /** The option at fault, e.g. `--k`. */
  readonly option: string;
  /** An error in `option`, saying `message`. */
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

function kindOf(r: unknown): ResponseKind | undefined {
  if (typeof r === "number") return "number";
  if (typeof r === "string") return "text";
  if (Array.isArray(r)) return "vector";
  if (r && typeof r === "object" && "ids" in r && "logits" in r) return "sparse";
  return undefined;
}

function finiteOrFail(v: unknown, line: number, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new TeacherOutputError(
      line,
      field,
      `${typeof v === "number" ? String(v) : JSON.stringify(v)} is not a finite number ` +
        "(NaN and infinities are not allowed).",
    );
  }
  return v;
}

/**
 * What the checks of one file carry from record to record.
 *
 * @category Variance-aware targets for your teacher
 */
export interface RecordContext {
  /** The kind fixed by the first record (undefined before it). */
  kind?: ResponseKind;
  /** The vector length fixed by the first vector record. */
  width?: number;
}

function checkResponse(
  r: unknown,
  ctx: RecordContext,
  line: number,
  field: string,
): Response {
  const kind = kindOf(r);
  if (kind === undefined) {
    throw new TeacherOutputError(
      line,
      field,
      `${JSON.stringify(r)?.slice(0, 60)} is not a number, a vector, ` +
        `{ "ids", "logits" } or a string.`,
    );
  }
  if (ctx.kind === undefined) ctx.kind = kind;
  else if (ctx.kind !== kind) {
    throw new TeacherOutputError(
      line,
      field,
      `is a ${kind} response but the file's responses are ${ctx.kind}s: one kind per file.`,
    );
  }
  switch (kind) {
    case "number":
      return finiteOrFail(r, line, field);
    case "text":
      if ((r as string).trim() === "") {
        throw new TeacherOutputError(line, field, "is an empty string.");
      }
      return r as string;
    case "vector": {
      const v = r as unknown[];
      if (v.length === 0) throw new TeacherOutputError(line, field, "is an empty vector.");
      if (ctx.width === undefined) ctx.width = v.length;
      else if (v.length !== ctx.width) {
        throw new TeacherOutputError(
          line,
          field,
          `has length ${v.length}; the file's vectors have length ${ctx.width}.`,
        );
      }
      v.forEach((x, j) => finiteOrFail(x, line, `${field}[${j}]`));
      return v as number[];
    }
    case "sparse": {
      const s = r as { ids: unknown; logits: unknown };
      if (!Array.isArray(s.ids) || !Array.isArray(s.logits) || s.ids.length === 0) {
        throw new TeacherOutputError(line, field, "ids and logits must be non-empty arrays.");
      }
      if (s.ids.length !== s.logits.length) {
        throw new TeacherOutputError(
          line,
          field,
          `has ${s.ids.length} ids but ${s.logits.length} logits; they must match.`,
        );
      }
      const seen = new Set<number>();
      s.ids.forEach((id, j) => {
        if (!Number.isInteger(id) || (id as number) < 0 || seen.has(id as number)) {
          throw new TeacherOutputError(
            line,
            `${field}.ids[${j}]`,
            `${JSON.stringify(id)} must be a distinct non-negative integer.`,
          );
        }
        seen.add(id as number);
      });
      s.logits.forEach((x, j) => finiteOrFail(x, line, `${field}.logits[${j}]`));
      return { ids: s.ids as number[], logits: s.logits as number[] };
    }
  }
}

/**
 * Check one parsed JSON value as a record of the file whose running context
 * is `ctx` (the first record fixes the response kind and vector length).
 *
 * @throws TeacherOutputError naming the line and field: not an object, a
 *   missing or empty id, no responses, a response of the wrong type, kind
 *   or length, a NaN or infinite value, a malformed student estimate.
 *
 * @category Variance-aware targets for your teacher
 */
export function checkRecord(value: unknown, ctx: RecordContext, line: number): TeacherRecord {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new TeacherOutputError(line, "record", "must be a JSON object { id, responses }.");
  }
  const o = value as Record<string, unknown>;
  if (
    !(typeof o.id === "string" && o.id !== "") &&
    !(typeof o.id === "number" && Number.isFinite(o.id))
  ) {
    throw new TeacherOutputError(line, "id", "is missing or empty: give each input an id.");
  }
  if (!Array.isArray(o.responses) || o.responses.length === 0) {
    throw new TeacherOutputError(line, "responses", "must be a non-empty array.");
  }
  const responses = o.responses.map((r, j) => checkResponse(r, ctx, line, `responses[${j}]`));
  const rec: TeacherRecord = { id: o.id as string | number, responses, line };
  if (o.input !== undefined) rec.input = o.input;
  if (o.student !== undefined) {
    const s = o.student;
    if (Array.isArray(s)) {
      if (s.length === 0) throw new TeacherOutputError(line, "student", "is an empty array.");
      rec.student = s.map((r, j) => checkResponse(r, ctx, line, `student[${j}]`));
    } else if (s && typeof s === "object" && "mean" in s && "variance" in s) {
      if (ctx.kind !== "number") {
        throw new TeacherOutputError(
          line,
          "student",
          "{ mean, variance } is for number responses; give the student's samples instead.",
        );
      }
      const m = finiteOrFail((s as { mean: unknown }).mean, line, "student.mean");
      const v = finiteOrFail((s as { variance: unknown }).variance, line, "student.variance");
      if (v < 0) throw new TeacherOutputError(line, "student.variance", "must be >= 0.");
      rec.student = { mean: m, variance: v };
    } else {
      throw new TeacherOutputError(
        line,
        "student",
        "must be an array of samples or { mean, variance }.",
      );
    }
  }
  return rec;
}
