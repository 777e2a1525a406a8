import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { randomFrameModel } from "./__fixtures__/frame-model.js";
import { ModelContractError, SilentAudioError } from "./errors.js";
import { OnnxFrameClassifier } from "./frame-classifier.js";

function noise(samples: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return new Float32Array(samples).map(() => (random() - 0.5) * 0.5);
}

describe("OnnxFrameClassifier (charsiu contract, random weights)", () => {
  it("gives log-softmax emissions at ~100 frames/s, chunked as torch.chunk does", async () => {
    const classifier = await OnnxFrameClassifier.open(randomFrameModel(), { threads: 1 });
    try {
      // 31 s → two chunks of 15.5 s (248 000 samples), each giving floor((248000 − 400) / 160) + 1 frames.
      const audio = noise(31 * 16000, 1);
      const { emission, frameRate, frameDuration, duration } = await classifier.computeEmission(audio);
      const perChunk = Math.floor((248000 - 400) / 160) + 1;
      expect(emission.classes).toBe(42);
      expect(emission.frames).toBe(2 * perChunk);
      expect(emission.data.length).toBe(2 * perChunk * 42);
      expect(frameRate).toBe(100);
      expect(duration).toBe(31);
      expect(frameDuration).toBeCloseTo(31 / (2 * perChunk), 12);
      for (const frame of [0, 777, emission.frames - 1]) {
        let total = 0;
        for (let c = 0; c < 42; c++) total += Math.exp(emission.data[frame * 42 + c] ?? -Infinity);
        expect(total).toBeCloseTo(1, 5);
      }
      await expect(classifier.computeEmission(new Float32Array(0))).rejects.toThrow(SilentAudioError);
    } finally {
      await classifier.release();
    }
  });

  it("rejects a model whose output does not have 42 classes", async () => {
    const classifier = await OnnxFrameClassifier.open(randomFrameModel(10), { threads: 1 });
    try {
      await expect(classifier.computeEmission(noise(16000, 2))).rejects.toThrow(ModelContractError);
      await expect(classifier.computeEmission(noise(16000, 2))).rejects.toThrow(/\[1, 98, 10\]/);
    } finally {
      await classifier.release();
    }
  });
});
