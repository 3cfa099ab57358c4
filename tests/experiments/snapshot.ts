/**
 * Snapshot tests of figure specs (Observable Plot's practice): a figure built
 * from an experiment at a tiny, seeded configuration is compared with the
 * committed `tests/experiments/snapshots/<name>.vl.json`, so a change that
 * alters a figure shows up as a diff. A missing snapshot fails the test;
 * `KD_UPDATE_SNAPSHOTS=1 deno task test` writes (or rewrites) them.
 *
 * @module
 */
import { AssertionError } from "../assert.ts";

const DIR = new URL("./snapshots/", import.meta.url);

/** Numbers rounded to 6 significant digits so float32 round-off across engines does not show. */
function stable(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? Number(v.toPrecision(6)) : String(v);
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, stable(x)]),
    );
  }
  return v;
}

/** Compare `value` (a Vega-Lite spec or any JSON value) with its committed snapshot. */
export async function assertSnapshot(name: string, value: unknown): Promise<void> {
  const text = JSON.stringify(stable(value), null, 1) + "\n";
  const url = new URL(`${name}.vl.json`, DIR);
  if (Deno.env.get("KD_UPDATE_SNAPSHOTS") === "1") {
    await Deno.mkdir(DIR, { recursive: true });
    await Deno.writeTextFile(url, text);
    return;
  }
  let old: string;
  try {
    old = await Deno.readTextFile(url);
  } catch {
    throw new AssertionError(
      `no snapshot ${url.pathname}; write it with KD_UPDATE_SNAPSHOTS=1 and commit it.`,
    );
  }
  if (old !== text) {
    const a = old.split("\n"), b = text.split("\n");
    const i = a.findIndex((line, j) => line !== b[j]);
    throw new AssertionError(
      `figure ${name} differs from its snapshot at line ${i + 1}:\n- ${a[i]}\n+ ${b[i]}\n` +
        "If the change is intended, rewrite it with KD_UPDATE_SNAPSHOTS=1 and commit it.",
    );
  }
}
