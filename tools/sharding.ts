/**
 * Shard any experiment into independent jobs and merge them bit-identically.
 *
 * How it works. A shard runs the experiment's `runXxx` with every
 * {@link sweep} call intercepted: the settings of all the run's sweeps, taken
 * in order as one sequence, are dealt round-robin to the shards (setting p of
 * the sequence belongs to shard p mod N). A shard runs its own settings,
 * records each step's result losslessly (shard_codec.ts), and hands the rest
 * of the run a copy of one of its own results in place of each setting it does
 * not own, so the run goes on to its later sweeps; everything it computes
 * from those stand-ins is discarded. The merge runs `runXxx` once more with
 * every sweep replaying the recorded results and no step executed: the code
 * before, between and after the sweeps (teachers, theory values, summaries)
 * runs as in a single process, on the same step results, so the merged result
 * is the single-process result bit for bit (tests/shard/ checks every
 * experiment). What a step measured rather than computed (timings, the
 * backend name it saw) is as the shard that ran it recorded it, or as the
 * merge process sees it when the run keeps it outside its steps.
 *
 * A sweep whose settings depended on an earlier sweep's results would see the
 * stand-ins: every shard records a fingerprint of each sweep's settings and
 * the merge checks they agree (and agree with its own replay), so such an
 * experiment is refused with {@link ShardPlanMismatchError}, never merged wrong.
 *
 * Files in the output folder, per shard i of N:
 * `shard-<i>-of-<N>.manifest.json` (identity, status, progress; rewritten
 * after every step) and `shard-<i>-of-<N>.results.json` (the recorded steps).
 * The merge writes `merged/` (result.json, claims.json, tables, chart specs).
 *
 * @module
 */
import type { Scale } from "../lib/config.ts";
import type { Chart } from "../lib/plot/chart.ts";
import type { Claim } from "../lib/report/claims.ts";
import { tableToCsv, tableToLatex, tableToMarkdown } from "../lib/report/formats.ts";
import type { Table } from "../lib/report/table.ts";
import { decodeValue, encodeValue, hashValue, sha256, ShardCodecError } from "./shard_codec.ts";
import { type PlainSweep, type SweepStep, withSweepInterceptor } from "./sweep.ts";
import type { SweepOptions } from "./sweep.ts";
import type { ExperimentConfig, RunOptions } from "./sweep.ts";
import { processAlive } from "./process_alive.ts";

// ------------------------------------------------------------------ errors

/** Base class of the sharding errors (all name the argument and the fix). */
export class ShardError extends Error {
  override name = "ShardError";
}
/** A bad argument to shard/merge/slurm (shard count, index, scale, folder). */
export class ShardArgumentError extends ShardError {
  override name = "ShardArgumentError";
}
/** A shard that the merge needs is absent, still running or failed. */
export class ShardMissingError extends ShardError {
  override name = "ShardMissingError";
}
/** Two shard files claim the same shard index, or the same step was recorded twice. */
export class ShardDuplicateError extends ShardError {
  override name = "ShardDuplicateError";
}
/** Shards made for another experiment, scale, seed, shard count or configuration. */
export class ShardMismatchError extends ShardError {
  override name = "ShardMismatchError";
}
/** Shards made at another git commit than each other or than the merging checkout. */
export class ShardCommitMismatchError extends ShardError {
  override name = "ShardCommitMismatchError";
}
/** A results file that does not match its manifest's hash (truncated or edited). */
export class ShardCorruptError extends ShardError {
  override name = "ShardCorruptError";
}
/** The run's sweeps differ between shards or from the merge's replay. */
export class ShardPlanMismatchError extends ShardError {
  override name = "ShardPlanMismatchError";
}
/**
 * The output folder already holds another run's shard under this shard's
 * name (another experiment, scale, configuration or commit): a usage error,
 * refused before any work (use another folder, or `--restart` to replace it).
 */
export class ShardConflictError extends ShardArgumentError {
  override name = "ShardConflictError";
}
/** Another process holds this shard's lock (the same shard is already running). */
export class ShardLockedError extends ShardError {
  override name = "ShardLockedError";
}

/** The most shards a run may have (a Slurm array is far smaller; a bigger count is a typo). */
export const MAX_SHARDS = 100_000;

// ------------------------------------------------------------------ the experiment contract

/**
 * What sharding needs to know about an experiment module: its configuration
 * at a scale and its run function (the module's own `xxxConfig` and
 * `runXxx`), plus what the merge writes beside the result.
 *
 * @category Sharding
 */
export interface ShardableExperiment<C extends ExperimentConfig = ExperimentConfig, R = unknown> {
  /** The name used on the command line (the module's file stem). */
  name: string;
  /** The notebook it feeds, if any (a stamp on the merged files). */
  notebook?: string;
  /** `xxxConfig(scale)`. */
  config(scale: Scale): C;
  /** `runXxx(config, options)` (several calls in order when the section has several). */
  run(config: C, options: RunOptions): Promise<R>;
  /**
   * True when the run has no sweep: shard 0 runs it whole and the others
   * have nothing to do (one unit of work).
   */
  whole?: boolean;
  /**
   * Result fields (dot paths, `*` for any key or index) that are measured,
   * not computed (wall times, the backend the merging process reports): left
   * out of the bit-identity comparison.
   */
  measured?: readonly string[];
  /**
   * How many sweep calls the run makes, when known: a shard stops after the
   * last one, skipping the run's tail (work outside the sweeps after them,
   * which only the merge needs). A wrong count is caught by the merge.
   */
  sweeps?(config: C): number;
  /**
   * Result fields (dot paths) a merge cannot yet reproduce because a sweep
   * step writes them as a side effect instead of returning them, with the
   * change that would fix it. The merge warns about them; the bit-identity
   * test leaves them out and says so.
   */
  gaps?: Readonly<Record<string, string>>;
  /**
   * What the results depend on besides the configuration and the code at the
   * commit, when a dirty tree or an option could change it (the language
   * models' files and engine, llm_shard.ts): hashed with the configuration
   * into the manifest's `configHash`, so shards made with other models are a
   * {@link ShardMismatchError} at the merge. Called once per shard identity.
   */
  identity?(): Promise<unknown>;
  /**
   * What one shard needs on a cluster (the defaults of `deno task slurm`;
   * each may be overridden on its command line): CPUs, memory (Slurm's
   * `--mem`, e.g. "4G") and time limit per scale (HH:MM:SS).
   */
  resources?: { cpus?: number; mem?: string; time?: Partial<Record<Scale, string>> };
  /** The claims ledger, written as merged/claims.json. */
  claims?(result: R): Claim[];
  /** Tables, written as merged/<name>.csv, .md and .tex. */
  tables?(result: R): Record<string, Table>;
  /** Charts, written as merged/<name>.vl.json (the Vega-Lite spec with its data). */
  charts?(result: R): Record<string, Chart>;
}

// ------------------------------------------------------------------ manifests

/**
 * One sweep call as a shard saw it.
 *
 * @category Sharding
 */
export interface SweepPlan {
  /** The sweep's label. */
  label: string;
  /** Number of settings. */
  items: number;
  /** SHA-256 of the settings (functions and instances by name). */
  itemsHash: string;
  /** Position of its first setting in the run's sequence of settings. */
  offset: number;
}

