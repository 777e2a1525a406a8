import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";

import { attentionCore } from "./attention-core.js";
import { selectTfBackend, useTfBackend } from "./backend.js";
import type { NativeMatMul } from "./native-matmul.js";
import { useNativeWasmMatMul } from "./wasm-matmul.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

/** Value and gradients of Σ(attention(q, k, v)∘mix) on the active backend, with the plain tfjs composition or `attentionCore`. */
function valueAndGradients(causal: boolean, core: "plain" | "attentionCore", groupPairs: number) {
  const rng = Xoshiro128.fromSeed(causal ? 21 : 22);
  const [b, h, tq, d] = [2, 3, 6, 4];
  const tk = causal ? 6 : 5;
  const data = (shape: number[]) => Float32Array.from({ length: shape.reduce((p, x) => p * x, 1) }, () => rng.nextNormal());
  const [q, k, v] = [[b, h, tq, d], [b, h, tk, d], [b, h, tk, d]].map((shape) => tf.tidy((): tf.Variable => tf.variable(tf.tensor(data(shape), shape) as tf.Tensor, true)) as unknown as tf.Variable<tf.Rank.R4>) as [tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R4>];
  const mix = tf.tensor(data([b, h, tq, d]), [b, h, tq, d]);
  const maskValues = new Float32Array(tq * tk);
  if (causal) for (let i = 0; i < tq; i++) for (let j = i + 1; j < tk; j++) maskValues[i * tk + j] = -1e9;
  const mask = causal ? tf.tensor2d(maskValues, [tq, tk]) : null;
  const scale = 0.6;
  const attention = (): tf.Tensor => {
    if (core === "attentionCore" && mask) {
      // The caller's own copy of the mask is gone before the backward pass (as in sm2a's layers).
      const ownMask = tf.tensor2d(mask.dataSync(), mask.shape);
      const out = attentionCore(q, k, v, scale, ownMask, groupPairs * 4 * tq * tk);
      ownMask.dispose();
      return out;
    }
    if (core === "attentionCore") return attentionCore(q, k, v, scale, mask, groupPairs * 4 * tq * tk);
    let scores = tf.mul(tf.matMul(q, k, false, true), scale);
    if (mask) scores = tf.add(scores, mask);
    return tf.matMul(tf.softmax(scores), v);
  };
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(attention(), mix)) as tf.Scalar, [q, k, v]);
  const result = { value: value.dataSync()[0] as number, grads: [q, k, v].map((x) => Array.from(grads[x.name]!.dataSync())) };
  tf.dispose([value, ...Object.values(grads), q, k, v, mix]);
  mask?.dispose();
  return result;
}

describe("attentionCore on onnxruntime (wasm with the native GEMM)", () => {
  // All six (batch, head) pairs in one native run, and groups of 4 (a ragged last group).
  for (const [causal, groupPairs] of [[false, 6], [true, 6], [true, 4]] as const) {
    it(`gives the plain composition's value and gradients${causal ? " with a causal mask" : ""}, ${groupPairs} pairs a run`, async () => {
      await useTfBackend("cpu");
      const expected = valueAndGradients(causal, "plain", groupPairs);
      await selectTfBackend(["wasm"], { matMulThreads: 2 });
      const engine = useNativeWasmMatMul(undefined) as NativeMatMul;
      const runs: string[] = [];
      useNativeWasmMatMul({ ...engine, graph: (key, build) => { const session = engine.graph(key, build); return { ...session, run: (f, o) => (runs.push(key), session.run(f, o)) }; } });
      const before = tf.memory().numTensors;
      const actual = valueAndGradients(causal, "attentionCore", groupPairs);
      useNativeWasmMatMul(engine);
      expect(tf.memory().numTensors).toBe(before);
      const groups = Math.ceil(6 / groupPairs);
      const kind = causal ? "mask" : "plain";
      expect(runs).toEqual([...Array<string>(groups).fill(`attention:forward:${kind}`), ...Array<string>(groups).fill(`attention:backward:${kind}`)]);
      expect(Math.abs(actual.value - expected.value) / Math.abs(expected.value)).toBeLessThan(1e-5);
      actual.grads.forEach((gradient, i) => {
        const reference = expected.grads[i]!;
        const scale = Math.max(...reference.map(Math.abs));
        expect(Math.max(...gradient.map((g, j) => Math.abs(g - reference[j]!))) / scale, `gradient ${"qkv"[i]}`).toBeLessThan(1e-5);
      });
    });
  }
});
