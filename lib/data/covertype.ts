/**
 * Covertype (Blackard & Dean, 1999; UCI): forest cover type of 30 x 30 m
 * cells from cartographic variables. 54 features (10 quantitative, 4
 * wilderness-area and 40 soil-type indicators), 7 cover types.
 *
 * The project ships a 150,000-row part in `data/covtype/covtype_uci_150k.csv.gz`
 * (see data/README.md). The loader reads it, or any copy in UCI's own
 * `covtype.data` layout (gzipped or not; no header, 55 integer columns) or the
 * same layout with a header line. The paper
 * uses a random 50,000-row subsample with labels shifted to 0..6 (docs/protocols.md,
 * Section 6); `rows` and `seed` draw such a subsample.
 *
 * @module
 */

import { csvParseRows } from "d3-dsv";
import { largeDataDir } from "../config.ts";
import { sampleWithoutReplacement, type Seed, toRng } from "../random.ts";
import type { ClassificationDataset } from "./dataset.ts";
import { numericMatrix, readDataText } from "./read_file.ts";

const QUANTITATIVE = [
  "Elevation",
  "Aspect",
  "Slope",
  "Horizontal_Distance_To_Hydrology",
  "Vertical_Distance_To_Hydrology",
  "Horizontal_Distance_To_Roadways",
  "Hillshade_9am",
  "Hillshade_Noon",
  "Hillshade_3pm",
  "Horizontal_Distance_To_Fire_Points",
];

/**
 * The 54 feature names of UCI's documentation, in file order.
 *
 * @category Loaders
 */
export const COVERTYPE_FEATURES: readonly string[] = [
  ...QUANTITATIVE,
  ...Array.from({ length: 4 }, (_, i) => `Wilderness_Area${i + 1}`),
  ...Array.from({ length: 40 }, (_, i) => `Soil_Type${i + 1}`),
];

const FILE_NAMES = ["covtype.data.gz", "covtype.data", "covtype_uci_150k.csv.gz", "covtype.csv"];

/**
 * Options of `loadCovertype`.
 *
 * @category Loaders
 */
export interface CovertypeOptions {
  /** Keep this many rows, drawn uniformly without replacement; default all rows. */
  rows?: number;
  /** Seed or generator for the row sample; required when `rows` is given. */
  seed?: Seed;
}

async function resolve(path: string): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new Error(
      `path "${path}" does not exist. Give the Covertype file (covtype.data[.gz] or ` +
        `covtype_uci_150k.csv.gz) or its folder, e.g. \`data/covtype\`.`,
    );
  }
  if (!info.isDirectory) return path;
  for (const name of FILE_NAMES) {
    const p = `${path.replace(/\/$/, "")}/${name}`;
    try {
      await Deno.stat(p);
      return p;
    } catch { /* try the next name */ }
  }
  throw new Error(`path "${path}" is a folder without any of ${FILE_NAMES.join(", ")}.`);
}

/** The data rows to parse (0-based, in file order): all, or a uniform sample of `opts.rows`. */
function rowsToKeep(opts: CovertypeOptions, total: number): number[] {
  if (opts.rows === undefined) return Array.from({ length: total }, (_, i) => i);
  if (!Number.isInteger(opts.rows) || opts.rows < 1 || opts.rows > total) {
    throw new RangeError(
      `rows must be an integer in [1, ${total}] (the file's rows), got ${opts.rows}.`,
    );
  }
  return Array.from(sampleWithoutReplacement(toRng(opts.seed!), total, opts.rows)).sort((a, b) =>
    a - b
  );
}

/**
 * Load Covertype from `path` (a file, or a folder holding one of
 * covtype.data.gz, covtype.data, covtype_uci_150k.csv.gz, covtype.csv);
 * without `path`, from `<largeDataDir()>/covtype` (the shipped copy, or
 * KD_DATA_DIR's when that is set): `loadCovertype({ rows: 50_000, seed: 1 })`.
 * Labels 1..7 become 0..6. With `rows`, a uniform subsample (in file order)
 * is kept; only those rows are parsed.
 *
 * @throws Error when the path is missing, a row does not have 55 numeric
 *   columns, a label is outside 1..7, `rows` is not an integer in [1, file rows],
 *   or `rows` is given without `seed`.
 * @example
 * ```ts
 * const cov = await loadCovertype({ rows: 50_000, seed: 1 }); // the shipped copy
 * ```
 *
 * @category Loaders
 */
export async function loadCovertype(
  pathOrOpts?: string | CovertypeOptions,
  options: CovertypeOptions = {},
): Promise<ClassificationDataset> {
  const path = typeof pathOrOpts === "string" || pathOrOpts === undefined
    ? pathOrOpts ?? `${largeDataDir()}/covtype`
    : `${largeDataDir()}/covtype`;
  const opts = pathOrOpts !== null && typeof pathOrOpts === "object" ? pathOrOpts : options;
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`path must be the Covertype file or its folder, got ${path}.`);
  }
  if (opts.rows !== undefined && opts.seed === undefined) {
    throw new TypeError("seed is required with rows: pass e.g. { rows: 50000, seed: 1 }.");
  }
  const file = await resolve(path);
  const lines = (await readDataText(file, "the Covertype file")).replace(/\s+$/, "").split(/\r?\n/);
  const firstCell = (lines[0] ?? "").split(",")[0].trim();
  const hasHeader = firstCell !== "" && !Number.isFinite(Number(firstCell));
  const header = hasHeader ? csvParseRows(lines[0])[0] : undefined;
  const body = hasHeader ? 1 : 0;
  const total = lines.length - body;
  if (header && header.length !== 55) {
    throw new Error(
      `the file "${file}" has ${header.length} header columns; expected 55 (54 features and Cover_Type).`,
    );
  }
  if (total < 1) throw new Error(`the file "${file}" has no data rows.`);
  const keep = rowsToKeep(opts, total);
  const rows = csvParseRows(keep.map((i) => lines[body + i]).join("\n"));
  if (rows.length !== keep.length) {
    throw new Error(`the file "${file}" has blank or broken lines; expected one row per line.`);
  }
  const m = numericMatrix(rows, 55, file);
  const n = keep.length, d = 54;
  const x = new Float64Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(m.subarray(i * 55, i * 55 + d), i * d);
    const label = m[i * 55 + d];
    if (!Number.isInteger(label) || label < 1 || label > 7) {
      throw new Error(
        `the file "${file}" has Cover_Type ${label} at line ${body + keep[i] + 1}; expected 1..7.`,
      );
    }
    y[i] = label - 1;
  }
  const base = file.split("/").pop()!;
  return {
    name: n === total
      ? `Covertype (${base}, ${n.toLocaleString("en-US")} rows)`
      : `Covertype (${n.toLocaleString("en-US")} of ${
        total.toLocaleString("en-US")
      } rows of ${base})`,
    task: "classification",
    x,
    y,
    n,
    d,
    featureNames: header ? header.slice(0, d) : [...COVERTYPE_FEATURES],
    classes: [
      "Spruce/Fir",
      "Lodgepole Pine",
      "Ponderosa Pine",
      "Cottonwood/Willow",
      "Aspen",
      "Douglas-fir",
      "Krummholz",
    ],
    source:
      `${file}; UCI Covertype, Blackard & Dean (1999), (c) Jock A. Blackard and Colorado State University`,
  };
}
