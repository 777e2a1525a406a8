import { readExportFolder, writeExportFolder } from "@autosing/nn";
import type { ExportLayout, SessionOptions } from "@autosing/nn";

import type { ArtistEmbedderCheckpoint } from "./checkpoint.js";
import { ArtistEmbedder } from "./embed.js";
import { ARTIST_EMBEDDER_MODEL } from "./model-definition.js";
import { exportArtistEmbedderOnnx } from "./onnx-export.js";

export const ARTIST_EMBEDDER_ONNX_FILE = "artist-embedder.onnx";
export const ARTIST_EMBEDDER_EXPORT_CONFIG_FILE = "artist-embedder-config.json";

/** The artist embedder's export folder: one embedding graph, then the JSON config. */
export const ARTIST_EMBEDDER_EXPORT_LAYOUT: ExportLayout<"embedder"> = {
  graphs: { embedder: ARTIST_EMBEDDER_ONNX_FILE },
  configFile: ARTIST_EMBEDDER_EXPORT_CONFIG_FILE,
};

/** Writes the embedding graph and a JSON config (upstream config + tunables) to `outDir`. */
export async function writeArtistEmbedderExport(checkpoint: ArtistEmbedderCheckpoint, outDir: string): Promise<string[]> {
  return writeExportFolder(ARTIST_EMBEDDER_MODEL, ARTIST_EMBEDDER_EXPORT_LAYOUT, outDir, checkpoint, () => ({
    embedder: exportArtistEmbedderOnnx(checkpoint.config, checkpoint.tunables, checkpoint.weights),
  }));
}

/** Opens an export directory written by writeArtistEmbedderExport. */
export async function openArtistEmbedderExport(dir: string, options: SessionOptions = {}): Promise<ArtistEmbedder> {
  const folder = await readExportFolder(ARTIST_EMBEDDER_MODEL, ARTIST_EMBEDDER_EXPORT_LAYOUT, dir);
  return ArtistEmbedder.create(folder.graphs.embedder, folder.config, folder.tunables, options);
}
