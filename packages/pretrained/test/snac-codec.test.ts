import { CodecLoadError, assertFourLevelCodec, loadCodec, makeTokens } from "@autosing/audio-codec";
import { describe, expect, it } from "vitest";

import { importSnac, readFixture, relativeError, safetensorsDirectory } from "./snac-helpers.js";

describe("imported SNAC models through loadCodec (what codec encode/decode and --codec snac:<dir> use)", () => {
  it("runs the 3-level 24 kHz shape with its own rate, hop and truncation, and the pipeline refuses it by name", async () => {
    const fixture = readFixture("24khz");
    const { outputDir } = await importSnac(safetensorsDirectory(fixture));
    const codec = await loadCodec(`snac:${outputDir}`, { threads: 1, noiseScale: 0 });
    try {
      expect([codec.name, codec.sampleRate, codec.quantizers, codec.numCodes, codec.hopLength, codec.alignment, codec.encodeMultiple]).toEqual(["snac_24khz", 24000, 3, 32, 512, 4, 2048]);
      // A tail shorter than one 2048-sample block is dropped, as upstream's wrapper does.
      const withTail = new Float32Array(fixture.input.length + 1000);
      withTail.set(fixture.input);
      const tokens = await codec.encode(withTail);
      const frames = fixture.input.length / 512;
      expect(tokens.shape).toEqual([3, frames]);
      fixture.golden.codes.forEach((level, i) => {
        const stride = 2 ** (2 - i);
        expect(level.map((_, j) => tokens.data[i * frames + j * stride])).toEqual(level);
      });
      const audio = await codec.decode(tokens);
      expect(audio.length).toBe(fixture.decoded.length);
      expect(relativeError(audio, fixture.decoded)).toBeLessThan(1e-4);
      expect(() => assertFourLevelCodec(codec, "the atoks step")).toThrow(CodecLoadError);
      expect(() => assertFourLevelCodec(codec, "the atoks step")).toThrow(/the atoks step needs a codec with 4 levels .* has 3/);
    } finally {
      await codec.dispose();
    }
  });

  it("keeps SNAC 32 kHz's wrapper (12288-sample blocks, 96-frame decodes) and makes decodes deterministic only on request", async () => {
    const fixture = readFixture("32khz");
    const { outputDir } = await importSnac(safetensorsDirectory(fixture));
    const quiet = await loadCodec(`snac:${outputDir}`, { threads: 1, noiseScale: 0 });
    const noisy = await loadCodec(`snac:${outputDir}`, { threads: 1 });
    try {
      expect([quiet.name, quiet.sampleRate, quiet.quantizers, quiet.numCodes, quiet.encodeMultiple, quiet.alignment]).toEqual(["snac_32khz", 32000, 4, 64, 12288, 8]);
      const tokens = await quiet.encode(fixture.input);
      expect(tokens.shape).toEqual([4, 64]);
      fixture.golden.codes.forEach((level, i) => {
        const stride = 2 ** (3 - i);
        expect(level.map((_, j) => tokens.data[i * 64 + j * stride])).toEqual(level);
      });
      // 104 frames: level i cut to a multiple of 12·2^i codes → 96 frames of 384 samples.
      const random = Array.from({ length: 4 * 104 }, (_, k) => (k * 37) % 64);
      const long = makeTokens(random, [4, 104]);
      const a = await quiet.decode(long);
      expect(a.length).toBe(96 * 384);
      expect(Array.from(await quiet.decode(long))).toEqual(Array.from(a));
      const b = await noisy.decode(long);
      const c = await noisy.decode(long);
      expect(relativeError(b, c)).toBeGreaterThan(1e-3);
      expect(relativeError(b, a)).toBeGreaterThan(1e-3);
      await expect(quiet.decode(makeTokens(new Int32Array(4 * 64), [4, 64]))).rejects.toThrow(/whole blocks of 96 frames/);
      expect(() => assertFourLevelCodec(quiet, "sing")).not.toThrow();
    } finally {
      await quiet.dispose();
      await noisy.dispose();
    }
  });
});
