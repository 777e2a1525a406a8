import { expandAliases, matchStateDict, readCheckpoint, writeCheckpoint } from "@autosing/nn";
import type { StateDict } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { artistEmbedderDimensions, DEFAULT_ARTIST_EMBEDDER_CONFIG, DEFAULT_ARTIST_EMBEDDER_TUNABLES } from "./config.js";
import { ArtistEmbedderConfigError } from "./errors.js";
import { artistEmbedderParameterSpecs } from "./parameters.js";

export interface ArtistEmbedderCheckpoint {
  config: ArtistEmbedderConfig;
  tunables: ArtistEmbedderTunables;
  weights: StateDict;
}

const integerFields = ["depth", "ctx_n", "codes", "n_head", "head_width", "ffn_mult", "quantizers", "num_classes", "emb_width"] as const;

/** Validates an upstream `config` dict; Embedder.__init__ defaults fill omitted fields (not `num_classes`/`ctx_n`). */
export function parseArtistEmbedderConfig(raw: Record<string, unknown>): ArtistEmbedderConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_ARTIST_EMBEDDER_CONFIG, ...raw };
  for (const field of integerFields) {
    const value = merged[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new ArtistEmbedderConfigError(field, value, "must be a positive integer");
  }
  if (typeof merged.finetune !== "boolean") throw new ArtistEmbedderConfigError("finetune", merged.finetune, "must be a boolean");
  return Object.fromEntries([...integerFields, "finetune"].map((f) => [f, merged[f]])) as unknown as ArtistEmbedderConfig;
}

/**
 * Validates upstream `tunables`; omitted fields take the Tunables defaults. Like upstream
 * Embedder.load_model, a stray `encoder_depth_ratio` (older checkpoints) is dropped.
 */
export function parseArtistEmbedderTunables(raw: Record<string, unknown>): ArtistEmbedderTunables {
  const out: Record<string, unknown> = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
  for (const [key, value] of Object.entries(raw)) {
    if (key === "encoder_depth_ratio") continue;
    const fallback = (DEFAULT_ARTIST_EMBEDDER_TUNABLES as Record<string, unknown>)[key];
    if (fallback === undefined) throw new ArtistEmbedderConfigError(`tunables.${key}`, value, "is not an Embedder tunable (upstream's Tunables(**spec) would reject it too)");
    if (typeof value !== typeof fallback) throw new ArtistEmbedderConfigError(`tunables.${key}`, value, `must be a ${typeof fallback}`);
    out[key] = value;
  }
  return out as unknown as ArtistEmbedderTunables;
}

/**
 * Loads an artist embedder checkpoint (safetensors with config/tunables metadata, or a trainer
 * directory); missing, unexpected and mis-shaped keys are reported together.
 */
export async function loadArtistEmbedderCheckpoint(path: string): Promise<ArtistEmbedderCheckpoint> {
  const raw = await readCheckpoint(path);
  const config = parseArtistEmbedderConfig(raw.config);
  const tunables = parseArtistEmbedderTunables(raw.tunables);
  artistEmbedderDimensions(config, tunables);
  return { config, tunables, weights: matchStateDict(artistEmbedderParameterSpecs(config, tunables), raw.tensors) };
}

/** Writes the full upstream state dict (aliased special tables under every key) with config and tunables. */
export async function saveArtistEmbedderCheckpoint(path: string, checkpoint: ArtistEmbedderCheckpoint): Promise<void> {
  await writeCheckpoint(path, {
    model: "artist_emb",
    config: { ...checkpoint.config },
    tunables: { ...checkpoint.tunables },
    tensors: expandAliases(artistEmbedderParameterSpecs(checkpoint.config, checkpoint.tunables), checkpoint.weights),
  });
}
