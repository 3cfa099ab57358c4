/**
 * The processes a process started, and theirs, from Linux's /proc: what the
 * shard's signal guard (tools/shard_guard.ts) stops with it.
 *
 * @module
 */

/** Every process whose ancestry leads to `root` (from /proc; empty where there is none). */
export function descendants(root: number): number[] {
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
  } catch {
    return [];
  }
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