/**
 * A shard's manifest: who it is, how far it got.
 *
 * @category Sharding
 */
export interface ShardManifest {
  format: 1;
  experiment: string;
  scale: Scale;
  seed: number;
  shards: number;
  index: number;
  commit: string;
  /** True when the checkout had uncommitted changes (the commit alone does not name the code). */
  dirty: boolean;
  /** SHA-256 of the configuration. */
  configHash: string;
  /** SHA-256 of the identity fields above: the resume key. */
  key: string;
  /**
   * "interrupted": stopped by SIGINT or SIGTERM (tools/shard.ts records it), or
   * read back as such when a "running" shard's process is gone from this host.
   */
  status: "running" | "complete" | "failed" | "interrupted";
  started: string;
  updated: string;
  /** Seconds since the shard started. */
  seconds: number;
  /** Steps run so far (those taken over from an interrupted run included). */
  unitsDone: number;
  /**
   * Steps taken over from an earlier, interrupted or failed run of this shard
   * under the same key (its `.steps.jsonl` checkpoint) instead of run again.
   */
  unitsResumed?: number;
  /** Steps this shard owns in the sweeps seen so far (all of them once complete). */
  unitsOwned: number;
  /** The sweeps seen so far (all of them once complete). */
  sweeps: SweepPlan[];
  /** SHA-256 of the results file (once complete). */
  resultsHash?: string;
  /** The error message (when failed). */
  error?: string;
  /**
   * An error the run's own code threw after the shard's last sweep, on the
   * stand-in results (not a failure: the shard's steps are recorded; the merge
   * checks that no sweep came after).
   */
  stoppedBy?: string;
  host: string;
  /** The process that ran (or runs) the shard, on `host`. */
  pid?: number;
}

interface ResultsFile {
  key: string;
  records: { sweep: number; index: number; value: unknown }[];
}

/** File stem of shard i of N. */
export function shardStem(index: number, shards: number): string {
  const w = String(shards - 1).length;
  return `shard-${String(index).padStart(w, "0")}-of-${shards}`;
}

/** The shard (0-based) owning position p of the run's sequence of settings. */
export function ownerOf(position: number, shards: number): number {
  return position % shards;
}

/** Steps shard `index` owns, given the run's sweeps. */
export function ownedCount(sweeps: readonly SweepPlan[], shards: number, index: number): number {
  const total = sweeps.reduce((a, s) => a + s.items, 0);
  return total <= index ? 0 : Math.floor((total - 1 - index) / shards) + 1;
}

const REPO = new URL("../", import.meta.url).pathname;

/**
 * The checkout's commit and whether it has uncommitted changes ("unknown"
 * when git or the repository is absent).
 *
 * @category Sharding
 */
export async function gitState(): Promise<{ commit: string; dirty: boolean }> {
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: REPO, stdout: "piped", stderr: "null" })
      .output();
    if (!out.success) throw new Error("git failed");
    return new TextDecoder().decode(out.stdout).trim();
  };
  try {
    const commit = await git("rev-parse", "HEAD");
    const dirty = (await git("status", "--porcelain", "--untracked-files=no")).length > 0;
    return { commit, dirty };
  } catch {
    return { commit: "unknown", dirty: false };
  }
}

/**
 * The temporary file a write to `path` goes through (renamed over `path`
 * when complete): `<path>.tmp-<pid>`, so an interrupted process's leftovers
 * are its own (tools/shard.ts removes them on SIGINT/SIGTERM).
 */
export function tempPath(path: string, pid = Deno.pid): string {
  return `${path}.tmp-${pid}`;
}

/**
 * Set (to 1, from another thread: tools/shard_guard.ts) while this process
 * is being interrupted: no write may then replace a file, so the manifest the
 * guard marks "interrupted" stays so.
 */
export const interruptionFlag: Int32Array = new Int32Array(new SharedArrayBuffer(4));

const interrupted = () => Atomics.load(interruptionFlag, 0) !== 0;

async function writeAtomic(path: string, text: string): Promise<void> {
  if (interrupted()) return;
  const tmp = tempPath(path);
  await Deno.writeTextFile(tmp, text);
  if (interrupted()) {
    await Deno.remove(tmp).catch(() => {});
    return;
  }
  await Deno.rename(tmp, path);
}

/** A file's text, or null when there is no such file. */
async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/**
 * A JSON file's value, or null when there is no such file.
 *
 * @throws ShardCorruptError naming the file when it is not JSON (`fix` says what to do).
 */
async function readJsonFile(path: string, fix: string): Promise<unknown> {
  const text = await readTextOrNull(path);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ShardCorruptError(
      `${path} is not valid JSON (${e instanceof Error ? e.message : e}); ${fix}.`,
    );
  }
}

const isInt = (x: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): x is number =>
  Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max;
const isStr = (x: unknown): x is string => typeof x === "string";
const STATUSES = ["running", "complete", "failed", "interrupted"] as const;

/**
 * Check that `data` (read from `path`) is a shard manifest of format 1:
 * every field of the right type, the index within the shard count, the
 * sweeps' offsets consecutive.
 *
 * @throws ShardCorruptError naming the file and the first bad field.
 *
 * @category Sharding
 */
export function parseManifest(data: unknown, path: string): ShardManifest {
  const bad = (what: string) =>
    new ShardCorruptError(
      `${path} is not a shard manifest (format 1): ${what}; remove it or rerun that shard.`,
    );
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw bad("not an object");
  const m = data as Record<string, unknown>;
  if (m.format !== 1) throw bad(`format is ${JSON.stringify(m.format)}`);
  for (const f of ["experiment", "commit", "configHash", "key", "started", "updated", "host"]) {
    if (!isStr(m[f])) throw bad(`${f} is not a string`);
  }
  if (!(SCALES as readonly unknown[]).includes(m.scale)) {
    throw bad(`scale ${JSON.stringify(m.scale)} is not one of ${SCALES.join(", ")}`);
  }
  if (typeof m.seed !== "number" || !Number.isFinite(m.seed)) throw bad("seed is not a number");
  if (!isInt(m.shards, 1, MAX_SHARDS)) throw bad(`shards is not a whole number 1..${MAX_SHARDS}`);
  if (!isInt(m.index, 0, (m.shards as number) - 1)) throw bad("index is not within 0..shards-1");
  if (typeof m.dirty !== "boolean") throw bad("dirty is not true or false");
  if (!(STATUSES as readonly unknown[]).includes(m.status)) {
    throw bad(`status ${JSON.stringify(m.status)} is not one of ${STATUSES.join(", ")}`);
  }
  if (typeof m.seconds !== "number" || !(m.seconds >= 0)) throw bad("seconds is not a number");
  if (!isInt(m.unitsDone) || !isInt(m.unitsOwned)) throw bad("unitsDone or unitsOwned");
  if (!Array.isArray(m.sweeps)) throw bad("sweeps is not a list");
  let offset = 0;
  for (const [c, sw] of (m.sweeps as unknown[]).entries()) {
    const w = sw as Record<string, unknown> | null;
    if (
      w === null || typeof w !== "object" || !isStr(w.label) || !isInt(w.items, 1) ||
      !isStr(w.itemsHash) || w.offset !== offset
    ) throw bad(`sweep ${c} is not {label, items, itemsHash, offset ${offset}}`);
    offset += w.items as number;
  }
  for (const f of ["resultsHash", "error", "stoppedBy"]) {
    if (m[f] !== undefined && !isStr(m[f])) throw bad(`${f} is not a string`);
  }
  if (m.status === "complete" && !isStr(m.resultsHash)) throw bad("complete without resultsHash");
  if (m.pid !== undefined && !isInt(m.pid, 1)) throw bad("pid is not a process id");
  if (m.unitsResumed !== undefined && !isInt(m.unitsResumed)) throw bad("unitsResumed");
  return m as unknown as ShardManifest;
}

