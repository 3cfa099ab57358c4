import { flatParameters, parameterOffset } from "../../lib/llm/params.ts";
import { disposeGpt, gptValues } from "../../lib/llm/model.ts";
import { tinyModel } from "./fixture.ts";
import { assertEquals, assertThrows } from "../assert.ts";

Deno.test("a model's flat parameters follow its parameter map, and offsets name where each starts", () => {
  assertEquals(
    Array.from(flatParameters(new Map([["a", Float32Array.of(1, 2)], ["b", Float32Array.of(3)]]))),
    [1, 2, 3],
  );
  const model = tinyModel(3);
  try {
    const values = gptValues(model), flat = flatParameters(values);
    let o = 0;
    for (const [name, v] of values) {
      assertEquals(parameterOffset(model, name), o);
      assertEquals(flat[o], v[0]);
      o += v.length;
    }
    assertEquals(flat.length, o);
    assertThrows(() => parameterOffset(model, "nope"), RangeError, "no parameter nope");
  } finally {
    disposeGpt(model);
  }
});
