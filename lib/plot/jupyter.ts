/**
 * The Deno Jupyter kernel's display protocol: an object with a method under
 * `Symbol.for("Jupyter.display")` returning a MIME bundle is drawn rich when
 * it is a cell's last expression; `Deno.jupyter.display(bundle, { raw: true })`
 * draws a bundle at once, from anywhere in a cell. `Deno.jupyter` exists only
 * inside `deno jupyter` (elsewhere, touching it throws), so it is looked up
 * defensively.
 *
 * @module
 */

/**
 * The symbol Deno's kernel looks for (the same as `Deno.jupyter.$display`).
 *
 * @category Notebook display
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/**
 * MIME type to content, as Jupyter's `display_data` carries it.
 *
 * @category Notebook display
 */
export type MediaBundle = Record<string, unknown>;

/**
 * Anything the Deno kernel draws rich.
 *
 * @category Notebook display
 */
export interface Displayable {
  /** Called by the kernel; returns (or resolves to) the MIME bundle to draw. */
  [JUPYTER_DISPLAY](): MediaBundle | Promise<MediaBundle>;
}

interface JupyterApi {
  display(obj: unknown, opts?: { raw?: boolean }): Promise<void>;
}

/** `Deno.jupyter` when running in Deno's Jupyter kernel, else undefined. */
export function jupyterApi(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return api && typeof api.display === "function" ? api : undefined;
  } catch {
    return undefined; // outside `deno jupyter`, Deno.jupyter throws on access
  }
}

/**
 * Wrap a (possibly async) bundle maker as a displayable object whose text
 * form (console.log, String) is `text`.
 */
export function displayable(
  text: string,
  bundle: () => MediaBundle | Promise<MediaBundle>,
): Displayable & { toString(): string } {
  return {
    [JUPYTER_DISPLAY]: bundle,
    toString: () => text,
    [Symbol.for("Deno.customInspect")]: () => text,
  } as Displayable & { toString(): string };
}
