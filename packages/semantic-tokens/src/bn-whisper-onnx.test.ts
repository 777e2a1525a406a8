import { mulberry32 } from "@autosing/base";
import { WHISPER_N_MELS } from "@autosing/audio-codec";
import { OnnxGraphBuilder } from "@autosing/onnx";
import { describe, expect, it } from "vitest";

import { BN_WHISPER_OUTPUT_TOKENS, loadBnWhisperOnnx } from "./bn-whisper-onnx.js";
import { SemanticModelContractError } from "./errors.js";
import { concat, vowel } from "./__fixtures__/signals.js";
import { encodeChunk } from "./tokenizer.js";
import { WHISPER_INPUT_FRAMES, WHISPER_MEL_PAD_VALUE, whisperEncoderInput } from "./whisper-input.js";

// Fewer logits than the 2048-code vocabulary keep the JS reference quick; codes stay in range.
const CODES = 256;
const STACK = 4; // 3000 frames / 750 tokens

/**
 * A random-weight model with the BN-Whisper signature: mel [B,80,3000] → transpose → stack 4
 * frames → linear to 2048 logits → argmax → int64 [B,750]. The weights are random; the test is
 * about the adapter's shapes, padding and truncation, checked against the same maths in JS.
 */
function buildFakeBnWhisper(weights: Float32Array): Uint8Array {
  const g = new OnnxGraphBuilder("fake_bn_whisper");
  g.addInput("mel", "float32", ["batch", WHISPER_N_MELS, WHISPER_INPUT_FRAMES]);
  g.addInitializer("proj", weights, [STACK * WHISPER_N_MELS, CODES]);
  g.addInt64Initializer("stacked_shape", [0, BN_WHISPER_OUTPUT_TOKENS, STACK * WHISPER_N_MELS]);
  g.addNode("Transpose", ["mel"], ["frames"], { perm: [0, 2, 1] });
  g.addNode("Reshape", ["frames", "stacked_shape"], ["stacked"]);
  g.addNode("MatMul", ["stacked", "proj"], ["logits"]);
  g.addNode("ArgMax", ["logits"], ["tokens"], { axis: 2, keepdims: 0 });
  g.addOutput("tokens", "int64", ["batch", BN_WHISPER_OUTPUT_TOKENS]);
  return g.toBytes();
}

function jsReference(mel: Float32Array, weights: Float32Array, keep: number): Int32Array {
  const out = new Int32Array(keep);
  const width = STACK * WHISPER_N_MELS;
  const stacked = new Float32Array(width);
  for (let t = 0; t < keep; t++) {
    for (let f = 0; f < STACK; f++) {
      for (let m = 0; m < WHISPER_N_MELS; m++) stacked[f * WHISPER_N_MELS + m] = mel[m * WHISPER_INPUT_FRAMES + t * STACK + f]!;
    }
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < CODES; c++) {
      let s = 0;
      for (let i = 0; i < width; i++) s += stacked[i]! * weights[i * CODES + c]!;
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    out[t] = best;
  }
  return out;
}

describe("BN-Whisper ONNX adapter", () => {
  const random = mulberry32(42);
  const weights = Float32Array.from({ length: STACK * WHISPER_N_MELS * CODES }, () => random() - 0.5);
  const model = buildFakeBnWhisper(weights);

  it("pads the log-mel to 3000 frames with -1.5 and keeps only the tokens over real audio", async () => {
    const tokenizer = await loadBnWhisperOnnx(model, { threads: 1 });
    try {
      const audio = concat(vowel("a", 4, 150, 1), vowel("i", 3.5, 150, 2)); // 7.5 s → 750 frames
      const input = whisperEncoderInput(audio);
      expect(input.validFrames).toBe(750);
      expect(input.mel[0 * WHISPER_INPUT_FRAMES + 750]).toBe(WHISPER_MEL_PAD_VALUE);
      expect(input.mel[79 * WHISPER_INPUT_FRAMES + 2999]).toBe(WHISPER_MEL_PAD_VALUE);
      const tokens = await tokenizer.encode(audio);
      expect(tokens.length).toBe(187); // floor(750 / 2 / 2)
      expect(tokens).toEqual(jsReference(input.mel, weights, 187));
    } finally {
      await tokenizer.dispose();
    }
  });

  it("tokenizes a 30 s chunk as two 15 s halves of 375 (upstream stoks step)", async () => {
    const tokenizer = await loadBnWhisperOnnx(model, { threads: 1 });
    try {
      const first = vowel("u", 15, 140, 3);
      const second = vowel("a", 15, 200, 4);
      const chunk = await encodeChunk(tokenizer, concat(first, second));
      expect(chunk.length).toBe(750);
      expect(chunk.subarray(0, 375)).toEqual(jsReference(whisperEncoderInput(first).mel, weights, 375));
      expect(chunk.subarray(375)).toEqual(jsReference(whisperEncoderInput(second).mel, weights, 375));
    } finally {
      await tokenizer.dispose();
    }
  });

  it("rejects a model that breaks the contract, naming what is wrong", async () => {
    const g = new OnnxGraphBuilder("wrong");
    g.addInput("mel", "float32", [1, WHISPER_N_MELS, WHISPER_INPUT_FRAMES]);
    g.addNode("Identity", ["mel"], ["a"]);
    g.addNode("Identity", ["mel"], ["b"]);
    g.addOutput("a", "float32", [1, WHISPER_N_MELS, WHISPER_INPUT_FRAMES]);
    g.addOutput("b", "float32", [1, WHISPER_N_MELS, WHISPER_INPUT_FRAMES]);
    await expect(loadBnWhisperOnnx(g.toBytes())).rejects.toThrow(SemanticModelContractError);
    await expect(loadBnWhisperOnnx(new Uint8Array([1, 2, 3]))).rejects.toThrow(/onnxruntime could not load it/);

    const h = new OnnxGraphBuilder("float_out");
    h.addInput("mel", "float32", [1, WHISPER_N_MELS, WHISPER_INPUT_FRAMES]);
    h.addNode("Identity", ["mel"], ["out"]);
    h.addOutput("out", "float32", [1, WHISPER_N_MELS, WHISPER_INPUT_FRAMES]);
    const tokenizer = await loadBnWhisperOnnx(h.toBytes());
    await expect(tokenizer.encode(vowel("a", 1, 150, 1))).rejects.toThrow(/expected \[1, 750\]/);
    await tokenizer.dispose();
  });
});
