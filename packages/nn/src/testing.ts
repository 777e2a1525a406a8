// Test fixtures shared by the model packages (the `@autosing/nn/testing` subpath, kept out of
// the main entry): random weights that make every path of a tiny model carry signal, random
// inputs, the error measure the models' parity tests use, and random-weight export folders.
import { Xoshiro128 } from "@autosing/base";

import type { ModelCheckpoint } from "./model-package/checkpoint-files.js";
import type { ModelDefinition } from "./model-package/model-definition.js";
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

/** Random weights for every parameter of a model package's `config` (`randomWeights` over its specs). */
export function randomModelWeights<Config, Tunables>(
  model: Pick<ModelDefinition<string, Config, Tunables, never>, "parameterSpecs">,
  config: Config,
  tunables: Tunables,
  seed: number,
  options: RandomWeightOptions = {},
): StateDict {
  return randomWeights(model.parameterSpecs(config, tunables), seed, options);
}

export interface RandomExportOptions<Tunables> extends RandomWeightOptions {
  /** Default: the model's upstream Tunables defaults. */
  tunables?: Tunables;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/**
 * Writes a random-weight model of `config` with the model package's own export writer (exactly
 * what `autosing export` writes for such weights); returns the files written.
 */
export async function writeRandomExport<Config, Tunables>(
  model: Pick<ModelDefinition<string, Config, Tunables, never>, "parameterSpecs" | "defaultTunables">,
  writeExport: (checkpoint: ModelCheckpoint<Config, Tunables>, dir: string) => Promise<string[]>,
  dir: string,
  config: Config,
  options: RandomExportOptions<Tunables> = {},
): Promise<string[]> {
  const { tunables = { ...model.defaultTunables } as Tunables, seed = 1, ...weightOptions } = options;
  return writeExport({ config, tunables, weights: randomModelWeights(model, config, tunables, seed, weightOptions) }, dir);
}
