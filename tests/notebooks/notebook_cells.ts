/**
 * A chapter notebook's code cells, and some of them evaluated as one module: what the notebook
 * tests use to check the literals a notebook writes out (its configuration, the paper's tables)
 * against the step modules and the pinned transcriptions.
 *
 * @module
 */
import { assertEquals } from "../assert.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

/** The code cells of `notebooks/<name>.ipynb`, in order. */
export function codeCells(name: string): string[] {
  const nb = JSON.parse(Deno.readTextFileSync(`${REPO}/notebooks/${name}.ipynb`)) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  return nb.cells.filter((c) => c.cell_type === "code")
    .map((c) => Array.isArray(c.source) ? c.source.join("") : c.source);
}

/** The index of the one code cell that declares `const <name>`. */
export function cellDeclaring(cells: string[], name: string): number {
  const found = cells.flatMap((c, i) => new RegExp(`^const ${name}\\b`, "m").test(c) ? [i] : []);
  assertEquals(found.length, 1, `cells declaring ${name}`);
  return found[0];
}

/**
 * `cells` evaluated as one module at scale `scale` (KD_SCALE), its relative imports made
 * absolute, exporting `names`; the module's exports.
 */
export async function evaluateCells(
  cells: string[],
  names: string[],
  scale = "smoke",
): Promise<Record<string, unknown>> {
  const source = cells.join("\n")
    .replaceAll('"../lib/', `"file://${REPO}/lib/`)
    .replaceAll('"./0', `"file://${REPO}/notebooks/0`) + `\nexport { ${names.join(", ")} };\n`;
  const dir = await Deno.makeTempDir({ prefix: "nb_cells_" });
  const before = Deno.env.get("KD_SCALE");
  try {
    await Deno.writeTextFile(`${dir}/cells.ts`, source);
    Deno.env.set("KD_SCALE", scale);
    return await import(`file://${dir}/cells.ts`);
  } finally {
    if (before === undefined) Deno.env.delete("KD_SCALE");
    else Deno.env.set("KD_SCALE", before);
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The cells of `notebooks/<name>.ipynb` that declare `declared` (in that order), evaluated as one
 * module at `scale`, exporting `exported`: how a notebook test reads the configuration literals
 * a notebook writes out.
 */
export function declaringCells(
  name: string,
  declared: string[],
  exported: string[],
  scale: string,
): Promise<Record<string, unknown>> {
  const cells = codeCells(name);
  return evaluateCells(declared.map((d) => cells[cellDeclaring(cells, d)]), exported, scale);
}

/**
 * Write `source` to a module in a temporary folder (named `prefix`...), import it and return its
 * `run` export; the folder is removed once the module is loaded.
 */
export async function importRun<T>(source: string, prefix: string): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await Deno.writeTextFile(`${dir}/claims.ts`, source);
    return (await import(`file://${dir}/claims.ts`)).run as T;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
