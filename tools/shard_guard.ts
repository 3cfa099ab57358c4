/**
 * The signal guard of `deno task shard` (a Worker started by tools/shard.ts):
 * on SIGINT or SIGTERM it stops the shard within a fraction of a second even
 * while the main thread is busy in a long step (a native call, a tight loop),
 * which a listener on the main thread could not. It
 *
 * 1. raises the shared flag that stops the main thread replacing any file,
 * 2. stops the process's children and their children (SIGTERM, then SIGKILL),
 * 3. marks the shard's manifest `"status": "interrupted"` (when it is this
 *    process's and still "running"),
 * 4. removes this process's temporary files and releases the shard's lock,
 * 5. exits the whole process with 130 (SIGINT) or 143 (SIGTERM).
 *
 * Messages from tools/shard.ts: `{ flag }` first (the shared Int32Array), then
 * `{ manifest?, lock?, temps }` once the shard's files are known.
 *
 * @module
 */

import { descendants } from "./processes.ts";

interface Files {
  manifest?: string;
  lock?: string;
  temps: string[];
}

let flag: Int32Array | null = null;
let files: Files = { temps: [] };
const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
};

self.onmessage = (e: MessageEvent) => {
  const d = e.data as { flag?: Int32Array } & Partial<Files>;
  if (d.flag) flag = d.flag;
  else files = { manifest: d.manifest, lock: d.lock, temps: d.temps ?? [] };
};

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function signalAll(pids: number[], sig: Deno.Signal): void {
  for (const pid of pids) {
    try {
      Deno.kill(pid, sig);
    } catch { /* already gone */ }
  }
}

function ownsLock(path: string): boolean {
  try {
    const h = JSON.parse(Deno.readTextFileSync(path));
    return h.pid === Deno.pid && h.host === Deno.hostname();
  } catch {
    return false;
  }
}

function markInterrupted(path: string, sig: string): boolean {
  let m;
  try {
    m = JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return false;
  }
  if (m?.status !== "running") return false;
  const now = new Date();
  m.status = "interrupted";
  m.error = `interrupted by ${sig}`;
  if (typeof m.started === "string" && typeof m.seconds === "number") {
    m.seconds = Math.max(m.seconds, (now.getTime() - Date.parse(m.started)) / 1000);
  }
  m.updated = now.toISOString();
  const tmp = `${path}.tmp-${Deno.pid}-guard`;
  Deno.writeTextFileSync(tmp, JSON.stringify(m, null, 1) + "\n");
  Deno.renameSync(tmp, path);
  return true;
}

function exitNow(code: number): never {
  try {
    const lib = Deno.dlopen(Deno.build.os === "darwin" ? "libSystem.dylib" : "libc.so.6", {
      _exit: { parameters: ["i32"], result: "void" },
    });
    lib.symbols._exit(code);
  } catch { /* no FFI: fall through */ }
  Deno.kill(Deno.pid, "SIGKILL");
  throw new Error("unreachable");
}

function onSignal(sig: "SIGINT" | "SIGTERM"): void {
  const t0 = performance.now();
  if (flag) Atomics.store(flag, 0, 1);
  const kids = descendants(Deno.pid);
  signalAll(kids, "SIGTERM");
  sleep(150); // writes already in flight on the main thread land before the manifest is marked
  let marked = false;
  const held = files.lock !== undefined && ownsLock(files.lock);
  if (held && files.manifest) {
    try {
      marked = markInterrupted(files.manifest, sig);
    } catch { /* the folder went away */ }
  }
  for (const t of files.temps) {
    try {
      Deno.removeSync(t, { recursive: true });
    } catch { /* not there */ }
  }
  if (held) {
    try {
      Deno.removeSync(files.lock!);
    } catch { /* not there */ }
  }
  const left = descendants(Deno.pid);
  if (left.length > 0) signalAll(left, "SIGKILL");
  console.error(
    `${sig}: stopped${kids.length ? ` (and ${kids.length} child process(es))` : ""} in ${
      (performance.now() - t0).toFixed(0)
    } ms${
      marked ? `; ${files.manifest} says "interrupted"` : ""
    }; run the same command again to finish the shard (it resumes from its checkpoint).`,
  );
  exitNow(sig === "SIGINT" ? 130 : 143);
}

Deno.addSignalListener("SIGINT", () => onSignal("SIGINT"));
Deno.addSignalListener("SIGTERM", () => onSignal("SIGTERM"));
self.postMessage("ready");
