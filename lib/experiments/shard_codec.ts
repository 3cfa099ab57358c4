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
 * @throws ShardCodecError on a tag it does not know (a file from a newer format).
 *
 * @category Sharding
 */
export function decodeValue(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map(decodeValue);
  const o = data as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length >= 1 && keys[0].startsWith("$")) {
    const tag = keys[0];
    if (tag === "$n") {
      const n = o.$n as string;
      return n === "NaN" ? NaN : n === "Infinity" ? Infinity : n === "-Infinity" ? -Infinity : -0;
    }
    if (tag === "$u") return undefined;
    if (tag === "$b") return BigInt(o.$b as string);
    if (tag === "$t") {
      const ctor = TYPED[o.$t as TypedName];
      if (!ctor) throw new ShardCodecError(`decodeValue: unknown typed array "${o.$t}".`);
      return new (ctor as new (b: ArrayBuffer) => ArrayBufferView)(fromBase64(o.b64 as string));
    }
    if (tag === "$map") {
      return new Map((o.$map as unknown[][]).map(([k, v]) => [decodeValue(k), decodeValue(v)]));
    }
    if (tag === "$set") return new Set((o.$set as unknown[]).map(decodeValue));
    if (tag === "$date") return new Date(o.$date as number);
    if (tag === "$o") {
      const inner = o.$o as Record<string, unknown>;
      return Object.fromEntries(Object.keys(inner).map((k) => [k, decodeValue(inner[k])]));
    }
    throw new ShardCodecError(`decodeValue: unknown tag "${tag}" (a file from another format?).`);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = decodeValue(o[k]);
  return out;
}

/** Encode and stringify (compact). */
export function serialize(value: unknown): string {
  return JSON.stringify(encodeValue(value));
}

/** Parse and decode. */
export function deserialize(text: string): unknown {
  return decodeValue(JSON.parse(text));
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
