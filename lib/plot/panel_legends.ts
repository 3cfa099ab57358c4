/**
 * Legends of multi-panel figures: panels whose legends mean the same thing
 * (same channel, title and symbol) get one legend above the whole figure,
 * with the union of their entries; the others keep their own, and every
 * panel then reserves the same height above its plot so the plots start
 * level.
 *
 * @module
 */
import { textHeight } from "./axis_space.ts";
import type { Category, VegaLiteSpec } from "./chart.ts";
import { legendColumns, legendHeight, type LegendRef, topLegends } from "./legends.ts";
import { specAndLayers } from "./spec_walk.ts";
import { DASHES, FONT_SIZES, LEGEND_GAP, PALETTE } from "./theme.ts";

/** Gap between a top legend and its plot (theme's legend offset), in points. */
const LEGEND_OFFSET = 6;
/** Gap between a panel title and what is below it (theme's title offset), in points. */
const TITLE_OFFSET = 4;
/** Channels whose legends can be shared between panels, and the theme's values for them. */
const THEME_RANGES: Record<string, readonly unknown[]> = { color: PALETTE, strokeDash: DASHES };

/** Encodings of `channel` in `spec` (all layers) that use a scale (a field or a datum). */
function scaledEncodings(spec: VegaLiteSpec, channel: string): Record<string, unknown>[] {
  return specAndLayers(spec).flatMap((s) => {
    const e = (s.encoding as Record<string, Record<string, unknown>> | undefined)?.[channel];
    return e && (e.field !== undefined || e.datum !== undefined) ? [e] : [];
  });
}

/** The label -> value pairs of a legend's scale, when its range is an explicit list. */
function pairs(ref: LegendRef): [string, unknown][] | undefined {
  const range = (ref.encoding.scale as { range?: unknown } | undefined)?.range;
  if (!Array.isArray(range) || range.length < ref.labels.length) return undefined;
  return ref.labels.map((l, i) => [String(l), range[i]]);
}

/**
 * One shared scale for `channel` over the panels that draw it, when all of
 * their legends carry the same title and symbol: the union of their labels (in order of
 * first appearance), each keeping its panel's value when no two panels
 * disagree, else the theme's values in turn. Rewrites the specs in place;
 * returns whether the channel is shared.
 */
function shareChannel(specs: VegaLiteSpec[], channel: string): boolean {
  const users = specs.filter((s) => scaledEncodings(s, channel).length > 0);
  if (users.length < 2) return true;
  const refs = users.map((s) => topLegends(s).filter((l) => l.channel === channel));
  if (refs.some((r) => r.length === 0)) return false;
  // Same title and same symbol (a line is not a bar): the legends mean the same thing.
  const kinds = new Set(
    refs.flat().map((l) =>
      `${l.title}\u0000${(l.encoding.legend as Record<string, unknown>).symbolType}`
    ),
  );
  if (kinds.size !== 1) return false;
  const union: Category[] = [];
  const seen = new Set<string>();
  for (const l of refs.flat()) {
    for (const v of l.labels) if (!seen.has(String(v))) seen.add(String(v)), union.push(v);
  }
  const value = new Map<string, string>(), owner = new Map<string, string>();
  let consistent = true;
  for (const l of refs.flat()) {
    const ps = pairs(l);
    if (!ps) {
      consistent = false;
      break;
    }
    for (const [label, v] of ps) {
      const key = JSON.stringify(v);
      if ((value.get(label) ?? key) !== key || (owner.get(key) ?? label) !== label) {
        consistent = false;
      }
      value.set(label, key);
      owner.set(key, label);
    }
  }
  const theme = THEME_RANGES[channel] ?? PALETTE;
  const range = union.map((l, i) =>
    consistent ? JSON.parse(value.get(String(l)) as string) : theme[i % theme.length]
  );
  for (const s of users) {
    for (const e of scaledEncodings(s, channel)) {
      e.scale = { ...(e.scale as object), domain: union, range };
    }
  }
  return true;
}

/** What {@link shareLegends} decided per channel, as a Vega-Lite `resolve` block (or undefined). */
export function shareLegends(specs: VegaLiteSpec[]): Record<string, unknown> | undefined {
  const scale: Record<string, string> = {};
  const channels = new Set(
    specs.flatMap((s) => topLegends(s).map((l) => l.channel)).concat(["color", "strokeDash"]),
  );
  const usersOf = (ch: string) => specs.filter((s) => scaledEncodings(s, ch).length > 0);
  for (const ch of channels) {
    if (usersOf(ch).length === 0) continue;
    scale[ch] = shareChannel(specs, ch) ? "shared" : "independent";
  }
  // A legend only one panel draws joins the figure's legends only if that panel keeps no
  // legend of its own (else its line styles would sit apart from its colours).
  for (const ch of Object.keys(scale)) {
    const users = usersOf(ch);
    if (users.length !== 1) continue;
    const own = topLegends(users[0]).some((l) => scale[l.channel] === "independent");
    if (own) scale[ch] = "independent";
  }
  return Object.keys(scale).length ? { scale, legend: { ...scale } } : undefined;
}

