/**
 * The fonts every figure is drawn, measured and embedded with: DejaVu Sans
 * from the `dejavu-fonts-ttf` npm package, found the same way on any machine
 * (never from a system font folder).
 *
 * Vega lays out text headless by estimating each string's width, and its
 * estimate is ~45% too wide for DejaVu Sans, which cuts labels and wastes
 * space. {@link installFontMetrics} replaces that estimate with the fonts'
 * real advance widths (with kerning), measured by fontkit, so the layout
 * matches what resvg (PNG) and pdfkit (PDF) then draw with the same files.
 *
 * @module
 */
import * as fontkit from "fontkit";
import { repoRoot } from "../config.ts";

/**
 * The family name the theme uses, and the files that hold its four faces.
 *
 * @category Theme and fonts
 */
export const FONT_FAMILY = "DejaVu Sans";

/**
 * Paths to the four faces of DejaVu Sans.
 *
 * @category Theme and fonts
 */
export interface FontFiles {
  /** DejaVuSans.ttf */
  regular: string;
  /** DejaVuSans-Bold.ttf */
  bold: string;
  /** DejaVuSans-Oblique.ttf */
  oblique: string;
  /** DejaVuSans-BoldOblique.ttf */
  boldOblique: string;
}

const FACES: Record<keyof FontFiles, string> = {
  regular: "DejaVuSans.ttf",
  bold: "DejaVuSans-Bold.ttf",
  oblique: "DejaVuSans-Oblique.ttf",
  boldOblique: "DejaVuSans-BoldOblique.ttf",
};

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function candidateDirs(): string[] {
  const dirs: string[] = [];
  try {
    // Resolved through deno.json's import map: node_modules/.deno/... or the npm cache.
    const url = import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
    if (url.startsWith("file:")) dirs.push(decodeURIComponent(new URL("./", url).pathname));
  } catch {
    // not resolvable (no import map in scope): fall back to node_modules below
  }
  dirs.push(`${repoRoot()}/node_modules/dejavu-fonts-ttf/ttf/`);
  return dirs;
}

let cachedFiles: FontFiles | undefined;

/**
 * Locate DejaVu Sans in the installed `dejavu-fonts-ttf` package.
 *
 * @throws Error when the package is not installed (run `deno install` in the
 *   repository to fill node_modules/).
 *
 * @category Theme and fonts
 */
export function fontFiles(): FontFiles {
  if (cachedFiles) return cachedFiles;
  const tried: string[] = [];
  for (const dir of candidateDirs()) {
    const files = Object.fromEntries(
      Object.entries(FACES).map(([k, f]) => [k, dir + f]),
    ) as unknown as FontFiles;
    if (Object.values(files).every(exists)) return (cachedFiles = files);
    tried.push(dir);
  }
  throw new Error(
    `fontFiles: DejaVu Sans not found (looked in ${tried.join(", ")}); ` +
      `run \`deno install\` in the repository so npm:dejavu-fonts-ttf lands in node_modules/.`,
  );
}

interface FontkitFont {
  unitsPerEm: number;
  layout(text: string): { advanceWidth: number };
}

let faces: Record<keyof FontFiles, FontkitFont> | undefined;

function loadFaces(): Record<keyof FontFiles, FontkitFont> {
  if (faces) return faces;
  const files = fontFiles();
  const open = (p: string) => fontkit.openSync(p) as unknown as FontkitFont;
  faces = {
    regular: open(files.regular),
    bold: open(files.bold),
    oblique: open(files.oblique),
    boldOblique: open(files.boldOblique),
  };
  return faces;
}

function faceFor(weight: unknown, style: unknown): keyof FontFiles {
  const bold = weight === "bold" || weight === "bolder" || Number(weight) >= 600;
  const slanted = style === "italic" || style === "oblique";
  return bold ? (slanted ? "boldOblique" : "bold") : (slanted ? "oblique" : "regular");
}

const widthCache = new Map<string, number>();

/**
 * The advance width, in the units of `fontSize`, of `text` set in DejaVu Sans
 * (kerning applied), as fontkit lays it out. Any font family is measured as
 * DejaVu Sans: it is the only family the theme uses.
 *
 * @example
 * ```ts
 * textWidth("Noise variance", 8); // ~ 58.6 (points, at 8 pt)
 * ```
 *
 * @category Theme and fonts
 */
export function textWidth(
  text: string,
  fontSize: number,
  weight: string | number = "normal",
  style = "normal",
): number {
  if (!text || !(fontSize > 0)) return 0;
  const face = faceFor(weight, style);
  const key = `${face}\u0000${text}`;
  let em = widthCache.get(key);
  if (em === undefined) {
    const f = loadFaces()[face];
    em = f.layout(text).advanceWidth / f.unitsPerEm;
    if (widthCache.size > 20_000) widthCache.clear();
    widthCache.set(key, em);
  }
  return em * fontSize;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  fontStyle?: string;
}

let installed = false;

/**
 * Make Vega measure text with DejaVu Sans's real metrics instead of its
 * built-in estimate. Idempotent; every renderer in lib/plot calls it first.
 * It sets `vega.textMetrics.width` on the given Vega module, which is shared
 * by all Vega views in the process.
 *
 * @throws Error from {@link fontFiles} when the fonts are not installed.
 */
export function installFontMetrics(vega: object): void {
  if (installed) return;
  loadFaces();
  const metrics = (vega as { textMetrics: unknown }).textMetrics as {
    width: (item: TextItem, text: unknown) => number;
  };
  metrics.width = (item, text) => {
    const s = text == null ? "" : String(text).trim();
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    return textWidth(s, size, item.fontWeight, item.fontStyle);
  };
  installed = true;
}
