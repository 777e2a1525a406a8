// Test fixtures (the `@autosing/sm2a-model/testing` subpath, kept out of the main entry): a
// random-weight sm2a model of a given config, as weights or as an export directory.
import { randomModelWeights, type RandomExportOptions, type RandomWeightOptions, writeRandomExport } from "@autosing/nn/testing";
import type { StateDict } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { writeSM2AExport } from "./export-files.js";
import { SM2A_MODEL } from "./model-definition.js";

export type { RandomWeightOptions } from "@autosing/nn/testing";

/** Random weights for every parameter of `config` (nn `randomWeights` over `sm2aParameterSpecs`). */
export function randomSM2AWeights(config: SM2AConfig, tunables: SM2ATunables, seed: number, options: RandomWeightOptions = {}): StateDict {
  return randomModelWeights(SM2A_MODEL, config, tunables, seed, options);
}

/** `tunables` (default `DEFAULT_SM2A_TUNABLES`), `seed` (default 1) and the random-weight options. */
export type RandomSM2AExportOptions = RandomExportOptions<SM2ATunables>;

/** Writes a random-weight sm2a model of `config` to `dir` exactly as `autosing export` does; returns the files written. */
export async function writeRandomSM2AExport(dir: string, config: SM2AConfig, options: RandomSM2AExportOptions = {}): Promise<string[]> {
  return writeRandomExport(SM2A_MODEL, writeSM2AExport, dir, config, options);
}
