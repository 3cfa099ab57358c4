/**
 * Whether a process still runs, for the tools that clean up after an
 * interrupted run (a shard's lock and manifest, distill-targets' temporary
 * files).
 *
 * @module
 */

/**
 * Whether process `pid` on `host` still runs: false when `host` is this
 * machine and no such Deno process exists (a PID reused by another program
 * counts as gone), null when it cannot be told (another host, neither /proc
 * nor `ps`). Reads /proc where the permissions allow it (Deno asks
 * `--allow-all` for /proc), else asks `ps` (`--allow-run`).
 *
 * @category Processes
 */
export function processAlive(pid: number, host: string): boolean | null {
  if (host !== Deno.hostname()) return null;
  if (procReadable()) {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("deno");
    } catch {
      return false;
    }
  }
  try {
    const o = new Deno.Command("ps", {
      args: ["-o", "comm=", "-p", String(pid)],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    // ps exits 1 when there is no such process.
    return o.success && new TextDecoder().decode(o.stdout).includes("deno");
  } catch {
    return null;
  }
}

let procOk: boolean | undefined;

/** Whether /proc can be read here (Linux, and permissions that include it). */
function procReadable(): boolean {
  if (procOk === undefined) {
    try {
      Deno.statSync("/proc/self");
      procOk = true;
    } catch {
      procOk = false;
    }
  }
  return procOk;
}
