/**
 * Reading PDFs with Debian's poppler-utils (`pdfinfo`, `pdftoppm`) for the
 * PDF tests, and the ink bounding box of a rendered page.
 */
import { decodePng, type Pixels } from "./png_decode.ts";

function runs(cmd: string): boolean {
  try {
    return new Deno.Command(cmd, { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .code !== 127;
  } catch {
    return false;
  }
}

/** Whether pdfinfo and pdftoppm can be run here (`apt-get install poppler-utils`). */
export const HAVE_POPPLER = runs("pdfinfo") && runs("pdftoppm");

/** Page size of the first page, in points, as pdfinfo reports it. */
export async function pdfPageSize(pdf: string): Promise<{ width: number; height: number }> {
  const out = await new Deno.Command("pdfinfo", { args: [pdf], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(text);
  if (!out.success || !m) throw new Error(`pdfinfo could not read ${pdf}:\n${text}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** The first page rasterized by pdftoppm at `dpi`, decoded. */
export async function pdfPage(pdf: string, dpi: number): Promise<Pixels> {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command("pdftoppm", {
      args: ["-png", "-r", String(dpi), "-singlefile", pdf, `${dir}/page`],
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return await decodePng(await Deno.readFile(`${dir}/page.png`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Bounding box of the pixels darker than `threshold` (luminance 0-255), and
 * `count`, the number of dark pixels (luminance < 128: text, lines, axes,
 * not light fills whose blending differs between rasterizers); null on a
 * blank page.
 */
export function inkBox(img: Pixels, threshold = 200) {
  let left = img.width, top = img.height, right = -1, bottom = -1, count = 0, any = false;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      const lum = 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
      if (lum < 128) count++;
      if (lum >= threshold) continue;
      any = true;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return !any ? null : { left, top, right: right + 1, bottom: bottom + 1, count };
}
