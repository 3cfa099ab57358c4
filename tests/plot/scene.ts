/**
 * Reading a laid-out Vega view for layout tests: every scenegraph item with
 * its bounds in the figure's own coordinates (those of the SVG), so tests
 * can check where Vega really put plots, legends and text.
 */
import type { Chart } from "../../lib/plot/mod.ts";
import { chartView, svgSize } from "../../lib/plot/render.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** One scenegraph item placed in figure coordinates. */
export interface Placed {
  marktype: string;
  role: string;
  name: string;
  item: Any;
  /** Absolute bounds (points from the figure's top-left corner). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Absolute origin of a group item (its plot area's top-left), else of its parent. */
  ox: number;
  oy: number;
  /** Names of the enclosing named groups, outermost first (e.g. ["concat_1_group"]). */
  path: string[];
}

/** The figure's size and every item of the chart's scenegraph, placed. */
export async function layOut(chart: Chart): Promise<{
  width: number;
  height: number;
  items: Placed[];
}> {
  const view = await chartView(chart);
  try {
    const [ox, oy] = view.origin();
    const items: Placed[] = [];
    const walk = (mark: Any, px: number, py: number, path: string[]) => {
      for (const item of mark.items ?? []) {
        const b = item.bounds;
        const isGroup = mark.marktype === "group";
        const gx = isGroup ? px + (item.x ?? 0) : px, gy = isGroup ? py + (item.y ?? 0) : py;
        items.push({
          marktype: mark.marktype,
          role: String(mark.role ?? ""),
          name: String(mark.name ?? ""),
          item,
          x1: px + b.x1,
          y1: py + b.y1,
          x2: px + b.x2,
          y2: py + b.y2,
          ox: gx,
          oy: gy,
          path,
        });
        const inner = isGroup && mark.name ? [...path, String(mark.name)] : path;
        if (isGroup) { for (const m of item.items ?? []) walk(m, gx, gy, inner); }
      }
    };
    walk(view.scenegraph().root, ox, oy, []);
    const { width, height } = svgSize(await view.toSVG());
    return { width, height, items };
  } finally {
    view.finalize();
  }
}

/** Text items that are drawn (Vega hides overlapping labels by setting opacity 0). */
export function visibleTexts(items: readonly Placed[]): Placed[] {
  return items.filter((p) =>
    p.marktype === "text" && p.item.opacity !== 0 && p.item.text !== undefined &&
    String(p.item.text).trim() !== ""
  );
}

/** The text of a text item as one string (lines of a multi-line label joined by spaces). */
export function textOf(p: Placed): string {
  const t = p.item.text;
  return Array.isArray(t) ? t.join(" ") : String(t);
}
