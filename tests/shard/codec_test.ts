import {
  decodeValue,
  deserialize,
  encodeValue,
  serialize,
  ShardCodecError,
} from "../../tools/shard_codec.ts";
import { firstDifference } from "../../tools/sharding.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

/** The bytes of a double, to compare bit patterns (NaN payloads, -0). */
function bits(x: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  return b.getBigUint64(0).toString(16);
}

Deno.test("the codec returns every double with the same bits, the awkward ones included", () => {
  const xs = [0, -0, NaN, Infinity, -Infinity, 0.1 + 0.2, 5e-324, -1.7976931348623157e308, 1 / 3];
  const back = deserialize(serialize(xs)) as number[];
  assertEquals(back.map(bits), xs.map(bits));
});

Deno.test("typed arrays come back as the same type with the same bytes (a NaN payload included)", () => {
  const f = new Float64Array([1.5, -0, NaN, 2 ** -1074]);
  const view = new DataView(f.buffer);
  view.setBigUint64(16, 0x7ff8000000000abcn, true); // a NaN with a payload
  const value = {
    f,
    g: new Float32Array([0.1, -2.5]),
    i: new Int32Array([-7, 9]),
    u: new Uint8Array([255, 0]),
    sub: new Float64Array([9, 8, 7, 6]).subarray(1, 3),
  };
  const back = deserialize(serialize(value)) as typeof value;
  assert(back.f instanceof Float64Array && back.g instanceof Float32Array);
  assertEquals(new Uint8Array(back.f.buffer), new Uint8Array(f.buffer));
  assertEquals(Array.from(back.g), Array.from(value.g));
  assertEquals(Array.from(back.i), [-7, 9]);
  assertEquals(Array.from(back.u), [255, 0]);
  assertEquals(Array.from(back.sub), [8, 7]);
});

Deno.test("undefined, Map, Set, Date, bigint and keys starting with $ survive the round trip", () => {
  const value = {
    a: undefined,
    m: new Map<string, number[]>([["x", [1, 2]]]),
    s: new Set([3, 4]),
    d: new Date(86_400_000),
    b: 12345678901234567890n,
    tagged: { $n: "NaN", $t: "looks like a tag" },
    nested: [[null, true, "s"]],
  };
  const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value)))) as typeof value;
  assert("a" in back && back.a === undefined);
  assertEquals(back.m.get("x"), [1, 2]);
  assertEquals([...back.s], [3, 4]);
  assertEquals(back.d.getTime(), 86_400_000);
  assertEquals(back.b, 12345678901234567890n);
  assertEquals(back.tagged, { $n: "NaN", $t: "looks like a tag" });
  assertEquals(back.nested, [[null, true, "s"]]);
  assertEquals(firstDifference(value, back), null);
});

Deno.test("class instances and functions are refused with the path of the value", () => {
  class Model {
    w = 1;
  }
  assertThrows(
    () => encodeValue({ rows: [{ fit: new Model() }] }),
    ShardCodecError,
    "result.rows[0].fit",
  );
  assertThrows(() => encodeValue({ f: () => 1 }), ShardCodecError, "result.f is a function");
  // Hashing (lenient) names them instead.
  assertEquals(encodeValue({ f: function g() {} }, true), { f: { $f: "g" } });
});

Deno.test("firstDifference finds a one-ulp change and skips measured paths with wildcards", () => {
  const a = { rows: [{ x: 1, seconds: 2 }, { x: 0.1, seconds: 3 }], seconds: 9 };
  const b = structuredClone(a);
  b.rows[1].seconds = 4;
  b.seconds = 10;
  assertEquals(firstDifference(a, b), "rows.1.seconds");
  assertEquals(firstDifference(a, b, ["seconds", "rows.*.seconds"]), null);
  b.rows[1].x = 0.1 + 2 ** -56; // the next double after 0.1
  assert(b.rows[1].x !== 0.1);
  assertEquals(firstDifference(a, b, ["seconds", "rows.*.seconds"]), "rows.1.x");
  assertEquals(firstDifference({ z: -0 }, { z: 0 }), "z");
});

Deno.test("malformed tagged values and non-JSON text are ShardCodecError, never another error", () => {
  for (
    const bad of [
      { $n: "zero" },
      { $b: "1.5" },
      { $t: "Float64Array", b64: "AAA" },
      { $t: "Float64Array", b64: "!!" },
      { $t: "toString", b64: "" },
      { $map: [1, 2] },
      { $map: "x" },
      { $set: {} },
      { $date: "today" },
      { $o: [1] },
      { $what: 1 },
    ]
  ) assertThrows(() => decodeValue(bad), ShardCodecError);
  assertThrows(() => deserialize("{garbage"), ShardCodecError, "not JSON");
  const o = decodeValue(JSON.parse('{"__proto__": {"x": 1}}')) as Record<string, unknown>;
  assertEquals(Object.getPrototypeOf(o), Object.prototype);
  assertEquals(Object.keys(o), ["__proto__"]);
});
