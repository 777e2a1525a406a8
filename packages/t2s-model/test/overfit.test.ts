import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { T2STfModel } from "../src/index.js";
import type { T2SBatch } from "../src/index.js";
import { randomInts, tinyConfig, tunables } from "./helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("t2s training signal", () => {
  it("150 Adam steps on two fixed samples drive the loss near zero (μP init, all variables)", () => {
    const config = tinyConfig();
    const model = new T2STfModel(config, tunables, { seed: 3 });
    const random = Xoshiro128.fromWord(4);
    const batch = 2;
    const ttoks = randomInts(random, batch * (config.ttoks_len + 1), 128);
    const stoks = randomInts(random, batch * (config.stoks_len + 1), config.stoks_codes);
    const shifted = (values: number[], rows: number, length: number, offset: number): number[] =>
      Array.from({ length: rows }, (_, r) => values.slice(r * (length + 1) + offset, r * (length + 1) + offset + length)).flat();
    const data: T2SBatch = {
      inTtoks: tf.tensor2d(shifted(ttoks, batch, config.ttoks_len, 0), [batch, config.ttoks_len], "int32"),
      outTtoks: tf.tensor2d(shifted(ttoks, batch, config.ttoks_len, 1), [batch, config.ttoks_len], "int32"),
      languages: tf.tensor1d([0, 10], "int32"),
      cps: tf.tensor1d([1, 14]),
      inStoks: tf.tensor2d(shifted(stoks, batch, config.stoks_len, 0), [batch, config.stoks_len], "int32"),
      outStoks: tf.tensor2d(shifted(stoks, batch, config.stoks_len, 1), [batch, config.stoks_len], "int32"),
      mtoks: tf.tensor3d(randomInts(random, batch * config.quantizers * config.mtoks_len, config.codes + 2), [batch, config.quantizers, config.mtoks_len], "int32"),
    };
    const optimizer = tf.train.adam(0.01);
    const variables = model.variables.map((v) => v.variable);
    expect(model.variables.find((v) => v.name === "decoder.layers.0.attn.query.weight")?.lrScale).toBeCloseTo(24 / 16); // base_width 3·8 over fan-in 16
    expect(model.variables.find((v) => v.name === "lang_embeddings.weight")?.noWeightDecay).toBe(true);
    const before = tf.tidy(() => model.loss(data).dataSync()[0] ?? NaN);
    let after = NaN;
    const tensorsBefore = tf.memory().numTensors;
    for (let step = 0; step < 150; step++) {
      const cost = optimizer.minimize(() => model.loss(data), true, variables);
      if (step === 149) after = cost?.dataSync()[0] ?? NaN;
      cost?.dispose();
    }
    // No tensors leak per step (optimizer slots are created on the first step only).
    const leaked = tf.memory().numTensors - tensorsBefore;
    expect(leaked).toBeLessThanOrEqual(2 * variables.length + 2);
    console.log(`t2s overfit: loss ${before.toFixed(3)} → ${after.toFixed(4)}`);
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(0.05);
    optimizer.dispose();
    model.dispose();
    Object.values(data).forEach((t: tf.Tensor) => t.dispose());
  });
});
