import type { AudioData } from "./audio.js";
import { firstChannel, validateAudio } from "./audio.js";
import { CodecLoadError, EmptyAudioError, TokenShapeError } from "./errors.js";
import { resample } from "./resample.js";
import type { Tokens } from "./tokens.js";
import { assertTokenRange } from "./tokens.js";

/**
 * The acoustic codec contract (port of autosing/codecs.py: Codec). Every codec produces SNAC's
 * dense layout, so downstream packages work with any of them.
 */
export interface AcousticCodec {
  /** e.g. "snac_32khz" (SNAC ONNX) or "default" (the embedded mel-RVQ codec). */
  readonly name: string;
  /** Sample rate `encode` expects and `decode` returns. */
  readonly sampleRate: number;
  /** Finest-level frames per second (32000 / 384 ≈ 83.3 for SNAC 32 kHz). */
  readonly frameRate: number;
  /** Token levels (4). */
  readonly quantizers: number;
  /** Codes per level (4096); pad/mask codes in delay patterns are numCodes and numCodes + 1. */
  readonly numCodes: number;
  /**
   * Codes per level that have a sound of their own (≤ numCodes): the default codec fitted with
   * fewer centroids decodes code c as c mod codebookSize, so a tokens file with a larger code was
   * not written by this codec. Absent means numCodes.
   */
  readonly codebookSize?: number;
  /** T of a dense tensor is a multiple of this (8: the coarsest level's stride). */
  readonly alignment: number;
  /** Samples per finest frame (384). */
  readonly hopLength: number;
  /**
   * Mono audio at `sampleRate` → dense tokens `[quantizers, T]`. The input is first truncated
   * to a multiple of `encodeMultiple` samples, as upstream does.
   */
  encode(mono: Float32Array): Promise<Tokens>;
  /** Dense `[quantizers, T]` → mono audio; level i is truncated to a multiple of 12·2^i codes first. */
  decode(tokens: Tokens): Promise<Float32Array>;
  /** Input length multiple for `encode` (12288 = 384 · lcm(8, 32) for SNAC 32 kHz). */
  readonly encodeMultiple: number;
  /** Releases native resources (ONNX sessions); the codec is unusable afterwards. */
  dispose(): Promise<void>;
}

/** SNAC 32 kHz constants (DESIGN.md §4). */
export const SNAC_32KHZ = {
  sampleRate: 32000,
  hopLength: 384,
  vqStrides: [8, 4, 2, 1] as const,
  attentionWindow: 32,
  numCodes: 4096,
  quantizers: 4,
  alignment: 8,
  /** hop · lcm(vq_strides[0], attn_window_size) = 384 · 32. */
  encodeMultiple: 12288,
} as const;

/**
 * Port of autosing/codecs.py encode's length rule: keep floor(n / multiple) · multiple samples.
 * Throws `EmptyAudioError` when that leaves nothing.
 */
export function truncateForEncode(mono: Float32Array, multiple: number, source = "audio"): Float32Array {
  const n = Math.floor(mono.length / multiple) * multiple;
  if (n === 0) {
    throw new EmptyAudioError(source, `${mono.length} samples is shorter than one encoder block of ${multiple} samples`);
  }
  return mono.subarray(0, n);
}

/** Checks a dense token tensor against a codec: shape `[quantizers, T]` and values in [0, numCodes). */
export function validateDenseTokens(tokens: Tokens, codec: Pick<AcousticCodec, "quantizers" | "numCodes" | "name">): void {
  const { shape } = tokens;
  if (shape.length !== 2 || shape[0] !== codec.quantizers) {
    throw new TokenShapeError(`${codec.name}.decode`, shape, `must be [${codec.quantizers}, T]`);
  }
  if (shape[0]! * shape[1]! !== tokens.data.length) throw new TokenShapeError(`${codec.name}.decode`, shape, `does not match ${tokens.data.length} values`);
  assertTokenRange(tokens, codec.numCodes, `${codec.name}.decode`);
}

/**
 * What upstream does before `codec.encode`: take the first channel (`[:1]`) and resample it to
 * the codec's rate.
 */
export async function prepareForCodec(audio: AudioData, codec: Pick<AcousticCodec, "sampleRate">, source = "audio"): Promise<Float32Array> {
  validateAudio(audio, source);
  return resample(firstChannel(audio, source), audio.sampleRate, codec.sampleRate);
}

/**
 * AutoSing's layouts past the codec (atoks tables, the flattened 15-row layout, the bricks delay
 * patterns, sm2a/t2s music streams) are built on SNAC 32 kHz's 4 levels. Steps that use them call
 * this first, so a 3-level codec (SNAC 24 kHz, fine for `codec encode/decode`) is refused with
 * a clear message instead of failing deep inside a layout.
 */
export function assertFourLevelCodec(codec: Pick<AcousticCodec, "name" | "quantizers">, operation: string): void {
  if (codec.quantizers !== 4) {
    throw new CodecLoadError(
      codec.name,
      `${operation} needs a codec with 4 levels (AutoSing's token layouts are SNAC 32 kHz's), but this one has ${codec.quantizers}; use SNAC 32 kHz (or 44 kHz) here — a ${codec.quantizers}-level codec works with \`autosing codec encode/decode\` only`,
    );
  }
}
