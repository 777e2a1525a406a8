// Property tests for the WAV reader and writer: arbitrary bytes (and RIFF headers that lie about
// their sizes, formats and rates) fail only with an AudioCodecError, and encodeWav → decodeWav
// returns the samples (exactly for float32, to the int16 step otherwise). Seeded: failures reproduce.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { AudioCodecError, decodeWav, encodeWav } from "./index.js";

const runs = { seed: 42, numRuns: 200 };

function onlyOwnErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (!AudioCodecError.isInstance(error)) throw error;
  }
}

/** A RIFF/WAVE file whose fmt fields and chunk sizes are drawn freely (the data may be shorter than announced). */
const lyingWav = fc
  .record({
    riffSize: fc.nat(),
    fmtSize: fc.constantFrom(14, 16, 18, 40, 0, 3),
    format: fc.constantFrom(1, 3, 0xfffe, 0, 2),
    channels: fc.integer({ min: 0, max: 9 }),
    rate: fc.oneof(fc.constantFrom(0, 8000, 44100), fc.nat()),
    bits: fc.constantFrom(0, 8, 16, 24, 32, 64, 7),
    dataSize: fc.oneof(fc.nat(), fc.constant(0xffffffff)),
    payload: fc.uint8Array({ maxLength: 96 }),
  })
  .map((f) => {
    const bytes = new Uint8Array(44 + f.payload.length);
    const view = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode("RIFF"), 0);
    view.setUint32(4, f.riffSize, true);
    bytes.set(new TextEncoder().encode("WAVEfmt "), 8);
    view.setUint32(16, f.fmtSize, true);
    view.setUint16(20, f.format, true);
    view.setUint16(22, f.channels, true);
    view.setUint32(24, f.rate, true);
    view.setUint32(28, (f.rate * f.channels * f.bits) / 8, true);
    view.setUint16(32, (f.channels * f.bits) / 8, true);
    view.setUint16(34, f.bits, true);
    bytes.set(new TextEncoder().encode("data"), 36);
    view.setUint32(40, f.dataSize, true);
    bytes.set(f.payload, 44);
    return bytes;
  });

describe("decodeWav on hostile bytes", () => {
  it("throws only AudioCodecError on random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => onlyOwnErrors(() => decodeWav(bytes, "random.wav"))), runs);
  });

  it("throws only AudioCodecError on RIFF headers that lie about sizes, format, channels and rate", () => {
    fc.assert(fc.property(lyingWav, (bytes) => onlyOwnErrors(() => decodeWav(bytes, "lying.wav"))), runs);
  });

  it("throws only AudioCodecError on truncated and bit-flipped real files", () => {
    const real = encodeWav({ sampleRate: 16000, channels: [Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 3) / 2)] });
    fc.assert(
      fc.property(fc.nat({ max: real.length }), fc.array(fc.tuple(fc.nat({ max: real.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (cut, flips) => {
        const bytes = real.slice(0, cut);
        for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
        onlyOwnErrors(() => decodeWav(bytes, "damaged.wav"));
      }),
      runs,
    );
  });
});

describe("encodeWav → decodeWav", () => {
  const audio = fc.record({
    sampleRate: fc.constantFrom(8000, 16000, 32000, 44100, 48000),
    channels: fc.integer({ min: 1, max: 3 }).chain((n) =>
      fc.integer({ min: 1, max: 64 }).chain((length) => fc.array(fc.float32Array({ minLength: length, maxLength: length, min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n })),
    ),
  });

  it("round trips float32 samples exactly", () => {
    fc.assert(
      fc.property(audio, (input) => {
        const back = decodeWav(encodeWav(input, "float32"));
        expect(back.sampleRate).toBe(input.sampleRate);
        expect(back.channels.map((c) => Array.from(c))).toEqual(input.channels.map((c) => Array.from(c, (v) => (Object.is(v, -0) ? -0 : v))));
      }),
      runs,
    );
  });

  it("round trips int16 samples to within one quantisation step", () => {
    fc.assert(
      fc.property(audio, (input) => {
        const back = decodeWav(encodeWav(input, "int16"));
        expect(back.channels).toHaveLength(input.channels.length);
        for (const [c, channel] of input.channels.entries()) {
          const decoded = back.channels[c]!;
          expect(decoded.length).toBe(channel.length);
          for (let i = 0; i < channel.length; i++) expect(Math.abs(decoded[i]! - channel[i]!)).toBeLessThanOrEqual(1 / 32767 + 1e-6);
        }
      }),
      runs,
    );
  });
});
