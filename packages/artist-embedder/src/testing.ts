// Test fixtures (the `@autosing/artist-embedder/testing` subpath, kept out of the main entry): a
// random-weight artist embedder of a given config, as weights or as an export directory.
import { randomWeights, type RandomWeightOptions } from "@autosing/nn/testing";
import type { StateDict } from "@autosing/nn";

import type { ArtistEmbedderCheckpoint } from "./checkpoint.js";
import { type ArtistEmbedderConfig, DEFAULT_ARTIST_EMBEDDER_TUNABLES, type ArtistEmbedderTunables } from "./config.js";
import { writeArtistEmbedderExport } from "./export-files.js";
import { artistEmbedderParameterSpecs } from "./parameters.js";

export type { RandomWeightOptions } from "@autosing/nn/testing";

/** Random weights for every parameter of `config` (nn `randomWeights` over `artistEmbedderParameterSpecs`). */
export function randomArtistEmbedderWeights(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables, seed: number, options: RandomWeightOptions = {}): StateDict {
  return randomWeights(artistEmbedderParameterSpecs(config, tunables), seed, options);
}

export interface RandomArtistEmbedderExportOptions extends RandomWeightOptions {
  tunables?: ArtistEmbedderTunables;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/** Writes a random-weight artist embedder of `config` to `dir` exactly as `autosing export` does; returns the files written. */
export async function writeRandomArtistEmbedderExport(dir: string, config: ArtistEmbedderConfig, options: RandomArtistEmbedderExportOptions = {}): Promise<string[]> {
  const { tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES }, seed = 1, ...weightOptions } = options;
  const checkpoint: ArtistEmbedderCheckpoint = { config, tunables, weights: randomArtistEmbedderWeights(config, tunables, seed, weightOptions) };
  return writeArtistEmbedderExport(checkpoint, dir);
}
