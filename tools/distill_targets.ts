/**
 * `deno task distill-targets`: saved teacher outputs in, distillation targets
 * and an uncertainty report out. A thin shell around lib/targets.
 *
 *   deno task distill-targets --in teacher.jsonl[.gz]|teacher.csv[.gz] --out targets.jsonl
 *     --method mean|average-k|variance-weighted|medoid [--k N] [--report report.html|report.md]
 *     [--space auto|probability|logit] [--format jsonl|csv] [--skip-bad] [--target-noise V]
 *     [--seed S]
 *
 * Exit status: 0 on success; 1 for bad data or a runtime failure (the
 * message names the line and field, or the file; nothing is written and no
 * temporary file is left); 2 for bad options or usage; 130 and 143 when
 * interrupted by SIGINT and SIGTERM (the temporary files are removed).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { distillTargets, type DistillTargetsResult, sameFile } from "./targets/run.ts";
import { TargetOptionError, TeacherOutputError } from "../lib/targets/records.ts";
import { oneLine } from "./targets/read.ts";
import {
  PROBABILITY_TOLERANCE,
  TARGET_METHODS,
  type TargetMethod,
  type VectorSpace,
} from "../lib/targets/targets.ts";
import { reportFiles, targetReport, writeTargetReport } from "./targets/report.ts";
import { fmt } from "../lib/report/prose.ts";
import type { Embedder } from "../lib/llm/embed/embedder.ts";

const USAGE = `usage: deno task distill-targets --in FILE --out FILE --method ${
  TARGET_METHODS.join("|")
}
  [--k N] [--report report.html|report.md] [--space auto|probability|logit]
  [--format jsonl|csv] [--skip-bad] [--target-noise V] [--seed S]`;

const HELP = `${USAGE}

Reads k teacher responses per input and writes one target per input (JSON Lines,
joined to your data on "id"), with an optional uncertainty report.

  --in FILE        teacher outputs: JSON Lines or CSV, plain or gzip. Ids must be unique
                   (1 and "1" count as the same id). CSV: id,response_1,...,response_k;
                   the first line is a header when its first cell is "id"; quoted cells
                   may hold commas.
  --out FILE       the targets; must not be the input file. An existing file is replaced
                   (said on stderr) only when the run succeeds.
  --method M       mean | average-k (needs --k) | variance-weighted | medoid
  --k N            use the first N responses of each input
  --report PATH    .html: the page, PATH's .md and the charts as .svg; .md: Markdown and charts
  --space S        vectors: auto (default) decides once for the whole file: probabilities when
                   every vector is non-negative and sums to 1 within ${PROBABILITY_TOLERANCE}, logits when
                   none is; a mix is an error. probability | logit force one reading.
  --format F       jsonl | csv (default: from the file name, .csv[.gz] is CSV)
  --skip-bad       skip bad lines (counted) instead of stopping at the first
  --target-noise V recommend the k whose label noise s²/k is at most V
  --seed S         seed of the report's sub-sampling (positive integer, default 1)

One-response inputs get teacher_variance null (no variance from one response).
Exit status: 0 ok; 1 bad data or runtime failure (nothing written); 2 bad options;
130/143 interrupted by SIGINT/SIGTERM (temporary files removed).`;

/** A bad option or usage: exit status 2 (the library's {@link TargetOptionError} maps there too). */
export class UsageError extends Error {
  /** Always "UsageError". */
  override name = "UsageError";
}

/** Which exit status an error thrown by {@link run} maps to: 1, 2, or undefined for a bug. */
export function exitStatusOf(e: unknown): 1 | 2 | undefined {
  if (e instanceof TeacherOutputError) return 1;
  if (e instanceof UsageError || e instanceof TargetOptionError) return 2;
  if (e instanceof TypeError && "code" in e && /^ERR_PARSE_ARGS/.test(String(e.code))) return 2;
  return undefined;
}

/** Hooks for {@link run} and {@link main} (tests pass an embedder, and collect the temporaries). */
export interface RunHooks {
  /** The sentence embedder for text responses (default: the offline encoder, loaded on demand). */
  embedder?: Embedder;
  /** Filled with the temporary files while they exist. */
  temporaries?: Set<string>;
}

function bar(fraction: number, width = 28): string {
  const full = Math.round(fraction * width);
  return `[${"#".repeat(full)}${".".repeat(width - full)}]`;
}

