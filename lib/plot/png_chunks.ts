/**
 * Adding metadata chunks to a PNG file: `tEXt` (keyword/text pairs) and
 * `pHYs` (the pixel density), inserted right after the `IHDR` header chunk.
 * Each chunk carries a CRC-32 (ISO 3309, as the PNG specification requires)
 * over its type and data.
 *
 * @module
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 of `bytes` (reflected polynomial 0xEDB88320, as in PNG, zlib, gzip).
 *
 * @example
 * ```ts
 * crc32(new TextEncoder().encode("123456789")); // 0xCBF43926
 * ```
 *
 * @category Export
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function latin1(s: string, what: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw new Error(`${what} must be Latin-1 text; "${s}" is not.`);
    b[i] = c;
  }
  return b;
}

/**
 * A copy of `png` with one `tEXt` chunk per entry of `text`, and a `pHYs`
 * chunk when `dpi` is given.
 *
 * @throws Error when `png` is not a PNG, a keyword is not 1-79 Latin-1
 *   characters, or a text is not Latin-1.
 *
 * @category Export
 */
export function addPngChunks(
  png: Uint8Array,
  text: readonly [string, string][],
  dpi?: number,
): Uint8Array {
  if (png.length < 33 || SIGNATURE.some((b, i) => png[i] !== b)) {
    throw new Error("addPngChunks: png is not a PNG file (bad signature).");
  }
  const ihdrEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
  const extra: Uint8Array[] = [];
  if (dpi !== undefined) {
    const data = new Uint8Array(9);
    const v = new DataView(data.buffer);
    const ppm = Math.round(dpi / 0.0254);
    v.setUint32(0, ppm);
    v.setUint32(4, ppm);
    data[8] = 1; // unit: metre
    extra.push(chunk("pHYs", data));
  }
  for (const [key, value] of text) {
    if (key.length < 1 || key.length > 79) {
      throw new Error(`addPngChunks: keyword "${key}" must be 1-79 characters.`);
    }
    const k = latin1(key, "keyword"), t = latin1(value, "text");
    const data = new Uint8Array(k.length + 1 + t.length);
    data.set(k, 0);
    data.set(t, k.length + 1);
    extra.push(chunk("tEXt", data));
  }
  const size = extra.reduce((s, c) => s + c.length, png.length);
  const out = new Uint8Array(size);
  out.set(png.subarray(0, ihdrEnd), 0);
  let o = ihdrEnd;
  for (const c of extra) {
    out.set(c, o);
    o += c.length;
  }
  out.set(png.subarray(ihdrEnd), o);
  return out;
}

/**
 * The `tEXt` chunks of a PNG as keyword/text pairs, in file order.
 *
 * @category Export
 */
export function readPngText(png: Uint8Array): [string, string][] {
  const out: [string, string][] = [];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  while (o + 8 <= png.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    if (type === "tEXt") {
      const data = png.subarray(o + 8, o + 8 + len);
      const z = data.indexOf(0);
      const dec = (b: Uint8Array) => String.fromCharCode(...b);
      out.push([dec(data.subarray(0, z)), dec(data.subarray(z + 1))]);
    }
    if (type === "IEND") break;
    o += 12 + len;
  }
  return out;
}

/**
 * The pixel density a PNG records in its `pHYs` chunk, in dots per inch, or
 * undefined when it has none (or records no unit).
 */
export function readPngDpi(png: Uint8Array): number | undefined {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  while (o + 8 <= png.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    if (type === "pHYs" && len >= 9) {
      if (png[o + 16] !== 1) return undefined; // unit 1 = metre
      // Stored as whole pixels per metre: 144 dpi is 5669 px/m, read back as 143.99 dpi.
      return Math.round(view.getUint32(o + 8) * 0.254) / 10;
    }
    if (type === "IDAT" || type === "IEND") return undefined;
    o += 12 + len;
  }
  return undefined;
}
