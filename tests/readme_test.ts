import { assert, assertEquals } from "./assert.ts";

const root = new URL("../", import.meta.url);

Deno.test("the README's TypeScript example runs as written", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const block = readme.match(/```ts\n([\s\S]*?)```/);
  assert(block, "README.md has a ```ts example");
  const dir = new URL("build/tests/", root);
  await Deno.mkdir(dir, { recursive: true });
  const file = new URL(`readme_example_${crypto.randomUUID()}.ts`, dir);
  // The example imports "./lib/..." entries from the repository root; run it from build/tests/.
  await Deno.writeTextFile(file, block[1].replaceAll('"./lib/', '"../../lib/'));
  const log = console.log;
  const printed: unknown[][] = [];
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    await import(file.href);
  } finally {
    console.log = log;
    await Deno.remove(file);
  }
  // It prints the simulated inter-student variance, its SE and Theorem 7.1's value:
  // they must agree within 4 Monte Carlo SE (after the (S-1)/S population-variance factor).
  const [sim, , se, , theory] = printed[0] as number[];
  assert(Math.abs(sim - theory * 999 / 1000) < 4 * se, `${sim} +/- ${se} vs ${theory}`);
});

/**
 * The images a Markdown file links (`![alt](path)`, also split across lines, and
 * `<img src="path">`), with the line each starts on; web addresses and data URLs are
 * left out (only files of the repository are checked).
 */
export function imageLinks(md: string): { line: number; path: string }[] {
  const out: { line: number; path: string }[] = [];
  const at = (i: number) => md.slice(0, i).split("\n").length;
  for (const m of md.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    out.push({ line: at(m.index), path: m[1] });
  }
  for (const m of md.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) {
    out.push({ line: at(m.index), path: m[1] });
  }
  return out.filter((l) => !/^(?:[a-z]+:|\/\/|#)/i.test(l.path)).sort((a, b) => a.line - b.line);
}

Deno.test("image links are found in Markdown and HTML form, split lines included", () => {
  const md = '![a](figures/a.png) text\n![b: two\nlines](docs/b.svg "title")\n' +
    '<img alt="c" src="figures/c.png"> ![web](https://x.org/d.png)';
  assertEquals(imageLinks(md), [
    { line: 1, path: "figures/a.png" },
    { line: 2, path: "docs/b.svg" },
    { line: 4, path: "figures/c.png" },
  ]);
});

Deno.test("every image the README links is a file in the repository", () => {
  const readme = Deno.readTextFileSync(new URL("README.md", root));
  const links = imageLinks(readme);
  assert(links.length >= 5, `found only ${links.length} image links in README.md`);
  const missing = links.filter(({ path }) => {
    try {
      return !Deno.statSync(new URL(decodeURI(path.split("#")[0]), root)).isFile;
    } catch {
      return true;
    }
  });
  assertEquals(missing, [], "README.md links images that are not in the repository");
});
