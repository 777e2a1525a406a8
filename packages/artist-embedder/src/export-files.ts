import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { SessionOptions } from "@autosing/nn";

import type { ArtistEmbedderCheckpoint } from "./checkpoint.js";
import { parseArtistEmbedderConfig, parseArtistEmbedderTunables } from "./checkpoint.js";
import { ArtistEmbedder } from "./embed.js";
import { ArtistEmbedderError } from "./errors.js";
import { exportArtistEmbedderOnnx } from "./onnx-export.js";

export const ARTIST_EMBEDDER_ONNX_FILE = "artist-embedder.onnx";
export const ARTIST_EMBEDDER_EXPORT_CONFIG_FILE = "artist-embedder-config.json";

/** Writes the embedding graph and a JSON config (upstream config + tunables) to `outDir`. */
export async function writeArtistEmbedderExport(checkpoint: ArtistEmbedderCheckpoint, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files = [join(outDir, ARTIST_EMBEDDER_ONNX_FILE), join(outDir, ARTIST_EMBEDDER_EXPORT_CONFIG_FILE)];
  await writeFile(files[0] ?? "", exportArtistEmbedderOnnx(checkpoint.config, checkpoint.tunables, checkpoint.weights));
  await writeFile(files[1] ?? "", `${JSON.stringify({ model: "artist_emb", config: checkpoint.config, tunables: checkpoint.tunables, onnx: { embedder: ARTIST_EMBEDDER_ONNX_FILE } }, null, 2)}\n`);
  return files;
}

/** Opens an export directory written by writeArtistEmbedderExport. */
export async function openArtistEmbedderExport(dir: string, options: SessionOptions = {}): Promise<ArtistEmbedder> {
  const configPath = join(dir, ARTIST_EMBEDDER_EXPORT_CONFIG_FILE);
  let raw: { config?: Record<string, unknown>; tunables?: Record<string, unknown> };
  try {
    raw = JSON.parse(await readFile(configPath, "utf8")) as typeof raw;
  } catch (error) {
    throw new ArtistEmbedderError(`${configPath}: cannot read the export config (${(error as Error).message})`);
  }
  return ArtistEmbedder.create(join(dir, ARTIST_EMBEDDER_ONNX_FILE), parseArtistEmbedderConfig(raw.config ?? {}), parseArtistEmbedderTunables(raw.tunables ?? {}), options);
}
