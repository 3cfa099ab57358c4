/**
 * The steps every chart builder shares: its opening checks, its series, an
 * error band's ends and values, and the finished {@link Chart}.
 *
 * @module
 */
import {
  type Category,
  type Chart,
  datumRef,
  frame,
  type FrameExtents,
  type FrameOptions,
  type Row,
  uniqueValues,
  type VegaLiteSpec,
} from "./chart.ts";

/**
 * Check that every row has a finite number in `field` (and a positive one
 * when `positive`, for log axes).
 *
 * @throws Error naming the option (`argName`), the field and the first bad row.
 */
export function checkNumeric(
  fn: string,
  rows: readonly Row[],
  argName: string,
  field: string,
  positive = false,
): void {
  if (typeof field !== "string" || field === "") {
    throw new Error(`${fn}: ${argName} must name a field of the rows; got ${field}.`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!(field in rows[i])) {
      throw new Error(`${fn}: ${argName} "${field}" is missing from rows[${i}].`);
    }
    const v = rows[i][field];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new Error(
        `${fn}: ${argName} "${field}" must hold finite numbers; rows[${i}] has ${String(v)}.`,
      );
    }
    if (positive && !(v > 0)) {
      throw new Error(
        `${fn}: ${argName} "${field}" must be > 0 on a log axis; rows[${i}] has ${v}. ` +
          `Use a linear axis or filter/clip the rows first.`,
      );
    }
  }
}

/**
 * Check that every row has `field` (any value but undefined).
 *
 * @throws Error naming the option and the first row without it.
 */
export function checkPresent(fn: string, rows: readonly Row[], argName: string, field: string) {
  if (typeof field !== "string" || field === "") {
    throw new Error(`${fn}: ${argName} must name a field of the rows; got ${field}.`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (rows[i][field] === undefined) {
      throw new Error(`${fn}: ${argName} "${field}" is missing from rows[${i}].`);
    }
  }
}

/**
 * The checks every builder opens with: `rows` a non-empty array of plain
 * objects, then `opts` an object.
 *
 * @throws Error naming `fn` and the argument, saying "opts `need`" when `opts` is not an object.
 */
export function checkChart(fn: string, rows: readonly Row[], opts: unknown, need = "is required") {
  if (!Array.isArray(rows)) {
    throw new Error(`${fn}: rows must be an array of objects; got ${typeof rows}.`);
  }
  if (rows.length === 0) {
    throw new Error(`${fn}: rows is empty; pass at least one row of data.`);
  }
  rows.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      throw new Error(`${fn}: rows[${i}] must be a plain object (field -> value).`);
    }
  });
  if (!opts || typeof opts !== "object") throw new Error(`${fn}: opts ${need}.`);
}

/**
 * The distinct values of an optional series field (see {@link uniqueValues}),
 * after checking every row has it; [] without a field.
 */
export function seriesOf(
  fn: string,
  rows: readonly Row[],
  argName: string,
  field: string | undefined,
): Category[] {
  if (field === undefined) return [];
  checkPresent(fn, rows, argName, field);
  return uniqueValues(rows, field);
}

/** The fields an error band is read from: around `y`, a half-width field or two edges. */
export interface BandFields {
  y: string;
  lower?: string;
  upper?: string;
  logY?: boolean;
}

/**
 * The two ends of an error band as Vega expressions: y ∓ the half-width
 * field `half` (option `arg`), or the fields lower and upper (> 0 on a log
 * axis); undefined when neither is given. Rows' half-widths are checked
 * numeric only: the caller checks their range.
 *
 * @throws Error when both ways or only one of lower and upper are given, or a field is not numeric.
 */
export function bandEdges(
  fn: string,
  rows: readonly Row[],
  opts: BandFields,
  arg: string,
  half: string | undefined,
): [string, string] | undefined {
  const { y, lower, upper } = opts;
  if (half !== undefined && (lower !== undefined || upper !== undefined)) {
    throw new Error(`${fn}: give either ${arg} (a half-width) or lower and upper, not both.`);
  }
  if ((lower === undefined) !== (upper === undefined)) {
    throw new Error(`${fn}: lower and upper go together; pass both or neither.`);
  }
  if (half !== undefined) {
    checkNumeric(fn, rows, arg, half);
    return [`${datumRef(y)} - ${datumRef(half)}`, `${datumRef(y)} + ${datumRef(half)}`];
  }
  if (lower === undefined || upper === undefined) return undefined;
  checkNumeric(fn, rows, "lower", lower, opts.logY);
  checkNumeric(fn, rows, "upper", upper, opts.logY);
  return [datumRef(lower), datumRef(upper)];
}

/** Every y an error band draws, row by row: y, then y ∓ `half` or lower and upper. */
export function bandValues(rows: readonly Row[], opts: BandFields, half?: string): number[] {
  return rows.flatMap((r) => {
    const y = r[opts.y] as number;
    if (half !== undefined) {
      const e = r[half] as number;
      return [y, y - e, y + e];
    }
    if (opts.lower !== undefined && opts.upper !== undefined) {
      return [y, r[opts.lower] as number, r[opts.upper] as number];
    }
    return [y];
  });
}

/**
 * A builder's finished {@link Chart}: `body` framed with `opts` (see
 * {@link frame}), named `opts.name` or `kind`; with `extents`, its layout too.
 */
export function chartOf(
  kind: string,
  rows: readonly Row[],
  body: VegaLiteSpec,
  opts: FrameOptions,
  summary: string,
  extents?: FrameExtents,
  stats?: Readonly<Record<string, number>>,
): Chart {
  const { spec, layout } = frame(rows, body, opts, extents);
  return {
    name: opts.name ?? kind,
    title: opts.title,
    spec,
    rows,
    summary,
    ...(stats ? { stats } : {}),
    ...(extents ? { layout } : {}),
  };
}
