/**
 * Saving and loading a model to a folder, dependency-free:
 * - `config.json`: the model's shape, the parameter manifest (name, shape,
 *   offset in floats) and free-form metadata;
 * - `weights.bin`: all parameters as little-endian float32, concatenated in
 *   manifest order;
 * - `tokenizer.json`: the tokenizer's merges.
 *
 * @module
 */
import { checkGptConfig, type GptConfig } from "./config.ts";
import { gptFromValues, type GptModel, gptParameterShapes, gptValues } from "./model.ts";
import { tokenizerFromJson, type TokenizerJson } from "./tokenizer.ts";

/** What `config.json` holds. */
export interface SavedModelJson {
  /** Format tag, always "kd-gpt-v1". */
  format: "kd-gpt-v1";
  /** The model's shape. */
  config: GptConfig;
  /** Parameters in the order they are stored. */
  parameters: { name: string; shape: number[]; offset: number }[];
  /** Anything the caller wants to keep with the model (how it was trained, seeds, ...). */
  metadata: Record<string, unknown>;
  /** Size of weights.bin in bytes and its FNV-1a 32-bit checksum (hex); absent in older saves. */
  weights?: { bytes: number; fnv1a32: string };
}

/** A model folder that cannot be read: missing, truncated or corrupt files, or a mismatch. */
export class ModelFileError extends Error {
  override name = "ModelFileError";
}

/** FNV-1a 32-bit hash of bytes, as 8 hex digits (detects corrupt weight files). */
export function fnv1a32(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function join(dir: string, file: string): string {
  return dir.endsWith("/") ? dir + file : `${dir}/${file}`;
}

/**
 * Write `model` to folder `dir` (created if missing; files replaced). The save
 * is atomic: the files are written to a sibling folder which then replaces
 * `dir` by renames, so an interrupted save leaves the old folder (or none),
 * never a mix. Needs --allow-write.
 *
 * @example
 * ```ts
 * await saveGpt(model, "data/models/student", { seed: 1 });
 * ```
 */
export async function saveGpt(
  model: GptModel,
  dir: string,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  const values = gptValues(model);
  const parameters: SavedModelJson["parameters"] = [];
  let offset = 0;
  for (const [name, shape] of gptParameterShapes(model.config)) {
    parameters.push({ name, shape, offset });
    offset += values.get(name)!.length;
  }
  const all = new Float32Array(offset);
  for (const p of parameters) all.set(values.get(p.name)!, p.offset);
  const bytes = new Uint8Array(all.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < all.length; i++) view.setFloat32(i * 4, all[i], true);
  const json: SavedModelJson = {
    format: "kd-gpt-v1",
    config: model.config,
    parameters,
    metadata,
    weights: { bytes: bytes.length, fnv1a32: fnv1a32(bytes) },
  };
  const clean = dir.replace(/\/+$/, "");
  const tmp = `${clean}.saving-${Deno.pid}`;
  const old = `${clean}.old-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  await Deno.writeFile(join(tmp, "weights.bin"), bytes);
  await Deno.writeTextFile(join(tmp, "tokenizer.json"), JSON.stringify(model.tokenizer.toJson()));
  await Deno.writeTextFile(join(tmp, "config.json"), JSON.stringify(json, null, 2) + "\n");
  let moved = false;
  try {
    await Deno.rename(clean, old);
    moved = true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.rename(tmp, clean);
  if (moved) await Deno.remove(old, { recursive: true });
}

/**
 * Read a model written by `saveGpt`. Needs --allow-read.
 *
 * @returns the model (new tf variables; free with `disposeGpt`) and its metadata.
 * @throws Error naming the missing or malformed file (run `deno task models` to
 *   rebuild the bundled models).
 */
export async function loadGpt(
  dir: string,
): Promise<{ model: GptModel; metadata: Record<string, unknown> }> {
  const read = async <T>(file: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new ModelFileError(
        `cannot read ${join(dir, file)}: ${(e as Error).message}. ` +
          `Point at a folder written by saveGpt (or run \`deno task models\`).`,
      );
    }
  };
  const json = await read(
    "config.json",
    async () => JSON.parse(await Deno.readTextFile(join(dir, "config.json"))) as SavedModelJson,
  );
  if (json.format !== "kd-gpt-v1") {
    throw new ModelFileError(
      `${join(dir, "config.json")} has format "${json.format}", expected "kd-gpt-v1"; ` +
        `point at a folder written by saveGpt.`,
    );
  }
  checkGptConfig(json.config);
  const tokJson = await read(
    "tokenizer.json",
    async () => JSON.parse(await Deno.readTextFile(join(dir, "tokenizer.json"))) as TokenizerJson,
  );
  const tokenizer = tokenizerFromJson(tokJson);
  if (tokenizer.vocabSize !== json.config.vocabSize) {
    throw new ModelFileError(
      `${join(dir, "tokenizer.json")} has ${tokenizer.vocabSize} tokens but config.json says ` +
        `${json.config.vocabSize}: the tokenizer does not match the model; save both with saveGpt.`,
    );
  }
  const bytes = await read("weights.bin", () => Deno.readFile(join(dir, "weights.bin")));
  const expected = json.parameters.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0) * 4;
  if (bytes.byteLength !== expected) {
    throw new ModelFileError(
      `${join(dir, "weights.bin")} has ${bytes.byteLength} bytes but config.json's parameters ` +
        `need ${expected}: the file is truncated or belongs to another model; ` +
        `restore it (git checkout) or rebuild with \`deno task models\`.`,
    );
  }
  if (json.weights && fnv1a32(bytes) !== json.weights.fnv1a32) {
    throw new ModelFileError(
      `${join(dir, "weights.bin")} is corrupt: its checksum ${fnv1a32(bytes)} differs from ` +
        `${json.weights.fnv1a32} recorded in config.json; restore it (git checkout) or ` +
        `rebuild with \`deno task models\`.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Map<string, Float32Array>();
  for (const p of json.parameters) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    if ((p.offset + size) * 4 > bytes.byteLength) {
      throw new ModelFileError(
        `${join(dir, "weights.bin")} is too short for parameter ${p.name}.`,
      );
    }
    const x = new Float32Array(size);
    for (let i = 0; i < size; i++) x[i] = view.getFloat32((p.offset + i) * 4, true);
    values.set(p.name, x);
  }
  return { model: gptFromValues(json.config, tokenizer, values), metadata: json.metadata ?? {} };
}
