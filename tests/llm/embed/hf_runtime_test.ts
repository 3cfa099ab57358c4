import { assertEquals } from "../../assert.ts";
import { missingModelError, modelsDir } from "../../../tools/hf/hf_runtime.ts";

Deno.test("the models folder is the option, else KD_MODELS_DIR, else a folder under HOME", () => {
  const saved = { kd: Deno.env.get("KD_MODELS_DIR"), home: Deno.env.get("HOME") };
  try {
    assertEquals(modelsDir("/data/models/"), "/data/models");
    Deno.env.set("KD_MODELS_DIR", "/srv/models");
    assertEquals(modelsDir(), "/srv/models");
    Deno.env.delete("KD_MODELS_DIR");
    Deno.env.set("HOME", "/home/user");
    assertEquals(modelsDir(), "/home/user/.cache/kd-uncertainty/models");
  } finally {
    if (saved.kd === undefined) Deno.env.delete("KD_MODELS_DIR");
    else Deno.env.set("KD_MODELS_DIR", saved.kd);
    if (saved.home === undefined) Deno.env.delete("HOME");
    else Deno.env.set("HOME", saved.home);
  }
});

Deno.test("the missing-model message names the model, the folder layout and both ways to provide it", () => {
  const m = missingModelError("Xenova/gpt2", "/models", "no weights").message;
  for (
    const part of [
      '"Xenova/gpt2" is not available (no weights)',
      "/models/Xenova/gpt2/",
      "config.json",
      "onnx/model.onnx",
      "KD_MODELS_DIR",
      "KD_ALLOW_REMOTE_MODELS=1",
    ]
  ) assertEquals(m.includes(part), true, `missing "${part}" in: ${m}`);
});
