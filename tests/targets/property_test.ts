/**
 * Issue 26's contract, property-based (fast-check, fixed seed, 1,000
 * cases): the whole `distill-targets` command, in-process through `run`,
 * fed random bytes, truncated JSON lines, wrong types, NaN/Infinity
 * strings, duplicate ids, ragged vectors, CSV with quotes, gzip (whole and
 * cut), and random options. Each case either fails with a named error
 * (TeacherOutputError → exit 1, UsageError or TargetOptionError → exit 2)
 * and writes nothing, or gives a correct result; never another exception,
 * a clobbered input or a leftover temporary file.
 *
 * Text responses go through a small deterministic embedder (a hash of the
 * characters), not the real sentence encoder: loading it takes seconds and
 * this test is about the command's handling of input, which is the same
 * for any embedder; tests/targets/text_test.ts runs the real one.
 */
import fc from "fast-check";
import { exitStatusOf, run } from "../../tools/distill_targets.ts";
import type { Embedder } from "../../lib/llm/embed/embedder.ts";
import { assert, assertEquals } from "../assert.ts";

const HASH_EMBEDDER: Embedder = {
  name: "test-hash",
  dim: 4,
  embed(texts: string[]) {
    const out = new Float32Array(texts.length * 4);
    texts.forEach((t, i) => {
      for (let c = 0; c < t.length; c++) out[i * 4 + (c % 4)] += ((t.charCodeAt(c) * 31) % 17) / 17;
    });
    return Promise.resolve(out);
  },
  dispose: () => Promise.resolve(),
};

// ---- generators -------------------------------------------------------------------------------

const id = fc.oneof(
  fc.integer({ min: -5, max: 40 }),
  fc.constantFrom("a", "b", "1", "2", "x,1", 'q"1', "é"),
);
const num = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const prob3 = fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000)).map(([a, b, c]) => {
  const s = a + b + c || 1;
  return [a / s, b / s, c / s].map((x) => Number(x.toFixed(3)));
});
const logit3 = fc.tuple(num, num, num).map((v) => v.map((x) => x / 1e5));

