import { ARTIST_EMBEDDER_MODEL, DEFAULT_ARTIST_EMBEDDER_CONFIG, writeArtistEmbedderExport } from "@autosing/artist-embedder";

import type { ModelImporter } from "../importer.js";
import { checkpointImporter } from "./checkpoint-importer.js";
import { otherKinds, telltale } from "./kinds.js";

/**
 * `autosing import artist-emb`: `artist_emb.model` (upstream `Embedder.save_model`) or a Lightning
 * `.ckpt` with `--config-from` → `checkpoint/` (`process artist_embs` and training read it) and
 * `export/` (the ONNX embedder `sing --artist-model` opens). The embedder has no size presets.
 */
export const ARTIST_EMB_IMPORTER: ModelImporter = checkpointImporter({
  kind: "artist-emb",
  summary: "AutoSing's artist embedder (Embedder artist_emb.model or Lightning .ckpt)",
  definition: ARTIST_EMBEDDER_MODEL,
  looksLike: telltale("artist-emb"),
  otherKinds: otherKinds("artist-emb"),
  sizes: [],
  sizeOf: (config) =>
    config.depth === DEFAULT_ARTIST_EMBEDDER_CONFIG.depth && config.n_head === DEFAULT_ARTIST_EMBEDDER_CONFIG.n_head && config.head_width === DEFAULT_ARTIST_EMBEDDER_CONFIG.head_width ? "default" : null,
  writeExport: (checkpoint, dir) => writeArtistEmbedderExport(checkpoint, dir),
});
