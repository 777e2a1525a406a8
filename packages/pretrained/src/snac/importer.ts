import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import type { SnacModelFile } from "@autosing/audio-codec";
import { writeFileAtomic } from "@autosing/base";
import type { OnnxWrittenModel } from "@autosing/onnx";

import { PretrainedSourceError } from "../errors.js";
import type { ImportContext, ImportedModel, ModelImporter } from "../importer.js";
import { openUpstreamFile } from "../upstream-file.js";
import type { SnacShape } from "./config.js";
import { parseSnacConfig } from "./config.js";
import { emitSnacDecoder, emitSnacEncoder } from "./graphs.js";
import { snacTensorSpecs } from "./layout.js";
import { SnacWeights } from "./weights.js";

/** Weights files a SNAC directory may hold, in the order they are looked for (upstream downloads the first). */
export const SNAC_WEIGHT_FILES = ["pytorch_model.bin", "model.safetensors"] as const;

/** Initializers of at least this many bytes go to `<graph>.onnx.data` (ONNX external data). */
const EXTERNAL_DATA_THRESHOLD = 16 * 1024;

/**
 * What `snac.json` beside the graphs says: the adapter's `SnacModelFile` (sample rate, hop,
 * vq_strides, attention window, codebook size, encode multiple) plus the decoder's hop and
 * whether it has noise blocks — the sizes the codec wrapper needs that the ONNX files do not show.
 */
export interface SnacModelFacts extends SnacModelFile {
  readonly kind: "snac";
  /** Samples the decoder makes per finest code (prod(decoder_rates)). */
  readonly decoderHopLength: number;
  /** Whether the decoder has noise blocks (and so a noise_scale input). */
  readonly noise: boolean;
}

export function snacModelFacts(shape: SnacShape): SnacModelFacts {
  const { config } = shape;
  return {
    kind: "snac",
    sampleRate: config.sampling_rate,
    hopLength: shape.hop,
    decoderHopLength: shape.decoderHop,
    vqStrides: [...config.vq_strides],
    attentionWindow: config.attn_window_size,
    codebookSize: config.codebook_size,
    encodeMultiple: shape.encodeMultiple,
    noise: config.noise,
  };
}

async function readConfig(path: string): Promise<SnacShape> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PretrainedSourceError(path, `cannot be read (${(error as Error).message}); a SNAC directory holds config.json and ${SNAC_WEIGHT_FILES.join(" or ")}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PretrainedSourceError(path, `is not JSON (${(error as Error).message})`);
  }
  return parseSnacConfig(value, path);
}

/** The SNAC networks of a directory, checked and ready to emit (the weights file stays open until `close`). */
export interface OpenedSnac {
  readonly shape: SnacShape;
  readonly weights: SnacWeights;
  readonly weightsPath: string;
  close(): void;
}

/** Reads `config.json` and the weights of a SNAC directory and checks them against each other; writes nothing. */
export async function openSnacDirectory(dir: string): Promise<OpenedSnac> {
  const configPath = join(dir, "config.json");
  const shape = await readConfig(configPath);
  const weightsPath = SNAC_WEIGHT_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (weightsPath === undefined) throw new PretrainedSourceError(dir, `holds no SNAC weights (looked for ${SNAC_WEIGHT_FILES.join(", ")})`);
  const file = await openUpstreamFile(weightsPath);
  try {
    const weights = new SnacWeights(file.tensors, snacTensorSpecs(shape), weightsPath, configPath);
    return { shape, weights, weightsPath, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}

function relativeFiles(role: string, written: OnnxWrittenModel, name: string): Record<string, string> {
  return written.dataPath === undefined ? { [role]: name } : { [role]: name, [`${role}Data`]: `${name}.data` };
}

/**
 * `autosing import snac <dir>`: hubertsiuzdak/snac_32khz (or the 24 / 44 kHz models) from
 * `config.json` + `pytorch_model.bin` (or `model.safetensors`) to `encoder.onnx` and
 * `decoder.onnx` of the SNAC contract (DESIGN.md §5; weights past 16 KB in `<graph>.onnx.data`)
 * and `snac.json`, built with autosing's own ONNX emitter. Use the result with `--codec snac:<dir>`.
 */
export const SNAC_IMPORTER: ModelImporter = {
  kind: "snac",
  summary: "SNAC neural audio codec (hubertsiuzdak/snac_32khz; the 24 and 44 kHz models too) → encoder/decoder ONNX for --codec snac:<dir>",
  sources: "<dir with config.json + pytorch_model.bin (or model.safetensors)>",
  options: [],
  async run(sources: readonly string[], _options, context: ImportContext): Promise<ImportedModel> {
    if (sources.length !== 1) throw new PretrainedSourceError(sources.join(" ") || "(no source)", `snac takes one directory (config.json + ${SNAC_WEIGHT_FILES.join(" or ")}), got ${sources.length} sources`);
    const dir = sources[0]!;
    const snac = await openSnacDirectory(dir);
    try {
      const facts = snacModelFacts(snac.shape);
      context.log(`snac: ${snac.weightsPath}: ${facts.sampleRate} Hz, ${facts.vqStrides.length} levels (strides ${facts.vqStrides.join(", ")}), hop ${facts.hopLength}, ${snac.weights.keys.length} tensors checked`);
      const options = { externalData: { thresholdBytes: EXTERNAL_DATA_THRESHOLD }, producerName: "@autosing/pretrained" };
      const encoder = await emitSnacEncoder(snac.shape, snac.weights).graph.writeModel(join(context.outputDir, "encoder.onnx"), options);
      context.log(`snac: wrote encoder.onnx (${((encoder.modelBytes + encoder.dataBytes) / 1e6).toFixed(1)} MB)`);
      const decoder = await emitSnacDecoder(snac.shape, snac.weights).graph.writeModel(join(context.outputDir, "decoder.onnx"), options);
      context.log(`snac: wrote decoder.onnx (${((decoder.modelBytes + decoder.dataBytes) / 1e6).toFixed(1)} MB)`);
      await writeFileAtomic(join(context.outputDir, "snac.json"), `${JSON.stringify(facts, null, 2)}\n`);
      return {
        files: { ...relativeFiles("encoder", encoder, "encoder.onnx"), ...relativeFiles("decoder", decoder, "decoder.onnx"), facts: "snac.json" },
        details: { ...facts },
      };
    } finally {
      snac.close();
    }
  },
};
