/**
 * Notebooks import only from the library's entry points (deno.json
 * "exports") and from their own step modules beside them (`./<stem>.ts`, the
 * notebook's name with .ts, or another `./<NN>_*.ts` of the same chapter number when a
 * chapter's steps are split in two), and every name they import exists there: checked
 * by type-checking each notebook's import statements, so a rename in lib/ or
 * in a step module that a notebook missed fails here rather than in a Jupyter run.
 */
import { assert } from "../assert.ts";

const ROOT = new URL("../../", import.meta.url);
const NOTEBOOKS = new URL("notebooks/", ROOT);

function notebooks(): string[] {
  return [...Deno.readDirSync(NOTEBOOKS)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
}

const entries: string[] = Object.values(
  JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).exports as Record<string, string>,
).map((p) => p.replace(/^\.\//, "../"));

function imports(name: string): string[] {
  const nb = JSON.parse(Deno.readTextFileSync(new URL(name, NOTEBOOKS)));
  const code = nb.cells
    .filter((c: { cell_type: string }) => c.cell_type === "code")
    .map((c: { source: string[] | string }) =>
      Array.isArray(c.source) ? c.source.join("") : c.source
    )
    .join("\n");
  return [...code.matchAll(/import\s*(?:type\s*)?\{[^}]*\}\s*from\s*"([^"]+)";/gs)].map((m) =>
    m[0]
  );
}

for (const name of notebooks()) {
  Deno.test(`${name} imports only existing names from the library's entry points`, async () => {
    const stmts = imports(name);
    for (const s of stmts) {
      const from = s.match(/from\s*"([^"]+)"/)![1];
      const steps = `./${name.replace(/\.ipynb$/, ".ts")}`;
      const chapter = `./${name.slice(0, name.indexOf("_") + 1)}`; // "./06_"
      assert(
        entries.includes(from) || from === steps ||
          (from.startsWith(chapter) && from.endsWith(".ts")),
        `${name}: imports from ${from}, which is neither an entry point (${
          entries.join(", ")
        }) nor its step module ${steps}`,
      );
    }
    // Type-check the imports alone, from a file in tests/notebooks/ (one folder deeper).
    const file = new URL(`_imports_${crypto.randomUUID()}.ts`, import.meta.url);
    const deeper = stmts.map((st) =>
      st.replace(/from\s*"\.\.\//, 'from "../../').replace(/from\s*"\.\//, 'from "../../notebooks/')
    );
    await Deno.writeTextFile(file, deeper.join("\n") + "\nexport {};\n");
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["check", "--quiet", file.pathname],
        cwd: ROOT.pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      // deno-lint-ignore no-control-regex
      const text = new TextDecoder().decode(out.stderr).replace(/\x1b\[[0-9;]*m/g, "");
      const missing = [...text.matchAll(/has no exported member(?: named)? '([^']+)'/g)].map((m) =>
        m[1]
      );
      assert(
        out.success,
        `${name}: imports that do not type-check: ${missing.join(", ") || text.slice(0, 400)}`,
      );
    } finally {
      await Deno.remove(file);
    }
  });
}
