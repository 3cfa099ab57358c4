/**
 * The project's shape (issue 28, "a chapter is its notebook; lib/ holds primitives only"), kept
 * by tests so that it does not drift back:
 *
 * - every notebook code cell has at most 15 non-blank lines and no line over 100 characters;
 * - each step module beside a notebook (notebooks/*.ts) has at most 600 lines;
 * - lib/ is at most 26,000 lines of TypeScript, imports nothing from tools/ or notebooks/, and has
 *   no import cycle (issue 28 brought lib/ to 24,990 lines with the experiments moved out; the
 *   1,000 lines of room are for new primitives, far less than the 14k lines of experiments
 *   this check keeps out);
 * - the main entry exports at most 110 names and loads neither TensorFlow.js nor the renderers;
 * - the entries (deno.json "exports") export at most 450 names, each from one entry.
 */
import { assert, assertEquals } from "./assert.ts";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...filesUnder(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const lineCount = (p: string) => Deno.readTextFileSync(p).split("\n").length - 1;

Deno.test("every notebook code cell has at most 15 non-blank lines, none over 100 characters", () => {
  const bad: string[] = [];
  for (const nb of filesUnder(`${ROOT}/notebooks`, ".ipynb")) {
    const cells = JSON.parse(Deno.readTextFileSync(nb)).cells as {
      cell_type: string;
      source: string[] | string;
    }[];
    cells.forEach((c, i) => {
      if (c.cell_type !== "code") return;
      const lines = (Array.isArray(c.source) ? c.source.join("") : c.source).split("\n");
      const nonBlank = lines.filter((l) => l.trim() !== "").length;
      const longest = Math.max(...lines.map((l) => l.length));
      if (nonBlank > 15 || longest > 100) {
        bad.push(`${nb.slice(ROOT.length + 1)} cell ${i}: ${nonBlank} lines, longest ${longest}`);
      }
    });
  }
  assertEquals(bad, []);
});

Deno.test("each step module beside a notebook has at most 600 lines", () => {
  const long = filesUnder(`${ROOT}/notebooks`, ".ts")
    .map((p) => ({ p: p.slice(ROOT.length + 1), n: lineCount(p) }))
    .filter((f) => f.n > 600);
  assertEquals(long, []);
});

/** Relative imports of a TypeScript file, resolved to paths under ROOT. */
function importsOf(p: string): string[] {
  const text = Deno.readTextFileSync(p);
  const dir = p.slice(0, p.lastIndexOf("/"));
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.[^"']+\.ts)["']/g)].map((m) =>
    new URL(m[1], `file://${dir}/`).pathname
  );
}

Deno.test("lib/ is at most 26,000 lines, imports no tool or notebook, and has no import cycle", () => {
  const files = filesUnder(`${ROOT}/lib`, ".ts");
  const total = files.reduce((a, p) => a + lineCount(p), 0);
  assert(total <= 26_000, `lib/ holds ${total} lines of TypeScript`);
  const graph = new Map(files.map((p) => [p, importsOf(p)]));
  const outside = [...graph].flatMap(([p, deps]) =>
    deps.filter((d) => !d.startsWith(`${ROOT}/lib/`)).map((d) => `${p} -> ${d}`)
  );
  assertEquals(outside, []);
  // Depth-first search for a back edge.
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (p: string, path: string[]) => {
    state.set(p, "open");
    for (const d of graph.get(p) ?? []) {
      if (!graph.has(d)) continue;
      if (state.get(d) === "open") {
        cycles.push([...path, p, d].map((f) => f.slice(ROOT.length + 1)).join(" -> "));
      } else if (!state.has(d)) visit(d, [...path, p]);
    }
    state.set(p, "done");
  };
  for (const p of graph.keys()) if (!state.has(p)) visit(p, []);
  assertEquals(cycles, []);
});

async function exportedNames(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  return Object.values(doc.nodes).flatMap((n) => n.symbols.map((s) => s.name));
}

Deno.test("the main entry exports at most 110 names and loads no TensorFlow.js or renderer", async () => {
  assert((await exportedNames("lib/mod.ts")).length <= 110);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "lib/mod.ts"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  // The modules of its graph (npm ones as "npm:/name@version"; "npmPackages" lists the lock's).
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const specifiers = info.modules.map((m) => m.specifier);
  const heavy = specifiers.filter((s) => /tensorflow|resvg|pdfkit/.test(s));
  assertEquals(heavy, []);
  assert(specifiers.length > 5, "deno info listed the modules"); // the check itself ran
});

Deno.test("the entries export at most 450 names, each from one entry", async () => {
  const exports = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).exports as Record<
    string,
    string
  >;
  const where = new Map<string, string[]>();
  for (const [entry, file] of Object.entries(exports)) {
    for (const name of new Set(await exportedNames(file))) {
      where.set(name, [...(where.get(name) ?? []), entry]);
    }
  }
  assert(where.size <= 450, `${where.size} names exported`);
  const twice = [...where].filter(([, e]) => e.length > 1).map(([n, e]) => `${n}: ${e}`);
  assertEquals(twice, []);
});
