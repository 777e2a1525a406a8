import { flattenSnac } from "@autosing/audio-codec";
import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { ArtistEmbedderInputError, ArtistEmbedderTrainableModel } from "../src/index.js";
import type { ArtistEmbedderHostBatch } from "../src/index.js";
import { randomDenseWindows, tinyConfig, tunables } from "./helpers.js";
import { randomArtistEmbedderWeights } from "../src/testing.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

function flattenWindows(dense: Int32Array, count: number, frames: number): Int32Array {
  const out = new Int32Array(count * 15 * (frames / 8));
  for (let b = 0; b < count; b++) out.set(flattenSnac({ data: dense.subarray(b * 4 * frames, (b + 1) * 4 * frames), shape: [4, frames] }).data, b * 15 * (frames / 8));
  return out;
}

describe("ArtistEmbedderTrainableModel (trainer contract)", () => {
  it("flattened and dense batches give the same loss; metrics as upstream's dict", () => {
    const config = tinyConfig();
    const model = new ArtistEmbedderTrainableModel(config, tunables, randomArtistEmbedderWeights(config, tunables, 31));
    const dense = randomDenseWindows(Xoshiro128.fromWord(32), 2, config.ctx_n, config.codes);
    const labels = Int32Array.from([1, 2]);
    const flat: ArtistEmbedderHostBatch = { size: 2, atoks: flattenWindows(dense, 2, config.ctx_n), labels };
    tf.tidy(() => {
      const a = model.loss(flat, { training: true });
      const b = model.loss({ size: 2, atoks: dense, flattened: false, labels }, { training: true });
      expect(a.loss.dataSync()[0]).toBeCloseTo(b.loss.dataSync()[0] ?? NaN, 5);
      expect(Object.keys(a.metrics).sort()).toEqual(["ar_loss", "class_loss"]);
      const sum = (a.metrics.ar_loss?.dataSync()[0] ?? NaN) + (a.metrics.class_loss?.dataSync()[0] ?? NaN);
      expect(Math.abs((a.loss.dataSync()[0] ?? NaN) - sum) / sum).toBeLessThan(1e-6);
      const validation = model.loss(flat, { training: false });
      expect(Object.keys(validation.metrics).sort()).toEqual(["accuracy", "ar_loss", "class_loss"]);
      // Label smoothing applies in training only.
      expect(validation.metrics.class_loss?.dataSync()[0]).not.toBeCloseTo(a.metrics.class_loss?.dataSync()[0] ?? NaN, 5);
    });
    expect(() => model.loss({ ...flat, labels: Int32Array.from([0, 3]) }, { training: true })).toThrow(/class 3 is outside \[0, 3\)/);
    expect(() => model.loss({ ...flat, atoks: flat.atoks.subarray(1) }, { training: true })).toThrow(ArtistEmbedderInputError);
    expect(model.config()).toMatchObject({ model: "artist_emb", config: { depth: 2 }, tunables: { label_smoothing: 0.1 } });
    expect(model.frozenTensors().has("encoder.0.attn.rotary.inv_freq")).toBe(true);
    model.dispose();
  });

  it("finetune trains class_head only; the rest is saved as frozen tensors", () => {
    const config = tinyConfig({ finetune: true });
    const model = new ArtistEmbedderTrainableModel(config, tunables, randomArtistEmbedderWeights(config, tunables, 41));
    expect(model.parameters.map((p) => p.name)).toEqual(["class_head.weight", "class_head.bias"]);
    expect(model.frozenTensors().has("encoder.1.mlp.0.weight")).toBe(true);
    const dense = randomDenseWindows(Xoshiro128.fromWord(42), 2, config.ctx_n, config.codes);
    const { grads, value } = tf.variableGrads(() => model.loss({ size: 2, atoks: dense, flattened: false, labels: Int32Array.from([0, 1]) }, { training: true }).loss, model.parameters.map((p) => p.variable));
    expect(Object.keys(grads).length).toBe(2);
    const weightGrad = Object.values(grads)[0];
    expect(weightGrad).toBeDefined();
    if (weightGrad) expect(tf.max(tf.abs(weightGrad)).dataSync()[0]).toBeGreaterThan(0);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    model.dispose();
  });
});
