/**
 * The committed notebooks are sources that may carry the default run's
 * outputs (`deno task reproduce` writes them back, tools/execute_notebook.py's
 * clean_copy): each is either clear (no outputs, no execution counts) or an
 * executed chapter a reader can trust: run at the default or
 * paper scale on a clean commit, every code cell executed once in order, no
 * error, no metadata that changes from run to run, every chart with a PNG
 * (what GitHub and nbconvert draw). Either way it names the Deno kernel and
 * its cells have unique ids.
 */
import { assert, assertEquals } from "../assert.ts";

const NOTEBOOKS = new URL("../../notebooks/", import.meta.url);

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
}
/** The parts of a notebook the rules read. */
export interface CommittedNotebook {
  cells: Cell[];
  metadata: Record<string, unknown> & {
    kernelspec?: { name?: string };
    kd_run?: Record<string, unknown>;
  };
}

/** Notebook metadata that changes from run to run, and must not be committed. */
export const VOLATILE_NOTEBOOK_METADATA = ["widgets"];
/** Cell metadata that changes from run to run (nbclient's execution timestamps). */
export const VOLATILE_CELL_METADATA = ["execution"];
/** Fields of kd_run that change from run to run (they stay in build/notebooks/). */
export const VOLATILE_RUN_FIELDS = ["started", "seconds"];

const joined = (t: string | string[]) => Array.isArray(t) ? t.join("") : t;

/** Whether an output is a chart: a Vega-Lite spec, an SVG or a PNG. */
function isChart(o: Output): boolean {
  const keys = Object.keys(o.data ?? {});
  return keys.some((k) =>
    k.startsWith("application/vnd.vegalite") || k === "image/svg+xml" || k === "image/png"
  );
}

/** What is wrong with a committed notebook, one line each (empty: nothing). */
export function committedProblems(name: string, nb: CommittedNotebook): string[] {
  const out: string[] = [];
  if (nb.metadata?.kernelspec?.name !== "deno") {
    out.push(`${name}: metadata.kernelspec.name is not "deno"`);
  }
  const ids = nb.cells.map((c) => c.id);
  if (ids.some((id) => !id) || new Set(ids).size !== ids.length) {
    out.push(`${name}: every cell needs an id of its own`);
  }
  const code = nb.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code");
  const executed = code.some(({ c }) => (c.outputs ?? []).length > 0 || c.execution_count != null);
  // A clear source (a kd_run left by clearing the outputs in JupyterLab does no harm).
  if (!executed) return out;
  const run = nb.metadata.kd_run;
  if (!run) out.push(`${name}: has outputs but no kd_run (not written by deno task reproduce)`);
  else {
    if (run.scale !== "default" && run.scale !== "paper") {
      out.push(`${name}: outputs of a ${run.scale} run; only default or paper runs are committed`);
    }
    if (typeof run.commit !== "string" || !/^[0-9a-f]{40}$/.test(run.commit)) {
      out.push(`${name}: kd_run.commit is ${JSON.stringify(run.commit)}, not a clean commit`);
    }
    if (run.complete !== true) out.push(`${name}: kd_run says the run did not complete`);
    for (const f of VOLATILE_RUN_FIELDS) {
      if (f in run) out.push(`${name}: kd_run.${f} changes from run to run`);
    }
  }
  for (const k of VOLATILE_NOTEBOOK_METADATA) {
    if (k in nb.metadata) out.push(`${name}: metadata.${k} changes from run to run`);
  }
  let count = 0;
  for (const { c, i } of code) {
    for (const k of VOLATILE_CELL_METADATA) {
      if (c.metadata && k in c.metadata) out.push(`${name} cell ${i}: metadata.${k}`);
    }
    // nbclient skips empty cells; every other cell runs once, in order.
    const want = joined(c.source).trim() ? ++count : null;
    if ((c.execution_count ?? null) !== want) {
      out.push(`${name} cell ${i}: execution count ${c.execution_count}, expected ${want}`);
    }
    for (const o of c.outputs ?? []) {
      if (o.output_type === "error") out.push(`${name} cell ${i}: an error output`);
      else if (isChart(o) && typeof o.data?.["image/png"] !== "string") {
        out.push(`${name} cell ${i}: a chart without an image/png (GitHub would not draw it)`);
      }
    }
  }
  return out;
}

