// Test fixtures (the `@autosing/t2s-model/testing` subpath, kept out of the main entry): a
// random-weight t2s model of a given config, as weights or as an export directory.
import { randomWeights, type RandomWeightOptions } from "@autosing/nn/testing";
import type { StateDict } from "@autosing/nn";

import type { T2SCheckpoint } from "./checkpoint.js";
import { type T2SConfig, DEFAULT_T2S_TUNABLES, type T2STunables } from "./config.js";
import { writeT2SExport } from "./export-files.js";
import { t2sParameterSpecs } from "./parameters.js";

export type { RandomWeightOptions } from "@autosing/nn/testing";

/** Random weights for every parameter of `config` (nn `randomWeights` over `t2sParameterSpecs`). */
export function randomT2SWeights(config: T2SConfig, tunables: T2STunables, seed: number, options: RandomWeightOptions = {}): StateDict {
  return randomWeights(t2sParameterSpecs(config, tunables), seed, options);
}

export interface RandomT2SExportOptions extends RandomWeightOptions {
  tunables?: T2STunables;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/** Writes a random-weight t2s model of `config` to `dir` exactly as `autosing export` does; returns the files written. */
export async function writeRandomT2SExport(dir: string, config: T2SConfig, options: RandomT2SExportOptions = {}): Promise<string[]> {
  const { tunables = { ...DEFAULT_T2S_TUNABLES }, seed = 1, ...weightOptions } = options;
  const checkpoint: T2SCheckpoint = { config, tunables, weights: randomT2SWeights(config, tunables, seed, weightOptions) };
  return writeT2SExport(checkpoint, dir);
}
