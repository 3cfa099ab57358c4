import { assertEquals, assertRejects } from "../assert.ts";
import { writeFilesAtomically } from "../../lib/plot/write_files.ts";

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("all files are written, replacing older ones of the same names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "old");
    await writeFilesAtomically(dir, [{ name: "a.txt", data: "new" }, {
      name: "b.bin",
      data: new Uint8Array([1, 2, 3]),
    }]);
    assertEquals(await listDir(dir), ["a.txt", "b.bin"]);
    assertEquals(await Deno.readTextFile(`${dir}/a.txt`), "new");
    assertEquals(await Deno.readFile(`${dir}/b.bin`), new Uint8Array([1, 2, 3]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a write that fails after the first file leaves no temporaries and the old files intact", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "old");
    // The second file's data is not writable (not text or bytes): Deno.writeFile throws.
    const bad = { name: "b.txt", data: 42 as unknown as string };
    await assertRejects(() => writeFilesAtomically(dir, [{ name: "a.txt", data: "new" }, bad]));
    assertEquals(await listDir(dir), ["a.txt"]);
    assertEquals(await Deno.readTextFile(`${dir}/a.txt`), "old");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("names must be plain and distinct", async () => {
  await assertRejects(
    () => writeFilesAtomically("/tmp", [{ name: "x/y", data: "" }]),
    Error,
    "plain",
  );
  await assertRejects(
    () => writeFilesAtomically("/tmp", [{ name: ".hidden", data: "" }]),
    Error,
    "plain",
  );
  await assertRejects(
    () => writeFilesAtomically("/tmp", [{ name: "a", data: "" }, { name: "a", data: "" }]),
    Error,
    "distinct",
  );
});
