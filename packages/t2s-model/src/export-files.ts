import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { SessionOptions } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { T2SModelError } from "./errors.js";
import { T2SGenerator } from "./generate.js";
import type { T2SExportOptions } from "./onnx-export.js";
import { exportT2SOnnx, T2S_ONNX_NAMES } from "./onnx-export.js";
import type { T2SCheckpoint } from "./checkpoint.js";
import { parseT2SConfig, parseT2STunables } from "./checkpoint.js";

export const T2S_ENCODER_FILE = "t2s-encoder.onnx";
export const T2S_DECODER_FILE = "t2s-decoder.onnx";
export const T2S_EXPORT_CONFIG_FILE = "t2s-config.json";

/** Writes the two ONNX graphs and a JSON config (upstream config + tunables + tensor names) to `outDir`. */
export async function writeT2SExport(checkpoint: T2SCheckpoint, outDir: string, options: T2SExportOptions = {}): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const models = exportT2SOnnx(checkpoint.config, checkpoint.tunables, checkpoint.weights, options);
  const files = [join(outDir, T2S_ENCODER_FILE), join(outDir, T2S_DECODER_FILE), join(outDir, T2S_EXPORT_CONFIG_FILE)];
  await writeFile(files[0] ?? "", models.encoder);
  await writeFile(files[1] ?? "", models.decoder);
  const names = {
    encoder: T2S_ONNX_NAMES.encoder,
    decoder: T2S_ONNX_NAMES.decoder,
    perLayer: ["cross.{i}.text.key", "cross.{i}.text.value", "cross.{i}.music.key", "cross.{i}.music.value", "past_key_values.{i}.key", "past_key_values.{i}.value", "present.{i}.key", "present.{i}.value"],
  };
  await writeFile(files[2] ?? "", `${JSON.stringify({ model: "t2s", config: checkpoint.config, tunables: checkpoint.tunables, onnx: { encoder: T2S_ENCODER_FILE, decoder: T2S_DECODER_FILE, names } }, null, 2)}\n`);
  return files;
}

/** Opens a generator over a directory written by `writeT2SExport` (or `autosing export`). */
export async function openT2SExport(dir: string, options: SessionOptions = {}): Promise<T2SGenerator> {
  let raw: { model?: unknown; config?: Record<string, unknown>; tunables?: Record<string, unknown> };
  try {
    raw = JSON.parse(await readFile(join(dir, T2S_EXPORT_CONFIG_FILE), "utf8")) as typeof raw;
  } catch (error) {
    throw new T2SModelError(`${join(dir, T2S_EXPORT_CONFIG_FILE)}: cannot read the export config (${(error as Error).message})`);
  }
  const config: T2SConfig = parseT2SConfig(raw.config ?? {});
  const tunables: T2STunables = parseT2STunables(raw.tunables ?? {});
  return T2SGenerator.create({ encoder: join(dir, T2S_ENCODER_FILE), decoder: join(dir, T2S_DECODER_FILE) }, config, tunables, options);
}
