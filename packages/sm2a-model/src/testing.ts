// Test fixtures (the `@autosing/sm2a-model/testing` subpath, kept out of the main entry): a
// random-weight sm2a model of a given config, as weights or as an export directory.
import { randomWeights, type RandomWeightOptions } from "@autosing/nn/testing";
import type { StateDict } from "@autosing/nn";

import type { SM2ACheckpoint } from "./checkpoint.js";
import { type SM2AConfig, DEFAULT_SM2A_TUNABLES, type SM2ATunables } from "./config.js";
import { writeSM2AExport } from "./export-files.js";
import { sm2aParameterSpecs } from "./parameters.js";

export type { RandomWeightOptions } from "@autosing/nn/testing";

/** Random weights for every parameter of `config` (nn `randomWeights` over `sm2aParameterSpecs`). */
export function randomSM2AWeights(config: SM2AConfig, tunables: SM2ATunables, seed: number, options: RandomWeightOptions = {}): StateDict {
  return randomWeights(sm2aParameterSpecs(config, tunables), seed, options);
}

export interface RandomSM2AExportOptions extends RandomWeightOptions {
  tunables?: SM2ATunables;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/** Writes a random-weight sm2a model of `config` to `dir` exactly as `autosing export` does; returns the files written. */
export async function writeRandomSM2AExport(dir: string, config: SM2AConfig, options: RandomSM2AExportOptions = {}): Promise<string[]> {
  const { tunables = { ...DEFAULT_SM2A_TUNABLES }, seed = 1, ...weightOptions } = options;
  const checkpoint: SM2ACheckpoint = { config, tunables, weights: randomSM2AWeights(config, tunables, seed, weightOptions) };
  return writeSM2AExport(checkpoint, dir);
}
