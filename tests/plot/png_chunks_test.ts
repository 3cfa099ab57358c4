import { assertEquals, assertThrows } from "../assert.ts";
import { addPngChunks, crc32, readPngText } from "../../lib/plot/png_chunks.ts";
import { decodePng } from "./png_decode.ts";
import { Resvg } from "@resvg/resvg-js";

Deno.test("crc32 gives the standard check value for '123456789'", () => {
  // The CRC-32/ISO-HDLC check value published with the algorithm: 0xCBF43926.
  assertEquals(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assertEquals(crc32(new Uint8Array(0)), 0);
});

// A 1x1 white PNG made by resvg itself (no chunks of ours).
const ONE_PIXEL = new Uint8Array(
  new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', {
    background: "white",
  }).render().asPng(),
);

Deno.test("tEXt chunks are inserted after IHDR, read back, and leave the image decodable", async () => {
  const png = addPngChunks(ONE_PIXEL, [["scale", "smoke"], ["seed", "3"]], 300);
  assertEquals(readPngText(png), [["scale", "smoke"], ["seed", "3"]]);
  assertEquals(String.fromCharCode(...png.subarray(12, 16)), "IHDR");
  assertEquals(String.fromCharCode(...png.subarray(37, 41)), "pHYs");
  // Each chunk's stored CRC matches the CRC of its type and data.
  const view = new DataView(png.buffer);
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o);
    assertEquals(view.getUint32(o + 8 + len), crc32(png.subarray(o + 4, o + 8 + len)));
    o += 12 + len;
  }
  const img = await decodePng(png);
  assertEquals([img.width, img.height, ...img.data], [1, 1, 255, 255, 255, 255]);
});

Deno.test("a non-PNG or a non-Latin-1 text is refused", () => {
  assertThrows(() => addPngChunks(new Uint8Array(40), []), Error, "not a PNG");
  assertThrows(() => addPngChunks(ONE_PIXEL, [["k", "σ"]]), Error, "Latin-1");
});
