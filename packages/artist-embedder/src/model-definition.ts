import type { ModelDefinition } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { artistEmbedderDimensions, DEFAULT_ARTIST_EMBEDDER_TUNABLES } from "./config.js";
import { parseArtistEmbedderConfig, parseArtistEmbedderTunables } from "./config-schema.js";
import { ArtistEmbedderError, ArtistEmbedderInputError } from "./errors.js";
import { artistEmbedderParameterSpecs } from "./parameters.js";

/** The artist embedder as @autosing/nn's model-package helpers see it (checkpoints, export folder, trainer wrapper, fixtures). */
export const ARTIST_EMBEDDER_MODEL: ModelDefinition<"artist_emb", ArtistEmbedderConfig, ArtistEmbedderTunables> = {
  name: "artist_emb",
  defaultTunables: DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  readConfig: parseArtistEmbedderConfig,
  readTunables: parseArtistEmbedderTunables,
  validate: artistEmbedderDimensions,
  parameterSpecs: artistEmbedderParameterSpecs,
  errors: { package: ArtistEmbedderError, input: ArtistEmbedderInputError },
};