/**
 * The command: throws {@link TeacherOutputError} (exit 1) for bad data or a
 * file that cannot be read or written, {@link UsageError} or
 * {@link TargetOptionError} (exit 2) for bad options. Returns 0, or the
 * help's 0.
 */
export async function run(args: string[], hooks: RunHooks = {}): Promise<number> {
  let embedder: Embedder | undefined = hooks.embedder;
  let loaded: Embedder | undefined;
  try {
    const { values } = parseArgs({
      args,
      options: {
        in: { type: "string" },
        out: { type: "string" },
        method: { type: "string" },
        k: { type: "string" },
        report: { type: "string" },
        space: { type: "string", default: "auto" },
        format: { type: "string" },
        "skip-bad": { type: "boolean", default: false },
        "target-noise": { type: "string" },
        seed: { type: "string", default: "1" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.in || !values.out || !values.method) {
      throw new UsageError("--in, --out and --method are required.");
    }
    if (!(TARGET_METHODS as readonly string[]).includes(values.method)) {
      throw new UsageError(
        `--method must be one of ${TARGET_METHODS.join(", ")}; got "${values.method}".`,
      );
    }
    const num = (name: string, v: string | undefined, int: boolean) => {
      if (v === undefined) return undefined;
      const x = Number(v);
      if (v.trim() === "" || !Number.isFinite(x) || (int && !Number.isInteger(x)) || x <= 0) {
        throw new UsageError(
          `--${name} must be a positive ${int ? "integer" : "number"}; got "${v}".`,
        );
      }
      return x;
    };
    const k = num("k", values.k, true);
    if (values.method === "average-k" && k === undefined) {
      throw new UsageError("--method average-k needs --k N (the responses to average).");
    }
    const targetNoise = num("target-noise", values["target-noise"], false);
    const seed = num("seed", values.seed, true)!;
    if (!["auto", "probability", "logit"].includes(values.space!)) {
      throw new UsageError(`--space must be auto, probability or logit; got "${values.space}".`);
    }
    if (values.format && !["jsonl", "csv"].includes(values.format)) {
      throw new UsageError(`--format must be jsonl or csv; got "${values.format}".`);
    }
    const reportPath = values.report;
    if (reportPath !== undefined) {
      const files = reportFiles(reportPath, ["variance", "averaging", "weights"]);
      const dir = files.dir === "/" ? "" : files.dir;
      for (const name of files.names) {
        for (const [opt, other] of [["--in", values.in], ["--out", values.out]] as const) {
          if (await sameFile(`${dir}/${name}`, other)) {
            throw new UsageError(
              `--report ${reportPath} would write ${dir}/${name}, which is the ${opt} file ` +
                `${other}; choose another report name.`,
            );
          }
        }
      }
    }
    // Text responses need the sentence encoder: peek at the first record's first response.
    if (!embedder && await looksLikeText(values.in, values.format as "jsonl" | "csv")) {
      const { loadUseEmbedder } = await import("../lib/llm/embed/use.ts");
      console.error(
        "text responses: loading the offline sentence encoder (Universal Sentence Encoder)",
      );
      embedder = loaded = await loadUseEmbedder();
    }
    const tty = Deno.stderr.isTerminal();
    let lastLine = 0;
    let reportWritten: string[] = [];
    const writeReport = async (result: DistillTargetsResult) => {
      if (reportPath === undefined) return;
      if (result.summary.sortedVariances().length === 0) {
        throw new TeacherOutputError(
          0,
          "--report",
          "no input has two or more responses, so there is no teacher variance to report; " +
            "drop --report or give at least two responses per input.",
        );
      }
      const rep = targetReport(result, {
        method: values.method!,
        input: values.in!,
        targetNoise: targetNoise !== undefined ? [targetNoise] : undefined,
      });
      try {
        reportWritten = await writeTargetReport(rep, reportPath);
      } catch (e) {
        if (e instanceof TargetOptionError) throw e;
        throw new TeacherOutputError(0, "--report", `cannot write ${reportPath}: ${oneLine(e)}`);
      }
    };
    const result = await distillTargets({
      input: values.in,
      output: values.out,
      method: values.method as TargetMethod,
      k,
      space: values.space as VectorSpace,
      format: values.format as "jsonl" | "csv" | undefined,
      skipBad: values["skip-bad"],
      embedder,
      seed,
      temporaries: hooks.temporaries,
      onNotice: (m) => console.error(m),
      beforeCommit: writeReport,
      onProgress: ({ records, fraction, seconds }) => {
        const left = fraction > 0 ? seconds / fraction - seconds : NaN;
        const text = `${bar(fraction)} ${(100 * fraction).toFixed(0)}% ${fmt(records)} inputs, ` +
          `${seconds.toFixed(0)} s, about ${Number.isFinite(left) ? left.toFixed(0) : "?"} s left`;
        if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r${text}`));
        else if (seconds - lastLine >= 5) {
          lastLine = seconds;
          console.error(text);
        }
      },
    });
    if (tty) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    const s = result.summary;
    const flags = Number.isFinite(result.threshold)
      ? `${fmt(result.flagged)} inputs flagged (teacher variance above ${fmt(result.threshold)})`
      : "no input flagged (fewer than 4 inputs have a teacher variance, too few for the fence)";
    console.log(
      `${fmt(s.inputs)} targets written to ${values.out} (${values.method}; ${result.kind} ` +
        `responses${
          result.space
            ? `, read as ${result.space === "probability" ? "probabilities" : "logits"}`
            : ""
        }) in ` +
        `${result.seconds.toFixed(2)} s: ${fmt(result.responses / result.seconds)} ` +
        `responses/s; ${flags}` +
        (result.stats.skipped ? `; ${fmt(result.stats.skipped)} bad lines skipped` : ""),
    );
    const single = s.variances.length - s.sortedVariances().length;
    if (single) {
      console.log(
        `${fmt(single)} ${single === 1 ? "input has" : "inputs have"} one response: ` +
          "teacher_variance is null (no variance from one response)",
      );
    }
    for (const e of result.stats.errors.slice(0, 3)) console.log(`  skipped: ${e.message}`);
    if (targetNoise !== undefined && s.sortedVariances().length === 0) {
      console.log(
        `for label noise <= ${fmt(targetNoise)}: no recommendation, as no input has two or ` +
          "more responses (no teacher variance)",
      );
    } else if (targetNoise !== undefined) {
      const rk = s.recommendK(targetNoise);
      console.log(
        `for label noise <= ${fmt(targetNoise)}: average k = ${rk.k} responses ` +
          `(mean teacher variance ${fmt(rk.meanVariance)}; ${
            (100 * rk.shareMeeting).toFixed(1)
          }% ` +
          `of inputs meet it at that k)`,
      );
    }
    if (reportWritten.length) console.log(`report: ${reportWritten.join(", ")}`);
    return 0;
  } finally {
    await loaded?.dispose();
  }
}

/**
 * The command with its exit status: 0 ok, 1 bad data or a runtime failure,
 * 2 bad options; every failure is one line on stderr. SIGINT and SIGTERM
 * remove the temporary files and exit with 130 and 143.
 */
export async function main(args: string[], hooks: RunHooks = {}): Promise<number> {
  const temporaries = hooks.temporaries ?? new Set<string>();
  const handlers: [Deno.Signal, () => void][] = (
    [["SIGINT", 130], ["SIGTERM", 143]] as const
  ).map(([sig, code]) => [sig, () => {
    for (const t of temporaries) {
      try {
        Deno.removeSync(t);
      } catch {
        // already gone
      }
    }
    console.error(`\ninterrupted (${sig}): temporary files removed; nothing was written.`);
    Deno.exit(code);
  }]);
  if (Deno.build.os !== "windows") {
    for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
  }
  try {
    return await run(args, { ...hooks, temporaries });
  } catch (e) {
    const status = exitStatusOf(e);
    if (status === 1) console.error(`error: ${oneLine(e)} Nothing was written.`);
    else if (status === 2) console.error(`error: ${oneLine(e)}\n${USAGE}`);
    else console.error(`error (unexpected ${(e as Error)?.name ?? "error"}): ${oneLine(e)}`);
    return status ?? 1;
  } finally {
    if (Deno.build.os !== "windows") {
      for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
    }
  }
}

async function looksLikeText(path: string, format?: "jsonl" | "csv"): Promise<boolean> {
  if (format === "csv" || (format === undefined && /\.csv(\.gz)?$/i.test(path))) return false;
  const { readTeacherOutputs } = await import("./targets/read.ts");
  try {
    for await (const rec of readTeacherOutputs(path, { skipBad: true, format })) {
      return typeof rec.responses[0] === "string";
    }
  } catch {
    return false; // the real run reports the problem with its line and field
  }
  return false;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
