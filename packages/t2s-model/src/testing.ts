// Test fixtures (the `@autosing/t2s-model/testing` subpath, kept out of the main entry): a
// random-weight t2s model of a given config, as weights or as an export directory.
import { randomModelWeights, type RandomExportOptions, type RandomWeightOptions, writeRandomExport } from "@autosing/nn/testing";
import type { StateDict } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { writeT2SExport } from "./export-files.js";
import { T2S_MODEL } from "./model-definition.js";

export type { RandomWeightOptions } from "@autosing/nn/testing";

/** Random weights for every parameter of `config` (nn `randomWeights` over `t2sParameterSpecs`). */
export function randomT2SWeights(config: T2SConfig, tunables: T2STunables, seed: number, options: RandomWeightOptions = {}): StateDict {
  return randomModelWeights(T2S_MODEL, config, tunables, seed, options);
}

/** `tunables` (default `DEFAULT_T2S_TUNABLES`), `seed` (default 1) and the random-weight options. */
export type RandomT2SExportOptions = RandomExportOptions<T2STunables>;

/** Writes a random-weight t2s model of `config` to `dir` exactly as `autosing export` does; returns the files written. */
export async function writeRandomT2SExport(dir: string, config: T2SConfig, options: RandomT2SExportOptions = {}): Promise<string[]> {
  return writeRandomExport(T2S_MODEL, writeT2SExport, dir, config, options);
}
