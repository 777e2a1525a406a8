import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";

import { selectTfBackend, useTfBackend } from "./backend.js";
import type { NativeMatMul } from "./native-matmul.js";
import { useNativeWasmMatMul } from "./wasm-matmul.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

function seeded(shape: number[], seed: number): { data: Float32Array; shape: number[] } {
  const rng = Xoshiro128.fromSeed(seed);
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.nextFloat() * 2 - 1;
  return { data, shape };
}

/**
 * The product and, where tfjs can take them, its gradients (tfjs 4.22's BatchMatMul gradient does
 * not reduce broadcast batch axes, on any backend), on the backend now active, as plain arrays.
 */
function productAndGradients(a: { data: Float32Array; shape: number[] }, b: { data: Float32Array; shape: number[] }, transposeA: boolean, transposeB: boolean) {
  return tf.tidy(() => {
    const x = tf.tensor(a.data, a.shape);
    const y = tf.tensor(b.data, b.shape);
    const product = Array.from(tf.matMul(x, y, transposeA, transposeB).dataSync());
    if (a.shape.slice(0, -2).join() !== b.shape.slice(0, -2).join()) return { product, dx: [], dy: [] };
    const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, transposeA, transposeB), tf.sin(tf.matMul(p, q, transposeA, transposeB))));
    const [dx, dy] = tf.grads(f)([x, y]);
    return { product, dx: Array.from(dx!.dataSync()), dy: Array.from(dy!.dataSync()) };
  });
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - (expected[i] as number))));
  expect(worst / scale).toBeLessThan(1e-5);
}

// [a shape, b shape, transposeA, transposeB]: plain, each transpose, a batch, a broadcast right
// operand (folded rows), a batch axis of size 1 broadcast, and rank 4 × rank 2. (tfjs flattens
// batch axes before broadcasting, so [2,1]×[1,3] batches are not products tfjs makes.)
const CASES: [number[], number[], boolean, boolean][] = [
  [[7, 5], [5, 3], false, false],
  [[5, 7], [5, 3], true, false],
  [[7, 5], [3, 5], false, true],
  [[5, 7], [3, 5], true, true],
  [[4, 6, 5], [4, 5, 3], false, false],
  [[4, 6, 5], [5, 3], false, false],
  [[3, 6, 5], [1, 4, 5], false, true],
  [[2, 3, 6, 5], [5, 4], false, false],
];

describe("wasm matrix products on onnxruntime's native GEMM", () => {
  it("match the cpu backend, gradients included where tfjs has them, and every product goes through the native engine", async () => {
    await useTfBackend("cpu");
    const expected = CASES.map(([aShape, bShape, tA, tB], i) => productAndGradients(seeded(aShape, 2 * i + 1), seeded(bShape, 2 * i + 2), tA, tB));

    const { selected } = await selectTfBackend(["wasm"], { matMulThreads: 2 });
    expect(selected?.matMul).toEqual({ engine: "onnxruntime", threads: 2 });
    // Count the calls that reach the engine, so a silent fall-back to wasm's own product fails here.
    const engine = useNativeWasmMatMul(undefined) as NativeMatMul;
    let calls = 0;
    useNativeWasmMatMul({ ...engine, product: (...args) => (calls++, engine.product(...args)) });
    CASES.forEach(([aShape, bShape, tA, tB], i) => {
      const actual = productAndGradients(seeded(aShape, 2 * i + 1), seeded(bShape, 2 * i + 2), tA, tB);
      const reference = expected[i]!;
      expectClose(actual.product, reference.product);
      expectClose(actual.dx, reference.dx);
      expectClose(actual.dy, reference.dy);
    });
    // Every case's product, plus the forward and the two gradient products of each differentiable case.
    expect(calls).toBeGreaterThanOrEqual(CASES.length + 5 * 4);
    useNativeWasmMatMul(engine);
  });

  it("stays in the wasm module with matMulThreads 0", async () => {
    const { selected } = await selectTfBackend(["wasm"], { matMulThreads: 0 });
    expect(selected?.matMul).toEqual({ engine: "wasm", reason: "matMulThreads 0" });
    const a = seeded([6, 4], 1);
    const b = seeded([4, 3], 2);
    const product = tf.tidy(() => Array.from(tf.matMul(tf.tensor(a.data, a.shape), tf.tensor(b.data, b.shape)).dataSync()));
    const reference = Array.from({ length: 18 }, (_, i) => {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += (a.data[Math.floor(i / 3) * 4 + k] as number) * (b.data[k * 3 + (i % 3)] as number);
      return sum;
    });
    expectClose(product, reference);
  });
});
