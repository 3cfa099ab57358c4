/**
 * Walking a Vega-Lite spec's layers, for the steps that rewrite encodings
 * in place (legends, axis labels, titles).
 *
 * @module
 */
import type { VegaLiteSpec } from "./types.ts";

/** A spec and every spec layered inside it. */
export function specAndLayers(spec: VegaLiteSpec): VegaLiteSpec[] {
  const layers = (spec.layer as VegaLiteSpec[] | undefined) ?? [];
  return [spec, ...layers.flatMap(specAndLayers)];
}
