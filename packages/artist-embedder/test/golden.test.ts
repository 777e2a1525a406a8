import { readFileSync } from "node:fs";

import { unflattenSnac } from "@autosing/audio-codec";
import { tf, useTfBackend } from "@autosing/nn";
import type { StateDict } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { ArtistEmbedder, ArtistEmbedderTfModel, exportArtistEmbedderOnnx, parseArtistEmbedderConfig } from "../src/index.js";
import { relativeError, tunables } from "./helpers.js";

interface Golden {
  config: Record<string, unknown>;
  weights: Record<string, { shape: number[]; data: number[] }>;
  flattened: number[];
  labels: number[];
  embedding: number[];
  class_logits: number[];
  class_loss_train: number;
  class_loss_eval: number;
  ar_logits_q1_t3: number[];
  ar_loss: number;
}

// make-golden.py: a float64 numpy transcription of upstream Embedder.forward (random weights).
const golden = JSON.parse(readFileSync(new URL("./__fixtures__/golden.json", import.meta.url), "utf8")) as Golden;
const config = parseArtistEmbedderConfig(golden.config);
const weights: StateDict = new Map(Object.entries(golden.weights).map(([name, t]) => [name, { shape: t.shape, data: Float32Array.from(t.data) }]));
const batch = golden.labels.length;
const dense = unflattenSnac({ data: Int32Array.from(golden.flattened), shape: [batch, 15, config.ctx_n / 8] });

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("artist embedder against the upstream transcription (golden vectors)", () => {
  it("tfjs: embedding, class logits, both losses and AR logits", () => {
    const model = new ArtistEmbedderTfModel(config, tunables, weights);
    tf.tidy(() => {
      const atoks = tf.tensor3d(dense.data, [batch, 4, config.ctx_n], "int32");
      const labels = tf.tensor1d(golden.labels, "int32");
      const train = model.loss(atoks, labels, { training: true });
      const evaluation = model.loss(atoks, labels, { training: false });
      expect(relativeError(train.embedding.dataSync(), golden.embedding)).toBeLessThan(1e-5);
      expect(relativeError(model.classify(train.embedding).dataSync(), golden.class_logits)).toBeLessThan(1e-5);
      expect(train.classLoss.dataSync()[0]).toBeCloseTo(golden.class_loss_train, 4);
      expect(evaluation.classLoss.dataSync()[0]).toBeCloseTo(golden.class_loss_eval, 4);
      expect(relativeError([train.arLoss.dataSync()[0] ?? NaN], [golden.ar_loss])).toBeLessThan(1e-5);
      const logits = model.arLogits(model.forward(atoks).hidden);
      const row = tf.slice(logits, [1, 1, 3, 0], [1, 1, 1, -1]).dataSync();
      expect(relativeError(row, golden.ar_logits_q1_t3)).toBeLessThan(1e-5);
    });
    model.dispose();
  });

  it("ONNX: the embedding", async () => {
    const embedder = await ArtistEmbedder.create(exportArtistEmbedderOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    try {
      expect(relativeError(await embedder.embedWindows(dense.data, batch), golden.embedding)).toBeLessThan(1e-5);
    } finally {
      await embedder.release();
    }
  });
});
