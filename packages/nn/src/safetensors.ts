// The safetensors codec lives in @autosing/safetensors, below audio-codec (whose default codec is
// stored in it). nn keeps its API and its error family on top: a malformed file is nn's
// SafetensorsFormatError, an NnError, which checkpoint readers such as the trainer's expect.
import {
  SafetensorsFormatError as CodecFormatError,
  decodeSafetensors as decode,
  encodeSafetensors as encode,
  readSafetensors as read,
  writeSafetensors as write,
} from "@autosing/safetensors";

import { SafetensorsFormatError } from "./errors.js";

export type { HostTensor, NamedTensor, SafetensorsContents, StateDict } from "@autosing/safetensors";

/** `@autosing/safetensors`' `encodeSafetensors`, failing with nn's `SafetensorsFormatError`. */
export function encodeSafetensors(...args: Parameters<typeof encode>): ReturnType<typeof encode> {
  return withNnErrors(() => encode(...args));
}

/** `@autosing/safetensors`' `decodeSafetensors`, failing with nn's `SafetensorsFormatError`. */
export function decodeSafetensors(...args: Parameters<typeof decode>): ReturnType<typeof decode> {
  return withNnErrors(() => decode(...args));
}

/** `@autosing/safetensors`' `writeSafetensors` (float32 model weights), failing with nn's `SafetensorsFormatError`. */
export function writeSafetensors(...args: Parameters<typeof write>): ReturnType<typeof write> {
  return withNnErrors(() => write(...args));
}

/** `@autosing/safetensors`' `readSafetensors` (floating-point weights only), failing with nn's `SafetensorsFormatError`. */
export function readSafetensors(...args: Parameters<typeof read>): ReturnType<typeof read> {
  return withNnErrors(() => read(...args));
}

function withNnErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (CodecFormatError.isInstance(error)) throw new SafetensorsFormatError(error.source, error.detail);
    throw error;
  }
}