/**
 * The manifest's status as it stands: "interrupted" for a "running" shard
 * whose process is gone from this host (killed without a chance to say so).
 *
 * @category Sharding
 */
export function liveStatus(m: ShardManifest): ShardManifest["status"] {
  return m.status === "running" && m.pid !== undefined && processAlive(m.pid, m.host) === false
    ? "interrupted"
    : m.status;
}

const SCALES: readonly Scale[] = ["smoke", "default", "paper"];

/**
 * Check shard arguments before any work.
 *
 * @throws ShardArgumentError naming the argument and the fix.
 */
export function checkShardArgs(scale: string, shards: number, index?: number): void {
  if (!(SCALES as readonly string[]).includes(scale)) {
    throw new ShardArgumentError(
      `--scale must be one of ${SCALES.join(", ")}; got "${scale}".`,
    );
  }
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new ShardArgumentError(
      `--shards must be a whole number from 1 to ${MAX_SHARDS}; got ${shards}.`,
    );
  }
  if (index !== undefined && (!Number.isInteger(index) || index < 0 || index >= shards)) {
    throw new ShardArgumentError(
      `--index must be a whole number from 0 to ${shards - 1} (shards - 1); got ${index}.`,
    );
  }
}

// ------------------------------------------------------------------ running a shard

/**
 * A shard's identity: the configuration at `scale`, its hash, the checkout's
 * commit, and the resume key (SHA-256 of experiment, scale, seed, shard
 * count, index, commit and configuration hash).
 *
 * @category Sharding
 */
export async function shardIdentity<C extends ExperimentConfig, R>(
  exp: ShardableExperiment<C, R>,
  scale: Scale,
  shards: number,
  index: number,
): Promise<{ config: C; configHash: string; commit: string; dirty: boolean; key: string }> {
  const config = exp.config(scale);
  const configHash = await configHashOf(exp, config);
  const { commit, dirty } = await gitState();
  const key = await sha256(
    JSON.stringify([exp.name, scale, config.seed, shards, index, commit, configHash]),
  );
  return { config, configHash, commit, dirty, key };
}

/**
 * SHA-256 of the configuration, with the experiment's
 * {@link ShardableExperiment.identity} when it has one.
 *
 * @category Sharding
 */
export async function configHashOf<C extends ExperimentConfig, R>(
  exp: ShardableExperiment<C, R>,
  config: C,
): Promise<string> {
  return await hashValue(exp.identity ? { config, identity: await exp.identity() } : config);
}

/**
 * The manifest of shard `index` in `out` when it is complete under `key`
 * and its results file matches its hash; otherwise null (the shard must run).
 *
 * @category Sharding
 */
export async function completeManifest(
  out: string,
  shards: number,
  index: number,
  key: string,
): Promise<ShardManifest | null> {
  const stem = `${out}/${shardStem(index, shards)}`;
  const m = await readJsonFile(`${stem}.manifest.json`, "").catch(() => null) as
    | ShardManifest
    | null;
  if (m?.status !== "complete" || m.key !== key) return null;
  const text = await Deno.readTextFile(`${stem}.results.json`).catch(() => null);
  return text !== null && await sha256(text) === m.resultsHash ? m : null;
}

/**
 * Options of {@link runShard}.
 *
 * @category Sharding
 */
export interface RunShardOptions {
  scale: Scale;
  shards: number;
  index: number;
  /** The output folder shared by all shards. */
  out: string;
  /** Progress lines of the shard's own steps (default: a console line per step). */
  progress?: SweepOptions<unknown>["progress"];
  /** Rerun even when complete results with the same key exist (default false). */
  force?: boolean;
  /**
   * Replace what `out` holds under this shard's name even when it is another
   * run's shard (another experiment, scale, seed, configuration or commit),
   * and run from the start (default false: such a folder is refused with
   * {@link ShardConflictError}, since the rerun would overwrite a good shard).
   */
  restart?: boolean;
  /** Where notices go (a stale lock taken over); default console.warn. */
  notice?: (line: string) => void;
}

/** The lock file of shard `index` of `shards` in `out` (it holds the running process's id). */
export function lockPath(out: string, shards: number, index: number): string {
  return `${out}/${shardStem(index, shards)}.lock`;
}

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

async function readLock(path: string): Promise<LockHolder | "unreadable" | null> {
  const text = await readTextOrNull(path);
  if (text === null) return null;
  try {
    const h = JSON.parse(text) as LockHolder;
    return isInt(h?.pid, 1) && isStr(h.host) ? h : "unreadable";
  } catch {
    return "unreadable";
  }
}

/**
 * Take shard's lock: create `path` exclusively (`createNew`) holding this
 * process's id. A lock whose process is gone from this host is taken over
 * (with a notice), and that process's temporary files are removed.
 *
 * @throws ShardLockedError when a live process (or one on another host,
 *   which cannot be checked) holds it.
 */
async function acquireLock(
  path: string,
  what: string,
  notice: (line: string) => void,
): Promise<void> {
  const mine = JSON.stringify(
    {
      pid: Deno.pid,
      host: Deno.hostname(),
      started: new Date().toISOString(),
    } satisfies LockHolder,
  ) + "\n";
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const f = await Deno.open(path, { write: true, createNew: true });
      try {
        await f.write(new TextEncoder().encode(mine));
      } finally {
        f.close();
      }
      return;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const holder = await readLock(path);
    if (holder === null) continue; // released meanwhile
    let stale: string;
    if (holder === "unreadable") {
      // Being written by the process that just created it, or left empty by a crash.
      const age = Date.now() - ((await Deno.stat(path).catch(() => null))?.mtime?.getTime() ?? 0);
      if (age < 5000) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      stale = `${path} is unreadable and ${(age / 1000).toFixed(0)} s old`;
    } else {
      const alive = processAlive(holder.pid, holder.host);
      if (alive === true) {
        throw new ShardLockedError(
          `${what} is already running: process ${holder.pid} on this host holds ${path} (since ${holder.started}). Wait for it to finish, or stop it (kill ${holder.pid}: it records the shard as interrupted); two runs of one shard would both do all its work.`,
        );
      }
      if (alive === null) {
        throw new ShardLockedError(
          `${what} is locked by process ${holder.pid} on host ${holder.host} (since ${holder.started}), which cannot be checked from here. If that process no longer runs, remove ${path} and run again.`,
        );
      }
      stale = `process ${holder.pid} that held it is no longer running`;
    }
    // Take it over: move it aside (atomic: of two processes doing this, one wins), check that
    // what was moved is the stale lock and not a fresh one, then create ours.
    const aside = `${path}.stale-${Deno.pid}`;
    try {
      await Deno.rename(path, aside);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    const moved = await readLock(aside);
    const same = holder === "unreadable"
      ? moved === "unreadable"
      : moved !== null && moved !== "unreadable" && moved.pid === holder.pid &&
        moved.started === holder.started;
    if (!same) {
      await Deno.link(aside, path).catch(() => {}); // put the fresh lock back
      await Deno.remove(aside).catch(() => {});
      continue;
    }
    await Deno.remove(aside).catch(() => {});
    if (holder !== "unreadable") {
      const stem = path.replace(/\.lock$/, "");
      for (const f of [`${stem}.manifest.json`, `${stem}.results.json`]) {
        await Deno.remove(tempPath(f, holder.pid)).catch(() => {});
      }
    }
    notice(`${what}: taking over its stale lock (${stale}).`);
  }
  throw new ShardLockedError(
    `${what}: could not take ${path} (other processes keep taking it); run one process per shard.`,
  );
}

