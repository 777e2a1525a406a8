import { TF_BACKEND_PREFERENCE, describeTfBackend } from "@autosing/nn";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import { BackendUnavailableError, TrainerConfigError, selectBackend, train } from "../src/index.js";
import { TinyLm, tinyDatasets } from "./fixtures/tiny-lm.js";

describe("selectBackend", () => {
  it("falls back past the optional native backends to wasm and bridges its missing gradient kernels", async () => {
    // The documented order (README "Past one machine"): the GPU build first, then native CPU, wasm, cpu.
    expect(TF_BACKEND_PREFERENCE).toEqual(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]);
    const selected = await selectBackend();
    // The native packages are not installed in CI (they download libtensorflow at install time).
    expect(selected.skipped.map((s) => s.backend)).toEqual(["tensorflow-gpu", "tensorflow"]);
    expect(selected.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(selected.bridgedKernels).toContain("UnsortedSegmentSum");
    expect(describeTfBackend(selected)).toMatch(/^tfjs backend: wasm, \d+ kernels bridged to cpu, matrix products on onnxruntime \(\d+ threads\) \(skipped tensorflow-gpu: not installed; tensorflow: not installed\)$/);

    // The gradient of gather needs UnsortedSegmentSum, which wasm lacks without the bridge.
    const table = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6]]));
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, tf.tensor1d([0, 2, 2], "int32")), tf.tensor1d([1, 10]))));
    const gradient = Object.values(grads)[0] as tf.Tensor;
    expect(gradient.shape).toEqual([3, 2]);
    expect(Array.from(gradient.dataSync())).toEqual([1, 10, 0, 0, 2, 20]);
    tf.dispose([table, gradient]);
  });

  it("computes transposed, batched and broadcast matmuls on wasm exactly as defined (the fast-path wrapper)", async () => {
    await selectBackend({ only: ["wasm"] });
    const swap = (t: tf.Tensor) => tf.transpose(t, t.shape.map((_, i, all) => (i === all.length - 1 ? i - 1 : i === all.length - 2 ? i + 1 : i)));
    // Reference: a plain loop over the batch, in float64.
    function reference(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): number[] {
      const left = transposeA ? swap(a) : a;
      const right = transposeB ? swap(b) : b;
      const [m, k] = left.shape.slice(-2) as [number, number];
      const n = right.shape.at(-1) as number;
      const countA = left.size / (m * k);
      const countB = right.size / (k * n);
      const ad = left.dataSync();
      const bd = right.dataSync();
      const out: number[] = [];
      for (let q = 0; q < Math.max(countA, countB); q++) {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let l = 0; l < k; l++) sum += (ad[(countA === 1 ? 0 : q) * m * k + i * k + l] as number) * (bd[(countB === 1 ? 0 : q) * k * n + l * n + j] as number);
            out.push(sum);
          }
        }
      }
      tf.dispose([left, right]);
      return out;
    }
    const cases: [number[], number[], boolean, boolean, number[]][] = [
      [[2, 3, 5, 7], [2, 3, 7, 4], false, false, [2, 3, 5, 4]],
      [[2, 3, 7, 5], [2, 3, 4, 7], true, true, [2, 3, 5, 4]],
      [[6, 5, 7], [7, 4], false, false, [6, 5, 4]],
      [[6, 5, 7], [1, 4, 7], false, true, [6, 5, 4]],
      [[1, 5, 7], [6, 7, 4], false, false, [6, 5, 4]],
      [[7, 5], [7, 4], true, false, [5, 4]],
    ];
    const before = tf.memory().numTensors;
    for (const [shapeA, shapeB, transposeA, transposeB, shape] of cases) {
      const a = tf.randomNormal(shapeA, 0, 1, "float32", 1);
      const b = tf.randomNormal(shapeB, 0, 1, "float32", 2);
      const product = tf.matMul(a, b, transposeA, transposeB);
      expect(product.shape).toEqual(shape);
      expect(product.dtype).toBe("float32");
      const expected = reference(a, b, transposeA, transposeB);
      Array.from(product.dataSync()).forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-5));
      tf.dispose([a, b, product]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains on wasm to the same losses as on cpu (within float tolerance)", async () => {
    const hyperparameters = {
      lr0: 3e-2,
      weightDecay: 0.1,
      warmupSteps: 2,
      clipGradientNorm: 1,
      lrSchedule: "cosine" as const,
      epochs: 1,
      accumulateGradBatches: 1,
      seed: 5,
    };
    const losses: number[][] = [];
    for (const backend of ["wasm", "cpu"] as const) {
      await selectBackend({ only: [backend] });
      const model = new TinyLm(16, 8, 16, 1, 0);
      losses.push((await train({ model, ...tinyDatasets(), hyperparameters })).losses);
      model.dispose();
    }
    expect(losses[0]).toHaveLength(8);
    losses[0]?.forEach((loss, i) => expect(Math.abs(loss - (losses[1]?.[i] as number))).toBeLessThan(1e-4));
  });

  it("names every failure when nothing loads, and rejects unknown names", async () => {
    await expect(selectBackend({ only: ["tensorflow"] })).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend({ only: ["tensorflow"] })).rejects.toThrow(/tensorflow: /);
    await expect(selectBackend({ only: ["webgpu" as "cpu"] })).rejects.toThrow(TrainerConfigError);
  });
});
