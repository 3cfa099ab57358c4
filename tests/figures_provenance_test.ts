/**
 * The committed outputs are the code's: every file in `figures/` (figures in
 * every format, tables, the claims ledger) and every published page in `docs/`
 * records the git commit that made it, and they all come from one default run
 * of one clean commit of this repository's history. A file whose provenance is
 * "-dirty" (made from uncommitted changes), "unknown" or missing is refused.
 *
 * @module
 */
import { assert, assertEquals } from "./assert.ts";

const REPO = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");

/** The fields of a stamp line `scale=default, seed=8, commit=...`. */
function stampFields(line: string): Record<string, string> {
  return Object.fromEntries(
    line.split(", ").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]),
  );
}

/** The PNG file's tEXt chunks, keyword to text. */
function pngText(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder("latin1");
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = latin1.decode(bytes.subarray(at + 4, at + 8));
    if (type === "tEXt") {
      const data = bytes.subarray(at + 8, at + 8 + length);
      const nul = data.indexOf(0);
      out[latin1.decode(data.subarray(0, nul))] = latin1.decode(data.subarray(nul + 1));
    }
    at += 12 + length;
  }
  return out;
}

/**
 * What an exported file records of the run that made it (scale and commit),
 * by its format; undefined fields where it records none.
 */
export function provenanceOf(name: string, bytes: Uint8Array): { scale?: string; commit?: string } {
  const text = () => new TextDecoder().decode(bytes);
  let fields: Record<string, string> = {};
  if (name.endsWith(".csv")) {
    const first = text().split("\n", 1)[0];
    if (first.startsWith("# ")) fields = stampFields(first.slice(2));
  } else if (name.endsWith(".md")) {
    const m = text().match(/^<!-- (.*) -->/);
    if (m) fields = stampFields(m[1]);
  } else if (name.endsWith(".tex")) {
    const m = text().match(/^% (.*)$/m);
    if (m) fields = stampFields(m[1]);
  } else if (name.endsWith(".svg")) {
    const m = text().match(/<metadata>([^<]*)<\/metadata>/);
    if (m) fields = stampFields(m[1]);
  } else if (name.endsWith(".vl.json")) {
    fields = JSON.parse(text()).usermeta?.run ?? {};
  } else if (name.endsWith(".json")) {
    const j = JSON.parse(text());
    fields = { scale: j.scale, commit: j.commit };
  } else if (name.endsWith(".png")) {
    fields = pngText(bytes);
  } else if (name.endsWith(".pdf")) {
    // The document info: `/Scale (default)`, or `/Scale 17 0 R` with `17 0 obj (default) endobj`.
    const latin = new TextDecoder("latin1").decode(bytes);
    const entry = (key: string) => {
      const direct = latin.match(new RegExp(`/${key} \\(([^)]*)\\)`))?.[1];
      if (direct !== undefined) return direct;
      const ref = latin.match(new RegExp(`/${key} (\\d+) 0 R`))?.[1];
      return ref === undefined
        ? undefined
        : latin.match(new RegExp(`(?:^|\\n)${ref} 0 obj\\s*\\(([^)]*)\\)\\s*endobj`))?.[1];
    };
    const scale = entry("Scale");
    const commit = entry("Commit");
    fields = { ...(scale ? { scale } : {}), ...(commit ? { commit } : {}) };
  }
  return { scale: fields.scale, commit: fields.commit };
}

/** Why a recorded commit is not acceptable provenance, or undefined when it is. */
export function commitProblem(commit: string | undefined): string | undefined {
  if (commit === undefined) return "records no commit";
  if (commit.endsWith("-dirty")) return `was made from uncommitted changes (${commit})`;
  if (!/^[0-9a-f]{40}$/.test(commit)) return `records commit "${commit}", not a full hash`;
  return undefined;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...filesUnder(path));
    else if (e.isFile) out.push(path);
  }
  return out.sort();
}

Deno.test("provenance is read from every export format, and a dirty or unknown commit is refused", () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const enc = (s: string) => new TextEncoder().encode(s);
  assertEquals(provenanceOf("a.csv", enc(`# scale=default, seed=8, commit=${sha}\nx\n1\n`)), {
    scale: "default",
    commit: sha,
  });
  assertEquals(provenanceOf("a.md", enc(`<!-- scale=paper, seed=1 -->\n| x |`)), {
    scale: "paper",
    commit: undefined,
  });
  assertEquals(commitProblem(sha), undefined);
  assert(commitProblem(`${sha}-dirty`)?.includes("uncommitted changes"));
  assert(commitProblem("unknown")?.includes("not a full hash"));
  assertEquals(commitProblem(undefined), "records no commit");
});

Deno.test("every committed figure, table and claim comes from one default run of one clean commit", async () => {
  const problems: string[] = [];
  const commits = new Map<string, number>();
  const files = filesUnder(`${REPO}/figures`).filter((f) => !f.endsWith("/README.md"));
  assert(files.length > 100, `figures/ holds the committed outputs (${files.length} files)`);
  for (const file of files) {
    const rel = file.slice(REPO.length + 1);
    const { scale, commit } = provenanceOf(file, await Deno.readFile(file));
    const problem = commitProblem(commit);
    if (problem) problems.push(`${rel} ${problem}`);
    else commits.set(commit!, (commits.get(commit!) ?? 0) + 1);
    if (scale !== "default") problems.push(`${rel} records scale ${scale ?? "none"}, not default`);
  }
  assertEquals(problems, [], problems.slice(0, 20).join("\n"));
  assertEquals(
    [...commits.keys()].length,
    1,
    `one run, one commit: ${JSON.stringify(Object.fromEntries(commits))}`,
  );
  const [commit] = commits.keys();
  const known = await new Deno.Command("git", {
    args: ["-C", REPO, "merge-base", "--is-ancestor", commit, "HEAD"],
    stdout: "null",
    stderr: "null",
  }).output().then((o) => o.success, () => true); // no git here: the hash was checked above
  assert(known, `the figures' commit ${commit} is in this checkout's history`);

  // The published pages say the same commit for every chapter and every export; the one other
  // commit a page may name is that of a committed separate run it reads and labels as such
  // (notebook 08's paper-scale teachers, data/runs/gaussian_teachers_paper/result.json).
  const separate = JSON.parse(
    await Deno.readTextFile(`${REPO}/data/runs/gaussian_teachers_paper/result.json`),
  ).commit as string;
  for (const page of filesUnder(`${REPO}/docs`).filter((f) => f.endsWith(".html"))) {
    const html = await Deno.readTextFile(page);
    const named = [...html.matchAll(/commit (?:<code>)?([0-9a-f]{7,40}(?:-dirty)?|unknown)\b/g)]
      .map((m) => m[1]).filter((c) => !separate.startsWith(c));
    const cells = [...html.matchAll(/<td><code>([0-9a-f]{12}(?:-dirty)?|unknown)<\/code><\/td>/g)]
      .map((m) => m[1]);
    for (const c of [...named, ...cells]) {
      if (c !== commit.slice(0, 12)) {
        problems.push(
          `${page.slice(REPO.length + 1)} names commit ${c}, not ${commit.slice(0, 12)}`,
        );
      }
    }
  }
  assertEquals(problems, [], problems.slice(0, 20).join("\n"));
});
