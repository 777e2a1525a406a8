import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { flattenSnac } from "@autosing/audio-codec";
import { Xoshiro128 } from "@autosing/base";
import { int64Tensor, openOnnxSession, tf, useTfBackend } from "@autosing/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ARTIST_EMBEDDER_ONNX_NAMES,
  ArtistEmbedder,
  ArtistEmbedderInputError,
  ArtistEmbedderTfModel,
  exportArtistEmbedderOnnx,
  openArtistEmbedderExport,
  writeArtistEmbedderExport,
} from "../src/index.js";
import type { ArtistEmbedderConfig } from "../src/index.js";
import { randomDenseWindows, relativeError, tinyConfig, tunables } from "./helpers.js";
import { randomArtistEmbedderWeights } from "../src/testing.js";

let dir = "";
beforeAll(async () => {
  await useTfBackend("cpu");
  dir = await mkdtemp(join(tmpdir(), "artist-embedder-onnx-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tfEmbeddings(model: ArtistEmbedderTfModel, windows: Int32Array, count: number): { embedding: Float32Array; classLogits: Float32Array } {
  return tf.tidy(() => {
    const { embedding } = model.forward(tf.tensor3d(windows, [count, model.config.quantizers, model.config.ctx_n], "int32"));
    return { embedding: embedding.dataSync() as Float32Array, classLogits: model.classify(embedding).dataSync() as Float32Array };
  });
}

async function parity(config: ArtistEmbedderConfig, batch: number, seed: number): Promise<number> {
  const weights = randomArtistEmbedderWeights(config, tunables, seed);
  const model = new ArtistEmbedderTfModel(config, tunables, weights);
  const windows = randomDenseWindows(Xoshiro128.fromWord(seed + 7), batch, config.ctx_n, config.codes);
  // A special code (ids ≥ codes) in the input exercises the merged special rows.
  windows[3] = config.codes + 1;
  const expected = tfEmbeddings(model, windows, batch);
  model.dispose();
  const onnx = exportArtistEmbedderOnnx(config, tunables, weights);
  const embedder = await ArtistEmbedder.create(onnx, config, tunables, { threads: 1 });
  const session = await openOnnxSession(onnx, { threads: 1 });
  try {
    const actual = await embedder.embedWindows(windows, batch);
    expect(actual.length).toBe(batch * config.emb_width);
    const raw = await session.run({ [ARTIST_EMBEDDER_ONNX_NAMES.atoks]: int64Tensor(windows, [batch, config.quantizers, config.ctx_n]) });
    const classLogits = raw[ARTIST_EMBEDDER_ONNX_NAMES.classLogits];
    expect(classLogits?.dims).toEqual([batch, config.num_classes]);
    expect(relativeError(classLogits?.data as Float32Array, expected.classLogits)).toBeLessThan(1e-4);
    const error = relativeError(actual, expected.embedding);
    console.log(`artist embedder parity ${JSON.stringify({ depth: config.depth, n_head: config.n_head, head_width: config.head_width, ctx_n: config.ctx_n, batch })}: relative error ${error.toExponential(2)}`);
    return error;
  } finally {
    await embedder.release();
    await session.release();
  }
}

describe("artist embedder: tfjs forward and the ONNX graph agree", () => {
  it("tiny config, batch 2", async () => {
    expect(await parity(tinyConfig(), 2, 1)).toBeLessThan(1e-4);
  });

  it("a wider, deeper config (3 heads of 16, ffn 4, 32 frames), batch 3", async () => {
    expect(await parity(tinyConfig({ depth: 3, n_head: 3, head_width: 16, ffn_mult: 4, ctx_n: 32, emb_width: 20, num_classes: 5 }), 3, 2)).toBeLessThan(1e-4);
  });
});

describe("embedAudioTokens (the artist_embs step)", () => {
  it("splits a chunk into 3 windows of ctx_n frames, 3 × emb_width floats; flattened input gives the same", async () => {
    const config = tinyConfig();
    const weights = randomArtistEmbedderWeights(config, tunables, 21);
    const random = Xoshiro128.fromWord(22);
    const t = config.ctx_n;
    const chunk = randomDenseWindows(random, 1, 3 * t, config.codes); // one [4, 3t] chunk
    await writeArtistEmbedderExport({ config, tunables, weights }, dir);
    const embedder = await openArtistEmbedderExport(dir, { threads: 1 });
    const model = new ArtistEmbedderTfModel(config, tunables, weights);
    try {
      const result = await embedder.embedAudioTokens({ data: chunk, shape: [4, 3 * t] });
      expect(result.shape).toEqual([3, config.emb_width]);
      for (let n = 0; n < 3; n++) {
        // Window n is columns [n·t, (n+1)·t) of every level ("b q (n t) -> (b n) q t").
        const window = new Int32Array(4 * t);
        for (let level = 0; level < 4; level++) window.set(chunk.subarray(level * 3 * t + n * t, level * 3 * t + (n + 1) * t), level * t);
        const expected = tfEmbeddings(model, window, 1).embedding;
        expect(relativeError(result.data.subarray(n * config.emb_width, (n + 1) * config.emb_width), expected)).toBeLessThan(1e-4);
      }
      const flat = flattenSnac({ data: chunk, shape: [4, 3 * t] });
      expect(flat.shape).toEqual([15, (3 * t) / 8]);
      const fromFlat = await embedder.embedAudioTokens(flat);
      expect(Array.from(fromFlat.data)).toEqual(Array.from(result.data));
      const batched = await embedder.embedAudioTokens({ data: Int32Array.from([...chunk, ...chunk]), shape: [2, 4, 3 * t] }, { batchSize: 4 });
      expect(batched.shape).toEqual([2, 3, config.emb_width]);
      expect(Array.from(batched.data.subarray(3 * config.emb_width))).toEqual(Array.from(result.data));
      await expect(embedder.embedAudioTokens({ data: chunk.subarray(0, 4 * 3 * (t - 8)), shape: [4, 3 * (t - 8)] })).rejects.toThrow(ArtistEmbedderInputError);
      await expect(embedder.embedAudioTokens({ data: chunk.subarray(0, 3 * 3 * t), shape: [3, 3 * t] })).rejects.toThrow(/must be \[4, T\]/);
      const bad = chunk.slice();
      bad[5] = config.codes + 2;
      await expect(embedder.embedAudioTokens({ data: bad, shape: [4, 3 * t] })).rejects.toThrow(/outside \[0, 18\)/);
    } finally {
      model.dispose();
      await embedder.release();
    }
  });
});
