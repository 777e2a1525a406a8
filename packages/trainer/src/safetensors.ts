import { readFile } from "node:fs/promises";

import { type HostTensor, NnError, decodeSafetensors } from "@autosing/nn";

import { CheckpointError } from "./errors.js";

// The safetensors codec itself lives in @autosing/nn (one implementation for weights and
// training state); this module adds the file handling checkpoints need (writes go through
// @autosing/base's writeFileAtomic).

/** Reads and decodes a safetensors file; any failure is a CheckpointError naming the file. */
export async function readSafetensorsFile(path: string): Promise<{ tensors: Map<string, HostTensor>; metadata: Record<string, string> }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(path, `cannot be read (${(error as Error).message})`);
  }
  try {
    return decodeSafetensors(bytes, path);
  } catch (error) {
    if (NnError.isInstance(error)) throw new CheckpointError(path, error.message);
    throw error;
  }
}