/** Remove the lock at `path` if this process holds it. */
async function releaseLock(path: string): Promise<void> {
  const h = await readLock(path).catch(() => null);
  if (h && h !== "unreadable" && h.pid === Deno.pid && h.host === Deno.hostname()) {
    await Deno.remove(path).catch(() => {});
  }
}

/**
 * Refuse to run where the folder holds another run's shard: this shard's
 * own manifest under another key, or another shard of another experiment,
 * scale, seed, shard count, configuration or commit (the merge would refuse
 * the mix). With `restart`, this shard's own files are replaced and the
 * others are only reported.
 */
async function checkFolder(
  out: string,
  own: string,
  mine: Pick<
    ShardManifest,
    "experiment" | "scale" | "seed" | "shards" | "index" | "commit" | "configHash" | "key"
  >,
  restart: boolean,
  notice: (line: string) => void,
): Promise<void> {
  const fix = `use another --out folder for this run, or pass --restart to replace it`;
  const names = Array.from(Deno.readDirSync(out)).filter((e) =>
    e.isFile && /^shard-.*\.manifest\.json$/.test(e.name)
  ).map((e) => e.name).sort();
  const fields = ["experiment", "scale", "seed", "shards", "configHash", "commit"] as const;
  const show = (f: typeof fields[number], v: unknown) =>
    f === "configHash" || f === "commit" ? String(v).slice(0, 12) : JSON.stringify(v);
  const describe = (m: ShardManifest) =>
    fields.filter((f) => m[f] !== mine[f]).map((f) =>
      `${f === "configHash" ? "configuration" : f} ${show(f, m[f])} (this run: ${show(f, mine[f])})`
    ).join(", ");
  const others: string[] = [];
  for (const name of names) {
    const path = `${out}/${name}`;
    let m: ShardManifest;
    try {
      const data = await readJsonFile(path, "");
      if (data === null) continue;
      m = parseManifest(data, path);
    } catch (e) {
      if (!(e instanceof ShardCorruptError)) throw e;
      if (path === own && !restart) {
        throw new ShardConflictError(`${path} is not a shard manifest; ${fix}.`);
      }
      continue; // another shard's damage is the merge's to name
    }
    if (path === own) {
      if (m.key !== mine.key && !restart) {
        const diff = describe(m);
        throw new ShardConflictError(
          `${path} holds another run's shard (${
            diff || "other identity"
          }; status ${m.status}): running here would overwrite it. ${
            fix[0].toUpperCase() + fix.slice(1)
          }.`,
        );
      }
      continue;
    }
    const diff = describe(m);
    if (diff) others.push(`${name}: ${diff}`);
  }
  if (others.length === 0) return;
  if (!restart) {
    throw new ShardConflictError(
      `${out} holds shards of another run (${others[0]}${
        others.length > 1 ? `; and ${others.length - 1} more` : ""
      }); the merge would refuse the mix. Use another --out folder for this run, or rerun every shard here with --restart.`,
    );
  }
  notice(
    `${out} still holds ${others.length} shard(s) of another run (${
      others[0]
    }): rerun them with --restart too before merging.`,
  );
}

/**
 * What {@link runShard} did.
 *
 * @category Sharding
 */
export interface RunShardResult {
  /** True when complete results with the same key were already there. */
  skipped: boolean;
  manifest: ShardManifest;
}

/**
 * Run shard `index` of `shards` of an experiment and write its manifest and
 * results into `out`. Resumable: when `out` already holds this shard's
 * complete results under the same key (experiment, scale, seed, shard count,
 * index, commit, configuration hash) and their hash checks, nothing runs;
 * when it holds the checkpoint of an interrupted or failed run under that
 * key (`<stem>.steps.jsonl`), the steps it records are taken over, not rerun
 * (`force` and `restart` start over). The shard's lock file
 * (`<stem>.lock`, created exclusively with this process's id) is held
 * throughout; a lock whose process is gone from this host is taken over.
 *
 * @throws ShardArgumentError on bad arguments (before any work);
 *   ShardConflictError when `out` holds another run's shard (unless
 *   `restart`); ShardLockedError when another process runs this shard;
 *   whatever the run throws (after writing a manifest with status "failed").
 *
 * @category Sharding
 */
export async function runShard<C extends ExperimentConfig, R>(
  exp: ShardableExperiment<C, R>,
  opts: RunShardOptions,
): Promise<RunShardResult> {
  checkShardArgs(opts.scale, opts.shards, opts.index);
  const { scale, shards, index, out } = opts;
  const { config, configHash, commit, dirty, key } = await shardIdentity(exp, scale, shards, index);
  await Deno.mkdir(out, { recursive: true });
  const stem = `${out}/${shardStem(index, shards)}`;
  const notice = opts.notice ?? ((line: string) => console.warn(line));
  const lock = lockPath(out, shards, index);
  await acquireLock(lock, `shard ${index} of ${shards} in ${out}`, notice);
  try {
    const mine = {
      experiment: exp.name,
      scale,
      seed: config.seed,
      shards,
      index,
      commit,
      configHash,
      key,
    };
    await checkFolder(out, `${stem}.manifest.json`, mine, opts.restart ?? false, notice);
    const old = await completeManifest(out, shards, index, key);
    if (!opts.force && !opts.restart && old) return { skipped: true, manifest: old };
    return await runLocked(exp, opts, { config, configHash, commit, dirty, key, stem });
  } finally {
    await releaseLock(lock);
  }
}

