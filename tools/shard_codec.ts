/**
 * A lossless JSON encoding for shard results, so a merged run is bit-identical
 * to a single-process run: every double comes back with the same bits (JSON's
 * shortest round-trip numbers, with NaN, ±Infinity and −0 tagged), typed
 * arrays as their bytes in base64, `undefined`, Map, Set, Date and bigint
 * tagged. Class instances and functions are refused with a named error (a
 * sweep step must return plain data).
 *
 * @module
 */

/**
 * A value a shard cannot record losslessly (a class instance, a function, a symbol).
 *
 * @category Sharding
 */
export class ShardCodecError extends Error {
  override name = "ShardCodecError";
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

function fromBase64(s: string): ArrayBuffer {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function encodeNumber(x: number): Json {
  if (Number.isNaN(x)) return { $n: "NaN" };
  if (x === Infinity) return { $n: "Infinity" };
  if (x === -Infinity) return { $n: "-Infinity" };
  if (x === 0 && 1 / x < 0) return { $n: "-0" };
  return x;
}

/**
 * Encode `value` as JSON-safe data that {@link decodeValue} turns back into
 * an equal value, bit for bit. `lenient` (for hashing only) names functions
 * and class instances instead of refusing them.
 *
 * @throws ShardCodecError naming the path of a value that cannot be recorded.
 *
 * @category Sharding
 */
export function encodeValue(value: unknown, lenient = false, path = "result"): Json {
  switch (typeof value) {
    case "number":
      return encodeNumber(value);
    case "string":
    case "boolean":
      return value;
    case "undefined":
      return { $u: 1 };
    case "bigint":
      return { $b: value.toString() };
    case "function":
    case "symbol":
      if (lenient) return { $f: String((value as { name?: string }).name ?? value.toString()) };
      throw new ShardCodecError(
        `${path} is a ${typeof value}; a sweep step must return plain data (numbers, strings, arrays, typed arrays, plain objects).`,
      );
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    return Array.from(value, (v, i) => encodeValue(v, lenient, `${path}[${i}]`));
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name as TypedName;
    if (!(name in TYPED)) throw new ShardCodecError(`${path} is a ${name}, which is not recorded.`);
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { $t: name, b64: toBase64(bytes) };
  }
  if (value instanceof Map) {
    return {
      $map: Array.from(value, ([k, v], i) => [
        encodeValue(k, lenient, `${path}.key${i}`),
        encodeValue(v, lenient, `${path}.get(${String(k)})`),
      ]),
    };
  }
  if (value instanceof Set) {
    return { $set: Array.from(value, (v, i) => encodeValue(v, lenient, `${path}.set${i}`)) };
  }
  if (value instanceof Date) return { $date: value.getTime() };
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (lenient) return { $f: `instance of ${proto?.constructor?.name ?? "?"}` };
    throw new ShardCodecError(
      `${path} is an instance of ${
        proto?.constructor?.name ?? "a class"
      }; a sweep step must return plain data (copy what you need into a plain object).`,
    );
  }
  const obj = value as Record<string, unknown>;
  const entries: Record<string, Json> = {};
  let tagged = false;
  for (const k of Object.keys(obj)) {
    if (k.startsWith("$")) tagged = true;
    entries[k] = encodeValue(obj[k], lenient, `${path}.${k}`);
  }
  return tagged ? { $o: entries } : entries;
}

/**
 * Invert {@link encodeValue}.
 *
 * @throws ShardCodecError on a tag it does not know (a file from a newer
 *   format) or a tagged value that is malformed (a damaged or hand-edited
 *   file): never another kind of error, whatever JSON it is given.
 *
 * @category Sharding
 */
export function decodeValue(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map(decodeValue);
  const o = data as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length >= 1 && keys[0].startsWith("$")) return decodeTagged(keys[0], o);
  // Own data properties (a "__proto__" key stays a key, never a prototype).
  return Object.fromEntries(keys.map((k) => [k, decodeValue(o[k])]));
}

function malformed(tag: string, what: string): ShardCodecError {
  return new ShardCodecError(`decodeValue: a malformed "${tag}" value (${what}): a damaged file?`);
}

function decodeTagged(tag: string, o: Record<string, unknown>): unknown {
  const v = o[tag];
  switch (tag) {
    case "$n":
      if (v === "NaN") return NaN;
      if (v === "Infinity") return Infinity;
      if (v === "-Infinity") return -Infinity;
      if (v === "-0") return -0;
      throw malformed(tag, `${JSON.stringify(v)} is not NaN, Infinity, -Infinity or -0`);
    case "$u":
      return undefined;
    case "$b":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw malformed(tag, "not an integer");
      return BigInt(v);
    case "$t": {
      const ctor = Object.hasOwn(TYPED, v as string) ? TYPED[v as TypedName] : undefined;
      if (!ctor) throw new ShardCodecError(`decodeValue: unknown typed array "${v}".`);
      if (typeof o.b64 !== "string") throw malformed(tag, "no base64 bytes");
      let buf: ArrayBuffer;
      try {
        buf = fromBase64(o.b64);
      } catch {
        throw malformed(tag, "bytes not in base64");
      }
      if (buf.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
        throw malformed(tag, `${buf.byteLength} bytes do not make whole ${v} elements`);
      }
      return new (ctor as unknown as new (b: ArrayBuffer) => ArrayBufferView)(buf);
    }
    case "$map":
      if (!Array.isArray(v) || !v.every((e) => Array.isArray(e) && e.length === 2)) {
        throw malformed(tag, "not a list of [key, value] pairs");
      }
      return new Map((v as unknown[][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
    case "$set":
      if (!Array.isArray(v)) throw malformed(tag, "not a list");
      return new Set(v.map(decodeValue));
    case "$date":
      if (typeof v !== "number") throw malformed(tag, "not a number");
      return new Date(v);
    case "$o":
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        throw malformed(tag, "not an object");
      }
      return Object.fromEntries(
        Object.keys(v).map((k) => [k, decodeValue((v as Record<string, unknown>)[k])]),
      );
  }
  throw new ShardCodecError(`decodeValue: unknown tag "${tag}" (a file from another format?).`);
}

/** Encode and stringify (compact). */
export function serialize(value: unknown): string {
  return JSON.stringify(encodeValue(value));
}

/**
 * Parse and decode.
 *
 * @throws ShardCodecError when `text` is not JSON or not an encoded value.
 */
export function deserialize(text: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ShardCodecError(`deserialize: not JSON (${(e as Error).message}).`);
  }
  return decodeValue(data);
}

/**
 * SHA-256 (hex) of a string.
 *
 * @category Sharding
 */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * SHA-256 of a value's lenient encoding (functions and instances by name): a
 * configuration's or a sweep's settings' fingerprint.
 *
 * @category Sharding
 */
export function hashValue(value: unknown): Promise<string> {
  return sha256(JSON.stringify(encodeValue(value, true)));
}
