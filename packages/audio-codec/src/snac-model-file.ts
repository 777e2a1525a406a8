import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { CodecFileError, CodecLoadError } from "./errors.js";

/**
 * `snac.json` beside the ONNX files (written by `autosing import snac`): the sizes of a SNAC model
 * other than 32 kHz. Without it a directory is SNAC 32 kHz.
 */
export interface SnacModelFile {
  readonly kind?: "snac";
  readonly sampleRate: number;
  readonly hopLength: number;
  readonly vqStrides: readonly number[];
  readonly attentionWindow: number | null;
  readonly codebookSize: number;
  readonly encodeMultiple: number;
}

function positiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/** Reads and checks `snac.json`; the dense layout needs vq_strides 2^(k−1), …, 2, 1. */
export function parseSnacModelFile(text: string, source: string): SnacModelFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CodecLoadError(source, `is not JSON (${(error as Error).message}); rerun autosing import snac`);
  }
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  for (const key of ["sampleRate", "hopLength", "codebookSize", "encodeMultiple"] as const) {
    if (!positiveInteger(v[key])) throw new CodecLoadError(source, `${key} must be a positive integer (got ${JSON.stringify(v[key])})`);
  }
  const strides = v.vqStrides;
  if (!Array.isArray(strides) || strides.length === 0 || strides.some((s, i) => s !== 2 ** (strides.length - 1 - i))) {
    throw new CodecLoadError(source, `vqStrides ${JSON.stringify(strides)} cannot use the dense token layout (it needs 2^(k−1), …, 4, 2, 1, as every published SNAC has)`);
  }
  if (v.attentionWindow !== null && !positiveInteger(v.attentionWindow)) throw new CodecLoadError(source, `attentionWindow must be a positive integer or null (got ${JSON.stringify(v.attentionWindow)})`);
  return v as unknown as SnacModelFile;
}

/** Reads `<dir>/snac.json` when it exists. */
export async function readSnacModelFile(dir: string): Promise<SnacModelFile | undefined> {
  const path = join(dir, "snac.json");
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CodecFileError(path, `cannot be read (${(error as Error).message})`, { cause: error });
  }
  return parseSnacModelFile(text, path);
}

