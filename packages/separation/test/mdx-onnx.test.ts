import type { AudioData } from "@autosing/audio-codec";
import { OnnxGraphBuilder } from "@autosing/onnx";
import { describe, expect, it } from "vitest";

import { SeparatorContractError, loadMdxOnnxSeparator } from "../src/index.js";

// Small STFT settings so a few seconds make many overlapping segments: segment 128·31 = 3968 samples.
const settings = { nFft: 512, dimF: 256, dimT: 32, hopLength: 128, threads: 1 } as const;
const spectrogram = ["batch", 4, settings.dimF, settings.dimT] as const;

/** An MDX-contract graph: `body` maps the input name to the output name. */
function graph(body: (g: OnnxGraphBuilder) => void, outputShape: readonly (string | number)[] = spectrogram): Uint8Array {
  const g = new OnnxGraphBuilder("mdx_test");
  g.addInput("input", "float32", [...spectrogram]);
  body(g);
  g.addOutput("output", "float32", [...outputShape]);
  return g.toBytes();
}

const identity = graph((g) => g.addNode("Identity", ["input"], ["output"]));
/** A random soft mask shared by real and imaginary parts: output = input · sigmoid(1×1 conv of input). */
const randomMask = graph((g) => {
  g.addInitializer("w", Float32Array.from({ length: 16 }, (_, i) => Math.sin(i * 12.9898) * 0.05), [4, 4, 1, 1]);
  g.addNode("Conv", ["input", "w"], ["logits"]);
  g.addNode("Sigmoid", ["logits"], ["mask"]);
  g.addNode("Mul", ["input", "mask"], ["output"]);
});

/** 3 s of two-channel test audio at 32 kHz: tones under 8 kHz plus seeded noise. */
function testAudio(channels: number): AudioData {
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const n = 3 * 32000;
  return {
    sampleRate: 32000,
    channels: Array.from({ length: channels }, (_, ch) =>
      Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (220 + 110 * ch) * i) / 32000) + 0.2 * Math.sin((2 * Math.PI * 3000 * i) / 32000) + 0.02 * noise()),
    ),
  };
}

function norm(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum);
}

function relativeError(estimate: Float32Array, reference: Float32Array): number {
  let error = 0;
  let energy = 0;
  for (let i = 0; i < reference.length; i++) {
    error += (estimate[i]! - reference[i]!) ** 2;
    energy += reference[i]! ** 2;
  }
  return Math.sqrt(error / energy);
}

describe("MDX-Net ONNX separator", () => {
  it("an identity model gives back the mix as its stem: segments are cut and joined without gaps", async () => {
    const separator = await loadMdxOnnxSeparator(identity, settings);
    const audio = testAudio(2);
    const { vocals, instrumental } = await separator.separate({ id: "x_at_1", audio });
    await separator.dispose();
    expect(vocals.sampleRate).toBe(32000);
    expect(vocals.channels).toHaveLength(2);
    for (let ch = 0; ch < 2; ch++) {
      expect(vocals.channels[ch]!.length).toBe(audio.channels[ch]!.length);
      // Resampling 32 → 44.1 → 32 kHz and dropping the Nyquist bin: within 1 % of the signal.
      expect(relativeError(vocals.channels[ch]!, audio.channels[ch]!)).toBeLessThan(0.01);
      expect(norm(instrumental.channels[ch]!) / norm(audio.channels[ch]!)).toBeLessThan(0.01);
    }
  });

  it("compensate scales the primary stem; primaryStem instrumental swaps the stems; stems sum to the mix", async () => {
    const audio = testAudio(1);
    const plain = await loadMdxOnnxSeparator(randomMask, settings);
    const scaled = await loadMdxOnnxSeparator(randomMask, { ...settings, compensate: 1.5, primaryStem: "instrumental" });
    const a = await plain.separate({ id: "x_at_1", audio });
    const b = await scaled.separate({ id: "x_at_1", audio });
    await plain.dispose();
    await scaled.dispose();
    expect(a.vocals.channels).toHaveLength(1);
    const mix = audio.channels[0]!;
    const va = a.vocals.channels[0]!;
    const ia = a.instrumental.channels[0]!;
    for (let i = 0; i < mix.length; i++) expect(va[i]! + ia[i]!).toBeCloseTo(mix[i]!, 6);
    // The mask sits between 0 and 1: the stem is a real part of the mix, not all or nothing.
    const share = norm(va) / norm(mix);
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.8);
    const ib = b.instrumental.channels[0]!;
    for (let i = 0; i < mix.length; i += 997) expect(ib[i]).toBeCloseTo(1.5 * va[i]!, 5);
  });

  it("rejects a model that does not follow the contract", async () => {
    const wrongShape = graph((g) => g.addNode("ReduceMean", ["input"], ["output"], { axes: [1], keepdims: 1 }), ["batch", 1, settings.dimF, settings.dimT]);
    const separator = await loadMdxOnnxSeparator(wrongShape, settings);
    await expect(separator.separate({ id: "x_at_1", audio: testAudio(1) })).rejects.toBeInstanceOf(SeparatorContractError);
    await separator.dispose();
    await expect(loadMdxOnnxSeparator(new Uint8Array([1, 2, 3]), settings)).rejects.toBeInstanceOf(SeparatorContractError);
  });
});
