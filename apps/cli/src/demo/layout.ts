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

/** A trained model's two folders in the models directory: what `train --load-from` and `export` take, and the ONNX export. */
export interface TrainedModelFolders {
  checkpoint: string;
  export: string;
}

function trained(models: string, name: string): TrainedModelFolders {
  return { checkpoint: join(models, name, "checkpoint"), export: join(models, name, "export") };
}

/**
 * The demo's folders under `--out`. `models/` is a models directory (`models.json`, one folder
 * per model named like its kind, as `autosing import` lays it out), so `sing --models` finds them.
 */
export function demoLayout(out: string) {
  const models = join(out, "models");
  return {
    corpus: join(out, "corpus"),
    models,
    codec: join(models, "default-codec", "codec.json"),
    tokenizer: join(models, "default-tokenizer", "tokenizer.json"),
    artistFile: join(models, "artist_ids.json"),
    artistEmbedder: trained(models, "artist-emb"),
    t2s: trained(models, "t2s"),
    sm2a: trained(models, "sm2a"),
    checkpoints: join(out, "checkpoints"),
    // "short" in the path: t2s reads 450 text bytes per row, as upstream's T2SDataset decides.
    dataset: join(out, "dataset-short"),
    sing: join(out, "sing"),
  };
}
