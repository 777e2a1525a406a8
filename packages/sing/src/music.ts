import { type AcousticCodec, type AudioData, type Tokens, applyPattern, audioDuration, prepareForCodec, resampleAudio } from "@autosing/audio-codec";

import { SingInputError } from "./errors.js";

/** Upstream's cap on music tokens: 2496 codec frames ≈ 30 s (`max_atok_len`). */
export const MAX_MUSIC_FRAMES = 2496;

/** The music conditioning of a run, from the instrumental. */
export interface MusicTokens {
  /** Dense codec tokens `[4, T]`. */
  readonly dense: Tokens;
  /** `bricks` pattern `[8][T/4 + 8]`: the music the t2s and sm2a encoders read (all mask under `tts`). */
  readonly bricks: number[][];
  /** `bricks_unrolled` pattern `[8][T + 32]` of the real music: its pad/mask codes are forced into the sm2a output. */
  readonly template: number[][];
  /** The instrumental at the codec rate, every channel: what the vocals are mixed over. */
  readonly instrumental: AudioData;
}

/** Rows of a `[rows, cols]` token tensor as plain arrays (the generators' input form). */
export function tokenRows(tokens: Tokens): number[][] {
  const [rows = 0, cols = 0] = tokens.shape;
  return Array.from({ length: rows }, (_, r) => Array.from(tokens.data.subarray(r * cols, (r + 1) * cols)));
}

/** Columns [0, frames) of a dense `[4, T]` tensor. */
function firstFrames(tokens: Tokens, frames: number): Tokens {
  const [rows = 0, cols = 0] = tokens.shape;
  const data = new Int32Array(rows * frames);
  for (let r = 0; r < rows; r++) data.set(tokens.data.subarray(r * cols, r * cols + frames), r * frames);
  return { data, shape: [rows, frames] };
}

/**
 * Encodes the first `frames` codec frames of `audio`: first channel at the codec rate, cut to
 * the encoder's multiple that covers them (nothing beyond is encoded), encoded, truncated.
 * `describe(needed, have)` names the file and what needed that much when the audio is too short.
 */
export async function encodeFrames(audio: AudioData, codec: AcousticCodec, frames: number, source: string, describe: (neededSeconds: number, haveSeconds: number) => string): Promise<Tokens> {
  const mono = await prepareForCodec(audio, codec, source);
  const samples = Math.ceil((frames * codec.hopLength) / codec.encodeMultiple) * codec.encodeMultiple;
  if (mono.length < samples) throw new SingInputError(source, describe(samples / codec.sampleRate, mono.length / codec.sampleRate));
  const dense = await codec.encode(mono.subarray(0, samples));
  return firstFrames(dense, frames);
}

/**
 * Port of autosing/sing.py (instrumental → mtoks → template): the instrumental from the start
 * time, codec-encoded and capped (upstream at 2496 frames, and its sm2a asserts the music
 * length equals `mtoks_len`, so exactly `frames` = (mtoks_len − 8)·4 are needed); `bricks` for
 * the encoders and `bricks_unrolled` as the template. Under `tts` the encoders' music is all
 * mask codes while the template keeps the real music's pattern (upstream masks after the template).
 */
export async function encodeMusic(instrumental: AudioData, codec: AcousticCodec, frames: number, options: { source: string; startTime: number; tts: boolean }): Promise<MusicTokens> {
  const dense = await encodeFrames(
    instrumental,
    codec,
    frames,
    options.source,
    (needed, have) =>
      `the instrumental from --start-time ${options.startTime} s is ${have.toFixed(2)} s long, but the sm2a model needs ${needed.toFixed(2)} s of music (${frames} codec frames; upstream: 30 s) — use a longer reference or an earlier --start-time`,
  );
  const template = tokenRows(applyPattern("bricks_unrolled", dense, codec.numCodes));
  const encoderMusic = options.tts ? { data: new Int32Array(dense.data.length).fill(codec.numCodes), shape: dense.shape } : dense;
  const bricks = tokenRows(applyPattern("bricks", encoderMusic, codec.numCodes));
  const atCodecRate = await resampleAudio(instrumental, codec.sampleRate);
  if (audioDuration(atCodecRate) === 0) throw new SingInputError(options.source, "the instrumental is empty");
  return { dense, bricks, template, instrumental: atCodecRate };
}
