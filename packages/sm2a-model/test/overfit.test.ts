import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { SM2ATrainableModel } from "../src/index.js";
import { randomFloats, randomInts, tinyConfig, tunables } from "./helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

describe("sm2a training signal", () => {
  it("Adam steps on two fixed samples (pad targets ignored) drive the loss near zero and accuracy to 1", () => {
    const config = tinyConfig();
    const trainable = new SM2ATrainableModel(config, tunables, { seed: 3 });
    const random = Xoshiro128.fromWord(4);
    const b = 2;
    const q = config.quantizers;
    const t = config.ctx_n;
    const atoks = randomInts(random, b * q * t, config.codes + 2);
    const batch = {
      size: b,
      stoksLength: config.stoks_len,
      atoksLength: t,
      mtoksLength: config.mtoks_len,
      stoks: Int32Array.from(randomInts(random, b * config.stoks_len, config.stoks_codes)),
      atoks: Int32Array.from(atoks),
      atoksPositions: Int32Array.from({ length: b * t }, (_, i) => (i % t) + (i >= t ? 4 : 0)),
      mtoks: Int32Array.from(randomInts(random, b * q * config.mtoks_len, config.codes + 2)),
      artistEmbeddings: Float32Array.from(randomFloats(random, b * 6)),
    };
    const optimizer = tf.train.adam(0.01);
    const variables = trainable.parameters.map((p) => p.variable);
    const before = tf.tidy(() => trainable.loss(batch, { training: true }).loss.dataSync()[0] ?? NaN);
    for (let step = 0; step < 150; step++) {
      optimizer.minimize(() => trainable.loss(batch, { training: true }).loss, false, variables);
    }
    const { after, accuracy } = tf.tidy(() => {
      const result = trainable.loss(batch, { training: false });
      return { after: result.loss.dataSync()[0] ?? NaN, accuracy: Object.values(result.metrics).map((m) => m.dataSync()[0] ?? NaN) };
    });
    console.log(`sm2a overfit: loss ${before.toFixed(3)} → ${after.toFixed(4)}, accuracy ${accuracy.map((a) => a.toFixed(2)).join(" ")}`);
    expect(before).toBeGreaterThan(1);
    expect(after).toBeLessThan(0.05);
    expect(accuracy).toEqual(new Array(q).fill(1));
    optimizer.dispose();
    trainable.dispose();
  });
});