function committedNotebooks(): string[] {
  try {
    return [...Deno.readDirSync(NOTEBOOKS)]
      .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

Deno.test("each committed notebook is a clear source or a clean default/paper run", () => {
  const names = committedNotebooks();
  assert(names.length >= 6, `found ${names.length} notebooks`);
  const found = names.flatMap((name) =>
    committedProblems(name, JSON.parse(Deno.readTextFileSync(new URL(name, NOTEBOOKS))))
  );
  assertEquals(
    found,
    [],
    "rerun `deno task reproduce` on a clean commit, or clear the outputs " +
      "(JupyterLab: Edit > Clear Outputs of All Cells)",
  );
});

/** A clean executed notebook: a Markdown cell, a chart cell, an empty cell, a printing cell. */
function executedFixture(): CommittedNotebook {
  return {
    metadata: {
      kernelspec: { name: "deno" },
      kd_run: { scale: "default", commit: "a".repeat(40), complete: true },
    },
    cells: [
      { cell_type: "markdown", id: "c0", source: "# A", metadata: {} },
      {
        cell_type: "code",
        id: "c1",
        source: "show(chart)",
        metadata: {},
        execution_count: 1,
        outputs: [{
          output_type: "display_data",
          data: {
            "application/vnd.vegalite.v5+json": {},
            "image/png": "iVBOR",
            "text/plain": "a chart",
          },
        }],
      },
      { cell_type: "code", id: "c2", source: "", metadata: {}, execution_count: null, outputs: [] },
      {
        cell_type: "code",
        id: "c3",
        source: ["console.log(1)"],
        metadata: {},
        execution_count: 2,
        outputs: [{ output_type: "stream" }],
      },
    ],
  };
}

Deno.test("the committed-notebook rules pass a clean run and a clear source, and each can fail", () => {
  assertEquals(committedProblems("ok", executedFixture()), []);
  const clear = executedFixture();
  for (const c of clear.cells) if (c.cell_type === "code") c.outputs = [], c.execution_count = null;
  assertEquals(committedProblems("cleared", clear), []);
  delete clear.metadata.kd_run;
  assertEquals(committedProblems("clear", clear), []);

  const broken: [string, (nb: CommittedNotebook) => void, RegExp][] = [
    ["smoke", (nb) => nb.metadata.kd_run!.scale = "smoke", /outputs of a smoke run/],
    ["dirty", (nb) => nb.metadata.kd_run!.commit = `${"a".repeat(40)}-dirty`, /not a clean/],
    ["no commit", (nb) => delete nb.metadata.kd_run!.commit, /kd_run.commit is undefined/],
    ["no run", (nb) => delete nb.metadata.kd_run, /no kd_run/],
    ["incomplete", (nb) => nb.metadata.kd_run!.complete = false, /did not complete/],
    ["run time", (nb) => nb.metadata.kd_run!.seconds = 12.5, /kd_run.seconds changes/],
    ["start", (nb) => nb.metadata.kd_run!.started = "2026-01-01T00:00:00Z", /kd_run.started/],
    ["widgets", (nb) => nb.metadata.widgets = {}, /metadata.widgets changes/],
    [
      "timestamps",
      (nb) => nb.cells[1].metadata = { execution: { "iopub.status.idle": "2026" } },
      /cell 1: metadata.execution/,
    ],
    ["order", (nb) => nb.cells[3].execution_count = 3, /cell 3: execution count 3, expected 2/],
    ["unrun", (nb) => nb.cells[1].execution_count = null, /cell 1: execution count null/],
    [
      "error",
      (nb) => nb.cells[3].outputs!.push({ output_type: "error" }),
      /cell 3: an error output/,
    ],
    [
      "no png",
      (nb) => delete nb.cells[1].outputs![0].data!["image/png"],
      /cell 1: a chart without an image\/png/,
    ],
    ["kernel", (nb) => nb.metadata.kernelspec = { name: "python3" }, /kernelspec.name/],
    ["ids", (nb) => nb.cells[2].id = "c1", /an id of its own/],
  ];
  for (const [what, spoil, expected] of broken) {
    const nb = executedFixture();
    spoil(nb);
    const found = committedProblems(what, nb);
    assert(found.some((p) => expected.test(p)), `${what}: ${JSON.stringify(found)}`);
  }
  // Outputs left in a notebook with no run record, e.g. run by hand in JupyterLab.
  const byHand = executedFixture();
  delete byHand.metadata.kd_run;
  assert(committedProblems("hand", byHand).some((p) => /no kd_run/.test(p)));
});
