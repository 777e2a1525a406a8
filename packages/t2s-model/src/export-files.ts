import { readExportFolder, writeExportFolder } from "@autosing/nn";
import type { ExportLayout, SessionOptions } from "@autosing/nn";

import type { T2SCheckpoint } from "./checkpoint.js";
import { T2SGenerator } from "./generate.js";
import { T2S_MODEL } from "./model-definition.js";
import type { T2SExportOptions } from "./onnx-export.js";
import { exportT2SOnnx, T2S_ONNX_NAMES } from "./onnx-export.js";

export const T2S_ENCODER_FILE = "t2s-encoder.onnx";
export const T2S_DECODER_FILE = "t2s-decoder.onnx";
export const T2S_EXPORT_CONFIG_FILE = "t2s-config.json";

/** The t2s export folder: encoder and decoder graphs, then the JSON config. */
export const T2S_EXPORT_LAYOUT: ExportLayout<"encoder" | "decoder"> = {
  graphs: { encoder: T2S_ENCODER_FILE, decoder: T2S_DECODER_FILE },
  configFile: T2S_EXPORT_CONFIG_FILE,
};

/** Tensor names recorded in the export config, for readers other than T2SGenerator. */
const T2S_EXPORT_NAMES = {
  encoder: T2S_ONNX_NAMES.encoder,
  decoder: T2S_ONNX_NAMES.decoder,
  perLayer: ["cross.{i}.text.key", "cross.{i}.text.value", "cross.{i}.music.key", "cross.{i}.music.value", "past_key_values.{i}.key", "past_key_values.{i}.value", "present.{i}.key", "present.{i}.value"],
};

/** Writes the two ONNX graphs and a JSON config (upstream config + tunables + tensor names) to `outDir`. */
export async function writeT2SExport(checkpoint: T2SCheckpoint, outDir: string, options: T2SExportOptions = {}): Promise<string[]> {
  return writeExportFolder(T2S_MODEL, T2S_EXPORT_LAYOUT, outDir, checkpoint, () => exportT2SOnnx(checkpoint.config, checkpoint.tunables, checkpoint.weights, options), {
    names: T2S_EXPORT_NAMES,
  });
}

/** Opens a generator over a directory written by `writeT2SExport` (or `autosing export`). */
export async function openT2SExport(dir: string, options: SessionOptions = {}): Promise<T2SGenerator> {
  const folder = await readExportFolder(T2S_MODEL, T2S_EXPORT_LAYOUT, dir);
  return T2SGenerator.create(folder.graphs, folder.config, folder.tunables, options);
}
