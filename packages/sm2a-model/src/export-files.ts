import { readExportFolder, writeExportFolder } from "@autosing/nn";
import type { ExportLayout, SessionOptions } from "@autosing/nn";

import type { SM2ACheckpoint } from "./checkpoint.js";
import { SM2AGenerator } from "./generate.js";
import { SM2A_MODEL } from "./model-definition.js";
import type { SM2AExportOptions } from "./onnx-export.js";
import { exportSM2AOnnx } from "./onnx-export.js";

export const SM2A_ENCODER_FILE = "sm2a-encoder.onnx";
export const SM2A_DECODER_FILE = "sm2a-decoder.onnx";
export const SM2A_EXPORT_CONFIG_FILE = "sm2a-config.json";

/** The sm2a export folder: encoder and decoder graphs, then the JSON config. */
export const SM2A_EXPORT_LAYOUT: ExportLayout<"encoder" | "decoder"> = {
  graphs: { encoder: SM2A_ENCODER_FILE, decoder: SM2A_DECODER_FILE },
  configFile: SM2A_EXPORT_CONFIG_FILE,
};

/** Writes the two ONNX graphs and a JSON config (upstream config + tunables) to `outDir`. */
export async function writeSM2AExport(checkpoint: SM2ACheckpoint, outDir: string, options: SM2AExportOptions = {}): Promise<string[]> {
  return writeExportFolder(SM2A_MODEL, SM2A_EXPORT_LAYOUT, outDir, checkpoint, () => exportSM2AOnnx(checkpoint.config, checkpoint.tunables, checkpoint.weights, options));
}

/** Opens a generator over a directory written by `writeSM2AExport` (or `autosing export`). */
export async function openSM2AExport(dir: string, options: SessionOptions = {}): Promise<SM2AGenerator> {
  const folder = await readExportFolder(SM2A_MODEL, SM2A_EXPORT_LAYOUT, dir);
  return SM2AGenerator.create(folder.graphs, folder.config, folder.tunables, options);
}
