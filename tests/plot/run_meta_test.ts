import { assertEquals } from "../assert.ts";
import { runStamp, stampLine } from "../../lib/plot/run_meta.ts";

function withCommit(value: string | undefined, fn: () => void) {
  const saved = Deno.env.get("KD_RUN_COMMIT");
  try {
    if (value === undefined) Deno.env.delete("KD_RUN_COMMIT");
    else Deno.env.set("KD_RUN_COMMIT", value);
    fn();
  } finally {
    if (saved === undefined) Deno.env.delete("KD_RUN_COMMIT");
    else Deno.env.set("KD_RUN_COMMIT", saved);
  }
}

Deno.test("the stamp records the runner's commit after scale and seed, and none when unset", () => {
  withCommit("abc123-dirty", () => {
    assertEquals(
      stampLine({ scale: "default", seed: 8, notebook: "x" }),
      "scale=default, seed=8, commit=abc123-dirty, notebook=x",
    );
    assertEquals(runStamp({ scale: "paper", seed: 1, commit: "given" })[2], ["commit", "given"]);
  });
  withCommit(undefined, () => {
    assertEquals(stampLine({ scale: "default", seed: 8 }), "scale=default, seed=8");
  });
});
