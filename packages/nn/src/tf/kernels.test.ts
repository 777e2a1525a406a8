import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";

import { useTfBackend } from "./backend.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

describe("wasm Identity", () => {
  it("shares the input's data (tfjs saves every taped tensor by clone) and keeps it alive by reference count", async () => {
    await useTfBackend("wasm");
    const x = tf.tensor2d(Float32Array.from({ length: 12 }, (_, i) => i - 3), [3, 4]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(Array.from({ length: 12 }, (_, i) => i - 3));
    // Gradients, whose saved inputs are such clones, are unchanged: d Σ(W·W)/dW = 2·64 for W = 1.
    const w = tf.variable(tf.ones([64, 64]), true, "kernels_test_w");
    const grads = tf.variableGrads(() => tf.sum(tf.matMul(w, w)) as tf.Scalar, [w]);
    expect(Array.from(grads.grads[w.name]?.dataSync().slice(0, 2) ?? [])).toEqual([128, 128]);
    tf.dispose([y, w, grads.value, ...Object.values(grads.grads)]);
  });
});
