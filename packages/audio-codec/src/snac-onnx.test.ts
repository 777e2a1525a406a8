import { mulberry32 } from "@autosing/base";
import { OnnxGraphBuilder } from "@autosing/onnx";
import { describe, expect, it } from "vitest";

import {
  CodecLoadError,
  EmptyAudioError,
  SNAC_32KHZ,
  TokenRangeError,
  TokenShapeError,
  loadSnacOnnxCodec,
  makeTokens,
  parseSnacModelFile,
} from "./index.js";

const STRIDES = [8, 4, 2, 1];
const HOP = 384;

function randomWeights(random: () => number, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

/**
 * A random-weight stand-in with SNAC 32 kHz's ONNX signature: per level, samples are grouped
 * into frames of 384·s, projected to one number, and turned into a code in [0, 4096).
 */
function fakeSnacEncoder(seed: number): Uint8Array {
  const random = mulberry32(seed);
  const g = new OnnxGraphBuilder("snac_encoder");
  g.addInput("input_values", "float32", ["batch", 1, "samples"]);
  g.addInt64Initializer("codes_mod", [4096], []);
  g.addInt64Initializer("squeeze_last", [-1]);
  STRIDES.forEach((s, i) => {
    const width = HOP * s;
    g.addInt64Initializer(`shape_${i}`, [0, -1, width]);
    g.addInitializer(`w_${i}`, randomWeights(random, width, 1), [width, 1]);
    g.addInitializer(`scale_${i}`, new Float32Array([1000]), []);
    g.addNode("Reshape", ["input_values", `shape_${i}`], [`frames_${i}`]);
    g.addNode("MatMul", [`frames_${i}`, `w_${i}`], [`proj_${i}`]);
    g.addNode("Squeeze", [`proj_${i}`, "squeeze_last"], [`flat_${i}`]);
    g.addNode("Abs", [`flat_${i}`], [`abs_${i}`]);
    g.addNode("Mul", [`abs_${i}`, `scale_${i}`], [`scaled_${i}`]);
    g.addNode("Cast", [`scaled_${i}`], [`int_${i}`], { to: 7 });
    g.addNode("Mod", [`int_${i}`, "codes_mod"], [`audio_codes.${i}`]);
    g.addOutput(`audio_codes.${i}`, "int64", ["batch", `n${i}`]);
  });
  return g.toBytes();
}

/** Decoder stand-in: each level's codes are embedded to 384·s samples per code and summed. */
function fakeSnacDecoder(seed: number): Uint8Array {
  const random = mulberry32(seed);
  const g = new OnnxGraphBuilder("snac_decoder");
  g.addInt64Initializer("unsqueeze_last", [-1]);
  g.addInt64Initializer("to_audio", [0, 1, -1]);
  g.addInitializer("code_scale", new Float32Array([1 / 4096]), []);
  STRIDES.forEach((s, i) => {
    const width = HOP * s;
    g.addInput(`audio_codes.${i}`, "int64", ["batch", `n${i}`]);
    g.addInitializer(`w_${i}`, randomWeights(random, width, 0.2), [1, width]);
    g.addNode("Cast", [`audio_codes.${i}`], [`f_${i}`], { to: 1 });
    g.addNode("Mul", [`f_${i}`, "code_scale"], [`u_${i}`]);
    g.addNode("Unsqueeze", [`u_${i}`, "unsqueeze_last"], [`col_${i}`]);
    g.addNode("MatMul", [`col_${i}`, `w_${i}`], [`frames_${i}`]);
    g.addNode("Reshape", [`frames_${i}`, "to_audio"], [`level_audio_${i}`]);
  });
  g.addNode("Sum", STRIDES.map((_, i) => `level_audio_${i}`), ["mixed"]);
  g.addNode("Tanh", ["mixed"], ["audio_values"]);
  g.addOutput("audio_values", "float32", ["batch", 1, "samples"]);
  return g.toBytes();
}

describe("SNAC ONNX adapter", () => {
  it("runs a model of the SNAC 32 kHz signature with upstream's length rules and dense layout", async () => {
    const codec = await loadSnacOnnxCodec({ encoder: fakeSnacEncoder(1), decoder: fakeSnacDecoder(2) }, { threads: 1 });
    try {
      expect([codec.sampleRate, codec.quantizers, codec.numCodes, codec.alignment, codec.encodeMultiple]).toEqual([32000, 4, 4096, 8, 12288]);
      expect(codec.frameRate).toBeCloseTo(83.333, 3);
      const random = mulberry32(9);
      const audio = Float32Array.from({ length: 3 * 12288 + 5000 }, () => random() * 2 - 1);
      const tokens = await codec.encode(audio);
      // 3 blocks of 12288 samples = 96 finest frames; the 5000 extra samples are dropped.
      expect(tokens.shape).toEqual([4, 96]);
      for (let i = 0; i < 4; i++) {
        const s = 2 ** (3 - i);
        for (let t = 0; t < 96; t++) {
          const v = tokens.data[i * 96 + t]!;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThan(4096);
          if (t % s !== 0) expect(v).toBe(0);
        }
      }
      // Codes must not depend on the dropped tail: the same first 36864 samples encode identically.
      const again = await codec.encode(audio.subarray(0, 3 * 12288));
      expect(Array.from(again.data)).toEqual(Array.from(tokens.data));
      const decoded = await codec.decode(tokens);
      expect(decoded.length).toBe(3 * 12288);

      // 100 frames: level i truncated to 12, 24, 48, 96 codes → 96 · 384 samples out.
      const longer = makeTokens(new Int32Array(4 * 104), [4, 104]);
      expect((await codec.decode(longer)).length).toBe(96 * 384);
    } finally {
      await codec.dispose();
    }
  });

  it("rejects short audio, bad tokens and models of the wrong contract with typed errors", async () => {
    const codec = await loadSnacOnnxCodec({ encoder: fakeSnacEncoder(1), decoder: fakeSnacDecoder(2) }, { threads: 1 });
    try {
      await expect(codec.encode(new Float32Array(12000))).rejects.toThrow(EmptyAudioError);
      await expect(codec.decode(makeTokens(new Int32Array(3 * 96), [3, 96]))).rejects.toThrow(TokenShapeError);
      const bad = new Int32Array(4 * 96);
      bad[7] = 4096;
      await expect(codec.decode(makeTokens(bad, [4, 96]))).rejects.toThrow(TokenRangeError);
      await expect(codec.decode(makeTokens(new Int32Array(4 * 64), [4, 64]))).rejects.toThrow(/too short/);
    } finally {
      await codec.dispose();
    }
    await expect(loadSnacOnnxCodec({ encoder: fakeSnacDecoder(2), decoder: fakeSnacDecoder(2) })).rejects.toThrow(/missing input "input_values"/);
    await expect(loadSnacOnnxCodec({ encoder: new Uint8Array([1, 2, 3]), decoder: fakeSnacDecoder(2) })).rejects.toThrow(CodecLoadError);
    await expect(loadSnacOnnxCodec("/nonexistent/snac")).rejects.toThrow(/no SNAC encoder model/);
    expect(SNAC_32KHZ.encodeMultiple).toBe(384 * 32);
  });
});

describe("snac.json (the sizes of an imported SNAC model)", () => {
  const facts = { kind: "snac", sampleRate: 24000, hopLength: 512, vqStrides: [4, 2, 1], attentionWindow: null, codebookSize: 4096, encodeMultiple: 2048 };

  it("reads what autosing import snac writes", () => {
    expect(parseSnacModelFile(JSON.stringify(facts), "snac.json")).toMatchObject({ sampleRate: 24000, vqStrides: [4, 2, 1] });
  });

  it("refuses strides the dense layout cannot hold, bad sizes and bad JSON, naming the file", () => {
    expect(() => parseSnacModelFile(JSON.stringify({ ...facts, vqStrides: [6, 3, 1] }), "m/snac.json")).toThrow(/m\/snac.json: vqStrides \[6,3,1\] cannot use the dense token layout/);
    expect(() => parseSnacModelFile(JSON.stringify({ ...facts, hopLength: 0 }), "m/snac.json")).toThrow(/hopLength must be a positive integer/);
    expect(() => parseSnacModelFile("{", "m/snac.json")).toThrow(CodecLoadError);
  });
});
