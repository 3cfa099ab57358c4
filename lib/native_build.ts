/**
 * What the two native kernels (lib/nn/native.ts for the cohort trainer,
 * lib/llm/native.ts for the language models) share: permission checks that
 * never prompt, the cache folders of compiled kernels, and compiling a C source
 * with the system's compiler into a cache file atomically (through a temporary
 * file and a rename, so concurrent processes never load a half-written file).
 *
 * @module
 */

/** Whether a permission is granted, without prompting (false when it cannot be queried). */
export function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/** An environment variable's value when --allow-env covers it and it is not empty. */
export function env(name: string): string | undefined {
  return granted({ name: "env", variable: name }) ? Deno.env.get(name) || undefined : undefined;
}

/** FNV-1a over the string, twice with different offsets: 16 hex digits (a cache key). */
export function hash(text: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * Folders to cache compiled kernels in, in order: `KD_NATIVE_DIR` alone when
 * set; otherwise the checkout's `build/native/` (when the source is a local
 * file), then `$XDG_CACHE_HOME/kd-uncertainty/native/` or
 * `~/.cache/kd-uncertainty/native/`.
 */
export function cacheDirs(source: URL): string[] {
  const own = env("KD_NATIVE_DIR");
  if (own) return [own.endsWith("/") ? own : own + "/"];
  const dirs: string[] = [];
  if (source.protocol === "file:") dirs.push(new URL("../build/native/", import.meta.url).pathname);
  const xdg = env("XDG_CACHE_HOME"), home = env("HOME");
  if (xdg) dirs.push(`${xdg}/kd-uncertainty/native/`);
  else if (home) dirs.push(`${home}/.cache/kd-uncertainty/native/`);
  return dirs;
}

/** Whether a regular file exists at `path` (false when it cannot be checked). */
export function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Compile `sourcePath` with `cc` and `flags` into `target` (linking `libs`),
 * through a temporary file renamed into place. Returns "" on success, else the
 * first lines of the compiler's error (or the error's message).
 */
export function compile(
  cc: string,
  flags: readonly string[],
  sourcePath: string,
  target: string,
  libs: readonly string[] = ["-lm"],
): string {
  const tmp = `${target}.${Deno.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const r = new Deno.Command(cc, {
      args: [...flags, "-o", tmp, sourcePath, ...libs],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (!r.success) {
      return new TextDecoder().decode(r.stderr).trim().split("\n").slice(0, 3).join(" ");
    }
    Deno.renameSync(tmp, target);
    return "";
  } catch (e) {
    return (e as Error).message;
  } finally {
    try {
      Deno.removeSync(tmp);
    } catch { /* renamed or never written */ }
  }
}

/**
 * A native kernel's C source, or why the kernel cannot be used before any
 * compiling: no --allow-ffi, or the source cannot be read.
 */
export function kernelSource(url: URL): { source: string } | { reason: string } {
  if (!granted({ name: "ffi" })) return { reason: "no --allow-ffi" };
  try {
    return { source: Deno.readTextFileSync(url) };
  } catch (e) {
    return { reason: `cannot read ${url.pathname}: ${(e as Error).message}` };
  }
}

/** What {@link buildKernel} needs to know about one kernel. */
export interface KernelBuild<K> {
  /** The C source (read, hashed and compiled). */
  source: URL;
  /** File name stem of the compiled library (`<stem>-<key>.so`). */
  stem: string;
  /** Compiler flags (part of the cache key). */
  flags: readonly string[];
  /** Libraries to link (default `-lm`). */
  libs?: readonly string[];
  /** Open a compiled library (throws when it cannot). */
  open(path: string): K;
  /** When set, a line `<log>: compiled ... -> <file>` goes to stderr after each compile. */
  log?: string;
}

/**
 * Compile a kernel once per source, compiler (`KD_CC`, default `cc`), flags
 * and target into the first usable cache folder ({@link cacheDirs}), then
 * open it. Returns the kernel, or every reason it could not be had (no
 * --allow-ffi, no --allow-run for the compiler, a folder that cannot be
 * made, a compile error, a library that does not load).
 */
export function buildKernel<K>(b: KernelBuild<K>): { kernel: K } | { reason: string } {
  const got = kernelSource(b.source);
  if ("reason" in got) return got;
  const cc = env("KD_CC") ?? "cc";
  const ext = Deno.build.os === "darwin" ? "dylib" : Deno.build.os === "windows" ? "dll" : "so";
  const key = hash([got.source, cc, b.flags.join(" "), Deno.build.target].join("\n"));
  const failures: string[] = [];
  for (const dir of cacheDirs(b.source)) {
    const target = `${dir}${b.stem}-${key}.${ext}`;
    if (!exists(target)) {
      if (!granted({ name: "run", command: cc })) {
        failures.push(`no --allow-run to call ${cc}`);
        continue;
      }
      try {
        Deno.mkdirSync(dir, { recursive: true });
      } catch (e) {
        failures.push(`cannot create ${dir}: ${(e as Error).message}`);
        continue;
      }
      const err = compile(cc, b.flags, b.source.pathname, target, b.libs);
      if (err) {
        failures.push(`${cc} ${b.flags.join(" ")}: ${err}`);
        break; // the next folder would fail the same way
      }
      if (b.log) console.error(`${b.log}: compiled ${cc} ${b.flags.join(" ")} -> ${target}`);
    }
    try {
      return { kernel: b.open(target) };
    } catch (e) {
      failures.push(`cannot load ${target}: ${(e as Error).message}`);
    }
  }
  return { reason: [...new Set(failures)].join("; ") || "no cache folder" };
}
