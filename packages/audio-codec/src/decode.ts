import { FLACDecoder } from "@wasm-audio-decoders/flac";
import { OggVorbisDecoder } from "@wasm-audio-decoders/ogg-vorbis";
import { MPEGDecoder } from "mpg123-decoder";
import { OggOpusDecoder } from "ogg-opus-decoder";

import type { AudioData } from "./audio.js";
import { validateAudio } from "./audio.js";
import { CorruptAudioError, EmptyAudioError, UnknownAudioFormatError } from "./errors.js";
import { splitFlacFrames } from "./flac-frames.js";
import { decodeWav } from "./wav.js";

/** Containers/codecs `decodeAudio` reads. */
export type AudioFormat = "wav" | "flac" | "mp3" | "ogg-vorbis" | "ogg-opus";

export interface DecodeOptions {
  /** Names the input in error messages (a file path, a dataset row id). */
  source?: string;
  /** Skip detection and decode as this format. */
  format?: AudioFormat;
  /** Accept audio with zero samples instead of throwing `EmptyAudioError`. */
  allowEmpty?: boolean;
}

function id3Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  // ID3v2 size is a 28-bit "syncsafe" integer (7 bits per byte) after a 10-byte header.
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  const footer = (bytes[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

function isMpegSync(bytes: Uint8Array, p: number): boolean {
  return p + 1 < bytes.length && bytes[p] === 0xff && (bytes[p + 1]! & 0xe0) === 0xe0 && (bytes[p + 1]! & 0x06) !== 0;
}

function hexMagic(bytes: Uint8Array): string {
  return (
    Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ") || "(empty)"
  );
}

/**
 * Detects the format from magic bytes: RIFF/WAVE, fLaC (optionally after ID3), OggS with a
 * Vorbis or OpusHead first packet, and MPEG audio (ID3 or a frame sync). Returns undefined
 * for anything else.
 */
export function detectAudioFormat(bytes: Uint8Array): AudioFormat | undefined {
  const text = (offset: number, length: number): string =>
    String.fromCharCode(...bytes.subarray(offset, offset + length));
  if (text(0, 4) === "RIFF" && text(8, 4) === "WAVE") return "wav";
  if (text(0, 4) === "OggS" && bytes.length > 27) {
    const segments = bytes[26]!;
    const payload = 27 + segments;
    if (text(payload, 8) === "OpusHead") return "ogg-opus";
    if (text(payload + 1, 6) === "vorbis") return "ogg-vorbis";
    if (text(payload + 1, 4) === "FLAC") return undefined; // Ogg FLAC: not supported by our decoders
    return undefined;
  }
  const skip = id3Length(bytes);
  if (text(skip, 4) === "fLaC") return "flac";
  if (isMpegSync(bytes, skip)) return "mp3";
  return undefined;
}

/** MPEG channel mode 3 is single-channel; mpg123 still returns two identical channels for it. */
function mpegIsMono(bytes: Uint8Array): boolean {
  const p = id3Length(bytes);
  return isMpegSync(bytes, p) && p + 3 < bytes.length && ((bytes[p + 3]! >> 6) & 3) === 3;
}

/** STREAMINFO total-samples field (36 bits), 0 when the encoder did not know it. */
function flacDeclaredSamples(bytes: Uint8Array): number {
  const p = id3Length(bytes) + 8; // "fLaC" + 4-byte metadata block header
  if (p + 18 > bytes.length) return 0;
  const high = bytes[p + 13]! & 0x0f;
  const low = ((bytes[p + 14]! << 24) >>> 0) + (bytes[p + 15]! << 16) + (bytes[p + 16]! << 8) + bytes[p + 17]!;
  return high * 2 ** 32 + low;
}

interface DecodedByLibrary {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  bitDepth?: number;
  errors: { message: string }[];
}

/**
 * @wasm-audio-decoders/flac scales integers by 1/(2^(b-1) - 1); torchaudio and soundfile (and
 * our WAV decoder) use 1/2^(b-1). Re-quantise so FLAC and WAV of the same PCM decode identically.
 */
function rescaleFlac(channel: Float32Array, bitDepth: number): void {
  const full = 2 ** (bitDepth - 1);
  for (let i = 0; i < channel.length; i++) channel[i] = Math.round(channel[i]! * (full - 1)) / full;
}

interface LibraryDecoder {
  ready: Promise<void>;
  reset: () => Promise<void>;
  free: () => void;
  decode(bytes: Uint8Array): DecodedByLibrary | Promise<DecodedByLibrary>;
}

const makers: Record<Exclude<AudioFormat, "wav">, () => LibraryDecoder> = {
  flac: () => {
    const d = new FLACDecoder();
    // Not d.decodeFile(b): its frame splitter (codec-parser 2.5.0) silently drops a final frame
    // of 13 bytes or less, e.g. a mono stream's last block of digital silence; see flac-frames.ts.
    return { ready: d.ready, reset: () => d.reset(), free: () => d.free(), decode: (b) => d.decodeFrames(splitFlacFrames(b, id3Length(b))) };
  },
  mp3: () => {
    const d = new MPEGDecoder({ enableGapless: true });
    return { ready: d.ready, reset: () => d.reset(), free: () => d.free(), decode: (b) => d.decode(b) };
  },
  "ogg-vorbis": () => {
    const d = new OggVorbisDecoder();
    return { ready: d.ready, reset: () => d.reset(), free: () => d.free(), decode: (b) => d.decodeFile(b) };
  },
  "ogg-opus": () => {
    const d = new OggOpusDecoder();
    return { ready: d.ready, reset: () => d.reset(), free: () => d.free(), decode: (b) => d.decodeFile(b) };
  },
};

/**
 * A fresh decoder per call: the wasm-audio-decoders re-instantiate their WASM on every
 * `decodeFile`/`reset` anyway (the compiled module is cached by the library), so pooling
 * instances gains nothing measurable; about 30–60 ms per call goes to that instantiation.
 */
async function decodeWithLibrary(format: Exclude<AudioFormat, "wav">, bytes: Uint8Array): Promise<DecodedByLibrary> {
  const decoder = makers[format]();
  try {
    await decoder.ready;
    return await decoder.decode(bytes);
  } finally {
    decoder.free();
  }
}

/**
 * Decodes WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus bytes to planar float32 at the file's own
 * rate (Opus always decodes at 48 kHz). Throws `UnknownAudioFormatError`, `CorruptAudioError`
 * (including a FLAC shorter than its STREAMINFO says), `EmptyAudioError` or
 * `NonFiniteSampleError`; never returns partial audio silently when the decoder reported errors.
 */
export async function decodeAudio(bytes: Uint8Array, options: DecodeOptions = {}): Promise<AudioData> {
  const source = options.source ?? "audio";
  if (bytes.length === 0) throw new EmptyAudioError(source, "zero-length input (no bytes)");
  const format = options.format ?? detectAudioFormat(bytes);
  if (format === undefined) throw new UnknownAudioFormatError(source, hexMagic(bytes));
  let audio: AudioData;
  if (format === "wav") {
    audio = decodeWav(bytes, source);
  } else {
    let decoded: DecodedByLibrary;
    try {
      decoded = await decodeWithLibrary(format, bytes);
    } catch (error) {
      // The frame splitter reports without knowing the file: re-report its detail under the file's name.
      const detail = CorruptAudioError.isInstance(error) ? error.detail : error instanceof Error ? error.message : String(error);
      throw new CorruptAudioError(source, format, detail, { cause: error });
    }
    if (decoded.errors.length > 0) {
      const first = decoded.errors[0]!;
      throw new CorruptAudioError(source, format, `${decoded.errors.length} decode error(s), first: ${first.message}`);
    }
    if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0) {
      throw new CorruptAudioError(source, format, "the decoder produced no samples");
    }
    let channels = decoded.channelData.map((c) => (c.length === decoded.samplesDecoded ? c : c.subarray(0, decoded.samplesDecoded)));
    if (format === "mp3" && mpegIsMono(bytes)) channels = channels.slice(0, 1);
    if (format === "flac") {
      if (decoded.bitDepth !== undefined && decoded.bitDepth > 1) for (const c of channels) rescaleFlac(c, decoded.bitDepth);
      const declared = flacDeclaredSamples(bytes);
      if (declared > 0 && decoded.samplesDecoded < declared) {
        throw new CorruptAudioError(source, format, `STREAMINFO declares ${declared} samples, only ${decoded.samplesDecoded} decoded (file truncated)`);
      }
    }
    audio = { channels, sampleRate: decoded.sampleRate };
  }
  validateAudio(audio, source, { allowEmpty: options.allowEmpty ?? false });
  return audio;
}