async function runLocked<C extends ExperimentConfig, R>(
  exp: ShardableExperiment<C, R>,
  opts: RunShardOptions,
  id: { config: C; configHash: string; commit: string; dirty: boolean; key: string; stem: string },
): Promise<RunShardResult> {
  const { scale, shards, index } = opts;
  const { config, configHash, commit, dirty, key, stem } = id;
  const t0 = performance.now();
  const now = () => new Date().toISOString();
  const manifest: ShardManifest = {
    format: 1,
    experiment: exp.name,
    scale,
    seed: config.seed,
    shards,
    index,
    commit,
    dirty,
    configHash,
    key,
    status: "running",
    started: now(),
    updated: now(),
    seconds: 0,
    unitsDone: 0,
    unitsOwned: 0,
    sweeps: [],
    host: Deno.hostname(),
    pid: Deno.pid,
  };
  // Saves run one after another: a sweep with several lanes finishes steps concurrently, and two
  // writes through the same temporary file would race.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    const write = async () => {
      manifest.updated = now();
      manifest.seconds = (performance.now() - t0) / 1000;
      await writeAtomic(`${stem}.manifest.json`, JSON.stringify(manifest, null, 1) + "\n");
    };
    const p = saving.then(write);
    saving = p.catch(() => {});
    return p;
  };
  await Deno.remove(`${stem}.results.json`).catch(() => {});
  // The checkpoint: every step's result as it is recorded, so a rerun under the same key after an
  // interruption or a failure takes the steps done over instead of running them again.
  const stepsFile = stepsPath(stem);
  const prior = opts.force || opts.restart ? new Map() : await readSteps(stepsFile, key);
  await writeAtomic(
    stepsFile,
    [JSON.stringify({ key }), ...Array.from(prior.values(), (p) => JSON.stringify(p))]
      .map((l) => l + "\n").join(""),
  );
  const checkpoint = (line: StepLine): Promise<void> => {
    const p = saving.then(() =>
      interrupted()
        ? undefined
        : Deno.writeTextFile(stepsFile, JSON.stringify(line) + "\n", { append: true })
    );
    saving = p.catch(() => {});
    return p;
  };
  await save();
  const records: ResultsFile["records"] = [];
  try {
    if (exp.whole) {
      manifest.sweeps.push({ label: "whole run", items: 1, itemsHash: configHash, offset: 0 });
      if (ownerOf(0, shards) === index) {
        manifest.unitsOwned = 1;
        await save();
        const result = await exp.run(config, { progress: opts.progress });
        records.push({ sweep: 0, index: 0, value: encodeValue(result) });
        manifest.unitsDone = 1;
      }
    } else {
      const fatal = new WeakSet<object>();
      const hook = recordingInterceptor(
        shards,
        index,
        manifest,
        records,
        save,
        exp.sweeps?.(config) ?? null,
        fatal,
        { prior, checkpoint },
      );
      try {
        await withSweepInterceptor(hook, () => exp.run(config, { progress: opts.progress }));
      } catch (e) {
        // The run's own code failing on stand-ins after a sweep ends the shard, not fails it:
        // its steps are recorded, and the merge refuses the shards if a sweep came later.
        const own = typeof e === "object" && e !== null && fatal.has(e);
        if (!(e instanceof ShardStop)) {
          if (own || manifest.sweeps.length === 0) throw e;
          manifest.stoppedBy = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        }
      }
    }
    const text = JSON.stringify({ key, records } satisfies ResultsFile);
    await writeAtomic(`${stem}.results.json`, text);
    manifest.resultsHash = await sha256(text);
    manifest.status = "complete";
    await save();
    if (!interrupted()) await Deno.remove(stepsFile).catch(() => {});
  } catch (e) {
    manifest.status = "failed";
    manifest.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    await save();
    throw e;
  }
  return { skipped: false, manifest };
}

/** One line of a shard's checkpoint: sweep, index, the sweep's settings hash, the encoded value. */
interface StepLine {
  s: number;
  i: number;
  h: string;
  v: unknown;
}

/** The checkpoint file of a shard (`<stem>.steps.jsonl`: a key line, then one line per step). */
export function stepsPath(stem: string): string {
  return `${stem}.steps.jsonl`;
}

/**
 * The steps recorded in a checkpoint under `key` (empty when there is none,
 * or it is another run's). A damaged line (a write cut short by a kill) ends
 * the reading: the steps before it are kept.
 */
async function readSteps(path: string, key: string): Promise<Map<string, StepLine>> {
  const out = new Map<string, StepLine>();
  const text = await Deno.readTextFile(path).catch(() => "");
  const lines = text.split("\n");
  try {
    if (JSON.parse(lines[0]).key !== key) return out;
  } catch {
    return out;
  }
  for (const line of lines.slice(1)) {
    try {
      const x = JSON.parse(line) as StepLine;
      if (!isInt(x.s) || !isInt(x.i) || !isStr(x.h)) break;
      decodeValue(x.v);
      out.set(`${x.s}:${x.i}`, x);
    } catch {
      break;
    }
  }
  return out;
}

/** Thrown after a shard's last sweep (when the experiment says how many it makes). */
class ShardStop extends Error {
  override name = "ShardStop";
}

function recordingInterceptor(
  shards: number,
  index: number,
  manifest: ShardManifest,
  records: ResultsFile["records"],
  save: () => Promise<void>,
  lastSweep: number | null,
  fatal: WeakSet<object>,
  steps: { prior: Map<string, StepLine>; checkpoint: (line: StepLine) => Promise<void> },
) {
  let depth = 0, offset = 0;
  const hook = async <T, R>(
    items: readonly T[],
    step: SweepStep<T, R>,
    options: SweepOptions<T>,
    plain: PlainSweep,
  ): Promise<R[]> => {
    if (depth > 0) return plain(items, step, options); // a sweep inside a step runs whole
    const c = manifest.sweeps.length;
    const label = options.label ?? "sweep";
    const itemsHash = await hashValue(items);
    manifest.sweeps.push({ label, items: items.length, itemsHash, offset });
    const owned: number[] = [];
    for (let j = 0; j < items.length; j++) {
      if (ownerOf(offset + j, shards) === index) owned.push(j);
    }
    offset += items.length;
    manifest.unitsOwned += owned.length;
    await save();
    const run = async (item: T, j: number) => {
      depth++;
      try {
        return await step(item, j);
      } finally {
        depth--;
      }
    };
    const values = new Map<number, R>();
    if (owned.length > 0) {
      const got = await plain(owned.map((j) => items[j]), async (item, k) => {
        const j = owned[k];
        const done = steps.prior.get(`${c}:${j}`);
        let v: R, value: unknown;
        if (done && done.h === itemsHash) {
          // Taken over from the interrupted run: the same bits the step would return.
          value = done.v;
          v = decodeValue(value) as R;
          manifest.unitsResumed = (manifest.unitsResumed ?? 0) + 1;
        } else {
          v = await run(item, j);
          value = encodeValue(v);
          await steps.checkpoint({ s: c, i: j, h: itemsHash, v: value });
        }
        records.push({ sweep: c, index: j, value });
        manifest.unitsDone++;
        await save();
        return v;
      }, {
        ...options,
        name: (item, k) => options.name?.(item, owned[k]) ?? String(item),
      });
      owned.forEach((j, k) => values.set(j, got[k]));
    }
    // After the run's last sweep nothing needs stand-ins: stop before making one (a step run
    // unrecorded would cost a whole unit, e.g. a language-model arm).
    if (lastSweep !== null && c + 1 >= lastSweep) throw new ShardStop();
    // Stand-ins for the settings other shards own: copies of one real result of this sweep
    // (or, when this shard owns none of it, one setting run and not recorded), so the run
    // reaches its later sweeps. What the run computes from them is discarded.
    let standIn: unknown;
    if (owned.length > 0) {
      standIn = records.find((r) => r.sweep === c)!.value;
    } else {
      const j = index % items.length;
      standIn = encodeValue(await run(items[j], j));
    }
    return items.map((_, j) => values.has(j) ? values.get(j)! : decodeValue(standIn) as R);
  };
  // Whatever fails inside the interceptor (a step, recording, writing) fails the shard.
  return async <T, R>(
    items: readonly T[],
    step: SweepStep<T, R>,
    options: SweepOptions<T>,
    plain: PlainSweep,
  ): Promise<R[]> => {
    try {
      return await hook(items, step, options, plain);
    } catch (e) {
      if (typeof e === "object" && e !== null && !(e instanceof ShardStop)) fatal.add(e);
      throw e;
    }
  };
}

