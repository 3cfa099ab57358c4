/**
 * Reading data files: gzip-aware bytes and text, and strict parsing of
 * numeric CSV rows (d3-dsv does the CSV quoting; we check every cell).
 *
 * @module
 */

import { csvParseRows } from "d3-dsv";

/**
 * True when the bytes start with the gzip magic number 1f 8b.
 *
 * @category Loaders
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompress gzip bytes with the web `DecompressionStream`.
 *
 * @category Loaders
 */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The bytes of a file, decompressed when they are gzip (judged by the content,
 * not the name).
 *
 * @param what what the file should hold, for the error message ("the Wine data file").
 * @throws Error naming the path when the file is missing or unreadable, or is
 *   not valid gzip although it starts like gzip.
 *
 * @category Loaders
 */
export async function readDataBytes(path: string, what = "the data file"): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `${what} was not found at path "${path}". Check the path (or the dir option / ` +
          `KD_DATA_DIR it was built from).`,
      );
    }
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new Error(`${what} at "${path}" cannot be read: run Deno with --allow-read.`);
    }
    throw new Error(`${what} at "${path}" cannot be read: ${(e as Error).message}`);
  }
  if (!isGzip(raw)) return raw;
  try {
    return await gunzip(raw);
  } catch (e) {
    throw new Error(`${what} at "${path}" is not valid gzip: ${(e as Error).message}`);
  }
}

/**
 * The text of a (possibly gzipped) UTF-8 file; see `readDataBytes` for the errors.
 *
 * @category Loaders
 */
export async function readDataText(path: string, what = "the data file"): Promise<string> {
  return new TextDecoder().decode(await readDataBytes(path, what));
}

/**
 * Split text into rows of cells: comma-separated with CSV quoting (d3-dsv), or
 * separated by runs of spaces and tabs. Trailing blank lines are dropped; a
 * blank line inside the data stays, as a row of one empty cell, so that row
 * numbers match line numbers and the damage is reported.
 */
export function parseRows(text: string, sep: "," | "whitespace" = ","): string[][] {
  const body = text.replace(/\s+$/, "");
  if (body === "") return [];
  if (sep === ",") return csvParseRows(body);
  return body.split(/\r?\n/).map((l) => l.trim().split(/[ \t]+/));
}

/**
 * A cell as a finite number, strictly: an empty or non-numeric cell throws
 * (unlike `Number("")`, which is 0).
 */
export function parseCell(cell: string, path: string, line: number, col: number): number {
  const s = cell.trim();
  const v = s === "" ? NaN : Number(s);
  if (!Number.isFinite(v)) {
    throw new Error(
      `the file "${path}" has a non-numeric value "${cell}" at line ${line}, column ${col + 1}; ` +
        `expected a number. The file may be damaged: restore it from the original.`,
    );
  }
  return v;
}

/**
 * Parse rows that must all have `width` numeric cells into a row-major Float64Array.
 *
 * @param firstLine the 1-based line number of rows[0] in the file, for messages.
 * @throws Error naming the file, the line and what was expected on a wrong
 *   cell count or a non-numeric cell.
 */
export function numericMatrix(
  rows: string[][],
  width: number,
  path: string,
  firstLine = 1,
): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, i) => {
    if (r.length !== width) {
      throw new Error(
        `the file "${path}" has ${r.length} columns at line ${firstLine + i}; expected ` +
          `${width}. The file may be damaged: restore it from the original.`,
      );
    }
    for (let j = 0; j < width; j++) out[i * width + j] = parseCell(r[j], path, firstLine + i, j);
  });
  return out;
}
