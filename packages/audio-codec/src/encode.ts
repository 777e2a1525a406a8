import { createRequire } from "node:module";

import { createMp3Encoder, createOggEncoder } from "wasm-media-encoders";

import type { AudioData } from "./audio.js";
import { validateAudio } from "./audio.js";
import { AudioCodecError, InvalidAudioParameterError } from "./errors.js";
import { encodeWav } from "./wav.js";

/**
 * Output encodings: WAV 16-bit PCM, WAV 32-bit float, FLAC 16-bit (lossless for 16-bit
 * audio; libFLAC via libflacjs), Ogg Vorbis and MP3 (lossy; libvorbis / LAME via
 * wasm-media-encoders). Every one of them is read back by `decodeAudio`.
 */
export type EncodeFormat = "wav" | "wav-float" | "flac" | "ogg-vorbis" | "mp3";

export interface EncodeOptions {
  /** Names the input in error messages. */
  source?: string;
  /** Vorbis/MP3 VBR quality: Vorbis -1..10 (default 5), LAME V0..V9 (default 2). */
  quality?: number;
  /** FLAC compression level 0..8 (default 5). */
  compression?: number;
}

const MP3_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;

/** The part of libflacjs's `Encoder` class we use (its own typings are not ESM-importable). */
interface FlacEncoder {
  encode(pcm?: Int32Array[], samples?: number): boolean;
  destroy(): void;
  readonly rawData: Uint8Array[];
  readonly metadata: unknown;
}
interface LibFlac {
  isReady(): boolean;
  onready: (() => void) | undefined;
}

let libFlac: Promise<{ Flac: LibFlac; Encoder: new (flac: LibFlac, options: object) => FlacEncoder; exportFlacData: (chunks: Uint8Array[], meta: unknown, ogg: boolean) => Promise<Uint8Array> }> | undefined;

/**
 * libflacjs is CommonJS; its asm.js build loads synchronously in Node (its wasm build tries to
 * fetch() a file path on Node >= 18 and fails), so we load it lazily, once, on first FLAC encode.
 */
function loadLibFlac(): NonNullable<typeof libFlac> {
  libFlac ??= (async () => {
    const require = createRequire(import.meta.url);
    const factory = require("libflacjs") as (variant?: string) => LibFlac;
    const Flac = factory();
    if (!Flac.isReady()) {
      await new Promise<void>((resolve) => {
        Flac.onready = resolve;
      });
    }
    const { Encoder } = require("libflacjs/lib/encoder") as { Encoder: new (flac: LibFlac, options: object) => FlacEncoder };
    const { exportFlacData } = require("libflacjs/lib/utils") as {
      exportFlacData: (chunks: Uint8Array[], meta: unknown, ogg: boolean) => Promise<Uint8Array>;
    };
    return { Flac, Encoder, exportFlacData };
  })();
  return libFlac;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * libflacjs keeps one encoder state machine per module instance: two streams encoded at the
 * same time corrupt each other (a TypeError inside libFLAC). Encodes therefore run one after
 * another through this queue; the failure of one does not block the next.
 */
let flacQueue: Promise<unknown> = Promise.resolve();

function encodeFlacSerially(audio: AudioData, options: EncodeOptions, source: string): Promise<Uint8Array> {
  const run = flacQueue.then(() => encodeFlac(audio, options, source));
  flacQueue = run.catch(() => undefined);
  return run;
}

async function encodeFlac(audio: AudioData, options: EncodeOptions, source: string): Promise<Uint8Array> {
  const { Flac, Encoder, exportFlacData } = await loadLibFlac();
  const frames = audio.channels[0]!.length;
  const encoder = new Encoder(Flac, {
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    bitsPerSample: 16,
    compression: options.compression ?? 5,
    totalSamples: frames,
    verify: false,
  });
  try {
    // Same quantisation as 16-bit WAV, so FLAC and WAV of one signal decode identically.
    const pcm = audio.channels.map((channel) => {
      const ints = new Int32Array(channel.length);
      for (let i = 0; i < channel.length; i++) ints[i] = Math.max(-32768, Math.min(32767, Math.round(channel[i]! * 32768)));
      return ints;
    });
    if (frames > 0 && !encoder.encode(pcm, frames)) throw new AudioCodecError(`${source}: libFLAC rejected the samples`);
    if (!encoder.encode()) throw new AudioCodecError(`${source}: libFLAC failed to finish the stream`);
    return await exportFlacData(encoder.rawData, encoder.metadata, false);
  } finally {
    encoder.destroy();
  }
}

/** Encodes planar audio to bytes of the chosen format (see `EncodeFormat`). */
export async function encodeAudio(audio: AudioData, format: EncodeFormat, options: EncodeOptions = {}): Promise<Uint8Array> {
  const source = options.source ?? "audio";
  validateAudio(audio, source, { allowEmpty: format === "wav" || format === "wav-float" });
  const channels = audio.channels.length;
  switch (format) {
    case "wav":
      return encodeWav(audio, "int16", source);
    case "wav-float":
      return encodeWav(audio, "float32", source);
    case "flac":
      return encodeFlacSerially(audio, options, source);
    case "ogg-vorbis":
    case "mp3": {
      if (channels > 2) throw new InvalidAudioParameterError(`${source}.channels`, channels, `${format} encoding takes 1 or 2 channels`);
      if (format === "mp3" && !(MP3_RATES as readonly number[]).includes(audio.sampleRate)) {
        throw new InvalidAudioParameterError(`${source}.sampleRate`, audio.sampleRate, `MP3 takes ${MP3_RATES.join(", ")} Hz; resample first`);
      }
      const encoder = format === "mp3" ? await createMp3Encoder() : await createOggEncoder();
      const base = { channels: channels as 1 | 2, sampleRate: audio.sampleRate };
      if (format === "mp3") {
        (encoder as Awaited<ReturnType<typeof createMp3Encoder>>).configure({ ...base, vbrQuality: options.quality ?? 2 });
      } else {
        (encoder as Awaited<ReturnType<typeof createOggEncoder>>).configure({ ...base, vbrQuality: options.quality ?? 5 });
      }
      // encode() and finalize() return views into wasm memory that the next call overwrites: copy.
      const parts: Uint8Array[] = [];
      const block = 65536;
      const length = audio.channels[0]!.length;
      for (let start = 0; start < length; start += block) {
        parts.push(encoder.encode(audio.channels.map((c) => c.subarray(start, Math.min(length, start + block)))).slice());
      }
      parts.push(encoder.finalize().slice());
      return concat(parts);
    }
  }
}
