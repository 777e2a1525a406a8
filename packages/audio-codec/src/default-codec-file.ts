/** The default codec's file formats: JSON with base64 codebooks, or safetensors with the config in its metadata. */
import { readSafetensors, writeSafetensors } from "@autosing/safetensors";

import { SNAC_32KHZ } from "./codec.js";
import { type DefaultCodecConfig, type DefaultCodecModel, DEFAULT_CODEC_CONFIG, checkDefaultCodecModel } from "./default-codec-model.js";
import { CodecLoadError } from "./errors.js";

const FILE_FORMAT = "autosing.default-codec";
const FILE_VERSION = 1;

function toBase64(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}

function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4));
}

/** Serialises a fitted codec as JSON (codebooks as base64 little-endian float32) or safetensors. */
export async function serializeDefaultCodec(model: DefaultCodecModel, format: "json" | "safetensors"): Promise<Uint8Array> {
  checkDefaultCodecModel(model, "default codec");
  if (format === "json") {
    const body = {
      format: FILE_FORMAT,
      version: FILE_VERSION,
      config: model.config,
      codebooks: model.codebooks.map((book) => ({ shape: [model.config.codebookSize, model.config.nMels], float32Base64: toBase64(book) })),
    };
    return new TextEncoder().encode(JSON.stringify(body));
  }
  const tensors = new Map(model.codebooks.map((book, i) => [`codebooks.${i}`, { shape: [model.config.codebookSize, model.config.nMels], data: book }]));
  return writeSafetensors(tensors, { format: FILE_FORMAT, version: String(FILE_VERSION), config: JSON.stringify(model.config) });
}

function parseConfig(value: unknown, source: string): DefaultCodecConfig {
  if (typeof value !== "object" || value === null) throw new CodecLoadError(source, "config is missing");
  const config = { ...DEFAULT_CODEC_CONFIG, ...(value as Partial<DefaultCodecConfig>) };
  for (const key of ["sampleRate", "hopLength", "nFft", "nMels", "codebookSize", "griffinLimIterations"] as const) {
    if (!(Number.isInteger(config[key]) && config[key] > 0)) throw new CodecLoadError(source, `config.${key} = ${String(config[key])} is not a positive integer`);
  }
  if (config.sampleRate !== SNAC_32KHZ.sampleRate || config.hopLength !== SNAC_32KHZ.hopLength) {
    throw new CodecLoadError(source, `config has ${config.sampleRate} Hz / hop ${config.hopLength}; the token layout needs SNAC's 32000 Hz / hop 384`);
  }
  return config;
}

/** Reads a codec written by `serializeDefaultCodec` (JSON or safetensors, detected from the bytes). */
export async function parseDefaultCodec(bytes: Uint8Array, source = "codec file"): Promise<DefaultCodecModel> {
  if (bytes.length === 0) throw new CodecLoadError(source, "file is empty");
  let model: DefaultCodecModel;
  if (bytes[0] === 0x7b /* "{" */) {
    let body: { format?: unknown; version?: unknown; config?: unknown; codebooks?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(bytes)) as typeof body;
    } catch (error) {
      throw new CodecLoadError(source, `not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (body.format !== FILE_FORMAT) throw new CodecLoadError(source, `format is ${JSON.stringify(body.format)}, expected "${FILE_FORMAT}"`);
    if (body.version !== FILE_VERSION) throw new CodecLoadError(source, `version ${String(body.version)} is not supported (expected ${FILE_VERSION})`);
    const config = parseConfig(body.config, source);
    if (!Array.isArray(body.codebooks)) throw new CodecLoadError(source, "codebooks is not an array");
    const codebooks = (body.codebooks as { float32Base64?: unknown }[]).map((entry, i) => {
      if (typeof entry.float32Base64 !== "string") throw new CodecLoadError(source, `codebooks[${i}].float32Base64 is missing`);
      return fromBase64(entry.float32Base64);
    });
    model = { config, codebooks };
  } else {
    let contents;
    try {
      contents = readSafetensors(bytes, source);
    } catch (error) {
      throw new CodecLoadError(source, `neither JSON nor a readable safetensors file: ${(error as Error).message}`, { cause: error });
    }
    if (contents.metadata.format !== FILE_FORMAT) throw new CodecLoadError(source, `safetensors metadata format is ${JSON.stringify(contents.metadata.format)}, expected "${FILE_FORMAT}"`);
    let rawConfig: unknown;
    try {
      rawConfig = JSON.parse(contents.metadata.config ?? "null");
    } catch (error) {
      throw new CodecLoadError(source, "metadata.config is not JSON", { cause: error });
    }
    const config = parseConfig(rawConfig, source);
    const codebooks = [0, 1, 2, 3].map((i) => {
      const tensor = contents.tensors.get(`codebooks.${i}`);
      if (tensor === undefined) throw new CodecLoadError(source, `tensor codebooks.${i} is missing`);
      return tensor.data;
    });
    model = { config, codebooks };
  }
  checkDefaultCodecModel(model, source);
  return model;
}
