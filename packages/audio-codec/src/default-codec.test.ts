import { beforeAll, describe, expect, it } from "vitest";

import { syntheticSong } from "../bench/synthetic.js";
import type { AcousticCodec, DefaultCodecModel } from "./index.js";
import {
  CodecLoadError,
  EmptyAudioError,
  TokenRangeError,
  TokenShapeError,
  createDefaultCodec,
  fitDefaultCodec,
  kMeans,
  makeTokens,
  parseDefaultCodec,
  reconstructionMetrics,
  serializeDefaultCodec,
} from "./index.js";

const RATE = 32000;

describe("kMeans", () => {
  it("finds two well-separated clusters and fills surplus codes by repetition", () => {
    const points = Float32Array.from([0, 0, 0.1, 0, 0, 0.1, 10, 10, 10.1, 10, 10, 10.1]);
    const book = kMeans(points, 6, 2, { k: 2, iterations: 5, seed: 1 });
    const centres = [Array.from(book.subarray(0, 2)), Array.from(book.subarray(2, 4))].sort((a, b) => a[0]! - b[0]!);
    expect(centres[0]![0]).toBeCloseTo(0.0333, 3);
    expect(centres[1]![1]).toBeCloseTo(10.0333, 3);
    const surplus = kMeans(points.subarray(0, 4), 2, 2, { k: 5 });
    expect(Array.from(surplus.subarray(8, 10))).toEqual(Array.from(surplus.subarray(0, 2)));
  });
});

describe("default codec", () => {
  // Small codebooks and few iterations keep the test fast; quality is measured by the bench.
  const train = [syntheticSong(6, RATE, 1), syntheticSong(6, RATE, 2)];
  let model: DefaultCodecModel;
  let codec: AcousticCodec;
  beforeAll(async () => {
    model = await fitDefaultCodec(train, { config: { codebookSize: 32, griffinLimIterations: 8 }, iterations: 4, threads: 1 });
    codec = createDefaultCodec(model);
  });

  it("fits the same codebooks with the onnxruntime and the plain-JS nearest-code search", async () => {
    const js = await fitDefaultCodec(train, { config: { codebookSize: 32, griffinLimIterations: 8 }, iterations: 4, search: "js" });
    for (let level = 0; level < 4; level++) {
      let diff = 0;
      const a = model.codebooks[level]!;
      const b = js.codebooks[level]!;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      expect(diff).toBeLessThan(1e-3);
    }
  });

  it("encodes to SNAC's dense layout with upstream's length rule", async () => {
    expect([codec.sampleRate, codec.hopLength, codec.quantizers, codec.numCodes, codec.alignment]).toEqual([32000, 384, 4, 4096, 8]);
    const heldOut = syntheticSong(4, RATE, 77); // 128000 samples → 10 blocks of 12288 → 320 frames
    const tokens = await codec.encode(heldOut);
    expect(tokens.shape).toEqual([4, 320]);
    for (let i = 0; i < 4; i++) {
      const s = 2 ** (3 - i);
      for (let t = 0; t < 320; t++) {
        const v = tokens.data[i * 320 + t]!;
        if (t % s !== 0) expect(v).toBe(0);
        expect(v).toBeLessThan(32);
      }
    }
    // Decoding cuts to whole 96-frame blocks: 320 → 288 frames → 288 · 384 samples.
    const decoded = await codec.decode(tokens);
    expect(decoded.length).toBe(288 * 384);
    const metrics = reconstructionMetrics(heldOut, decoded);
    const silence = reconstructionMetrics(heldOut, new Float32Array(decoded.length));
    expect(metrics.magnitudeSnrDb).toBeGreaterThan(1);
    expect(metrics.logMelDistanceDb).toBeLessThan(silence.logMelDistanceDb / 3);
  });

  it("decodes any code in [0, 4096) and rejects out-of-range or misshapen tokens", async () => {
    const tokens = makeTokens(new Int32Array(4 * 96).fill(4095), [4, 96]);
    expect((await codec.decode(tokens)).length).toBe(96 * 384);
    const bad = new Int32Array(4 * 96);
    bad[5] = -1;
    await expect(codec.decode(makeTokens(bad, [4, 96]))).rejects.toThrow(TokenRangeError);
    await expect(codec.decode(makeTokens(new Int32Array(8 * 96), [8, 96]))).rejects.toThrow(TokenShapeError);
    await expect(codec.decode(makeTokens(new Int32Array(4 * 64), [4, 64]))).rejects.toThrow(/too short/);
    await expect(codec.encode(new Float32Array(100))).rejects.toThrow(EmptyAudioError);
    const withNaN = new Float32Array(12288);
    withNaN[300] = Number.NaN;
    await expect(codec.encode(withNaN)).rejects.toThrow(/sample 300 of channel 0 is NaN/);
  });

  it("round-trips through JSON and safetensors files with identical tokens", async () => {
    const clip = syntheticSong(1.2, RATE, 5);
    const expected = await codec.encode(clip);
    for (const format of ["json", "safetensors"] as const) {
      const bytes = await serializeDefaultCodec(model, format);
      const reloaded = createDefaultCodec(await parseDefaultCodec(bytes, `codec.${format}`));
      expect(Array.from((await reloaded.encode(clip)).data)).toEqual(Array.from(expected.data));
    }
  });

  it("rejects corrupt codec files with CodecLoadError naming the file", async () => {
    await expect(parseDefaultCodec(new TextEncoder().encode("{oops"), "c.json")).rejects.toThrow(/c\.json: not valid JSON/);
    await expect(parseDefaultCodec(new TextEncoder().encode('{"format":"x"}'), "c.json")).rejects.toThrow(CodecLoadError);
    await expect(parseDefaultCodec(new Uint8Array([1, 2, 3]), "c.safetensors")).rejects.toThrow(/c\.safetensors/);
    const json = JSON.parse(new TextDecoder().decode(await serializeDefaultCodec(model, "json"))) as { config: { hopLength: number } };
    json.config.hopLength = 512;
    await expect(parseDefaultCodec(new TextEncoder().encode(JSON.stringify(json)), "c.json")).rejects.toThrow(/hop 512/);
  });
});
