import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";

import { selectTfBackend, useTfBackend } from "./backend.js";
import { unembedCrossEntropy } from "./unembed-loss.js";
import type { NativeMatMul } from "./native-matmul.js";
import { useNativeWasmMatMul } from "./wasm-matmul.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

type Variant = "main only" | "shared special" | "separate special";
const ROWS = 11;
const SHAPES: Record<string, number[]> = { x: [ROWS, 6], main: [9, 6], special: [2, 6], xSpecial: [ROWS, 4], specialNarrow: [2, 4] };

/** Loss, counts and every input's gradient of `unembedCrossEntropy` on the active backend, as plain arrays. */
function lossAndGradients(variant: Variant, ignoreIndex: number, chunkRows: number | undefined, withGradients: boolean) {
  const rng = Xoshiro128.fromSeed(7);
  const data = (shape: number[]) => Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.nextNormal());
  const values = Object.fromEntries(Object.entries(SHAPES).map(([name, shape]) => [name, tf.tidy((): tf.Variable => tf.variable(tf.tensor(data(shape), shape) as tf.Tensor, true))])) as unknown as Record<string, tf.Variable<tf.Rank.R2>>;
  // Rows 2 and 7 carry the ignored target; the rest hit every code at least once.
  const vocab = variant === "main only" ? 9 : 11;
  const targets = tf.tensor1d(Int32Array.from({ length: ROWS }, (_, i) => (i === 2 || i === 7 ? ignoreIndex : (i * 5) % vocab)), "int32");
  const inputs = () => {
    const v = values as Record<string, tf.Tensor2D>;
    if (variant === "main only") return { x: v.x!, main: v.main! };
    if (variant === "shared special") return { x: v.x!, main: v.main!, special: v.special! };
    return { x: v.x!, main: v.main!, special: v.specialNarrow!, xSpecial: v.xSpecial! };
  };
  const options = { scale: 1.3, ignoreIndex, ...(chunkRows ? { chunkRows } : {}) };
  const counts = tf.tidy(() => {
    const r = unembedCrossEntropy(inputs(), targets, options);
    return [r.loss.dataSync()[0] as number, r.correct.dataSync()[0] as number, r.valid.dataSync()[0] as number];
  });
  const grads: Record<string, number[]> = {};
  if (withGradients) {
    const used = Object.values(inputs()).map((t) => t as tf.Variable);
    const { value, grads: g } = tf.variableGrads(() => unembedCrossEntropy(inputs(), targets, options).loss, used);
    for (const [name, variable] of Object.entries(values)) if (g[variable.name]) grads[name] = Array.from(g[variable.name]!.dataSync());
    tf.dispose([value, ...Object.values(g)]);
  }
  tf.dispose([targets, ...Object.values(values)]);
  return { counts, grads };
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  expect(Math.max(...actual.map((v, i) => Math.abs(v - (expected[i] as number)))) / scale, what).toBeLessThan(1e-5);
}

describe("unembedCrossEntropy on onnxruntime (wasm with the native GEMM)", () => {
  const cases: [Variant, number, number | undefined][] = [
    ["main only", 4, undefined],
    ["shared special", 10, 4],
    ["separate special", 10, undefined],
    ["separate special", -100, 3],
  ];
  for (const [variant, ignoreIndex, chunkRows] of cases) {
    it(`equals the tfjs path: ${variant}, ignore_index ${ignoreIndex}, ${chunkRows ? `${chunkRows}-row chunks` : "one chunk"}`, async () => {
      await useTfBackend("cpu");
      const expected = lossAndGradients(variant, ignoreIndex, chunkRows, true);
      await selectTfBackend(["wasm"], { matMulThreads: 2 });
      // Record which fused graphs run, so that a silent fall-back to the tfjs path fails here.
      const engine = useNativeWasmMatMul(undefined) as NativeMatMul;
      const graphs = new Set<string>();
      useNativeWasmMatMul({ ...engine, graph: (key, build) => (graphs.add(key), engine.graph(key, build)) });
      const before = tf.memory().numTensors;
      const actual = lossAndGradients(variant, ignoreIndex, chunkRows, true);
      const valueOnly = lossAndGradients(variant, ignoreIndex, chunkRows, false);
      expect(tf.memory().numTensors).toBe(before);
      const table = variant === "main only" ? "none" : variant === "shared special" ? "shared" : "separate";
      expect([...graphs].sort()).toEqual([`unembed-loss:${table}:grad`, `unembed-loss:${table}:value`]);
      useNativeWasmMatMul(engine);
      expectClose(actual.counts, expected.counts, "loss, correct, valid");
      expectClose(valueOnly.counts, expected.counts, "loss, correct, valid without gradients");
      expect(Object.keys(actual.grads).sort()).toEqual(Object.keys(expected.grads).sort());
      for (const name of Object.keys(expected.grads)) expectClose(actual.grads[name]!, expected.grads[name]!, `gradient of ${name}`);
    });
  }
});
