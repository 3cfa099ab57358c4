import { assert, assertArrayClose, assertEquals, assertRejects } from "../../assert.ts";
import { loadHfEmbedder, MINILM_MODEL } from "../../../tools/hf/hf_embedder.ts";
import type { HfPipeline, HfRuntime } from "../../../tools/hf/hf_runtime.ts";

// The real sentence-transformers models cannot be downloaded on this machine, so these
// tests drive the adapter with a stand-in for the library's pipeline written here: it
// records every call and returns a [n, 3] tensor whose row for text t is (t.length, 1, 0).
interface Call {
  task: string;
  model: string;
  options?: Record<string, unknown>;
}
function standIn(log: { calls: Call[]; inputs: unknown[]; settings: unknown[]; disposed: number }) {
  const runtime: HfRuntime = {
    pipeline(task, model, options) {
      log.calls.push({ task, model, options });
      const pipe = ((input: unknown, settings?: Record<string, unknown>) => {
        log.inputs.push(input);
        log.settings.push(settings);
        const texts = input as string[];
        const data = new Float32Array(texts.length * 3);
        texts.forEach((t, i) => data.set([t.length, 1, 0], 3 * i));
        return Promise.resolve({ data, dims: [texts.length, 3] });
      }) as HfPipeline;
      pipe.dispose = () => {
        log.disposed++;
      };
      return Promise.resolve(pipe);
    },
  };
  return runtime;
}

async function withModelDir(model: string, fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/${model}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${model}/config.json`, "{}");
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the Hugging Face embedder asks for mean pooling and normalised rows, batch by batch, in order", async () => {
  await withModelDir(MINILM_MODEL, async (dir) => {
    const log = {
      calls: [] as Call[],
      inputs: [] as unknown[],
      settings: [] as unknown[],
      disposed: 0,
    };
    const e = await loadHfEmbedder({ modelsDir: dir, runtime: standIn(log), batchSize: 2 });
    assertEquals(e.name, "Xenova/all-MiniLM-L6-v2");
    assertEquals(e.dim, 3);
    assertEquals(log.calls, [{
      task: "feature-extraction",
      model: MINILM_MODEL,
      options: { dtype: "fp32", local_files_only: true },
    }]);
    const out = await e.embed(["a", "bb", "ccc", "dddd", "eeeee"]);
    assertArrayClose(out, [1, 1, 0, 2, 1, 0, 3, 1, 0, 4, 1, 0, 5, 1, 0], 0);
    // one probe call at load, then batches of 2, 2 and 1
    assertEquals(log.inputs.slice(1), [["a", "bb"], ["ccc", "dddd"], ["eeeee"]]);
    for (const s of log.settings) assertEquals(s, { pooling: "mean", normalize: true });
    assertEquals((await e.embed([])).length, 0);
    await e.dispose();
    assertEquals(log.disposed, 1);
    await assertRejects(() => e.embed(["a"]), Error, "disposed");
  });
});

Deno.test("a pipeline that returns the wrong shape is reported with the model's name", async () => {
  await withModelDir("org/not-an-embedder", async (dir) => {
    const runtime: HfRuntime = {
      pipeline: () =>
        Promise.resolve(
          (() => Promise.resolve({ data: new Float32Array(6), dims: [1, 2, 3] })) as HfPipeline,
        ),
    };
    await assertRejects(
      () => loadHfEmbedder({ model: "org/not-an-embedder", modelsDir: dir, runtime }),
      Error,
      '"org/not-an-embedder" returned dims [1,2,3]',
    );
  });
});

Deno.test("a missing model is named with its folder and how to provide it, before anything loads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let loaded = false;
    const runtime: HfRuntime = {
      pipeline: () => {
        loaded = true;
        return Promise.reject(new Error("unreachable"));
      },
    };
    const err = await assertRejects(
      () => loadHfEmbedder({ modelsDir: dir, runtime, allowRemote: false }),
      Error,
      `"Xenova/all-MiniLM-L6-v2" is not available`,
    );
    assert(err.message.includes(`${dir}/Xenova/all-MiniLM-L6-v2/`), err.message);
    assert(err.message.includes("onnx/model.onnx") && err.message.includes("KD_MODELS_DIR"));
    assert(!loaded, "the pipeline must not be asked for a model that is not there");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a pipeline failure becomes the missing-model error, and downloads go into the models folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const seen: Record<string, unknown>[] = [];
    const runtime: HfRuntime = {
      pipeline: (_t, _m, options) => {
        seen.push(options!);
        return Promise.reject(new Error("file was not found: onnx/model.onnx"));
      },
    };
    const err = await assertRejects(
      () => loadHfEmbedder({ modelsDir: dir, runtime, allowRemote: true, dtype: "q8" }),
      Error,
      "loading it failed: file was not found: onnx/model.onnx",
    );
    assert(err.message.includes(MINILM_MODEL));
    assertEquals(seen, [{ dtype: "q8", local_files_only: false }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
