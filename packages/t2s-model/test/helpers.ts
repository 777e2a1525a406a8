import { initializeParameters, SeededRandom } from "@autosing/nn";
import type { ParameterSpec, StateDict } from "@autosing/nn";

import type { T2SConfig } from "../src/index.js";
import { DEFAULT_T2S_TUNABLES } from "../src/index.js";

/** A tiny config exercising every branch: projected semantic embeddings, 3 music streams. */
export function tinyConfig(overrides: Partial<T2SConfig> = {}): T2SConfig {
  return {
    depth: 2,
    n_head: 2,
    head_width: 8,
    ffn_mult: 2,
    ttoks_len: 12,
    ttoks_codes: 256,
    ttoks_width: null,
    stoks_len: 10,
    stoks_codes: 17,
    stoks_width: 8,
    mtoks_len: 6,
    quantizers: 3,
    codes: 11,
    ...overrides,
  };
}

export const tunables = { ...DEFAULT_T2S_TUNABLES };

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

export function randomInts(random: SeededRandom, count: number, max: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random.uniform() * max));
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
