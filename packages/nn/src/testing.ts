// Test fixtures shared by the model packages (the `@autosing/nn/testing` subpath, kept out of
// the main entry): random weights that make every path of a tiny model carry signal, random
// inputs, and the error measure the models' parity tests use.
import { Xoshiro128 } from "@autosing/base";

import { initializeParameters, type ParameterSpec } from "./parameters.js";
import type { StateDict } from "./safetensors.js";

export interface RandomWeightOptions {
  /** Standard deviation of the normal noise added to every trained parameter (default 0.4). */
  amplitude?: number;
  /** Factor on the μP initial values kept under the noise (default 1: all of them). */
  initScale?: number;
}

/**
 * μP initialisation of `specs` from `seed`, then every trained parameter (buffers are left as
 * initialised) becomes `initScale · init + amplitude · N(0, 1)`, noise drawn from `seed + 1` in
 * spec order. μP zeroes the queries and some projections, which would make attention uniform and
 * parity checks weak.
 */
export function randomWeights(specs: readonly ParameterSpec[], seed: number, options: RandomWeightOptions = {}): StateDict {
  const amplitude = options.amplitude ?? 0.4;
  const initScale = options.initScale ?? 1;
  const weights = initializeParameters(specs, seed);
  const random = Xoshiro128.fromWord(seed + 1);
  for (const spec of specs) {
    if (spec.buffer) continue;
    const tensor = weights.get(spec.name);
    if (!tensor) continue;
    for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = (tensor.data[i] ?? 0) * initScale + amplitude * random.normal();
  }
  return weights;
}

/** `count` integers drawn uniformly from [0, max). */
export function randomInts(random: Xoshiro128, count: number, max: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random.nextFloat() * max));
}

/** max |a − b| / max |b|: the error of `a` relative to the largest magnitude of the reference `b`. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return diff / scale;
}
