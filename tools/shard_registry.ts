/**
 * The experiments `deno task shard`, `merge` and `slurm` know by name, and
 * how any other module in `notebooks/` (a step module) is found by convention.
 *
 * Making a module shardable: route its Monte Carlo loop through
 * {@link sweep} with steps that return what they make (no writes to outer
 * variables other than caches), each step's result depending only on its
 * setting, its index and what was computed before the sweep, and the settings
 * depending only on the configuration. Then either
 * - do nothing: a module `notebooks/<name>.ts` exporting exactly one
 *   `xxxConfig(scale)` and one `runXxx(config, options)` is found by its file
 *   stem (`deno task shard <name> ...`), with `seconds` as its only measured
 *   field; or
 * - add an entry below to name its claims, tables and charts, its measured
 *   fields, or to run several `runXxx` in one experiment.
 *
 * The language-model experiments (llm_temperature, llm_initialization,
 * llm_consistency, llm_corrections) take a loaded setup besides their
 * configuration: their entries come from `llmShardable` (tools/shard_llm.ts;
 * llm_temperature's, llm_initialization's, llm_consistency's and llm_corrections's modules are
 * notebooks 04, 05, 06 and 07's step modules, so their entries are made here), which loads
 * data/models only when one of them runs.
 *
 * The registry lives in tools/, beside the commands that use it, because it names the
 * notebooks' step modules: lib/ never imports notebooks/.
 *
 * @module
 */
import type { Scale } from "../lib/config.ts";
import { type ShardableExperiment, ShardArgumentError } from "./sharding.ts";
import type { ExperimentConfig, RunOptions } from "./sweep.ts";
import {
  problemDefinitionConfig,
  runProblemDefinition,
} from "../notebooks/02_problem_definition.ts";
import {
  runTeacherOutput,
  teacherOutputConfig,
} from "../notebooks/04_teacher_output_uncertainty.ts";
import { llmTemperatureConfig, runLlmTemperature } from "../notebooks/04_llm_temperature.ts";
import {
  llmInitializationConfig,
  runBootstrap,
  runInitPerturbation,
  runLlmInitialization,
  studentInitializationConfig,
} from "../notebooks/05_student_initialization_uncertainty.ts";
import {
  runStudentOutput,
  studentOutputConfig,
} from "../notebooks/06_student_output_uncertainty.ts";
import { llmConsistencyConfig, runLlmConsistency } from "../notebooks/06_llm_consistency.ts";
import { llmCorrectionsConfig, runLlmCorrections } from "../notebooks/07_llm_corrections.ts";
import { runCombinationCheck } from "../notebooks/07_combination.ts";
import {
  runVarianceAware,
  varianceAwareConfig,
} from "../notebooks/07_variance_aware_distillation.ts";
import {
  gaussianDistillationConfig,
  runGaussianDistillation,
} from "../notebooks/08_gaussian_distillation.ts";
import { runTeacherProtocol } from "../notebooks/08_gaussian_teachers.ts";
import { llmModule, llmShardableOf, type LlmShardableOptions } from "./shard_llm.ts";

/**
 * Section 4.3's language-model experiment (notebook 04): its settings and steps live beside the
 * notebook, so its entry is made here, not in lib. The merge writes the merged result only; the
 * notebook draws Figure 4, Tables 2 and 5 and their claims from it
 * (KD_MERGED_LLM_TEMPERATURE=DIR/merged).
 */
const LLM_TEMPERATURE = llmModule({
  notebook: "04_teacher_output_uncertainty",
  config: (scale: Scale) => llmTemperatureConfig(scale),
  run: runLlmTemperature,
  sweeps: 1, // the temperatures and Direct FT
});

/**
 * Section 5.1's language-model experiment (notebook 05): its settings and steps live beside the
 * notebook, so its entry is made here, not in lib. The merge writes the merged result only; the
 * notebook draws Figures 6 (LLM panels) and 12, its table and claims from it
 * (KD_MERGED_LLM_INITIALIZATION=DIR/merged).
 */
const LLM_INITIALIZATION = llmModule({
  notebook: "05_student_initialization_uncertainty",
  config: (scale: Scale) => llmInitializationConfig(scale),
  run: runLlmInitialization,
  sweeps: 1, // the perturbation levels
});

/**
 * Section 6.2's language-model experiment (notebook 06): its settings and steps live beside the
 * notebook, so its entry is made here, not in lib. The merge writes the merged result only; the
 * notebook draws Figure 10, its table and claims from it (KD_MERGED_LLM_CONSISTENCY=DIR/merged).
 */
