import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { mulberry32 } from "@autosing/base";
import { afterAll, describe, expect, it } from "vitest";

import { float32Tensor, openOnnxSession } from "@autosing/onnx";

import { randomFrameModel } from "./__fixtures__/frame-model.js";
import { ModelContractError, SilentAudioError } from "./errors.js";
import { OnnxFrameClassifier } from "./frame-classifier.js";
import { CHARSIU_PHONES } from "./phone-set.js";

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

  it("rejects a model whose output does not have 42 classes when it is opened", async () => {
    const opened = OnnxFrameClassifier.open(randomFrameModel(10), { threads: 1 });
    await expect(opened).rejects.toThrow(ModelContractError);
    await expect(OnnxFrameClassifier.open(randomFrameModel(10), { threads: 1 })).rejects.toThrow(/must be float32 \[1, frames, 42\], got \[1, frames, 10\]/);
  });
});

describe("OnnxFrameClassifier vocabulary (labels.json beside the model, as the importer writes it)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "fc-labels-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  /** A folder with model.onnx (random weights, `classes` outputs) and, when given, labels.json. */
  const modelDir = (classes: number, labels?: string): string => {
    const folder = mkdtempSync(join(scratch, "model-"));
    writeFileSync(join(folder, "model.onnx"), randomFrameModel(classes, 9));
    if (labels !== undefined) writeFileSync(join(folder, "labels.json"), labels);
    return join(folder, "model.onnx");
  };

  it("takes the vocabulary from labels.json: another order, stress marks and extra classes come out in charsiu order", async () => {
    // The model's classes: an extra, charsiu's phones reversed (AH written "ah0"), another extra.
    const labels = ["<extra-a>", ...[...CHARSIU_PHONES].reverse().map((p) => (p === "AH" ? "ah0" : p)), "<extra-b>"];
    const path = modelDir(labels.length, JSON.stringify(labels));
    const classifier = await OnnxFrameClassifier.open(path, { threads: 1 });
    const session = await openOnnxSession(path, { threads: 1 });
    try {
      expect(classifier.classes).toBe(44);
      expect(classifier.labels).toEqual(labels);
      const audio = noise(16000, 3);
      const { emission } = await classifier.computeEmission(audio);
      expect(emission.classes).toBe(42);
      const logits = (await session.run({ input_values: float32Tensor(audio, [1, audio.length]) })).logits?.data as Float32Array;
      for (const frame of [0, 10, emission.frames - 1]) {
        const row = Array.from(logits.subarray(frame * 44, frame * 44 + 44));
        const max = Math.max(...row);
        const logSum = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        // charsiu id → model column: [SIL] (0) is column 42 (reversed, after the extra), AH (25) is 42 − 25 = 17.
        expect(emission.data[frame * 42 + 0]).toBeCloseTo((row[42] ?? 0) - logSum, 5);
        expect(emission.data[frame * 42 + 25]).toBeCloseTo((row[17] ?? 0) - logSum, 5);
      }
    } finally {
      await classifier.release();
      await session.release();
    }
  });

  it("keeps the 42-class charsiu contract for placeholder labels (LABEL_0…) and without labels.json", async () => {
    const unnamed = await OnnxFrameClassifier.open(modelDir(42, JSON.stringify(Array.from({ length: 42 }, (_, i) => `LABEL_${i}`))), { threads: 1 });
    const bare = await OnnxFrameClassifier.open(modelDir(42), { threads: 1 });
    expect(unnamed.labels).toEqual(CHARSIU_PHONES);
    expect(bare.labels).toEqual(CHARSIU_PHONES);
    await unnamed.release();
    await bare.release();
  });

  it("refuses labels that do not match the model's output width, lack phones or are not a list of names", async () => {
    const narrow = modelDir(10, JSON.stringify(CHARSIU_PHONES));
    await expect(OnnxFrameClassifier.open(narrow, { threads: 1 })).rejects.toThrow(/\[1, frames, 42\] \(42 labels in .*labels\.json; re-import .* got \[1, frames, 10\]/);
    const lacking = modelDir(40, JSON.stringify(CHARSIU_PHONES.filter((p) => p !== "ZH" && p !== "OY")));
    await expect(OnnxFrameClassifier.open(lacking, { threads: 1 })).rejects.toThrow(/labels\.json lacks 2 of the charsiu phone classes .*\(ZH, OY\)/);
    await expect(OnnxFrameClassifier.open(modelDir(42, "{ not json"), { threads: 1 })).rejects.toThrow(/labels\.json is not valid JSON/);
    await expect(OnnxFrameClassifier.open(modelDir(42, JSON.stringify({ 0: "[SIL]" })), { threads: 1 })).rejects.toThrow(/must be a non-empty JSON array of class names/);
    await expect(OnnxFrameClassifier.open(modelDir(12, JSON.stringify(Array.from({ length: 12 }, (_, i) => `LABEL_${i}`))), { threads: 1 })).rejects.toThrow(/12 unnamed classes/);
    const error = await OnnxFrameClassifier.open(narrow, { threads: 1 }).catch((e: unknown) => e);
    expect(ModelContractError.isInstance(error)).toBe(true);
  });
});
