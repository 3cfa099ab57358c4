/**
 * Writing a set of files all or nothing (DESIGN.md principle 8: nothing
 * half-written is left in figures/ when a run fails).
 *
 * @module
 */

/**
 * One file to write: a plain name inside the target folder, and its bytes or text.
 *
 * @category Export
 */
export interface FileContent {
  /** File name inside the folder (no slashes). */
  name: string;
  /** Bytes, or text written as UTF-8. */
  data: Uint8Array | string;
}

/**
 * The longest file name accepted, in characters: file systems allow 255 bytes,
 * and the temporary name of {@link writeFilesAtomically} adds about 30.
 */
export const MAX_FILE_NAME = 200;

/**
 * A file name without folders: letters, digits, `.`, `_`, `-`, not starting
 * with a dot, at most {@link MAX_FILE_NAME} characters (with any extension
 * the caller adds).
 */
export function checkFileName(fn: string, argName: string, name: string, extra = 0): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) {
    throw new Error(
      `${fn}: ${argName} must be a plain file name (letters, digits, ".", "_", "-"; ` +
        `no slashes, not starting with "."); got ${JSON.stringify(name)}.`,
    );
  }
  if (name.length + extra > MAX_FILE_NAME) {
    throw new Error(
      `${fn}: ${argName} is ${name.length} characters long; file names (with their extension) ` +
        `are limited to ${MAX_FILE_NAME}: use a shorter name.`,
    );
  }
}

function isMissing(e: unknown) {
  return e instanceof Deno.errors.NotFound;
}

async function removeQuietly(path: string) {
  try {
    await Deno.remove(path);
  } catch {
    // already gone
  }
}

/**
 * Write every file into `dir` (created if needed), or none of them.
 *
 * Each file is first written to a temporary name in `dir` (same file system,
 * so renames are atomic); files already at the targets are moved aside;
 * then the temporaries are renamed into place and the old files removed.
 * On any failure the temporaries are removed and the old files restored.
 *
 * @throws Error when a name is not a plain file name, two names repeat, a
 *   target exists and is not a regular file, or writing fails (after
 *   cleaning up).
 *
 * @example
 * ```ts
 * await writeFilesAtomically("figures", [
 *   { name: "fig2.csv", data: "x,y\n1,2\n" },
 *   { name: "fig2.svg", data: svgText },
 * ]);
 * ```
 *
 * @category Export
 */
export async function writeFilesAtomically(
  dir: string,
  files: readonly FileContent[],
): Promise<string[]> {
  const fn = "writeFilesAtomically";
  if (files.length === 0) throw new Error(`${fn}: files is empty.`);
  for (const f of files) checkFileName(fn, "name", f.name);
  if (new Set(files.map((f) => f.name)).size !== files.length) {
    throw new Error(`${fn}: file names must be distinct.`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const targets = files.map((f) => `${dir}/${f.name}`);
  for (const t of targets) {
    try {
      const st = await Deno.lstat(t);
      if (!st.isFile) throw new Error(`${fn}: ${t} exists and is not a regular file; remove it.`);
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }
  const tag = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const temps = files.map((f) => `${dir}/.${f.name}.${tag}.tmp`);
  const backups: [string, string][] = []; // [target, backup]
  const placed: string[] = [];
  try {
    for (let i = 0; i < files.length; i++) {
      const d = files[i].data;
      if (typeof d === "string") await Deno.writeTextFile(temps[i], d, { createNew: true });
      else await Deno.writeFile(temps[i], d, { createNew: true });
    }
    for (const t of targets) {
      const bak = `${dir}/.${t.slice(dir.length + 1)}.${tag}.bak`;
      try {
        await Deno.rename(t, bak);
        backups.push([t, bak]);
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
    }
    for (let i = 0; i < files.length; i++) {
      await Deno.rename(temps[i], targets[i]);
      placed.push(targets[i]);
    }
  } catch (e) {
    for (const p of placed) await removeQuietly(p);
    for (const [t, bak] of backups) {
      try {
        await Deno.rename(bak, t);
      } catch {
        // leave the backup in place rather than lose it
      }
    }
    for (const t of temps) await removeQuietly(t);
    throw e;
  }
  for (const [, bak] of backups) await removeQuietly(bak);
  return targets;
}