const LLM_CONSISTENCY = llmModule({
  notebook: "06_student_output_uncertainty",
  config: llmConsistencyConfig,
  run: runLlmConsistency,
  sweeps: 3, // teacher samples per T, base samples per T, students
});

/**
 * Section 7.3's language-model experiment (notebook 07): its settings and steps live beside the
 * notebook, so its entry is made here, not in lib. The merge writes the merged result only; the
 * notebook draws Table 1, its figure and claims from it (KD_MERGED_LLM_CORRECTIONS=DIR/merged).
 */
const LLM_CORRECTIONS = llmModule({
  notebook: "07_variance_aware_distillation",
  config: llmCorrectionsConfig,
  run: runLlmCorrections,
  sweeps: 1, // the arms of Table 1
});

/** The language-model experiments whose modules are notebooks' step modules. */
const NOTEBOOK_LLM = {
  llm_temperature: LLM_TEMPERATURE,
  llm_initialization: LLM_INITIALIZATION,
  llm_consistency: LLM_CONSISTENCY,
  llm_corrections: LLM_CORRECTIONS,
};

/**
 * The language-model experiments, by module name.
 *
 * @category Sharding
 */
export type LlmExperimentName = keyof typeof NOTEBOOK_LLM;

/**
 * Names of the language-model experiments (their modules' file stems), in paper order.
 *
 * @category Sharding
 */
export const LLM_EXPERIMENTS: LlmExperimentName[] = [
  "llm_temperature",
  "llm_initialization",
  "llm_consistency",
  "llm_corrections",
];

/**
 * The registry entry of a language-model experiment (Sections 4.3, 5.1, 6.2 and 7.3), from
 * its step module.
 *
 * @throws RangeError naming the known experiments for an unknown name.
 *
 * @category Sharding
 */
export function llmShardable(
  name: LlmExperimentName,
  options: LlmShardableOptions = {},
): ShardableExperiment<ExperimentConfig, unknown> {
  if (!(name in NOTEBOOK_LLM)) {
    throw new RangeError(
      `llmShardable: no language-model experiment "${name}"; known: ${LLM_EXPERIMENTS.join(", ")}.`,
    );
  }
  return llmShardableOf(name, NOTEBOOK_LLM[name], options);
}

/** Build a registry entry with its types checked against the module's functions. */
function entry<C extends ExperimentConfig, R>(
  e: ShardableExperiment<C, R>,
): ShardableExperiment<ExperimentConfig, unknown> {
  return e as unknown as ShardableExperiment<ExperimentConfig, unknown>;
}

/**
 * The experiments known by name (the module's file stem), in paper order,
 * the language-model ones last.
 *
 * @category Sharding
 */
