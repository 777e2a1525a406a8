import { WHISPER_N_MELS, whisperLogMel } from "@autosing/audio-codec";

/** Whisper's encoder always sees 3000 frames (30 s). */
export const WHISPER_INPUT_FRAMES = 3000;
/** The value WhisperSpeech pads log-mel frames with (in normalised units: silence). */
export const WHISPER_MEL_PAD_VALUE = -1.5;

export interface WhisperInput {
  /** `[80, 3000]` row-major log-mel, padded with -1.5 after the audio's own frames. */
  mel: Float32Array;
  /** Frames computed from the audio (`floor(samples / 160)`), before padding. */
  validFrames: number;
}

/**
 * Port of WhisperSpeech vq_stoks.py: encode_audio / encode_mel's input side — Whisper log-mel
 * of the audio as it is (no zero padding to 30 s, so the max−8 clamp sees only real audio),
 * then padded to 3000 frames with -1.5.
 */
export function whisperEncoderInput(audio16k: Float32Array): WhisperInput {
  const logMel = whisperLogMel(audio16k);
  const validFrames = Math.min(logMel.nFrames, WHISPER_INPUT_FRAMES);
  const mel = new Float32Array(WHISPER_N_MELS * WHISPER_INPUT_FRAMES).fill(WHISPER_MEL_PAD_VALUE);
  for (let m = 0; m < WHISPER_N_MELS; m++) {
    mel.set(logMel.data.subarray(m * logMel.nFrames, m * logMel.nFrames + validFrames), m * WHISPER_INPUT_FRAMES);
  }
  return { mel, validFrames };
}
