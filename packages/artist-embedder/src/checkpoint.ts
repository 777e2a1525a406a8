import { loadModelCheckpoint, saveModelCheckpoint } from "@autosing/nn";
import type { ModelCheckpoint } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { ARTIST_EMBEDDER_MODEL } from "./model-definition.js";

export type ArtistEmbedderCheckpoint = ModelCheckpoint<ArtistEmbedderConfig, ArtistEmbedderTunables>;

/**
 * Loads an artist embedder checkpoint (safetensors with config/tunables metadata, or a trainer
 * directory); missing, unexpected and mis-shaped keys are reported together.
 */
export async function loadArtistEmbedderCheckpoint(path: string): Promise<ArtistEmbedderCheckpoint> {
  return loadModelCheckpoint(ARTIST_EMBEDDER_MODEL, path);
}

/** Writes the full upstream state dict (aliased special tables under every key) with config and tunables. */
export async function saveArtistEmbedderCheckpoint(path: string, checkpoint: ArtistEmbedderCheckpoint): Promise<void> {
  await saveModelCheckpoint(ARTIST_EMBEDDER_MODEL, path, checkpoint);
}