export const SHARDABLE: readonly ShardableExperiment<ExperimentConfig, unknown>[] = [
  entry({
    name: "problem_definition",
    notebook: "02_problem_definition",
    config: (scale: Scale) => problemDefinitionConfig(scale),
    run: (c, o) => runProblemDefinition(c, o),
    // Two units: its two neural cohorts (the linear part and the closed forms run in every shard).
    measured: ["seconds"],
    // The merge writes the merged result only: notebook 02 draws its figures, table and claims
    // from it (KD_MERGED_PROBLEM_DEFINITION=DIR/merged).
  }),
  entry({
    name: "teacher_output",
    notebook: "04_teacher_output_uncertainty",
    config: (scale: Scale) => teacherOutputConfig(scale),
    run: (c, o) => runTeacherOutput(c, o),
    // backend and workers are those of the last neural step run here: the merge reports "" and 0.
    measured: ["seconds", "backend", "workers"],
    // The merge writes the merged result only: notebook 04 draws its figures, table and claims
    // from it (KD_MERGED_TEACHER_OUTPUT=DIR/merged).
  }),
  entry({
    name: "student_initialization",
    notebook: "05_student_initialization_uncertainty",
    config: (scale: Scale) => studentInitializationConfig(scale),
    run: async (c, o) => ({
      init: await runInitPerturbation(c, o),
      boot: await runBootstrap(c, o),
    }),
    measured: ["init.backend"],
    // The merge writes the merged result only: notebook 05 draws its figures, tables and claims
    // from it (KD_MERGED_STUDENT_INITIALIZATION=DIR/merged).
  }),
  entry({
    name: "student_output",
    notebook: "06_student_output_uncertainty",
    config: (scale: Scale) => studentOutputConfig(scale),
    run: (c, o) => runStudentOutput(c, o),
    // One sweep: its units run on every core; what follows it only assembles their results.
    sweeps: () => 1,
    measured: ["seconds", "cpuSeconds", "pairs.*.seconds"],
    // The merge writes the merged result only: notebook 06 draws its figures, tables and claims
    // from it (KD_MERGED_STUDENT_OUTPUT=DIR/merged).
  }),
  entry({
    name: "variance_aware",
    notebook: "07_variance_aware_distillation",
    config: (scale: Scale) => varianceAwareConfig(scale),
    run: async (c, o) => ({
      comb: await runCombinationCheck(c, o),
      result: await runVarianceAware(c, o),
    }),
    // The rate is measured by the shard that ran alpha 0.
    measured: ["result.seconds", "result.networksPerSecond"],
    // The merge writes the merged result only: notebook 07 draws its figures, tables and claims
    // from it (KD_MERGED_VARIANCE_AWARE=DIR/merged).
  }),
  entry({
    name: "gaussian_distillation",
    notebook: "08_gaussian_distillation",
    config: (scale: Scale) => gaussianDistillationConfig(scale),
    run: (c, o) => runGaussianDistillation(c, o),
    measured: [
      "seconds",
      "rows.*.seconds",
      "summary.*.seconds",
      "classification.*.seconds",
      "teacherDepth.*.seconds",
    ],
    // The merge writes the merged result only: notebook 08 draws its figures, tables and claims
    // from it (KD_MERGED_GAUSSIAN_DISTILLATION=DIR/merged).
  }),
  entry({
    name: "gaussian_teachers",
    notebook: "08_gaussian_distillation",
    config: (scale: Scale) => gaussianDistillationConfig(scale),
    run: (c, o) => runTeacherProtocol(c, o),
    measured: ["seconds", "rows.*.seconds"],
    // Notebook 08's teachers alone (issue 30: Boston at paper scale, 20 splits x 50 teachers),
    // one unit per split; the notebook reads the committed rows of its paper-scale run
    // (data/runs/gaussian_teachers_paper/result.json).
  }),
  // Sections 4.3, 5.1, 6.2 and 7.3 with language models (data/models, loaded when one runs).
  ...LLM_EXPERIMENTS.map((name) => llmShardable(name)),
];

/** Names accepted on the command line. */
export function shardableNames(): string[] {
  return SHARDABLE.map((e) => e.name);
}

const STEM = /^[a-z][a-z0-9_]*$/;

/**
 * The experiment named `name`: a registry entry, else the module
 * `notebooks/<name>.ts` found by convention (exactly one exported
 * `...Config` function and one `run...` function).
 *
 * @throws ShardArgumentError naming the known experiments when neither exists.
 *
 * @category Sharding
 */
export async function resolveExperiment(
  name: string,
): Promise<ShardableExperiment<ExperimentConfig, unknown>> {
  const known = SHARDABLE.find((e) => e.name === name || e.notebook === name);
  if (known) return known;
  const hint = `known experiments: ${
    shardableNames().join(", ")
  }; or any notebooks/<name>.ts with one xxxConfig(scale) and one runXxx(config, options)`;
  if (!STEM.test(name)) {
    throw new ShardArgumentError(`experiment "${name}" is not a module name (${hint}).`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(new URL(`../notebooks/${name}.ts`, import.meta.url).href);
  } catch (e) {
    throw new ShardArgumentError(
      `experiment "${name}" not found (${hint}): ${e instanceof Error ? e.message : e}`,
    );
  }
  return experimentFromModule(name, mod);
}

/**
 * An experiment made from a module by convention: its one exported
 * `xxxConfig(scale)` and its one `runXxx(config, options)`; `seconds` is
 * taken as its only measured field.
 *
 * @throws ShardArgumentError when the module has not exactly one of each.
 *
 * @category Sharding
 */
export function experimentFromModule(
  name: string,
  mod: Record<string, unknown>,
): ShardableExperiment<ExperimentConfig, unknown> {
  const fns = Object.entries(mod).filter(([, v]) => typeof v === "function");
  const configs = fns.filter(([k]) => /Config$/.test(k) && /^[a-z]/.test(k));
  const runs = fns.filter(([k]) => /^run[A-Z]/.test(k));
  if (configs.length !== 1 || runs.length !== 1) {
    throw new ShardArgumentError(
      `notebooks/${name}.ts exports ${configs.length} xxxConfig and ${runs.length} runXxx functions; sharding by convention needs exactly one of each (or add an entry to tools/shard_registry.ts).`,
    );
  }
  const config = configs[0][1] as (scale: Scale) => ExperimentConfig;
  const run = runs[0][1] as (c: ExperimentConfig, o: RunOptions) => Promise<unknown>;
  return { name, config, run, measured: ["seconds"] };
}
