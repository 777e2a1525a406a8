import libsamplerate from "@alexanderolsen/libsamplerate-js";

import type { AudioData } from "./audio.js";
import { assertFiniteSamples, validateAudio } from "./audio.js";
import { InvalidAudioParameterError } from "./errors.js";

/** libsamplerate's band-limited sinc converters, best to fastest. */
export type ResampleQuality = "best" | "medium" | "fastest";

export interface ResampleOptions {
  /** Converter; default "medium" (SRC_SINC_MEDIUM_QUALITY: 97 dB SNR, 90% bandwidth per libsamplerate's docs). */
  quality?: ResampleQuality;
}

const converterOf = {
  best: libsamplerate.ConverterType.SRC_SINC_BEST_QUALITY,
  medium: libsamplerate.ConverterType.SRC_SINC_MEDIUM_QUALITY,
  fastest: libsamplerate.ConverterType.SRC_SINC_FASTEST,
} as const;

/** Samples libsamplerate-js resamples in one call (its WASM buffers); longer input is streamed. */
const LIBSAMPLERATE_BUFFER = 1_008_000;

type Converter = Awaited<ReturnType<typeof libsamplerate.create>>;
const converters = new Map<string, Promise<Converter>>();

/**
 * One libsamplerate instance per (rates, quality), kept for the life of the process: creating
 * one instantiates its WASM module (~60 ms), and `simple()` keeps no state between calls.
 */
function converterFor(fromRate: number, toRate: number, quality: ResampleQuality): Promise<Converter> {
  const key = `${fromRate}:${toRate}:${quality}`;
  let converter = converters.get(key);
  if (converter === undefined) {
    converter = libsamplerate.create(1, fromRate, toRate, { converterType: converterOf[quality] });
    converters.set(key, converter);
  }
  return converter;
}

function checkRate(name: string, rate: number): void {
  if (!(Number.isFinite(rate) && rate > 0)) throw new InvalidAudioParameterError(name, rate, "sample rates must be positive numbers");
  // libsamplerate accepts ratios in [1/256, 256].
}

/**
 * Resamples one channel with libsamplerate (WASM). Output length is round(n · to / from)
 * (torchaudio's `resample` gives ceil, so counts can differ by one sample).
 * Returns a copy even when the rates are equal.
 */
export async function resample(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Promise<Float32Array> {
  checkRate("fromRate", fromRate);
  checkRate("toRate", toRate);
  const ratio = toRate / fromRate;
  if (ratio > 256 || ratio < 1 / 256) {
    throw new InvalidAudioParameterError("toRate / fromRate", ratio, "libsamplerate supports ratios between 1/256 and 256");
  }
  // A NaN would smear over the whole filter length: refuse it at the source.
  assertFiniteSamples(samples, "resample input");
  if (fromRate === toRate || samples.length === 0) return samples.slice();
  // libsamplerate's simple API drops the tail still inside its filter; feed zeros past the
  // end so exactly round(n · ratio) samples come back.
  const target = Math.round(samples.length * ratio);
  const tail = Math.ceil(512 * Math.max(1, 1 / ratio)) + 64;
  const padded = new Float32Array(samples.length + tail);
  padded.set(samples);
  const quality = options.quality ?? "medium";
  let out: Float32Array;
  if (Math.max(padded.length, Math.ceil(padded.length * ratio)) > LIBSAMPLERATE_BUFFER) {
    // Past its buffer, libsamplerate-js streams the input in 0.1 s blocks through src_process,
    // whose filter state stays in the converter: a shared one would start the next long call
    // with the last one's tail (measured: the second 40 s song at 32 kHz came back uncorrelated
    // with its input). A long call gets a converter of its own.
    const fresh = await libsamplerate.create(1, fromRate, toRate, { converterType: converterOf[quality] });
    try {
      out = fresh.simple(padded);
    } finally {
      fresh.destroy();
    }
  } else {
    out = (await converterFor(fromRate, toRate, quality)).simple(padded);
  }
  const result = new Float32Array(target);
  result.set(out.subarray(0, Math.min(target, out.length)));
  return result;
}

/** Resamples every channel of `audio` to `toRate`. */
export async function resampleAudio(audio: AudioData, toRate: number, options: ResampleOptions = {}): Promise<AudioData> {
  validateAudio(audio, "audio", { allowEmpty: true });
  const channels = await Promise.all(audio.channels.map((c) => resample(c, audio.sampleRate, toRate, options)));
  return { channels, sampleRate: toRate };
}
