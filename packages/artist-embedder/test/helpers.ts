import { initializeParameters, SeededRandom } from "@autosing/nn";
import type { ParameterSpec, StateDict } from "@autosing/nn";

import type { ArtistEmbedderConfig } from "../src/index.js";
import { DEFAULT_ARTIST_EMBEDDER_TUNABLES } from "../src/index.js";

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
 * μP init zeroes the queries, which would make attention uniform and parity checks weak; this
 * perturbs every trained parameter so all paths carry signal.
 */
export function randomWeights(specs: readonly ParameterSpec[], seed: number, amplitude = 0.4): StateDict {
  const weights = initializeParameters(specs, seed);
  const random = new SeededRandom(seed + 1);
  for (const spec of specs) {
    if (spec.buffer) continue;
    const tensor = weights.get(spec.name);
    if (!tensor) continue;
    for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = (tensor.data[i] ?? 0) + amplitude * random.normal();
  }
  return weights;
}

/**
 * Random dense SNAC windows [count, 4, frames]: level i holds a code every 2^(3−i) frames and
 * zeros between, as sparseToDense lays them out.
 */
export function randomDenseWindows(random: SeededRandom, count: number, frames: number, codes: number): Int32Array {
  const out = new Int32Array(count * 4 * frames);
  for (let b = 0; b < count; b++) {
    for (let level = 0; level < 4; level++) {
      const stride = 2 ** (3 - level);
      for (let t = 0; t < frames; t += stride) out[(b * 4 + level) * frames + t] = 1 + Math.floor(random.uniform() * (codes - 1));
    }
  }
  return out;
}

/** max |a − b| / max |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return diff / scale;
}
