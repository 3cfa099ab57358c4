/**
 * `deno task distill-targets`: saved teacher outputs in, distillation targets
 * and an uncertainty report out. A thin shell around lib/targets.
 *
 *   deno task distill-targets --in teacher.jsonl[.gz]|teacher.csv[.gz] --out targets.jsonl
 *     --method mean|average-k|variance-weighted|medoid [--k N] [--report report.html]
 *     [--space auto|probability|logit] [--skip-bad] [--target-noise V] [--seed S]
 *
 * Exit status: 0 on success, 1 for bad input (the message names the line and
 * field; nothing is written), 2 for bad options.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { distillTargets } from "../lib/targets/run.ts";
import { TeacherOutputError } from "../lib/targets/records.ts";
import { TARGET_METHODS, type TargetMethod, type VectorSpace } from "../lib/targets/targets.ts";
import { targetReport, writeTargetReport } from "../lib/targets/report.ts";
import { fmt } from "../lib/report/prose.ts";
import type { Embedder } from "../lib/llm/embed/embedder.ts";

const USAGE = `usage: deno task distill-targets --in FILE --out FILE --method ${
  TARGET_METHODS.join("|")
}
  [--k N] [--report report.html] [--space auto|probability|logit] [--skip-bad]
  [--target-noise V] [--seed S] [--format jsonl|csv]`;

class UsageError extends Error {}

function bar(fraction: number, width = 28): string {
  const full = Math.round(fraction * width);
  return `[${"#".repeat(full)}${".".repeat(width - full)}]`;
}

export async function main(args: string[]): Promise<number> {
  let embedder: Embedder | undefined;
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
      console.log(USAGE);
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
      if (!Number.isFinite(x) || (int && !Number.isInteger(x)) || x <= 0) {
        throw new UsageError(
          `--${name} must be a positive ${int ? "integer" : "number"}; got "${v}".`,
        );
      }
      return x;
    };
    const k = num("k", values.k, true);
    const targetNoise = num("target-noise", values["target-noise"], false);
    const seed = num("seed", values.seed, true)!;
    if (!["auto", "probability", "logit"].includes(values.space!)) {
      throw new UsageError(`--space must be auto, probability or logit; got "${values.space}".`);
    }
    if (values.format && !["jsonl", "csv"].includes(values.format)) {
      throw new UsageError(`--format must be jsonl or csv; got "${values.format}".`);
    }
    // Text responses need the sentence encoder: peek at the first record's first response.
    if (await looksLikeText(values.in)) {
      const { loadUseEmbedder } = await import("../lib/llm/embed/use.ts");
      console.error(
        "text responses: loading the offline sentence encoder (Universal Sentence Encoder)",
      );
      embedder = await loadUseEmbedder();
    }
    const tty = Deno.stderr.isTerminal();
    let lastLine = 0;
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
    console.log(
      `${fmt(s.inputs)} targets written to ${values.out} (${values.method}; ${result.kind} ` +
        `responses) in ${result.seconds.toFixed(2)} s: ${fmt(result.responses / result.seconds)} ` +
        `responses/s; ${fmt(result.flagged)} inputs flagged (teacher variance above ` +
        `${fmt(result.threshold)})` +
        (result.stats.skipped ? `; ${fmt(result.stats.skipped)} bad lines skipped` : ""),
    );
    for (const e of result.stats.errors.slice(0, 3)) console.log(`  skipped: ${e.message}`);
    if (targetNoise !== undefined) {
      const rk = s.recommendK(targetNoise);
      console.log(
        `for label noise <= ${fmt(targetNoise)}: average k = ${rk.k} responses ` +
          `(mean teacher variance ${fmt(rk.meanVariance)}; ${
            (100 * rk.shareMeeting).toFixed(1)
          }% ` +
          `of inputs meet it at that k)`,
      );
    }
    if (values.report) {
      const rep = targetReport(result, {
        method: values.method,
        input: values.in,
        targetNoise: targetNoise !== undefined ? [targetNoise] : undefined,
      });
      const paths = await writeTargetReport(rep, values.report);
      console.log(`report: ${paths.join(", ")}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof TeacherOutputError) {
      console.error(`error: ${e.message}\nnothing was written.`);
      return 1;
    }
    if (e instanceof UsageError || (e instanceof TypeError && /option|argument/i.test(e.message))) {
      console.error(`error: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  } finally {
    await embedder?.dispose();
  }
}

async function looksLikeText(path: string): Promise<boolean> {
  if (/\.csv(\.gz)?$/i.test(path)) return false;
  const { readTeacherOutputs } = await import("../lib/targets/read.ts");
  try {
    for await (const rec of readTeacherOutputs(path, { skipBad: true })) {
      return typeof rec.responses[0] === "string";
    }
  } catch {
    return false; // the real run reports the problem with its line and field
  }
  return false;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
