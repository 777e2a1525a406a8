import { type AcousticCodec, CodecSpecError, loadCodec } from "@autosing/audio-codec";

import { FlagError } from "./flag-error.js";

/**
 * Opens the codec a `--codec` flag names. A spec that names no codec is the flag's typo, so the
 * message names the flag (a usage error); a file that cannot be read or a codec that does not
 * load keep the library's error (file-system and model rows of the exit-code table).
 */
export async function loadCodecFlag(command: string, spec: string, options: { threads?: number } = {}): Promise<AcousticCodec> {
  try {
    return await loadCodec(spec, options);
  } catch (error) {
    if (CodecSpecError.isInstance(error)) throw new FlagError(`autosing ${command}: --codec ${error.message}`);
    throw error;
  }
}
