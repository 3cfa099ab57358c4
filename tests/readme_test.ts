import { assert } from "./assert.ts";

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
