/**
 * The language-model experiments (Sections 4.3, 5.1, 6.2 and 7.3) live in
 * notebooks 04, 05, 06 and 07's step modules, registered by
 * tools/shard_registry.ts through {@link llmShardableOf}) as shardable experiments
 * (tools/sharding.ts): `deno task shard llm_corrections --scale paper
 * --shards 16 --index 3 --out DIR`.
 *
 * Their run functions take an {@link LlmSetup} besides the configuration:
 * an entry made here gets it from an {@link LlmSource}, once per run (a
 * shard, a merge, a single run: one per process), and disposes it after. The
 * default source loads data/models and the Universal Sentence Encoder only
 * when an entry runs, never on import (the tools import the registry to list
 * names). Tests make the same entries on a tiny fixture source.
 *
 * The git commit names the code and the committed models, but not a dirty
 * tree or another models folder, nor which engine trained the students (the
 * native and tfjs engines differ in float rounding): the source's identity
 * (the SHA-256 of every model file, the embedder, the engine) is hashed with
 * the configuration into each shard's key, so shards made with other models
 * or another engine are a ShardMismatchError at the merge.
 *
 * Every shard repeats the work before its experiment's first sweep: loading
 * the setup, then the teacher's answers and embeddings all steps share; the
 * merge repeats it too (it replays the run on the recorded steps).
 *
 * @module
 */
import type { Scale } from "../lib/config.ts";
import { USE_MODEL_NAME } from "../lib/llm/embed/use.ts";
import { resolveLlmEngine } from "../lib/llm/native.ts";
import type { Chart } from "../lib/plot/chart.ts";
import type { Claim } from "../lib/report/claims.ts";
import type { Table } from "../lib/report/table.ts";
import { type LlmSetup, loadLlmSetup } from "../notebooks/llm_setup.ts";
import { type ShardableExperiment, ShardError } from "./sharding.ts";
import type { ExperimentConfig, RunOptions } from "./sweep.ts";

/**
 * A model file the default source needs is missing or unreadable.
 *
 * @category Sharding
 */
export class ShardModelsError extends ShardError {
  override name = "ShardModelsError";
}

/**
 * Where a language-model experiment's setup comes from.
 *
 * @category Sharding
 */
export interface LlmSource {
  /** Make the setup one run uses (called once per run; the run disposes it). */
  setup(): Promise<LlmSetup>;
  /**
   * What names the models, the embedder and the engine beyond the git commit
   * (any JSON-like value; hashed into each shard's configuration hash).
   */
  identity(): Promise<unknown>;
}

const MODEL_FILES = ["config.json", "tokenizer.json", "weights.bin"] as const;

async function fileSha256(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ShardModelsError(
      `cannot read ${path} (${
        e instanceof Error ? e.message : e
      }): restore the models (git checkout -- data/models, or deno task models), or give dataModelsSource a modelsDir holding teacher/ and student_base/.`,
    );
  }
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The identity of a models folder and of how it runs: the SHA-256 of each
 * file of `teacher/` and `student_base/` (config, tokenizer, weights), the
 * embedder's name and the language-model engine this process resolves
 * (KD_LLM_ENGINE; "native" where the kernel loads, else "tfjs").
 *
 * @throws ShardModelsError naming a missing file and how to restore it.
 *
 * @category Sharding
 */
export async function modelsIdentity(
  dir: string,
  embedder: string,
): Promise<{ models: Record<string, Record<string, string>>; embedder: string; engine: string }> {
  const models: Record<string, Record<string, string>> = {};
  for (const m of ["teacher", "student_base"]) {
    models[m] = {};
    for (const f of MODEL_FILES) models[m][f] = await fileSha256(`${dir}/${m}/${f}`);
  }
  return { models, embedder, engine: resolveLlmEngine() };
}

/**
 * The default source: `loadLlmSetup()` (data/models, or `modelsDir`, and the
 * offline Universal Sentence Encoder), its identity from
 * {@link modelsIdentity} (computed once).
 *
 * @category Sharding
 */
