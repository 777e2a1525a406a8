import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import type { TfBackendName } from "@autosing/nn";
import { afterAll, describe, expect, it } from "vitest";

import { SM2ATfModel } from "../src/index.js";
import type { SM2ABatch } from "../src/index.js";
import { randomFloats, randomInts, relativeError, testWeights, tinyConfig, tunables } from "./helpers.js";
import { randomSM2AWeights } from "../src/testing.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

/**
 * The default (memory-efficient) loss — checkpointed decoder layers, fused head loss, hand-written
 * attention backward, and on wasm the shared-data Identity — against the straightforward graph.
 */
describe.each<TfBackendName>(["cpu", "wasm"])("sm2a memory-efficient loss on %s", (backend) => {
  it("gives the plain graph's loss, accuracy counts and gradients of every parameter (1e-5 relative)", async () => {
    await useTfBackend(backend);
    const config = tinyConfig();
    const weighted = { ...tunables, q0_loss_mult: 3 };
    const model = new SM2ATfModel(config, weighted, randomSM2AWeights(config, weighted, 21, testWeights));
    const random = Xoshiro128.fromWord(22);
    const b = 2;
    const q = config.quantizers;
    const t = config.ctx_n;
    // Codes 0..6: 5 is the pad target (ignored), 6 the other special code.
    const batch: SM2ABatch = {
      stoks: tf.tensor2d(randomInts(random, b * config.stoks_len, config.stoks_codes), [b, config.stoks_len], "int32"),
      atoks: tf.tensor3d(randomInts(random, b * q * t, config.codes + 2), [b, q, t], "int32"),
      mtoks: tf.tensor3d(randomInts(random, b * q * config.mtoks_len, config.codes + 2), [b, q, config.mtoks_len], "int32"),
      speakers: tf.tensor2d(randomFloats(random, b * 6), [b, 6]),
      atoksPositions: tf.tensor2d(Int32Array.from({ length: b * t }, (_, i) => (i % t) + (i >= t ? 8 : 0)), [b, t], "int32"),
    };
    const variables = model.variables.map((v) => v.variable);
    const run = (memoryEfficient: boolean, checkpoint?: boolean) => {
      const options = { training: true, memoryEfficient, ...(checkpoint === undefined ? {} : { checkpoint }) };
      const counts = tf.tidy(() => {
        const r = model.loss(batch, options);
        return { correct: Array.from(r.correct.dataSync()), total: Array.from(r.total.dataSync()) };
      });
      const { value, grads } = tf.variableGrads(() => model.loss(batch, options).loss, variables);
      const out = { loss: value.dataSync()[0] as number, grads: variables.map((v) => (grads[v.name] as tf.Tensor).dataSync().slice()), ...counts };
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const before = tf.memory().numTensors;
    const plain = run(false);
    // This batch is below SM2A_CHECKPOINT_ROWS: by default the fused head loss without checkpointed layers; forced, with.
    for (const efficient of [run(true), run(true, true)]) {
      expect(tf.memory().numTensors).toBe(before);
      expect(Math.abs(efficient.loss - plain.loss) / plain.loss).toBeLessThan(1e-5);
      expect(efficient.correct).toEqual(plain.correct);
      expect(efficient.total).toEqual(plain.total);
      model.variables.forEach((v, i) => expect(relativeError(efficient.grads[i] as Float32Array, plain.grads[i] as Float32Array), v.name).toBeLessThan(1e-5));
    }
    expect(plain.total.some((n) => n < b * (t - 1))).toBe(true);

    // Given per-quantizer denominators (data-parallel shards), both paths divide each quantizer's summed
    // loss by them: twice each valid count halves the loss.
    const over = (memoryEfficient: boolean, denominators: number[]) =>
      tf.tidy(() => model.loss({ ...batch, lossDenominators: denominators }, { training: true, memoryEfficient }).loss.dataSync()[0] as number);
    const doubled = plain.total.map((n) => 2 * n);
    for (const memoryEfficient of [false, true]) {
      expect(Math.abs(over(memoryEfficient, plain.total) - plain.loss) / plain.loss).toBeLessThan(1e-5);
      expect(Math.abs(over(memoryEfficient, doubled) - plain.loss / 2) / plain.loss).toBeLessThan(1e-5);
    }
    expect(() => model.loss({ ...batch, lossDenominators: [1] })).toThrow(/lossDenominators/);
    tf.dispose(Object.values(batch) as tf.Tensor[]);
    model.dispose();
  });
});
