import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";

import { selectTfBackend, useTfBackend } from "./backend.js";
import { gelu, layerNorm } from "./blocks.js";
import type { NativeMatMul } from "./native-matmul.js";
import { useNativeWasmMatMul } from "./wasm-matmul.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

/** Value and gradients (input, gain, bias) of Σ(block(x)∘mix) for a layer norm followed by GELU, on the active backend. */
function valueAndGradients() {
  const rng = Xoshiro128.fromSeed(31);
  const data = (n: number, scale = 1, offset = 0) => Float32Array.from({ length: n }, () => rng.nextNormal() * scale + offset);
  const [b, t, width] = [2, 5, 12];
  const x = tf.tidy((): tf.Variable => tf.variable(tf.tensor3d(data(b * t * width, 3, 0.5), [b, t, width]), true));
  const gamma = tf.tidy((): tf.Variable => tf.variable(tf.tensor1d(data(width, 0.3, 1)), true));
  const beta = tf.tidy((): tf.Variable => tf.variable(tf.tensor1d(data(width, 0.3)), true));
  const mix = tf.tensor3d(data(b * t * width), [b, t, width]);
  const weights = (name: string) => (name.endsWith("weight") ? gamma : beta);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(gelu(layerNorm(weights, "norm", x)), mix)) as tf.Scalar, [x, gamma, beta]);
  const result = { value: value.dataSync()[0] as number, grads: [x, gamma, beta].map((v) => Array.from(grads[v.name]!.dataSync())) };
  tf.dispose([value, ...Object.values(grads), x, gamma, beta, mix]);
  return result;
}

describe("layerNorm and gelu on onnxruntime (wasm with the native GEMM)", () => {
  it("give the tfjs composition's value and gradients, and run as native graphs", async () => {
    await useTfBackend("cpu");
    const expected = valueAndGradients();
    await selectTfBackend(["wasm"], { matMulThreads: 2 });
    const engine = useNativeWasmMatMul(undefined) as NativeMatMul;
    const graphs = new Set<string>();
    useNativeWasmMatMul({ ...engine, graph: (key, build) => (graphs.add(key), engine.graph(key, build)) });
    const before = tf.memory().numTensors;
    const actual = valueAndGradients();
    useNativeWasmMatMul(engine);
    expect(tf.memory().numTensors).toBe(before);
    expect([...graphs].sort()).toEqual(["gelu:backward", "gelu:forward", "layer-norm:backward", "layer-norm:forward"]);
    expect(Math.abs(actual.value - expected.value) / Math.abs(expected.value)).toBeLessThan(1e-5);
    actual.grads.forEach((gradient, i) => {
      const reference = expected.grads[i]!;
      const scale = Math.max(...reference.map(Math.abs));
      expect(Math.max(...gradient.map((g, j) => Math.abs(g - reference[j]!))) / scale, ["x", "gamma", "beta"][i]).toBeLessThan(1e-5);
    });
  });
});
