import { readFile } from "node:fs/promises";

import type { AcousticCodec } from "./codec.js";
import { createDefaultCodec } from "./default-codec.js";
import { parseDefaultCodec } from "./default-codec-file.js";
import { CodecFileError, CodecSpecError } from "./errors.js";
import { loadSnacOnnxCodec } from "./snac-onnx.js";

export interface LoadCodecOptions {
  /** Intra-op threads of the codec's sessions. */
  threads?: number;
  /**
   * SNAC only: the decoder's noise_scale (graphs from `autosing import snac` have it). 1, the
   * default, is upstream's random noise; 0 makes decodes deterministic.
   */
  noiseScale?: number;
}

/**
 * Opens a codec from a spec string: `default:<codec.json|codec.safetensors>` (the embedded
 * mel-RVQ codec fitted with `autosing codec fit`) or `snac:<dir>` (SNAC ONNX files: 32 kHz, or
 * the model its `snac.json` describes, as `autosing import snac` writes it).
 */
export async function loadCodec(spec: string, options: LoadCodecOptions = {}): Promise<AcousticCodec> {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? "" : spec.slice(colon + 1);
  if (target === "") throw new CodecSpecError(spec, 'codec spec must be "default:<file>" or "snac:<dir>"');
  if (kind === "default") {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(target);
    } catch (error) {
      throw new CodecFileError(target, `cannot read the codec file (${(error as Error).message})`, { cause: error });
    }
    return createDefaultCodec(await parseDefaultCodec(bytes, target), target);
  }
  if (kind === "snac") {
    return loadSnacOnnxCodec(target, {
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.noiseScale === undefined ? {} : { noiseScale: options.noiseScale }),
    });
  }
  throw new CodecSpecError(spec, `unknown codec kind "${kind}" (expected "default" or "snac")`);
}
