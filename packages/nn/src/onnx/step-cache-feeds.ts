import { type Tensor, float32Tensor } from "@autosing/onnx";

import { KV_CACHE_NAMES } from "./kv-cache-names.js";

/** What a one-step decoder graph needs to know to be fed its caches. */
export interface StepCacheLayout {
  decoderDepth: number;
  batch: number;
  nHead: number;
  headWidth: number;
  /** The cross-attention key/value names of one layer (computed once by the encoder graph). */
  crossNames: (layer: number) => readonly string[];
}

/**
 * Adds the per-layer caches of one decoding step to `feeds`: the encoder's cross keys/values,
 * and the self-attention cache — the previous step's `present.{i}.*` or, on the first step, an
 * empty `[batch, heads, 0, head_dim]` tensor (KV_CACHE_NAMES naming).
 */
export function addStepCacheFeeds(
  feeds: Record<string, Tensor>,
  encoded: Readonly<Record<string, Tensor>>,
  past: Readonly<Record<string, Tensor>> | null,
  layout: StepCacheLayout,
): void {
  const empty = float32Tensor(new Float32Array(0), [layout.batch, layout.nHead, 0, layout.headWidth]);
  for (let i = 0; i < layout.decoderDepth; i++) {
    for (const name of layout.crossNames(i)) {
      const tensor = encoded[name];
      if (tensor) feeds[name] = tensor;
    }
    feeds[KV_CACHE_NAMES.pastKey(i)] = past?.[KV_CACHE_NAMES.presentKey(i)] ?? empty;
    feeds[KV_CACHE_NAMES.pastValue(i)] = past?.[KV_CACHE_NAMES.presentValue(i)] ?? empty;
  }
}
