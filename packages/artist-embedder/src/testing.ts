// Test fixtures (the `@autosing/artist-embedder/testing` subpath, kept out of the main entry): a
// random-weight artist embedder of a given config, as weights or as an export directory.
import { randomModelWeights, type RandomExportOptions, type RandomWeightOptions, writeRandomExport } from "@autosing/nn/testing";
import type { StateDict } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { writeArtistEmbedderExport } from "./export-files.js";
import { ARTIST_EMBEDDER_MODEL } from "./model-definition.js";

export type { RandomWeightOptions } from "@autosing/nn/testing";

/** Random weights for every parameter of `config` (nn `randomWeights` over `artistEmbedderParameterSpecs`). */
export function randomArtistEmbedderWeights(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables, seed: number, options: RandomWeightOptions = {}): StateDict {
  return randomModelWeights(ARTIST_EMBEDDER_MODEL, config, tunables, seed, options);
}

/** `tunables` (default `DEFAULT_ARTIST_EMBEDDER_TUNABLES`), `seed` (default 1) and the random-weight options. */
export type RandomArtistEmbedderExportOptions = RandomExportOptions<ArtistEmbedderTunables>;

/** Writes a random-weight artist embedder of `config` to `dir` exactly as `autosing export` does; returns the files written. */
export async function writeRandomArtistEmbedderExport(dir: string, config: ArtistEmbedderConfig, options: RandomArtistEmbedderExportOptions = {}): Promise<string[]> {
  return writeRandomExport(ARTIST_EMBEDDER_MODEL, writeArtistEmbedderExport, dir, config, options);
}
