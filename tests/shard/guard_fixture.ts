/**
 * A process for tests/shard/interrupt_test.ts: starts the shard command's
 * signal guard on the manifest and lock given as arguments (as
 * tools/shard.ts does), starts a child process (`sleep 60`), prints its PID,
 * then keeps the main thread busy in one long synchronous loop, as a long
 * native step would, so only the guard can answer a signal.
 */
import { startGuard } from "../../tools/shard.ts";

const [manifest, lock] = Deno.args;
const guard = await startGuard();
guard.files({ manifest, lock, temps: [`${manifest}.tmp-${Deno.pid}`] });
await Deno.writeTextFile(
  lock,
  JSON.stringify({ pid: Deno.pid, host: Deno.hostname(), started: new Date().toISOString() }),
);
await Deno.writeTextFile(`${manifest}.tmp-${Deno.pid}`, "{half a write");
const child = new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
console.log(child.pid);
const t0 = Date.now();
let x = 0;
while (Date.now() - t0 < 30_000) x += Math.sqrt(x + 1); // blocked: no event loop turn
console.log("not interrupted", x);
