import type { ArtistEmbedder } from "@autosing/artist-embedder";
import type { AcousticCodec, AudioData } from "@autosing/audio-codec";

import { encodeFrames } from "./music.js";

/** Upstream embeds 3 windows (3 × 10 s of the first 30 s). */
export const ARTIST_WINDOWS = 3;

/**
 * Port of autosing/sing.py: compute_spk_emb — the first 3 × ctx_n codec frames (30 s for
 * upstream's 832-frame windows) of `audio` (already cut from the start time), split into three
 * windows, embedded, averaged.
 */
export async function artistEmbedding(audio: AudioData, codec: AcousticCodec, embedder: ArtistEmbedder, options: { source: string; startTime: number }): Promise<Float32Array> {
  const frames = ARTIST_WINDOWS * embedder.config.ctx_n;
  const tokens = await encodeFrames(
    audio,
    codec,
    frames,
    options.source,
    (needed, have) =>
      `has ${have.toFixed(2)} s of vocals from --start-time ${options.startTime} s, but the artist embedder needs ${needed.toFixed(2)} s (${ARTIST_WINDOWS} windows × ctx_n ${embedder.config.ctx_n} frames; upstream: 30 s)`,
  );
  const { data, shape } = await embedder.embedAudioTokens(tokens, { windows: ARTIST_WINDOWS });
  const width = shape[shape.length - 1] ?? 0;
  const mean = new Float32Array(width);
  for (let w = 0; w < ARTIST_WINDOWS; w++) for (let i = 0; i < width; i++) mean[i] = (mean[i] ?? 0) + (data[w * width + i] ?? 0) / ARTIST_WINDOWS;
  return mean;
}

/** Upstream's `--spk-alpha` blend: (1 − α)·reference + α·other. */
export function blendEmbeddings(reference: Float32Array, other: Float32Array, alpha: number): Float32Array {
  return reference.map((value, i) => (1 - alpha) * value + alpha * (other[i] ?? 0));
}
