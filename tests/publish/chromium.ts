/**
 * A small DevTools-protocol client for Debian's headless Chromium: start the
 * browser on a fresh profile with no network services, open a page, run a
 * script in it, close. Enough for the publishing tests, without a browser
 * download (puppeteer's) or an npm client.
 */

/** The system Chromium, if installed (`apt-get install chromium`). */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

/** A running headless Chromium. */
export class Browser {
  #child: Deno.ChildProcess;
  #profile: string;
  #port: number;

  private constructor(child: Deno.ChildProcess, profile: string, port: number) {
    this.#child = child;
    this.#profile = profile;
    this.#port = port;
  }

  /** Start Chromium headless with a fresh profile and a DevTools port. */
  static async launch(): Promise<Browser> {
    if (!CHROMIUM) throw new Error("no Chromium at /usr/bin/chromium: apt-get install chromium");
    const profile = await Deno.makeTempDir({ prefix: "kd-chromium-" });
    const child = new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        `--user-data-dir=${profile}`,
        "--remote-debugging-port=0",
        "--window-size=1200,900",
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/..." on stderr when ready.
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    let port = 0;
    while (!port) {
      const { value, done } = await reader.read();
      if (done) {
        await Deno.remove(profile, { recursive: true }).catch(() => {});
        throw new Error(`Chromium exited before listening:\n${seen}`);
      }
      seen += value;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (m) port = Number(m[1]);
    }
    // Keep draining stderr so Chromium never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done) { /* discard */ }
      } catch { /* closed */ }
    })();
    return new Browser(child, profile, port);
  }

  /**
   * Open `url` in a new tab, wait for its load event, evaluate `expression`
   * (awaiting a promise) and return its JSON value.
   */
  async evaluate<T>(url: string, expression: string): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.#port}/json/new?about:blank`, {
      method: "PUT",
    });
    const target = await res.json() as { id: string; webSocketDebuggerUrl: string };
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    let next = 0;
    const pending = new Map<number, (m: Record<string, unknown>) => void>();
    const events: ((m: Record<string, unknown>) => void)[] = [];
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.id !== undefined) pending.get(m.id)?.(m);
      else events.forEach((f) => f(m));
    };
    const send = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const id = ++next;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
    try {
      await send("Page.enable");
      const loaded = new Promise<void>((resolve) =>
        events.push((m) => m.method === "Page.loadEventFired" && resolve())
      );
      await send("Page.navigate", { url });
      await loaded;
      const r = await send("Runtime.evaluate", {
        expression,
        awaitPromise: true,
        returnByValue: true,
      }) as { result?: { result?: { value?: T }; exceptionDetails?: unknown } };
      if (r.result?.exceptionDetails) {
        throw new Error(`script failed in ${url}: ${JSON.stringify(r.result.exceptionDetails)}`);
      }
      return r.result?.result?.value as T;
    } finally {
      ws.close();
      await fetch(`http://127.0.0.1:${this.#port}/json/close/${target.id}`).then((r) =>
        r.body?.cancel()
      );
    }
  }

  /** Stop the browser and remove its profile. */
  async close(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* already gone */ }
    await this.#child.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}
