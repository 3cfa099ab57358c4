/**
 * Loading Hugging Face models through `@huggingface/transformers`, lazily: the
 * package installs ~490 MB (with its native ONNX runtime), so it is imported
 * only when an adapter actually loads a model, through a specifier that
 * `deno check` and `deno test` do not follow. Nothing else pulls it in.
 *
 * Where models live: `modelsDir` option, else `KD_MODELS_DIR`, else
 * `~/.cache/kd-uncertainty/models`. A model "org/name" is the folder
 * `<modelsDir>/org/name/` laid out as on the Hugging Face Hub (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model.onnx, ...). The library's
 * `env.localModelPath` and `env.cacheDir` both point there, so a model
 * downloaded once (with `allowRemote`) is found locally afterwards. Remote
 * downloads are off unless `allowRemote: true` or `KD_ALLOW_REMOTE_MODELS=1`.
 *
 * @module
 */

/** A loaded pipeline: a callable with an optional `dispose`. */
export type HfPipeline =
  & ((input: unknown, options?: Record<string, unknown>) => Promise<unknown>)
  & {
    dispose?: () => Promise<void> | void;
  };

/**
 * What the adapters need from `@huggingface/transformers`; tests inject a
 * stand-in with the same shape.
 */
export interface HfRuntime {
  /** `pipeline(task, model, options)` of the library. */
  pipeline(task: string, model: string, options?: Record<string, unknown>): Promise<HfPipeline>;
  /** Seed the library's sampler (its `random.seed`); absent when it cannot be seeded. */
  seed?(seed: number): void;
}

/** Where and how the Hugging Face adapters look for a model. */
export interface HfModelOptions {
  /** Folder of local models (default `KD_MODELS_DIR`, else `~/.cache/kd-uncertainty/models`). */
  modelsDir?: string;
  /** Download missing models from the Hub into `modelsDir` (default: `KD_ALLOW_REMOTE_MODELS=1`). */
  allowRemote?: boolean;
  /** ONNX weights variant passed to the library, e.g. "fp32" (default) or "q8". */
  dtype?: string;
  /** A stand-in runtime (tests); default: the real `@huggingface/transformers`. */
  runtime?: HfRuntime;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The models folder: the option, else `KD_MODELS_DIR`, else `~/.cache/kd-uncertainty/models`. */
export function modelsDir(option?: string): string {
  if (option) return option.replace(/\/+$/, "");
  const fromEnv = env("KD_MODELS_DIR");
  if (fromEnv) return fromEnv.replace(/\/+$/, "");
  const home = env("HOME") ?? ".";
  return `${home}/.cache/kd-uncertainty/models`;
}

/** Whether remote downloads are allowed: the option, else `KD_ALLOW_REMOTE_MODELS=1`. */
export function remoteAllowed(option?: boolean): boolean {
  return option ?? env("KD_ALLOW_REMOTE_MODELS") === "1";
}

/**
 * The error for a model that cannot be found or loaded: names the model, the
 * folder it was looked for in and how to provide it.
 */
export function missingModelError(model: string, dir: string, cause?: string): Error {
  return new Error(
    `the Hugging Face model "${model}" is not available${cause ? ` (${cause})` : ""}. ` +
      `Provide it as the folder ${dir}/${model}/ holding the model's Hub files ` +
      `(config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx; ` +
      `e.g. a clone of the model repository made on a machine with access), ` +
      `or set KD_MODELS_DIR (or the modelsDir option) to the folder that holds ${model}/, ` +
      `or allow downloads into ${dir} with allowRemote: true or KD_ALLOW_REMOTE_MODELS=1.`,
  );
}

/**
 * Check that the model folder exists when downloads are off, before anything is
 * imported or loaded.
 *
 * @throws Error from `missingModelError` when `<dir>/<model>/config.json` is missing.
 */
export async function checkLocalModel(model: string, dir: string): Promise<void> {
  try {
    await Deno.stat(`${dir}/${model}/config.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw missingModelError(model, dir, `no ${dir}/${model}/config.json, and downloads are off`);
    }
    throw e;
  }
}

/**
 * Import `@huggingface/transformers` (lazily), point its model and cache folders
 * at `dir`, allow or forbid downloads, and return it as an `HfRuntime`.
 *
 * @throws Error when the package cannot be imported (it must be installable from
 *   the npm registry on first use; pinned here, not in deno.json's imports).
 */
export async function loadTransformersRuntime(
  dir: string,
  allowRemote: boolean,
): Promise<HfRuntime> {
  // A non-literal specifier: static analysis (deno check, deno test) does not follow it,
  // and the package is deliberately not in deno.json's imports, so a fresh clone does not
  // install its ~490 MB until an adapter is first used.
  const specifier = ["npm:@huggingface", "transformers@4.3.1"].join("/");
  let mod: {
    env: Record<string, unknown>;
    pipeline: HfRuntime["pipeline"];
    random?: { seed(s: number): void };
  };
  try {
    mod = await import(specifier);
  } catch (e) {
    throw new Error(
      `@huggingface/transformers could not be imported (${(e as Error).message}); it installs ` +
        `from the npm registry (~490 MB) on first use and needs network access then.`,
    );
  }
  mod.env.localModelPath = `${dir}/`;
  mod.env.cacheDir = dir;
  mod.env.allowLocalModels = true;
  mod.env.allowRemoteModels = allowRemote;
  const random = mod.random;
  return {
    pipeline: (task, model, options) => mod.pipeline(task, model, options),
    seed: random ? (s: number) => random.seed(s) : undefined,
  };
}

/**
 * Resolve the runtime and load one pipeline, turning every failure into
 * `missingModelError`.
 */
export async function openPipeline(
  task: string,
  model: string,
  options: HfModelOptions,
): Promise<{ pipe: HfPipeline; runtime: HfRuntime }> {
  const dir = modelsDir(options.modelsDir);
  const allowRemote = remoteAllowed(options.allowRemote);
  if (!allowRemote) await checkLocalModel(model, dir);
  const runtime = options.runtime ?? await loadTransformersRuntime(dir, allowRemote);
  try {
    const pipe = await runtime.pipeline(task, model, {
      dtype: options.dtype ?? "fp32",
      local_files_only: !allowRemote,
    });
    return { pipe, runtime };
  } catch (e) {
    throw missingModelError(model, dir, `loading it failed: ${(e as Error).message}`);
  }
}
