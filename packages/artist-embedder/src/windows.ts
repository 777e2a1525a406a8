import { flattenSnac } from "@autosing/audio-codec";
import type { Tokens } from "@autosing/audio-codec";

import { ArtistEmbedderInputError } from "./errors.js";

/** One training window of a row's acoustic tokens. */
export interface TrainingWindow {
  /** First dense frame of the window; upstream names the sample `${id}_${offset}`. */
  offset: number;
  /** The window flattened to `[15, chunkSize / 8]` (upstream's training input layout). */
  flattened: Tokens;
}

/**
 * Port of autosing/artist_embeddings.py: EmbeddingDataset.prepare_df + entries — a row's dense
 * SNAC tokens `[4, T]` (the `atoks_vocals_snac_32khz` values reshaped to 4 rows) cut into
 * consecutive `chunkSize`-frame windows at offsets 0, chunkSize, … (a trailing partial window is
 * dropped), each flattened with `flatten_snac`. Upstream's `chunk_size` is the model's `ctx_n`.
 */
export function trainingWindows(dense: Tokens, chunkSize: number): TrainingWindow[] {
  if (dense.shape.length !== 2 || dense.shape[0] !== 4) throw new ArtistEmbedderInputError("tokens", `shape [${dense.shape.join(", ")}] must be [4, T] (dense SNAC)`);
  if (!Number.isInteger(chunkSize) || chunkSize <= 0 || chunkSize % 8 !== 0) throw new ArtistEmbedderInputError("chunkSize", `${chunkSize} must be a positive multiple of 8 (the flattened layout's column width)`);
  const t = dense.shape[1] ?? 0;
  const out: TrainingWindow[] = [];
  for (let offset = 0; offset + chunkSize <= t; offset += chunkSize) {
    const window = new Int32Array(4 * chunkSize);
    for (let level = 0; level < 4; level++) window.set(dense.data.subarray(level * t + offset, level * t + offset + chunkSize), level * chunkSize);
    out.push({ offset, flattened: flattenSnac({ data: window, shape: [4, chunkSize] }) });
  }
  return out;
}
