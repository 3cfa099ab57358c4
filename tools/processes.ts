/**
 * The processes a process started, and theirs (from /proc, or `ps` where
 * Deno's permissions keep /proc closed): what the shard's signal guard
 * (tools/shard_guard.ts) stops with it.
 *
 * @module
 */

/** Parent of every process: from /proc where readable (Deno asks --allow-all), else from `ps`. */
function parents(): Map<number, number> {
  const parent = new Map<number, number>();
  try {
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        parent.set(Number(e.name), ppid);
      } catch { /* gone meanwhile */ }
    }
    return parent;
  } catch { /* no /proc, or not permitted: ask ps */ }
  try {
    const o = new Deno.Command("ps", {
      args: ["-A", "-o", "pid=,ppid="],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    for (const line of new TextDecoder().decode(o.stdout).split("\n")) {
      const m = line.trim().match(/^(\d+)\s+(\d+)$/);
      if (m) parent.set(Number(m[1]), Number(m[2]));
    }
  } catch { /* no ps either: nothing found */ }
  return parent;
}

/**
 * Every process whose ancestry leads to `root` (its children, theirs, ...);
 * empty when neither /proc nor `ps` can say.
 */
export function descendants(root: number): number[] {
  const parent = parents();
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}
