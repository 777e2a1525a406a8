/** The sizes `autosing demo` runs at, and where it puts everything under `--out`. */
import { join } from "node:path";

/** Two corpus partitions: the processing steps run per partition, as a cluster job array would. */
export const PARTITIONS = 2;
export const SONG_SECONDS = 20;
/** vad_extract never starts a chunk at second 0, so a 20 s song holds two 6 s chunks. */
export const CHUNK_SECONDS = 6;
/** Centroids per level of the fitted default codec and codes of the fitted tokenizer: tiny, fast to fit. */
export const CODEBOOK_SIZE = 32;
export const SEMANTIC_CODES = 32;
/** Artist-embedder windows: 3 × 128 frames fit a 6 s chunk (480 frames). */
export const ARTIST_WINDOW = 128;
/** Seconds sung: 416 decoding steps → 384 codec frames, 4 whole decoder blocks (4.608 s). */
export const SING_SECONDS = 5;
export const LYRICS = "when the candle is lucky\nwe follow the moon";

/** The demo's folders under `--out`. */
export function demoLayout(out: string) {
  return {
    corpus: join(out, "corpus"),
    models: join(out, "models"),
    codec: join(out, "models", "codec.json"),
    tokenizer: join(out, "models", "tokenizer.json"),
    artistFile: join(out, "models", "artist_ids.json"),
    artistEmbedder: join(out, "models", "artist-embedder"),
    t2s: join(out, "models", "t2s"),
    sm2a: join(out, "models", "sm2a"),
    checkpoints: join(out, "checkpoints"),
    // "short" in the path: t2s reads 450 text bytes per row, as upstream's T2SDataset decides.
    dataset: join(out, "dataset-short"),
    sing: join(out, "sing"),
  };
}
