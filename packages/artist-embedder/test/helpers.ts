import type { Xoshiro128 } from "@autosing/base";
import { relativeError } from "@autosing/nn/testing";

import type { ArtistEmbedderConfig } from "../src/index.js";
import { DEFAULT_ARTIST_EMBEDDER_TUNABLES } from "../src/index.js";

export { relativeError };

/** A tiny Embedder: 2 layers, 2 heads of 8, 4 quantizers of 16 codes, 3 artists, 16 frames. */
export function tinyConfig(overrides: Partial<ArtistEmbedderConfig> = {}): ArtistEmbedderConfig {
  return {
    depth: 2,
    ctx_n: 16,
    codes: 16,
    n_head: 2,
    head_width: 8,
    ffn_mult: 2,
    quantizers: 4,
    num_classes: 3,
    emb_width: 12,
    finetune: false,
    ...overrides,
  };
}

export const tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };

/**
 * Random dense SNAC windows [count, 4, frames]: level i holds a code every 2^(3−i) frames and
 * zeros between, as sparseToDense lays them out.
 */
export function randomDenseWindows(random: Xoshiro128, count: number, frames: number, codes: number): Int32Array {
  const out = new Int32Array(count * 4 * frames);
  for (let b = 0; b < count; b++) {
    for (let level = 0; level < 4; level++) {
      const stride = 2 ** (3 - level);
      for (let t = 0; t < frames; t += stride) out[(b * 4 + level) * frames + t] = 1 + Math.floor(random.nextFloat() * (codes - 1));
    }
  }
  return out;
}

