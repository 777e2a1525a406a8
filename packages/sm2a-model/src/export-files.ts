import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { SessionOptions } from "@autosing/nn";

import type { SM2ACheckpoint } from "./checkpoint.js";
import { parseSM2AConfig, parseSM2ATunables } from "./checkpoint.js";
import { SM2AModelError } from "./errors.js";
import { SM2AGenerator } from "./generate.js";
import type { SM2AExportOptions } from "./onnx-export.js";
import { exportSM2AOnnx } from "./onnx-export.js";

export const SM2A_ENCODER_FILE = "sm2a-encoder.onnx";
export const SM2A_DECODER_FILE = "sm2a-decoder.onnx";
export const SM2A_EXPORT_CONFIG_FILE = "sm2a-config.json";

/** Writes the two ONNX graphs and a JSON config (upstream config + tunables) to `outDir`. */
export async function writeSM2AExport(checkpoint: SM2ACheckpoint, outDir: string, options: SM2AExportOptions = {}): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const models = exportSM2AOnnx(checkpoint.config, checkpoint.tunables, checkpoint.weights, options);
  const files = [join(outDir, SM2A_ENCODER_FILE), join(outDir, SM2A_DECODER_FILE), join(outDir, SM2A_EXPORT_CONFIG_FILE)];
  await writeFile(files[0] ?? "", models.encoder);
  await writeFile(files[1] ?? "", models.decoder);
  await writeFile(files[2] ?? "", `${JSON.stringify({ model: "sm2a", config: checkpoint.config, tunables: checkpoint.tunables, onnx: { encoder: SM2A_ENCODER_FILE, decoder: SM2A_DECODER_FILE } }, null, 2)}\n`);
  return files;
}

export async function openSM2AExport(dir: string, options: SessionOptions = {}): Promise<SM2AGenerator> {
  let raw: { config?: Record<string, unknown>; tunables?: Record<string, unknown> };
  try {
    raw = JSON.parse(await readFile(join(dir, SM2A_EXPORT_CONFIG_FILE), "utf8")) as typeof raw;
  } catch (error) {
    throw new SM2AModelError(`${join(dir, SM2A_EXPORT_CONFIG_FILE)}: cannot read the export config (${(error as Error).message})`);
  }
  return SM2AGenerator.create({ encoder: join(dir, SM2A_ENCODER_FILE), decoder: join(dir, SM2A_DECODER_FILE) }, parseSM2AConfig(raw.config ?? {}), parseSM2ATunables(raw.tunables ?? {}), options);
}
