import { readFile } from "node:fs/promises";

import type { AcousticCodec } from "./codec.js";
import { createDefaultCodec } from "./default-codec.js";
import { parseDefaultCodec } from "./default-codec-file.js";
import { CodecFileError, CodecSpecError } from "./errors.js";
import { loadSnacOnnxCodec } from "./snac-onnx.js";

/**
 * Opens a codec from a spec string: `default:<codec.json|codec.safetensors>` (the embedded
 * mel-RVQ codec fitted with `autosing codec fit`) or `snac:<dir>` (SNAC 32 kHz ONNX files).
 */
export async function loadCodec(spec: string, options: { threads?: number } = {}): Promise<AcousticCodec> {
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
  if (kind === "snac") return loadSnacOnnxCodec(target, options.threads === undefined ? {} : { threads: options.threads });
  throw new CodecSpecError(spec, `unknown codec kind "${kind}" (expected "default" or "snac")`);
}
