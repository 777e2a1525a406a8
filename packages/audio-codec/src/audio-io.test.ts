import { describe, expect, it } from "vitest";

import { encodeOggOpus } from "./__fixtures__/ogg-opus.js";
import {
  AudioCodecError,
  CorruptAudioError,
  EmptyAudioError,
  NonFiniteSampleError,
  UnknownAudioFormatError,
  decodeAudio,
  decodeWav,
  detectAudioFormat,
  encodeAudio,
  encodeWav,
  firstChannel,
  mixToMono,
} from "./index.js";

/** Hand-built WAV: header fields written one by one so the decoder is checked against the spec, not itself. */
function wavBytes(opts: { tag: number; channels: number; rate: number; bits: number; data: number[]; extensible?: boolean }): Uint8Array {
  const fmtSize = opts.extensible ? 40 : 16;
  const out: number[] = [];
  const u32 = (v: number): void => void out.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  const u16 = (v: number): void => void out.push(v & 255, (v >>> 8) & 255);
  const str = (s: string): void => void out.push(...Array.from(s, (c) => c.charCodeAt(0)));
  str("RIFF");
  u32(4 + 8 + fmtSize + 8 + opts.data.length);
  str("WAVE");
  str("fmt ");
  u32(fmtSize);
  u16(opts.extensible ? 0xfffe : opts.tag);
  u16(opts.channels);
  u32(opts.rate);
  u32((opts.rate * opts.channels * opts.bits) / 8);
  u16((opts.channels * opts.bits) / 8);
  u16(opts.bits);
  if (opts.extensible) {
    u16(22);
    u16(opts.bits);
    u32(0);
    u16(opts.tag);
    out.push(0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71);
  }
  str("data");
  u32(opts.data.length);
  out.push(...opts.data);
  return new Uint8Array(out);
}

function sine(n: number, rate: number, freq: number, amp = 0.5): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array, offset = 0): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i + offset]!));
  return m;
}

describe("decodeWav", () => {
  it("decodes 16-bit PCM stereo, interleaved L R L R, scaled by 1/32768", () => {
    // L: 0x8000 (-32768), 0x4000 (16384); R: 0x7fff (32767), 0xffff (-1)
    const audio = decodeWav(wavBytes({ tag: 1, channels: 2, rate: 8000, bits: 16, data: [0x00, 0x80, 0xff, 0x7f, 0x00, 0x40, 0xff, 0xff] }));
    expect(audio.sampleRate).toBe(8000);
    expect(audio.channels).toHaveLength(2);
    expect(Array.from(audio.channels[0]!)).toEqual([-1, 0.5]);
    expect(Array.from(audio.channels[1]!)).toEqual([32767 / 32768, -1 / 32768]);
  });

  it("decodes 24-bit, 32-bit int, 8-bit unsigned and float32/float64, also as WAVE_FORMAT_EXTENSIBLE", () => {
    const a24 = decodeWav(wavBytes({ tag: 1, channels: 1, rate: 16000, bits: 24, data: [0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x40] }));
    expect(Array.from(a24.channels[0]!)).toEqual([-1, Math.fround(8388607 / 8388608), 0.5]);
    const a32 = decodeWav(wavBytes({ tag: 1, channels: 1, rate: 16000, bits: 32, data: [0, 0, 0, 0x80, 0, 0, 0, 0xc0] }));
    expect(Array.from(a32.channels[0]!)).toEqual([-1, -0.5]);
    const a8 = decodeWav(wavBytes({ tag: 1, channels: 1, rate: 16000, bits: 8, data: [0, 128, 192] }));
    expect(Array.from(a8.channels[0]!)).toEqual([-1, 0, 0.5]);
    const f32 = new Uint8Array(new Float32Array([0.25, -0.125]).buffer);
    const af = decodeWav(wavBytes({ tag: 3, channels: 1, rate: 16000, bits: 32, data: Array.from(f32), extensible: true }));
    expect(Array.from(af.channels[0]!)).toEqual([0.25, -0.125]);
    const f64 = new Uint8Array(new Float64Array([0.75]).buffer);
    expect(Array.from(decodeWav(wavBytes({ tag: 3, channels: 1, rate: 16000, bits: 64, data: Array.from(f64) })).channels[0]!)).toEqual([0.75]);
  });

  it("rejects truncated data chunks, missing headers and unsupported formats with CorruptAudioError", () => {
    const good = wavBytes({ tag: 1, channels: 1, rate: 8000, bits: 16, data: [1, 2, 3, 4, 5, 6] });
    expect(() => decodeWav(good.subarray(0, good.length - 2), "cut.wav")).toThrow(/cut\.wav: corrupt or truncated WAV: data chunk declares 6 bytes but only 4/);
    expect(() => decodeWav(good.subarray(0, 20))).toThrow(CorruptAudioError);
    expect(() => decodeWav(wavBytes({ tag: 2, channels: 1, rate: 8000, bits: 4, data: [0] }))).toThrow(/unsupported sample format \(format tag 2, 4 bits\)/);
  });

  it("rejects NaN samples in float WAVs with the channel and index", () => {
    const f32 = new Uint8Array(new Float32Array([0, 0, 0, Number.NaN]).buffer);
    expect(() => decodeWav(wavBytes({ tag: 3, channels: 2, rate: 8000, bits: 32, data: Array.from(f32) }), "nan.wav")).toThrow(
      /nan\.wav: sample 1 of channel 1 is NaN/,
    );
  });
});

