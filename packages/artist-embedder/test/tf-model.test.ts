import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { ArtistEmbedderInputError, ArtistEmbedderTfModel, labelSmoothedCrossEntropy } from "../src/index.js";
import { randomDenseWindows, tinyConfig, tunables } from "./helpers.js";
import { randomArtistEmbedderWeights } from "../src/testing.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("labelSmoothedCrossEntropy", () => {
  it("matches F.cross_entropy(label_smoothing=0.1) and plain cross entropy at 0", () => {
    const value = (logits: number[][], labels: number[], smoothing: number): number =>
      tf.tidy(() => labelSmoothedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, "int32"), smoothing).dataSync()[0] ?? NaN);
    // Golden values: (1 − ε)·nll + ε·mean(−log p) written out in float64 (PyTorch's definition).
    expect(value([[1, 2, 3]], [0], 0.1)).toBeCloseTo(2.3076059644443805, 5);
    expect(value([[1, 2, 3], [0.5, -1, 0.25]], [0, 2], 0.1)).toBeCloseTo((2.3076059644443805 + 0.9774455197352475) / 2, 5);
    expect(value([[1, 2, 3]], [0], 0)).toBeCloseTo(2.4076059644443806, 5);
  });
});

describe("artist embedder forward", () => {
  it("gives [B, emb_width] embeddings, is causal, and checks the window length", () => {
    const config = tinyConfig();
    const model = new ArtistEmbedderTfModel(config, tunables, randomArtistEmbedderWeights(config, tunables, 11));
    const random = Xoshiro128.fromWord(12);
    const windows = randomDenseWindows(random, 2, config.ctx_n, config.codes);
    const changed = windows.slice();
    changed[config.ctx_n - 1] = 7; // quantizer 0 of sample 0, last frame
    tf.tidy(() => {
      const a = model.forward(tf.tensor3d(windows, [2, 4, config.ctx_n], "int32"));
      const b = model.forward(tf.tensor3d(changed, [2, 4, config.ctx_n], "int32"));
      expect(a.embedding.shape).toEqual([2, config.emb_width]);
      expect(a.hidden.shape).toEqual([2, config.ctx_n, 16]);
      const early = (x: tf.Tensor3D): Float32Array => tf.slice(x, [0, 0, 0], [1, config.ctx_n - 1, -1]).dataSync() as Float32Array;
      expect(Array.from(early(b.hidden))).toEqual(Array.from(early(a.hidden)));
      const first = (x: tf.Tensor2D): number[] => Array.from(tf.slice(x, [0, 0], [1, -1]).dataSync());
      expect(first(b.embedding)).not.toEqual(first(a.embedding));
      const logits = model.arLogits(a.hidden);
      expect(logits.shape).toEqual([2, 4, config.ctx_n, config.codes + 2]);
      expect(() => model.forward(tf.zeros([1, 4, config.ctx_n - 8], "int32") as tf.Tensor3D)).toThrow(ArtistEmbedderInputError);
    });
    model.dispose();
  });
});

describe("artist embedder training signal", () => {
  it("150 Adam steps on three fixed windows drive both losses near zero", () => {
    const config = tinyConfig({ ctx_n: 8 });
    const model = new ArtistEmbedderTfModel(config, tunables, { seed: 3 });
    const random = Xoshiro128.fromWord(4);
    const atoks = tf.tensor3d(randomDenseWindows(random, 3, config.ctx_n, config.codes), [3, 4, config.ctx_n], "int32");
    const labels = tf.tensor1d([0, 2, 1], "int32");
    const optimizer = tf.train.adam(0.02);
    const variables = model.variables.map((v) => v.variable);
    const evaluate = (): { loss: number; arLoss: number; classLoss: number; accuracy: number } =>
      tf.tidy(() => {
        const r = model.loss(atoks, labels, { training: false });
        return { loss: r.loss.dataSync()[0] ?? NaN, arLoss: r.arLoss.dataSync()[0] ?? NaN, classLoss: r.classLoss.dataSync()[0] ?? NaN, accuracy: r.accuracy.dataSync()[0] ?? NaN };
      });
    const before = evaluate();
    const tensorsBefore = tf.memory().numTensors;
    for (let step = 0; step < 150; step++) optimizer.minimize(() => model.loss(atoks, labels).loss, false, variables);
    expect(tf.memory().numTensors - tensorsBefore).toBeLessThanOrEqual(2 * variables.length + 2);
    const after = evaluate();
    console.log(`artist embedder overfit: loss ${before.loss.toFixed(3)} → ${after.loss.toFixed(4)} (ar ${after.arLoss.toFixed(4)}, class ${after.classLoss.toFixed(4)})`);
    expect(before.arLoss).toBeGreaterThan(2);
    expect(after.arLoss).toBeLessThan(0.05);
    expect(after.classLoss).toBeLessThan(0.05);
    expect(after.accuracy).toBe(1);
    optimizer.dispose();
    model.dispose();
    atoks.dispose();
    labels.dispose();
  });
});