// ------------------------------------------------------------------ reading a folder

interface ShardFile {
  file: string;
  manifest: ShardManifest;
}

/** A results file's content, checked for shape. @throws ShardCorruptError naming the file. */
function parseResults(text: string, path: string): ResultsFile {
  const bad = (what: string) =>
    new ShardCorruptError(`${path} is not a shard results file: ${what}; rerun that shard.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw bad(`not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  const r = data as Partial<ResultsFile> | null;
  if (r === null || typeof r !== "object" || !isStr(r.key) || !Array.isArray(r.records)) {
    throw bad("not {key, records}");
  }
  for (const x of r.records) {
    if (x === null || typeof x !== "object" || !isInt(x.sweep) || !isInt(x.index)) {
      throw bad("a record is not {sweep, index, value}");
    }
  }
  return r as ResultsFile;
}

async function readManifests(dir: string): Promise<ShardFile[]> {
  let entries: Deno.DirEntry[];
  try {
    entries = Array.from(Deno.readDirSync(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ShardArgumentError(
        `the shard folder ${dir} does not exist; pass the --out folder the shards wrote to.`,
      );
    }
    throw e;
  }
  const files = entries.filter((e) => e.isFile && /^shard-.*\.manifest\.json$/.test(e.name))
    .map((e) => e.name).sort();
  const out: ShardFile[] = [];
  for (const file of files) {
    const path = `${dir}/${file}`;
    const data = await readJsonFile(path, "remove it or rerun that shard");
    if (data === null) continue; // removed since the listing
    out.push({ file, manifest: parseManifest(data, path) });
  }
  return out;
}

// ------------------------------------------------------------------ merging

/**
 * What {@link checkShards} found: the common identity and every record.
 *
 * @category Sharding
 */
export interface CheckedShards {
  identity: Pick<
    ShardManifest,
    "experiment" | "scale" | "seed" | "shards" | "commit" | "configHash"
  >;
  sweeps: SweepPlan[];
  manifests: ShardManifest[];
  /** Record `${sweep}:${index}` -> encoded value. */
  records: Map<string, unknown>;
}

/**
 * Check a folder of shards for a merge: all N present and complete, one
 * file per index, same experiment, scale, seed, shard count, configuration
 * and commit, results matching their manifests, the same sweeps seen by
 * every shard, every step recorded exactly once by its owner.
 *
 * @throws ShardMissingError, ShardDuplicateError, ShardMismatchError,
 *   ShardCommitMismatchError, ShardCorruptError or ShardPlanMismatchError,
 *   each naming the shard files and the fix.
 *
 * @category Sharding
 */
export async function checkShards(dir: string): Promise<CheckedShards> {
  const files = await readManifests(dir);
  if (files.length === 0) {
    throw new ShardMissingError(
      `${dir} holds no shard manifests (shard-*.manifest.json); run the shards with --out ${dir} first.`,
    );
  }
  const first = files[0].manifest;
  for (const f of ["experiment", "scale", "seed", "shards", "configHash"] as const) {
    for (const { file, manifest } of files) {
      if (manifest[f] !== first[f]) {
        throw new ShardMismatchError(
          `${file} has ${f} ${JSON.stringify(manifest[f])} but ${files[0].file} has ${
            JSON.stringify(first[f])
          }: the folder mixes two runs; keep one run's shards per folder (rerun the odd ones).`,
        );
      }
    }
  }
  for (const { file, manifest } of files) {
    if (manifest.commit !== first.commit) {
      throw new ShardCommitMismatchError(
        `${file} was made at commit ${manifest.commit} but ${
          files[0].file
        } at ${first.commit}: rerun the shards of one commit (deno task shard ... --force).`,
      );
    }
  }
  const N = first.shards;
  const byIndex = new Map<number, string>();
  for (const { file, manifest } of files) {
    const prev = byIndex.get(manifest.index);
    if (prev !== undefined) {
      throw new ShardDuplicateError(
        `${prev} and ${file} both claim shard ${manifest.index} of ${N}; remove the one you did not mean to keep.`,
      );
    }
    byIndex.set(manifest.index, file);
  }
  const missing: string[] = [];
  let notComplete = N - files.filter((f) => f.manifest.status === "complete").length;
  for (let i = 0; i < N && missing.length < 20; i++) {
    const file = byIndex.get(i);
    const m = files.find((f) => f.file === file)?.manifest;
    if (!m) missing.push(`${i} (no manifest)`);
    else if (m.status !== "complete") {
      const st = liveStatus(m);
      const why = st !== m.status
        ? `: its process ${m.pid} is gone`
        : m.error
        ? `: ${m.error}`
        : "";
      missing.push(`${i} (${st}${why})`);
    }
  }
  if (notComplete > missing.length) missing.push(`... (${notComplete - missing.length} more)`);
  notComplete = Math.max(notComplete, missing.length);
  if (missing.length > 0) {
    throw new ShardMissingError(
      `${dir}: ${notComplete} of ${N} shards are not complete: ${
        missing.join(", ")
      }; run them (deno task shard ${first.experiment} --scale ${first.scale} --shards ${N} --index I --out ${dir}) and merge again.`,
    );
  }
  const sweepsKey = JSON.stringify(first.sweeps);
  const records = new Map<string, unknown>();
  for (const { file, manifest } of files) {
    if (JSON.stringify(manifest.sweeps) !== sweepsKey) {
      throw new ShardPlanMismatchError(
        `${file} saw other sweeps than ${
          files[0].file
        } (their settings differ): a sweep's settings depend on an earlier sweep's results, so this experiment cannot be sharded as is; make each sweep's settings depend on the configuration only.`,
      );
    }
    const text = await Deno.readTextFile(
      `${dir}/${file.replace(/manifest\.json$/, "results.json")}`,
    )
      .catch(() => null);
    if (text === null || await sha256(text) !== manifest.resultsHash) {
      throw new ShardCorruptError(
        `${file}: its results file is ${
          text === null ? "missing" : "not the one its manifest names (hash differs)"
        }; rerun shard ${manifest.index} with --force.`,
      );
    }
    const res = parseResults(text, `${dir}/${file.replace(/manifest\.json$/, "results.json")}`);
    if (res.key !== manifest.key) {
      throw new ShardCorruptError(
        `${file}: its results were written under another key; rerun shard ${manifest.index} with --force.`,
      );
    }
    for (const r of res.records) {
      const k = `${r.sweep}:${r.index}`;
      const sw = first.sweeps[r.sweep];
      if (!sw || r.index >= sw.items || ownerOf(sw.offset + r.index, N) !== manifest.index) {
        throw new ShardCorruptError(
          `${file} records step ${k}, which shard ${manifest.index} does not own; rerun it with --force.`,
        );
      }
      if (records.has(k)) {
        throw new ShardDuplicateError(
          `step ${k} is recorded twice (again in ${file}); rerun shard ${manifest.index} with --force.`,
        );
      }
      try {
        decodeValue(r.value);
      } catch (e) {
        if (!(e instanceof ShardCodecError)) throw e;
        throw new ShardCorruptError(
          `${file}: step ${k} cannot be decoded (${e.message}); rerun shard ${manifest.index} with --force.`,
        );
      }
      records.set(k, r.value);
    }
  }
  for (const [c, sw] of first.sweeps.entries()) {
    for (let j = 0; j < sw.items; j++) {
      if (!records.has(`${c}:${j}`)) {
        throw new ShardMissingError(
          `step ${j} of sweep "${sw.label}" is in no shard's results (shard ${
            ownerOf(sw.offset + j, N)
          } should hold it); rerun that shard with --force.`,
        );
      }
    }
  }
  return {
    identity: {
      experiment: first.experiment,
      scale: first.scale,
      seed: first.seed,
      shards: N,
      commit: first.commit,
      configHash: first.configHash,
    },
    sweeps: first.sweeps,
    manifests: files.map((f) => f.manifest),
    records,
  };
}

/**
 * Options of {@link mergeShards}.
 *
 * @category Sharding
 */
export interface MergeOptions {
  /** Where to write (default `<dir>/merged`); replaced as a whole. */
  outDir?: string;
  /** Accept shards made at another commit than the merging checkout (default false). */
  allowOtherCommit?: boolean;
  /** Write nothing, only return the merged result (default false). */
  dryRun?: boolean;
  /**
   * Render the charts as a notebook saves them (SVG, PDF, PNG, spec and CSV,
   * lib/plot's `save`) instead of writing their specs only (default false).
   */
  render?: boolean;
}

/**
 * Merge a folder of shards: check them ({@link checkShards}), replay the
 * experiment's run on the recorded steps, build its claims, tables and
 * charts, and only then write `merged/` (result.json in the lossless
 * encoding, claims.json, `<table>.csv/.md/.tex`, `<chart>.vl.json`). On any
 * error nothing is written.
 *
 * @throws the errors of {@link checkShards}; ShardMismatchError when the
 *   experiment's configuration at this checkout differs from the shards';
 *   ShardCommitMismatchError when the shards come from another commit.
 *
 * @category Sharding
 */
export async function mergeShards<C extends ExperimentConfig, R>(
  dir: string,
  resolve: (name: string) => Promise<ShardableExperiment<C, R>>,
  opts: MergeOptions = {},
): Promise<{ result: R; files: string[]; checked: CheckedShards }> {
  const checked = await checkShards(dir);
  const { identity, sweeps, records } = checked;
  const exp = await resolve(identity.experiment);
  const config = exp.config(identity.scale);
  const configHash = await configHashOf(exp, config);
  if (configHash !== identity.configHash) {
    throw new ShardMismatchError(
      `the shards' configuration (hash ${
        identity.configHash.slice(0, 12)
      }) is not ${exp.name}'s ${identity.scale} configuration at this checkout (${
        configHash.slice(0, 12)
      }); merge at the shards' commit ${identity.commit}${
        exp.identity
          ? ", with the models and engine the shards used (the hash covers them too)"
          : ""
      }.`,
    );
  }
  if (config.seed !== identity.seed) {
    throw new ShardMismatchError(
      `the shards' seed ${identity.seed} is not ${exp.name}'s ${identity.scale} seed at this checkout (${config.seed}); merge at the shards' commit ${identity.commit}.`,
    );
  }
  const here = opts.allowOtherCommit ? null : await gitState();
  if (here && here.commit !== identity.commit) {
    throw new ShardCommitMismatchError(
      `the shards were made at commit ${identity.commit} but this checkout is at ${here.commit}; merge at the shards' commit (git checkout ${identity.commit}) or pass --allow-other-commit.`,
    );
  }
  let result: R;
  if (exp.whole) {
    result = decodeValue(records.get("0:0")) as R;
  } else {
    let c = 0;
    const replay = <T, X>(
      items: readonly T[],
      _step: SweepStep<T, X>,
      options: SweepOptions<T>,
    ): Promise<X[]> => {
      const sw = sweeps[c];
      const label = options.label ?? "sweep";
      if (!sw) {
        const stopped = checked.manifests.find((m) => m.stoppedBy)?.stoppedBy;
        throw new ShardPlanMismatchError(
          `the merge's run reached a sweep ("${label}") the shards never saw; ${
            stopped
              ? `the shards' runs stopped after their last sweep on "${stopped}" (code between sweeps fails on the stand-in results: make it tolerate them, or give the registry entry its sweep count)`
              : "rerun the shards at this commit"
          }.`,
        );
      }
      return hashValue(items).then((h) => {
        if (sw.label !== label || sw.items !== items.length || sw.itemsHash !== h) {
          throw new ShardPlanMismatchError(
            `sweep ${c} ("${label}", ${items.length} settings) differs from what the shards ran ("${sw.label}", ${sw.items} settings): its settings depend on results; make them depend on the configuration only.`,
          );
        }
        const out = items.map((_, j) => decodeValue(records.get(`${c}:${j}`)) as X);
        c++;
        return out;
      });
    };
    result = await withSweepInterceptor(replay, () => exp.run(config, { progress: false }));
    if (c !== sweeps.length) {
      throw new ShardPlanMismatchError(
        `the merge's run made ${c} sweeps but the shards recorded ${sweeps.length}; rerun the shards at this commit.`,
      );
    }
  }
  const meta = { scale: identity.scale, seed: identity.seed, experiment: exp.name };
  const outputs: { name: string; data: string }[] = [
    { name: "result.json", data: JSON.stringify(encodeValue(result)) + "\n" },
  ];
  if (exp.claims) {
    outputs.push({
      name: "claims.json",
      data: JSON.stringify({ ...meta, claims: exp.claims(result) }, null, 1) +
        "\n",
    });
  }
  for (const [name, t] of Object.entries(exp.tables?.(result) ?? {})) {
    outputs.push({ name: `${name}.csv`, data: tableToCsv(t, meta) });
    outputs.push({ name: `${name}.md`, data: tableToMarkdown(t, meta) });
    outputs.push({ name: `${name}.tex`, data: tableToLatex(t, { meta, label: `tab:${name}` }) });
  }
  const charts = Object.entries(exp.charts?.(result) ?? {});
  if (!opts.render) {
    for (const [name, ch] of charts) {
      outputs.push({ name: `${name}.vl.json`, data: JSON.stringify(ch.spec, null, 1) + "\n" });
    }
  }
  const target = opts.outDir ?? `${dir}/merged`;
  if (opts.dryRun) return { result, files: [], checked };
  // Write into a fresh folder beside the target, then swap it in: all or nothing. An earlier
  // merge is moved aside first and removed after, so the target is always one whole merge.
  const tmp = tempPath(target), old = `${target}.old-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  try {
    for (const f of outputs) await Deno.writeTextFile(`${tmp}/${f.name}`, f.data);
    if (opts.render) {
      const { save } = await import("../lib/plot/save.ts");
      for (const [name, ch] of charts) await save(ch, name, { dir: tmp, meta });
    }
    const hadOld = await Deno.rename(target, old).then(() => true, (e) => {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    });
    try {
      await Deno.rename(tmp, target);
    } catch (e) {
      if (hadOld) await Deno.rename(old, target).catch(() => {});
      throw e;
    }
    if (hadOld) await Deno.remove(old, { recursive: true }).catch(() => {});
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
  const files = Array.from(Deno.readDirSync(target), (e) => `${target}/${e.name}`).sort();
  return { result, files, checked };
}

/**
 * Read a merged (or single-run) result.json back.
 *
 * @throws ShardArgumentError when there is no such file; ShardCorruptError
 *   when it is not a result in the lossless encoding.
 *
 * @category Sharding
 */
export async function readResult(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) {
      throw new ShardArgumentError(
        `${path}: no such result file; pass the result.json of a run (deno task shard <experiment> --single --out DIR writes DIR/result.json, a merge DIR/merged/result.json).`,
      );
    }
    throw e;
  }
  try {
    return decodeValue(JSON.parse(text));
  } catch (e) {
    if (!(e instanceof SyntaxError || e instanceof ShardCodecError)) throw e;
    throw new ShardCorruptError(
      `${path} is not a result file (${e.message}); rerun the run that wrote it.`,
    );
  }
}

/**
 * The first place two results differ bit for bit (a dot path), or null.
 * `skip` lists dot paths to leave out (measured fields); a `*` segment
 * matches any key or array index (`rows.*.seconds`).
 *
 * @category Sharding
 */
export function firstDifference(
  a: unknown,
  b: unknown,
  skip: readonly string[] = [],
): string | null {
  const patterns = skip.map((p) =>
    new RegExp(
      `^${
        p.split(".").map((seg) => seg === "*" ? "[^.]+" : seg.replace(/[^\w]/g, "\\$&")).join("\\.")
      }$`,
    )
  );
  const walk = (x: unknown, y: unknown, path: string): string | null => {
    if (patterns.some((re) => re.test(path))) return null;
    if (typeof x !== typeof y) return path || "(root)";
    if (x === null || y === null || typeof x !== "object") {
      return JSON.stringify(x) === JSON.stringify(y) ? null : path || "(root)";
    }
    const ax = Array.isArray(x), ay = Array.isArray(y);
    if (ax !== ay) return path || "(root)";
    const ox = x as Record<string, unknown>, oy = y as Record<string, unknown>;
    const kx = Object.keys(ox), ky = Object.keys(oy);
    if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return `${path}{keys}`;
    for (const k of kx) {
      const d = walk(ox[k], oy[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return null;
  };
  return walk(encodeValue(a, true), encodeValue(b, true), "");
}

// ------------------------------------------------------------------ status

/**
 * One shard's state in {@link shardStatus}.
 *
 * @category Sharding
 */
export interface ShardState {
  index: number;
  /**
   * "interrupted": stopped by a signal, or "running" in its manifest while its
   * process is gone from this host (rerun it).
   */
  state: "done" | "running" | "failed" | "interrupted" | "not started";
  unitsDone: number;
  /** Steps it owns (estimated from a complete shard's sweeps when known), or null. */
  unitsOwned: number | null;
  seconds: number;
  /** Seconds since its manifest was last written (a stale running shard was likely preempted). */
  sinceUpdate: number | null;
  /** Estimated seconds left, or null when nothing is known yet. */
  leftSeconds: number | null;
  error?: string;
}

/**
 * Progress across the shards in `dir`, from their manifests: done, running,
 * failed, not started, and the time left (the slowest shard's, assuming
 * every shard runs at once; a step's time is the mean over finished steps).
 *
 * @throws ShardArgumentError when `dir` does not exist; ShardMissingError
 *   when it holds no manifests.
 *
 * @category Sharding
 */
export async function shardStatus(dir: string): Promise<{
  experiment: string;
  scale: Scale;
  shards: number;
  states: ShardState[];
  leftSeconds: number | null;
  summary: string;
}> {
  const files = await readManifests(dir);
  if (files.length === 0) {
    throw new ShardMissingError(`${dir} holds no shard manifests; start the shards first.`);
  }
  const N = Math.max(...files.map((f) => f.manifest.shards));
  const complete = files.find((f) => f.manifest.status === "complete")?.manifest;
  const done = files.map((f) => f.manifest).filter((m) => m.unitsDone > 0);
  const perStep = done.length === 0
    ? null
    : done.reduce((a, m) => a + m.seconds, 0) / done.reduce((a, m) => a + m.unitsDone, 0);
  const nowMs = Date.now();
  const states: ShardState[] = [];
  for (let i = 0; i < N; i++) {
    const m = files.find((f) => f.manifest.index === i && f.manifest.shards === N)?.manifest;
    const owned = complete ? ownedCount(complete.sweeps, N, i) : m ? m.unitsOwned : null;
    if (!m) {
      states.push({
        index: i,
        state: "not started",
        unitsDone: 0,
        unitsOwned: owned,
        seconds: 0,
        sinceUpdate: null,
        leftSeconds: owned !== null && perStep !== null ? owned * perStep : null,
      });
      continue;
    }
    const live = liveStatus(m);
    const state = live === "complete" ? "done" : live;
    const left = state === "done"
      ? 0
      : state === "failed" || state === "interrupted"
      ? null
      : owned !== null && perStep !== null
      ? Math.max(0, owned - m.unitsDone) * perStep
      : null;
    states.push({
      index: i,
      state,
      unitsDone: m.unitsDone,
      unitsOwned: owned,
      seconds: m.seconds,
      sinceUpdate: (nowMs - Date.parse(m.updated)) / 1000,
      leftSeconds: left,
      error: live !== m.status ? `its process ${m.pid} on ${m.host} is gone` : m.error,
    });
  }
  const count = (s: ShardState["state"]) => states.filter((x) => x.state === s).length;
  const stopped = states.filter((x) => x.state === "failed" || x.state === "interrupted");
  const lefts = states.map((s) => s.leftSeconds);
  const leftSeconds = lefts.some((x) => x === null) ? null : Math.max(0, ...(lefts as number[]));
  const summary = `${files[0].manifest.experiment} (${files[0].manifest.scale}), ${N} shards: ${
    count("done")
  } done, ${count("running")} running, ${count("failed")} failed, ${
    count("not started")
  } not started${count("interrupted") > 0 ? `, ${count("interrupted")} interrupted` : ""}; ${
    stopped.length > 0
      ? `time left unknown until shard${stopped.length > 1 ? "s" : ""} ${
        stopped.map((x) => x.index).join(", ")
      } ${stopped.length > 1 ? "are" : "is"} rerun`
      : leftSeconds === null
      ? "time left unknown (no step finished yet)"
      : `about ${leftSeconds.toFixed(0)} s left`
  }`;
  return {
    experiment: files[0].manifest.experiment,
    scale: files[0].manifest.scale,
    shards: N,
    states,
    leftSeconds,
    summary,
  };
}
