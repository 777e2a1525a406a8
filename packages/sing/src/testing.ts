// Tiny random-weight models for tests, benches and demos of the pipeline: exported to
// directories exactly as `autosing export` writes them. They sing noise; they exercise the wiring.
import { join } from "node:path";

import { artistEmbedderConfig } from "@autosing/artist-embedder";
import { writeRandomArtistEmbedderExport } from "@autosing/artist-embedder/testing";
import { sm2aConfigForSize } from "@autosing/sm2a-model";
import { writeRandomSM2AExport } from "@autosing/sm2a-model/testing";
import { t2sConfigForSize } from "@autosing/t2s-model";
import { writeRandomT2SExport } from "@autosing/t2s-model/testing";

export interface TinySingModelOptions {
  /** Codes per codec level (the codec's numCodes; 4096 for SNAC and the default codec). */
  numCodes?: number;
  /** Music length of the sm2a model in `bricks` steps: (mtoks_len − 8)·4 codec frames are read (default 32 → 96 frames ≈ 1.15 s, what `--length 1.6` decodes). */
  mtoksLength?: number;
  /** Artist-embedder window in codec frames (default 32: 3 windows ≈ 1.2 s). */
  artistWindow?: number;
  /** Width of each attention head (default 8). */
  headWidth?: number;
  /** Text bytes of the t2s model (default 64; upstream 900). */
  textLength?: number;
  /** MLP width multiplier of the sm2a model (default 1; upstream 4). */
  ffnMult?: number;
  seed?: number;
}

/** The directories written, as the `--t2s-model`, `--sm2a-model` and `--artist-model` flags take them. */
export interface TinySingModels {
  readonly t2s: string;
  readonly sm2a: string;
  readonly artist: string;
}

/**
 * Writes random-weight t2s (`micro`), sm2a (`tiny`) and artist-embedder exports under `dir`,
 * with narrow heads and short contexts, sized to each other: 750 semantic tokens, 8 music
 * streams of `numCodes`, 16-d artist embeddings.
 */
export async function writeTinySingModels(dir: string, options: TinySingModelOptions = {}): Promise<TinySingModels> {
  const codes = options.numCodes ?? 4096;
  const headWidth = options.headWidth ?? 8;
  const mtoksLength = options.mtoksLength ?? 32;
  const seed = options.seed ?? 1;
  const t2sConfig = t2sConfigForSize("micro", { head_width: headWidth, ttoks_len: options.textLength ?? 64, stoks_width: null, mtoks_len: mtoksLength, codes });
  const sm2aConfig = sm2aConfigForSize("tiny", { head_width: headWidth, ffn_mult: options.ffnMult ?? 1, stoks_width: null, spk_width: 16, mtoks_len: mtoksLength, ctx_n: (mtoksLength - 8) * 4 + 32, codes });
  const artistConfig = artistEmbedderConfig(2, { depth: 1, n_head: 2, head_width: headWidth, ctx_n: options.artistWindow ?? 32, emb_width: 16, codes });
  const models = { t2s: join(dir, "t2s"), sm2a: join(dir, "sm2a"), artist: join(dir, "artist") };
  // Noise of 0.2 over a tenth of the μP init, as these fixtures have always been drawn.
  const weights = { amplitude: 0.2, initScale: 0.1 };
  await writeRandomT2SExport(models.t2s, t2sConfig, { seed, ...weights });
  await writeRandomSM2AExport(models.sm2a, sm2aConfig, { seed: seed + 10, ...weights });
  await writeRandomArtistEmbedderExport(models.artist, artistConfig, { seed: seed + 20, ...weights });
  return models;
}