describe("encodeWav", () => {
  it("writes the canonical 44-byte header and round-trips values on the int16 grid exactly", () => {
    const x = new Float32Array([-1, -0.5, 0, 12345 / 32768, 32767 / 32768]);
    const bytes = encodeWav({ channels: [x], sampleRate: 22050 });
    expect(bytes.length).toBe(44 + 10);
    const view = new DataView(bytes.buffer);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint16(34, true)]).toEqual([1, 1, 22050, 16]);
    expect(Array.from(decodeWav(bytes).channels[0]!)).toEqual(Array.from(x));
  });

  it("clips out-of-range samples and round-trips float32 bit-exactly", () => {
    const x = new Float32Array([1.5, -3, 0.1234567]);
    expect(Array.from(decodeWav(encodeWav({ channels: [x], sampleRate: 8000 })).channels[0]!)).toEqual([32767 / 32768, -1, Math.round(0.1234567 * 32768) / 32768].map(Math.fround));
    const back = decodeWav(encodeWav({ channels: [x, x], sampleRate: 8000 }, "float32"));
    expect(back.channels).toHaveLength(2);
    expect(Array.from(back.channels[1]!)).toEqual(Array.from(x));
  });
});

describe("decodeAudio / encodeAudio", () => {
  const rate = 44100;
  const tone = sine(rate / 2, rate, 440);

  it("round-trips FLAC losslessly (same as the 16-bit WAV quantisation)", async () => {
    const bytes = await encodeAudio({ channels: [tone, tone.map((v) => -v)], sampleRate: rate }, "flac");
    expect(detectAudioFormat(bytes)).toBe("flac");
    const back = await decodeAudio(bytes);
    const viaWav = decodeWav(encodeWav({ channels: [tone], sampleRate: rate }));
    expect(back.sampleRate).toBe(rate);
    expect(back.channels).toHaveLength(2);
    expect(back.channels[0]!.length).toBe(tone.length);
    expect(maxAbsDiff(back.channels[0]!, viaWav.channels[0]!)).toBe(0);
  });

  it("encodes FLAC streams started at the same time as if one after another", async () => {
    const clips = [tone, tone.map((v) => v * 0.5), tone.map((v) => -v)];
    const together = await Promise.all(clips.map((c) => encodeAudio({ channels: [c], sampleRate: rate }, "flac")));
    for (const [i, clip] of clips.entries()) {
      expect(together[i]).toEqual(await encodeAudio({ channels: [clip], sampleRate: rate }, "flac"));
    }
  });

  it("round-trips Ogg Vorbis and MP3 within lossy-codec error", async () => {
    const vorbis = await encodeAudio({ channels: [tone], sampleRate: rate }, "ogg-vorbis");
    expect(detectAudioFormat(vorbis)).toBe("ogg-vorbis");
    const v = await decodeAudio(vorbis);
    expect(v.channels).toHaveLength(1);
    expect(v.channels[0]!.length).toBe(tone.length);
    expect(maxAbsDiff(tone.subarray(2000, 20000), v.channels[0]!, 2000)).toBeLessThan(0.02);

    const mp3 = await encodeAudio({ channels: [tone], sampleRate: rate }, "mp3");
    expect(detectAudioFormat(mp3)).toBe("mp3");
    const m = await decodeAudio(mp3);
    expect(m.sampleRate).toBe(rate);
    expect(m.channels).toHaveLength(1); // mono stream: mpg123's duplicated channel dropped
    // MP3 adds encoder delay; compare RMS rather than aligned samples.
    const rms = (a: Float32Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);
    expect(rms(m.channels[0]!.subarray(5000, 20000))).toBeCloseTo(rms(tone.subarray(5000, 20000)), 2);
  });

  it("decodes Ogg Opus (libopus via opusscript, muxed by the fixture) at 48 kHz", async () => {
    const x = sine(48000, 48000, 440);
    const bytes = encodeOggOpus(x);
    expect(detectAudioFormat(bytes)).toBe("ogg-opus");
    const audio = await decodeAudio(bytes, { source: "tone.opus" });
    expect(audio.sampleRate).toBe(48000);
    expect(audio.channels).toHaveLength(1);
    // The decoder trims the pre-skip; the length is within one 20 ms frame of the input.
    expect(Math.abs(audio.channels[0]!.length - x.length)).toBeLessThanOrEqual(960);
    const rms = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(rms(audio.channels[0]!.subarray(4800, 40000))).toBeCloseTo(rms(x.subarray(4800, 40000)), 1);
  });

  it("selects the first channel or mixes down explicitly", () => {
    const audio = { channels: [new Float32Array([1, 0.5]), new Float32Array([0, -0.5])], sampleRate: 8000 };
    expect(Array.from(firstChannel(audio))).toEqual([1, 0.5]);
    expect(Array.from(mixToMono(audio))).toEqual([0.5, 0]);
  });

  it("throws typed errors for unknown, empty, corrupt and truncated input", async () => {
    await expect(decodeAudio(new Uint8Array([0x3c, 0x68, 0x74, 0x6d, 0x6c]), { source: "page.html" })).rejects.toThrow(UnknownAudioFormatError);
    await expect(decodeAudio(new Uint8Array([1, 2, 3]))).rejects.toThrow(/first bytes 01 02 03/);
    await expect(decodeAudio(new Uint8Array(0), { source: "empty.wav" })).rejects.toThrow(EmptyAudioError);
    await expect(decodeAudio(encodeWav({ channels: [new Float32Array(0)], sampleRate: 8000 }))).rejects.toThrow(EmptyAudioError);
    expect((await decodeAudio(encodeWav({ channels: [new Float32Array(0)], sampleRate: 8000 }), { allowEmpty: true })).channels[0]!.length).toBe(0);

    const flac = await encodeAudio({ channels: [tone], sampleRate: rate }, "flac");
    const cut = flac.subarray(0, Math.floor(flac.length / 2));
    await expect(decodeAudio(cut, { source: "half.flac" })).rejects.toThrow(/half\.flac: corrupt or truncated flac/);
    const garbage = new Uint8Array(flac);
    garbage.fill(0x55, 200);
    await expect(decodeAudio(garbage)).rejects.toThrow(CorruptAudioError);
    const fakeOpus = new Uint8Array([...Array.from("OggS", (c) => c.charCodeAt(0)), 0, 2, ...new Array(20).fill(0), 1, 19, ...Array.from("OpusHead", (c) => c.charCodeAt(0))]);
    expect(detectAudioFormat(fakeOpus)).toBe("ogg-opus");
    await expect(decodeAudio(fakeOpus)).rejects.toThrow(AudioCodecError);
  });

  it("refuses NaN samples when encoding", async () => {
    await expect(encodeAudio({ channels: [new Float32Array([0, Number.NaN])], sampleRate: 8000 }, "wav")).rejects.toThrow(NonFiniteSampleError);
  });
});