/** The distinct legends a panel draws itself (one per channel), given which are shared. */
function ownLegends(spec: VegaLiteSpec, shared: Set<string>): LegendRef[] {
  const byChannel = new Map<string, LegendRef>();
  for (const l of topLegends(spec)) {
    if (!shared.has(l.channel) && !byChannel.has(l.channel)) byChannel.set(l.channel, l);
  }
  return [...byChannel.values()];
}

/** Height of a stack of top legends with their offset from the plot (0 when none). */
export function legendStackHeight(legends: readonly LegendRef[]): number {
  if (legends.length === 0) return 0;
  const hs = legends.map((l) => {
    const legend = l.encoding.legend as { columns?: number; symbolType?: unknown };
    const columns = legend.columns ?? l.labels.length;
    return legendHeight(
      l.labels.length,
      columns,
      l.title !== null && l.title !== "",
      legend.symbolType,
    );
  });
  return hs.reduce((a, b) => a + b, 0) + LEGEND_GAP * (legends.length - 1) + LEGEND_OFFSET;
}

/** Height of a title block (title lines, subtitle) with its offset; 0 when there is none. */
function titleHeight(title: unknown): number {
  if (title === undefined || title === null) return 0;
  const t = (typeof title === "string" ? { text: title } : title) as {
    text?: string | string[];
    subtitle?: string | string[];
    fontSize?: number;
  };
  const lines = Array.isArray(t.text) ? t.text.length : 1;
  const size = t.fontSize ?? FONT_SIZES.chartTitle;
  let h = textHeight(size, lines);
  if (t.subtitle) {
    const sub = Array.isArray(t.subtitle) ? t.subtitle.length : 1;
    h += 3 + textHeight(FONT_SIZES.label, sub);
  }
  return h + TITLE_OFFSET;
}

/**
 * Make every panel reserve the same height above its plot (title plus its
 * own legends), so that side-by-side plots start at the same height: a
 * panel with less above it gets a larger title offset (so titles stay level
 * too), or without a title a larger legend offset (or an empty title). `shared` names the channels whose legend sits above the
 * whole figure; `labelOverhangs` how far each panel's top y label reaches
 * above its plot. Rewrites the specs in place.
 */
export function alignPlotTops(
  specs: VegaLiteSpec[],
  shared: Set<string>,
  labelOverhangs: readonly number[],
): void {
  const own = specs.map((s) => ownLegends(s, shared));
  const above = specs.map((s, i) =>
    titleHeight(s.title) + Math.max(legendStackHeight(own[i]), labelOverhangs[i] ?? 0)
  );
  const top = Math.max(...above);
  specs.forEach((s, i) => {
    const delta = Math.round(top - above[i]);
    if (delta <= 0) return;
    if (s.title !== undefined) {
      // The title rises (its legends stay by the plot), so the panels' titles sit level too.
      const t = typeof s.title === "string" ? { text: s.title } : s.title as object;
      s.title = { ...t, offset: TITLE_OFFSET + delta };
    } else if (own[i].length) {
      for (const l of topLegends(s)) {
        if (shared.has(l.channel)) continue;
        l.encoding.legend = { ...(l.encoding.legend as object), offset: LEGEND_OFFSET + delta };
      }
    } else {
      // An empty line of text holds the room: Vega lays out a title of one space.
      const h = textHeight(FONT_SIZES.label);
      s.title = { text: " ", fontSize: FONT_SIZES.label, offset: Math.max(0, delta - h) };
    }
  });
}

/** Refit the column counts of the legends shared by the whole figure to `width` points. */
export function fitSharedLegends(specs: VegaLiteSpec[], shared: Set<string>, width: number) {
  const all = new Map<string, Category[]>();
  for (const s of specs) {
    for (const l of topLegends(s)) if (shared.has(l.channel)) all.set(l.channel, l.labels);
  }
  for (const s of specs) {
    for (const l of topLegends(s)) {
      if (!shared.has(l.channel)) continue;
      const columns = legendColumns(
        all.get(l.channel) ?? l.labels,
        width,
        (l.encoding.legend as Record<string, unknown>).symbolType,
      );
      l.encoding.legend = { ...(l.encoding.legend as object), columns };
    }
  }
}