export function dataModelsSource(options: { modelsDir?: string } = {}): LlmSource {
  const dir = options.modelsDir ?? new URL("../data/models", import.meta.url).pathname;
  let identity: Promise<unknown> | undefined;
  return {
    setup: () => loadLlmSetup({ modelsDir: dir }),
    identity: () => {
      identity ??= modelsIdentity(dir, USE_MODEL_NAME);
      return identity;
    },
  };
}

/**
 * What an entry needs from its module.
 *
 * @category Sharding
 */
export interface LlmModule<C extends ExperimentConfig, R> {
  notebook: string;
  config(scale: Scale): C;
  run(config: C, setup: LlmSetup, options: RunOptions): Promise<R>;
  /** Number of sweep calls the run makes. */
  sweeps: number;
  /** Claims, tables and charts the merge writes (none: the merge writes the result only). */
  claims?(r: R): Claim[];
  tables?(r: R): Record<string, Table>;
  charts?(r: R): Record<string, Chart>;
}

/**
 * A module of {@link LlmModule}, its types checked against its functions.
 *
 * @category Sharding
 */
export function llmModule<C extends ExperimentConfig, R>(
  m: LlmModule<C, R>,
): LlmModule<ExperimentConfig, unknown> {
  return m as unknown as LlmModule<ExperimentConfig, unknown>;
}

/**
 * What one language-model shard needs on a cluster (`deno task slurm`'s
 * defaults). Measured on this 2-core machine (peak resident memory from
 * /proc or /usr/bin/time): a smoke shard peaks at 0.6-0.8 GB (the models,
 * the encoder's two workers, OpenBLAS buffers); paper-scale shards at
 * 0.94 GB (llm_consistency, after a student) and 0.99 GB (llm_corrections,
 * its 40,000 pre-sweep answers embedded); 3G leaves room for shards holding
 * several steps' answers. Paper-scale steps take minutes on one core
 * (llm_corrections: 186 s of shared pre-sweep work, then 240 s for its
 * Direct FT arm; llm_consistency: 101 s for student 1, student 0 drawing
 * 20 times as many answers), so 12 hours covers a shard holding many of
 * them. The native engine and the encoder use the CPUs they are given
 * (KD_LLM_THREADS).
 *
 * @category Sharding
 */
export const LLM_SHARD_RESOURCES = {
  cpus: 2,
  mem: "3G",
  time: { smoke: "00:15:00", default: "02:00:00", paper: "12:00:00" },
} as const;

/**
 * Options of {@link llmShardableOf}.
 *
 * @category Sharding
 */
export interface LlmShardableOptions {
  /** Where the setup comes from (default {@link dataModelsSource}). */
  source?: LlmSource;
  /** The configuration at a scale (default the module's own `xxxConfig`). */
  config?: (scale: Scale) => ExperimentConfig;
}

/**
 * The registry entry of a language-model experiment whose module is given
 * (a notebook's step module, registered in tools/shard_registry.ts): its
 * configuration, its run on a setup from `source` (made once per run,
 * disposed after), the source's identity in the shard key, `seconds` as the
 * measured field.
 *
 * @category Sharding
 */
export function llmShardableOf(
  name: string,
  m: LlmModule<ExperimentConfig, unknown>,
  options: LlmShardableOptions = {},
): ShardableExperiment<ExperimentConfig, unknown> {
  const source = options.source ?? dataModelsSource();
  return {
    name,
    notebook: m.notebook,
    config: options.config ?? ((scale) => m.config(scale)),
    run: async (config, runOptions) => {
      const setup = await source.setup();
      try {
        return await m.run(config, setup, runOptions);
      } finally {
        await setup.dispose();
      }
    },
    identity: () => source.identity(),
    resources: {
      cpus: LLM_SHARD_RESOURCES.cpus,
      mem: LLM_SHARD_RESOURCES.mem,
      time: { ...LLM_SHARD_RESOURCES.time },
    },
    sweeps: () => m.sweeps,
    measured: ["seconds"],
    claims: m.claims,
    tables: m.tables,
    charts: m.charts,
  };
}