/** One JSON Lines line: mostly records, some deliberately broken. */
const jsonLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ id, responses: fc.array(num, { minLength: 1, maxLength: 5 }) }).map((
      r,
    ) => JSON.stringify(r)),
  },
  {
    weight: 2,
    arbitrary: fc.record({ id, responses: fc.array(prob3, { minLength: 1, maxLength: 3 }) }).map((
      r,
    ) => JSON.stringify(r)),
  },
  {
    weight: 2,
    arbitrary: fc.record({ id, responses: fc.array(logit3, { minLength: 1, maxLength: 3 }) }).map((
      r,
    ) => JSON.stringify(r)),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      id,
      responses: fc.array(fc.array(num, { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    }).map((r) => JSON.stringify(r)),
  }, // ragged
  {
    weight: 1,
    arbitrary: fc.record({
      id,
      responses: fc.array(fc.string({ minLength: 1, maxLength: 8 }), {
        minLength: 1,
        maxLength: 3,
      }),
    }).map((r) => JSON.stringify(r)),
  }, // text
  {
    weight: 1,
    arbitrary: fc.record({
      id,
      responses: fc.array(
        fc.record({
          ids: fc.array(fc.nat(5), { minLength: 1, maxLength: 3 }),
          logits: fc.array(num, { minLength: 1, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }).map((r) => JSON.stringify(r)),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      id,
      responses: fc.array(num, { minLength: 2, maxLength: 4 }),
      student: fc.oneof(
        fc.array(num, { minLength: 1, maxLength: 3 }),
        fc.record({ mean: num, variance: fc.double({ min: -1, max: 5, noNaN: true }) }),
      ),
    }).map((r) => JSON.stringify(r)),
  },
  {
    weight: 1,
    arbitrary: fc.record({ id, responses: fc.anything() }, { requiredKeys: [] }).map((r) =>
      JSON.stringify(r)
    ),
  }, // wrong types
  {
    weight: 1,
    arbitrary: fc.tuple(
      id,
      fc.constantFrom("NaN", '"NaN"', "Infinity", '"Infinity"', "-Infinity", "1e999", "null"),
    ).map(([i, bad]) => `{"id":${JSON.stringify(i)},"responses":[1,${bad}]}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.record({ id, responses: fc.array(num, { minLength: 1, maxLength: 4 }) }),
      fc.nat(60),
    ).map(([r, cut]) => JSON.stringify(r).slice(0, cut)),
  }, // truncated
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constant("") },
);

const csvCell = fc.oneof(
  num.map(String),
  fc.constantFrom("", " ", '"x,1"', '"a""b"', '"', "NaN", "Infinity", "abc", "1e999"),
  fc.string({ maxLength: 6 }),
);
const csvLine = fc.tuple(fc.oneof(id.map(String), csvCell), fc.array(csvCell, { maxLength: 5 }))
  .map(([i, cells]) => [i, ...cells].join(","));

interface Case {
  name: "in.jsonl" | "in.csv" | "in.jsonl.gz";
  content: Uint8Array;
  /** All lines valid numeric records with distinct ids: the targets are known. */
  expected: Map<string, number> | null;
  method: string;
  k?: number;
  space?: string;
  skipBad: boolean;
  report?: string;
  out: "out.jsonl" | "same" | "missing/out.jsonl" | "in.jsonl/out.jsonl";
  outExists: boolean;
}

const enc = new TextEncoder();

const validNumberFile = fc.uniqueArray(
  fc.record({
    id: fc.integer({ min: 0, max: 1000 }),
    responses: fc.array(num, { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 8, selector: (r) => r.id },
).map((recs) => ({
  text: recs.map((r) => JSON.stringify(r)).join("\n") + "\n",
  expected: new Map(
    recs.map((r) => [String(r.id), r.responses.reduce((a, b) => a + b) / r.responses.length]),
  ),
}));

const content = fc.oneof(
  {
    weight: 5,
    arbitrary: validNumberFile.map((f) => ({
      name: "in.jsonl" as const,
      text: f.text,
      bytes: null,
      expected: f.expected,
    })),
  },
  {
    weight: 6,
    arbitrary: fc.array(jsonLine, { maxLength: 8 }).map((ls) => ({
      name: "in.jsonl" as const,
      text: ls.join("\n"),
      bytes: null,
      expected: null,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(jsonLine, { maxLength: 6 }), fc.boolean()).map(([ls, cut]) => ({
      name: "in.jsonl.gz" as const,
      text: ls.join("\n"),
      bytes: null,
      expected: null,
      cut,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.boolean(), fc.array(csvLine, { maxLength: 6 })).map(([header, ls]) => ({
      name: "in.csv" as const,
      text: (header ? "id,response_1,response_2\n" : "") + ls.join("\n"),
      bytes: null,
      expected: null,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom("in.jsonl" as const, "in.csv" as const, "in.jsonl.gz" as const),
    ).map(([b, name]) => ({ name, text: null, bytes: b, expected: null })),
  },
);

const caseArb = fc.record({
  content,
  method: fc.oneof({
    weight: 8,
    arbitrary: fc.constantFrom("mean", "average-k", "medoid", "variance-weighted"),
  }, { weight: 1, arbitrary: fc.constant("median") }),
  k: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  space: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom("auto", "probability", "logit") },
    { weight: 1, arbitrary: fc.constant("bogus") },
  ),
  skipBad: fc.boolean(),
  report: fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, {
    weight: 1,
    arbitrary: fc.constantFrom("r.html", "r.md", "r.txt"),
  }),
  out: fc.oneof({ weight: 12, arbitrary: fc.constant("out.jsonl" as const) }, {
    weight: 1,
    arbitrary: fc.constantFrom(
      "same" as const,
      "missing/out.jsonl" as const,
      "in.jsonl/out.jsonl" as const,
    ),
  }),
  outExists: fc.boolean(),
});

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

async function listing(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    out.set(e.name, e.isFile ? [...await Deno.readFile(`${dir}/${e.name}`)].join(",") : "<dir>");
  }
  return out;
}

function checkTargetLine(o: Record<string, unknown>) {
  assert(typeof o.id === "string" || typeof o.id === "number", `id ${o.id}`);
  assert(Number.isInteger(o.k) && (o.k as number) >= 1, `k ${o.k}`);
  const t = o.target;
  const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  assert(
    finite(t) || typeof t === "string" ||
      (Array.isArray(t) && t.every(finite)) ||
      (typeof t === "object" && t !== null && (t as { probs: unknown[] }).probs.every(finite)),
    `target ${JSON.stringify(t)}`,
  );
  assert(
    o.teacher_variance === null ||
      (finite(o.teacher_variance) && (o.teacher_variance as number) >= 0),
  );
  assert(typeof o.flag === "boolean");
}

Deno.test("property: bad input never crashes and never costs a file (1,000 cases, seed 42)", async () => {
  const root = await Deno.makeTempDir();
  const log = console.log, err = console.error;
  let n = 0, failures = 0, successes = 0;
  console.log = () => {};
  console.error = () => {};
  try {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = `${root}/c${n++}`;
        await Deno.mkdir(dir);
        try {
          const src = c.content;
          let bytes: Uint8Array = src.bytes ?? enc.encode(src.text!);
          if (src.name === "in.jsonl.gz" && src.text !== null) {
            bytes = await gzip(bytes);
            if ("cut" in src && src.cut) bytes = bytes.subarray(0, bytes.length >> 1);
          }
          await Deno.writeFile(`${dir}/${src.name}`, bytes);
          const out = c.out === "same" ? src.name : c.out;
          if (c.outExists && c.out === "out.jsonl") {
            await Deno.writeTextFile(`${dir}/out.jsonl`, "previous targets\n");
          }
          const args = [
            "--in",
            `${dir}/${src.name}`,
            "--out",
            `${dir}/${out}`,
            "--method",
            c.method,
          ];
          if (c.k !== undefined) args.push("--k", String(c.k));
          if (c.space !== undefined) args.push("--space", c.space);
          if (c.skipBad) args.push("--skip-bad");
          if (c.report !== undefined) args.push("--report", `${dir}/${c.report}`);
          const before = await listing(dir);
          let error: unknown = null;
          try {
            await run(args, { embedder: HASH_EMBEDDER });
          } catch (e) {
            error = e;
          }
          const after = await listing(dir);
          assertEquals(after.get(src.name), before.get(src.name), "the input is untouched");
          if (error !== null) {
            failures++;
            const status = exitStatusOf(error);
            assert(
              status === 1 || status === 2,
              `not a named error: ${(error as Error)?.stack ?? error}`,
            );
            assert(
              !(error as Error).message.includes("\n"),
              `one line: ${(error as Error).message}`,
            );
            assertEquals(
              after,
              before,
              `nothing written, no temporaries (${(error as Error).message})`,
            );
            return;
          }
          successes++;
          const extra = [...after.keys()].filter((f) => !before.has(f) || f === "out.jsonl").sort();
          const reportFiles = c.report === "r.html"
            ? ["r.html", "r.md", "r_averaging.svg", "r_variance.svg", "r_weights.svg"]
            : c.report === "r.md"
            ? ["r.md", "r_averaging.svg", "r_variance.svg", "r_weights.svg"]
            : [];
          for (const f of extra) {
            assert(f === "out.jsonl" || reportFiles.includes(f), `unexpected ${f}`);
          }
          assert(!extra.some((f) => f.startsWith(".")), "no temporaries");
          const lines = (await Deno.readTextFile(`${dir}/out.jsonl`)).split("\n").filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          assert(lines.length >= 1);
          lines.forEach(checkTargetLine);
          assertEquals(new Set(lines.map((l) => String(l.id))).size, lines.length, "ids unique");
          if (src.expected && c.method === "mean" && c.k === undefined) {
            assertEquals(lines.length, src.expected.size);
            for (const l of lines) {
              const want = src.expected.get(String(l.id))!;
              const got = l.target as number;
              assert(
                Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
                `${got} vs ${want}`,
              );
            }
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  } finally {
    console.log = log;
    console.error = err;
    await Deno.remove(root, { recursive: true });
  }
  assertEquals(n, 1000);
  log(`  ${failures} named failures (nothing written), ${successes} correct results`);
  // Both sides of the contract were exercised.
  assert(failures > 100 && successes > 100, `failures ${failures}, successes ${successes}`);
});
