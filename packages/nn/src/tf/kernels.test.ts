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

describe("wasm GatherV2 (embedding rows copied on the heap)", () => {
  it("equals the cpu backend's gather for row lookups, other axes and other dtypes, and keeps its out-of-range error", async () => {
    const table = Float32Array.from({ length: 7 * 3 * 2 }, (_, i) => Math.sin(i) * 10);
    const ids = Int32Array.from([6, 0, 3, 3, 1, 6, 2, 5]);
    const cases = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(table, [7, 3, 2]);
        const id2d = tf.tensor2d(ids, [2, 4], "int32");
        return [
          tf.gather(x, id2d), // rows: the fast path, [2, 4, 3, 2]
          tf.gather(tf.reshape(x, [7, 6]), tf.tensor1d(ids.subarray(0, 5), "int32")),
          tf.gather(x, tf.tensor1d([2, 0], "int32"), 1), // another axis
          tf.gather(tf.tensor2d(ids.subarray(0, 6), [3, 2], "int32"), tf.tensor1d([2, 2, 0], "int32")), // int32 rows
        ].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
      });
    await useTfBackend("cpu");
    const expected = cases();
    await useTfBackend("wasm");
    expect(tf.getKernel("GatherV2", "wasm")?.kernelFunc.name).toBe("rowGather");
    expect(cases()).toEqual(expected);
    expect(() => tf.tidy(() => tf.gather(tf.tensor2d(table, [7, 6]), tf.tensor1d([7], "int32")).dataSync())).toThrow(/GatherV2|not in|out of/i);
  });
});
