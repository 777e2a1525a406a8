import type { AudioData } from "./audio.js";
import { validateAudio } from "./audio.js";
import { CorruptAudioError } from "./errors.js";

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Sample encodings we write: 16-bit PCM (the dataset default) or 32-bit IEEE float (lossless for float32). */
export type WavSampleFormat = "int16" | "float32";

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/**
 * Decodes a RIFF/WAVE file: PCM 8 (unsigned), 16, 24, 32-bit and IEEE float 32/64-bit,
 * including WAVE_FORMAT_EXTENSIBLE. Integers are scaled by 1/2^(bits-1) as torchaudio and
 * soundfile do, so int16 -32768 maps to exactly -1.
 */
export function decodeWav(bytes: Uint8Array, source = "wav"): AudioData {
  const fail = (message: string): never => {
    throw new CorruptAudioError(source, "WAV", message);
  };
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") {
    fail("missing RIFF/WAVE header");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let format: { tag: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  let data: Uint8Array | undefined;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    let size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "data") {
      // Streaming writers leave the size at 0 or 0xFFFFFFFF: the data then runs to the end.
      if (size === 0xffffffff || (size === 0 && bytes.length > body)) size = bytes.length - body;
      if (body + size > bytes.length) {
        fail(`data chunk declares ${size} bytes but only ${bytes.length - body} follow (file truncated)`);
      }
      data = bytes.subarray(body, body + size);
      break;
    }
    if (body + size > bytes.length) fail(`chunk "${id}" declares ${size} bytes but only ${bytes.length - body} follow`);
    if (id === "fmt ") {
      if (size < 16) fail(`fmt chunk is ${size} bytes, expected at least 16`);
      let tag = view.getUint16(body, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) fail(`extensible fmt chunk is ${size} bytes, expected 40`);
        tag = view.getUint16(body + 24, true); // first two bytes of the SubFormat GUID
      }
      format = {
        tag,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    }
    offset = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (format === undefined) return fail("no fmt chunk before the data");
  if (data === undefined) return fail("no data chunk");
  const { tag, channels, sampleRate, bits } = format;
  if (channels < 1) fail(`fmt declares ${channels} channels`);
  if (sampleRate < 1) fail(`fmt declares sample rate ${sampleRate}`);
  const bytesPerSample = bits / 8;
  const supported =
    (tag === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bits)) || (tag === WAVE_FORMAT_IEEE_FLOAT && [32, 64].includes(bits));
  if (!supported) fail(`unsupported sample format (format tag ${tag}, ${bits} bits)`);
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(data.length / frameBytes);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const p = i * frameBytes + c * bytesPerSample;
      let v: number;
      if (tag === WAVE_FORMAT_IEEE_FLOAT) v = bits === 32 ? dv.getFloat32(p, true) : dv.getFloat64(p, true);
      else if (bits === 16) v = dv.getInt16(p, true) / 32768;
      else if (bits === 24) v = (((dv.getUint8(p + 2) << 24) | (dv.getUint8(p + 1) << 16) | (dv.getUint8(p) << 8)) >> 8) / 8388608;
      else if (bits === 32) v = dv.getInt32(p, true) / 2147483648;
      else v = (dv.getUint8(p) - 128) / 128;
      out[c]![i] = v;
    }
  }
  const audio = { channels: out, sampleRate };
  validateAudio(audio, source, { allowEmpty: true });
  return audio;
}

/**
 * Encodes planar audio as a canonical 44-byte-header WAV (plus a `fact` chunk for float, as
 * the spec asks for non-PCM data). int16 clips to [-1, 1) and rounds to nearest, so decoding
 * it back reproduces any value already on the 1/32768 grid exactly.
 */
export function encodeWav(audio: AudioData, sampleFormat: WavSampleFormat = "int16", source = "audio"): Uint8Array {
  validateAudio(audio, source, { allowEmpty: true });
  const channels = audio.channels.length;
  const frames = audio.channels[0]!.length;
  const bytesPerSample = sampleFormat === "int16" ? 2 : 4;
  const dataBytes = frames * channels * bytesPerSample;
  const isFloat = sampleFormat === "float32";
  const headerBytes = isFloat ? 12 + 26 + 12 + 8 : 44;
  const bytes = new Uint8Array(headerBytes + dataBytes);
  const view = new DataView(bytes.buffer);
  const writeAscii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  writeAscii(0, "RIFF");
  view.setUint32(4, bytes.length - 8, true);
  writeAscii(8, "WAVE");
  writeAscii(12, "fmt ");
  const fmtSize = isFloat ? 18 : 16;
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, isFloat ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  let offset = 36;
  if (isFloat) {
    view.setUint16(36, 0, true); // cbSize
    writeAscii(38, "fact");
    view.setUint32(42, 4, true);
    view.setUint32(46, frames, true);
    offset = 50;
  }
  writeAscii(offset, "data");
  view.setUint32(offset + 4, dataBytes, true);
  let p = offset + 8;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const v = audio.channels[c]![i]!;
      if (isFloat) {
        view.setFloat32(p, v, true);
        p += 4;
      } else {
        view.setInt16(p, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true);
        p += 2;
      }
    }
  }
  return bytes;
}
