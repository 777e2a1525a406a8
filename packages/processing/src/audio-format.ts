import { type AudioData, type EncodeFormat, encodeAudio } from "@autosing/audio-codec";

/**
 * Encodings the steps write audio in. Upstream writes opus chunks and mp3 stems; there is no
 * opus encoder on npm that runs without native code, so the default is FLAC (lossless, level 0:
 * the fastest, and stems of synthetic songs still sum to the mix exactly).
 */
export type StepAudioFormat = "flac" | "wav" | "mp3" | "ogg-vorbis";
export const STEP_AUDIO_FORMATS: readonly StepAudioFormat[] = ["flac", "wav", "mp3", "ogg-vorbis"];
export const DEFAULT_STEP_AUDIO_FORMAT: StepAudioFormat = "flac";

/** Encodes step output audio in `format`. */
export function encodeStepAudio(audio: AudioData, format: StepAudioFormat, source: string): Promise<Uint8Array> {
  const encodeFormat: EncodeFormat = format;
  return format === "flac" ? encodeAudio(audio, encodeFormat, { compression: 0, source }) : encodeAudio(audio, encodeFormat, { source });
}
