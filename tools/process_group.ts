/**
 * Child processes that can be stopped with everything they started, and the
 * SIGINT/SIGTERM a command-line tool must answer by stopping them.
 *
 * ```ts
 * const stop = new StopSignals();
 * const child = spawnGroup("python3", { args: ["job.py"] });
 * const why = await Promise.race([child.process.status, stop.received]);
 * if (typeof why === "string") await child.stop(why); // SIGINT or SIGTERM
 * stop.dispose();
 * ```
 *
 * @module
 */

/** The signals a run stops on. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** Exit status of a run stopped by a signal: 128 + its number, as shells report it. */
export const STOP_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Listens for SIGINT and SIGTERM from the moment it is made (so the process
 * no longer dies of them) until `dispose()`. `received` resolves with the
 * first one; `signal` holds it once it came.
 */
export class StopSignals {
  /** The first stop signal received, if any. */
  signal: StopSignal | undefined;
  /** Resolves with the first stop signal; never rejects. */
  readonly received: Promise<StopSignal>;
  #resolve!: (s: StopSignal) => void;
  #handlers: [StopSignal, () => void][];

  constructor() {
    this.received = new Promise((resolve) => this.#resolve = resolve);
    this.#handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, () => {
      if (this.signal) return;
      this.signal = s;
      this.#resolve(s);
    }]);
    for (const [s, h] of this.#handlers) Deno.addSignalListener(s, h);
  }

  /** Stop listening (the signals kill the process again). */
  dispose(): void {
    for (const [s, h] of this.#handlers) Deno.removeSignalListener(s, h);
  }
}

/** A child started by `spawnGroup`. */
export interface GroupChild {
  /** The child itself. */
  process: Deno.ChildProcess;
  /** Whether it leads its own process group (started through `setsid`). */
  ownGroup: boolean;
  /**
   * Send `signal` to the child's process group (or to the child alone when it
   * has none), wait up to `graceMs` for it to exit, then SIGKILL the group;
   * resolves with the child's status once it has exited.
   */
  stop(signal: StopSignal, graceMs?: number): Promise<Deno.CommandStatus>;
}

function kill(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch {
    // already gone (ESRCH), or not ours to signal: nothing to stop
  }
}

/**
 * Start `command` in a new session and process group of its own (through
 * util-linux's `setsid`, which execs it, so the child's pid is the group's id),
 * so that it and every process it starts can be stopped together. Without
 * `setsid` (not Linux), the command is started as is and `stop` signals the
 * child alone; it must then stop its own children.
 */
export function spawnGroup(command: string, options: Deno.CommandOptions): GroupChild {
  let process: Deno.ChildProcess;
  let ownGroup = true;
  try {
    process = new Deno.Command("setsid", { ...options, args: [command, ...(options.args ?? [])] })
      .spawn();
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    process = new Deno.Command(command, options).spawn();
    ownGroup = false;
  }
  const target = ownGroup ? -process.pid : process.pid;
  return {
    process,
    ownGroup,
    async stop(signal, graceMs = 3000) {
      kill(target, signal);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), graceMs));
      const first = await Promise.race([process.status, late]);
      clearTimeout(timer);
      if (first === "late") kill(target, "SIGKILL");
      const status = await process.status;
      // Anything of the group still running (the child is gone, its group may not be).
      if (ownGroup) kill(target, "SIGKILL");
      return status;
    },
  };
}
