import { initializeParameters, SeededRandom } from "@autosing/nn";
import type { ParameterSpec, StateDict } from "@autosing/nn";

import type { SM2AConfig } from "../src/index.js";
import { DEFAULT_SM2A_TUNABLES } from "../src/index.js";

/** A tiny config: projected semantic and artist inputs, 3 streams, 5 codes. */
export function tinyConfig(overrides: Partial<SM2AConfig> = {}): SM2AConfig {
  return {
    depth: 2,
    ctx_n: 12,
    stoks_len: 7,
    stoks_codes: 9,
    stoks_width: 8,
    spk_width: 6,
    atoks_width: null,
    n_head: 2,
    head_width: 8,
    ffn_mult: 2,
    quantizers: 3,
    codes: 5,
    mtoks_len: 6,
    pattern: "bricks_unrolled",
    enc_subsample: 1,
    ...overrides,
  };
}

export const tunables = { ...DEFAULT_SM2A_TUNABLES };

/** Perturbs every trained parameter (μP zeroes the queries) so all paths carry signal. */
export function randomWeights(specs: readonly ParameterSpec[], seed: number, amplitude = 0.4): StateDict {
  const weights = initializeParameters(specs, seed);
  const random = new SeededRandom(seed + 1);
  for (const spec of specs) {
    if (spec.buffer) continue;
    const tensor = weights.get(spec.name);
    if (!tensor) continue;
    for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = (tensor.data[i] ?? 0) * 0.1 + amplitude * random.normal();
  }
  return weights;
}

export function randomInts(random: SeededRandom, count: number, max: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random.uniform() * max));
}

export function randomFloats(random: SeededRandom, count: number): number[] {
  return Array.from({ length: count }, () => random.normal());
}

export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return diff / scale;
}
