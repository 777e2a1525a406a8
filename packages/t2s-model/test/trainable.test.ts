import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { T2S_SEMANTIC_EMBEDDING_KEY, T2STrainableModel } from "../src/index.js";
import { randomInts, tinyConfig, tunables } from "./helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("T2STrainableModel (the trainer's TrainableModel shape)", () => {
  it("computes the loss of a host batch, lists μP parameters, frozen tensors and the config", () => {
    const config = tinyConfig();
    const trainable = new T2STrainableModel(config, tunables, { seed: 1 }, { frozenSemanticEmbeddings: true });
    const random = Xoshiro128.fromWord(1);
    const b = 2;
    const batch = {
      size: b,
      ttoksLength: config.ttoks_len,
      stoksLength: config.stoks_len,
      mtoksLength: config.mtoks_len,
      inTtoks: Int32Array.from(randomInts(random, b * config.ttoks_len, 256)),
      outTtoks: Int32Array.from(randomInts(random, b * config.ttoks_len, 256)),
      languages: Int32Array.from([0, 1]),
      cps: Float32Array.from([10, 15]),
      inStoks: Int32Array.from(randomInts(random, b * config.stoks_len, config.stoks_codes)),
      outStoks: Int32Array.from(randomInts(random, b * config.stoks_len, config.stoks_codes)),
      mtoks: Int32Array.from(randomInts(random, b * config.quantizers * config.mtoks_len, config.codes)),
    };
    const loss = tf.tidy(() => trainable.loss(batch, { training: true }).loss.dataSync()[0] ?? NaN);
    // Near-uniform logits at μP init: about ln(vocab) plus 0.1 × ln(256).
    expect(loss).toBeGreaterThan(Math.log(18) + 0.1 * Math.log(256) - 0.5);
    expect(loss).toBeLessThan(Math.log(18) + 0.1 * Math.log(256) + 0.5);
    const names = trainable.parameters.map((p) => p.name);
    expect(names).not.toContain("embeddings.embedding.main.weight");
    expect(names).toContain("embeddings.embedding.emb_to_hidden.weight");
    expect([...trainable.frozenTensors().keys()]).toEqual(expect.arrayContaining(["embeddings.embedding.main.weight", "encoder.positional_embedding", "decoder.layers.0.attn.rotary.inv_freq"]));
    expect(trainable.config()).toEqual({ model: "t2s", config, tunables });
    expect(() => trainable.loss({ ...batch, inStoks: new Int32Array(3) }, { training: true })).toThrow(/inStoks: has 3 values, expected 20/);
    trainable.dispose();
  });

  it("loads BN-Whisper's codebook into the frozen semantic embedding (load_frozen_semantic_embeddings) and refuses a trained one or another size", () => {
    const config = tinyConfig();
    const frozen = new T2STrainableModel(config, tunables, { seed: 2 }, { frozenSemanticEmbeddings: true });
    const width = config.stoks_width ?? config.n_head * config.head_width;
    const codebook = Float32Array.from({ length: config.stoks_codes * width }, (_, i) => Math.cos(i));
    frozen.loadFrozenSemanticEmbeddings(codebook);
    expect(frozen.frozenTensors().get(T2S_SEMANTIC_EMBEDDING_KEY)?.dataSync()).toEqual(codebook);
    expect(() => frozen.loadFrozenSemanticEmbeddings(codebook.subarray(1))).toThrow(/t2s config stoks_codes = \d+: embeddings\.embedding\.main\.weight has shape \[\d+, \d+\]; the values to load have \d+/);
    const trained = new T2STrainableModel(config, tunables, { seed: 2 });
    expect(() => trained.loadFrozenSemanticEmbeddings(codebook)).toThrow(/embeddings\.embedding\.main\.weight is trained; build the model with it frozen/);
    frozen.dispose();
    trained.dispose();
  });
});
