import { OnnxGraphBuilder, type Tensor, float32Tensor } from "@autosing/onnx";
import * as tf from "@tensorflow/tfjs-core";

import type { NativeMatMul } from "./native-matmul.js";
import { type WasmHeapBackend, makeHeapOutput } from "./wasm-heap.js";

/**
 * Layer norm and GELU as one onnxruntime graph each way (forward; backward from the saved input),
 * for the wasm backend with onnxruntime's GEMM in use. tfjs composes a layer norm of 4 kernels and
 * its gradient of ~15, GELU of 5 and ~8, each a single-threaded pass over the activations with its
 * own bookkeeping; t2s tiny's step ran ~7 500 kernels, a fifth of them for these two. Same values
 * within float rounding (tests against the tfjs composition on cpu).
 */

const LAYER_NORM_EPSILON = 1e-5;

/** Runs `graph` on the rows of `inputs` (each viewed as [rows, last]) into fresh heap tensors of `outputShapes`, returned as tfjs tensors. */
function runNative(engine: NativeMatMul, key: string, build: () => Uint8Array, inputs: Record<string, tf.Tensor>, outputs: Record<string, number[]>): Record<string, tf.Tensor> {
  const wasm = tf.backend() as WasmHeapBackend;
  const infos = Object.fromEntries(Object.entries(outputs).map(([name, shape]) => [name, makeHeapOutput(wasm, shape)]));
  // Views after every allocation: an allocation may grow (move) the heap.
  const feeds: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(inputs)) feeds[name] = float32Tensor(wasm.typedArrayFromHeap(tensor) as Float32Array, tensor.shape);
  const fetches: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(infos)) fetches[name] = float32Tensor(wasm.typedArrayFromHeap(info) as Float32Array, info.shape);
  engine.graph(key, build).run(feeds, fetches);
  return Object.fromEntries(Object.entries(infos).map(([name, info]) => [name, tf.engine().makeTensorFromTensorInfo(info, wasm)]));
}

/** (x − mean)/√(var + 1e-5)·gamma + beta over the last axis, with its gradients, on onnxruntime. */
export function nativeLayerNorm(engine: NativeMatMul, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const width = x.shape[x.shape.length - 1] as number;
  const rows = x.size / width;
  const op = tf.customGrad(((cx: tf.Tensor, cGamma: tf.Tensor, cBeta: tf.Tensor, save: tf.GradSaveFunc) => {
    const x2 = tf.reshape(cx, [rows, width]);
    save([x2, cGamma]);
    const { y } = runNative(engine, "layer-norm:forward", () => layerNormGraph(false), { x: x2, gamma: cGamma, beta: cBeta }, { y: [rows, width] });
    return {
      value: tf.reshape(y as tf.Tensor, x.shape),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sGamma] = saved as [tf.Tensor, tf.Tensor];
        const d = tf.reshape((Array.isArray(dy) ? dy[0] : dy) as tf.Tensor, [rows, width]);
        const g = runNative(engine, "layer-norm:backward", () => layerNormGraph(true), { x: sx, gamma: sGamma, d_y: d }, { d_x: [rows, width], d_gamma: [width], d_beta: [width] });
        return [tf.reshape(g.d_x as tf.Tensor, x.shape), tf.reshape(g.d_gamma as tf.Tensor, gamma.shape), tf.reshape(g.d_beta as tf.Tensor, beta.shape)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...args: tf.Tensor[]) => tf.Tensor;
  return op(x, gamma, beta);
}

/** x·½·(1 + erf(x/√2)) (the exact GELU), with its gradient, on onnxruntime. */
export function nativeGelu(engine: NativeMatMul, x: tf.Tensor): tf.Tensor {
  const flat = [x.size];
  const op = tf.customGrad(((cx: tf.Tensor, save: tf.GradSaveFunc) => {
    const x1 = tf.reshape(cx, flat);
    save([x1]);
    const { y } = runNative(engine, "gelu:forward", () => geluGraph(false), { x: x1 }, { y: flat });
    return {
      value: tf.reshape(y as tf.Tensor, x.shape),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = tf.reshape((Array.isArray(dy) ? dy[0] : dy) as tf.Tensor, flat);
        const { d_x } = runNative(engine, "gelu:backward", () => geluGraph(true), { x: saved[0] as tf.Tensor, d_y: d }, { d_x: flat });
        return [tf.reshape(d_x as tf.Tensor, x.shape)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...args: tf.Tensor[]) => tf.Tensor;
  return op(x);
}

/** A graph builder whose `op` names each node's single output. */
function builder(name: string) {
  const g = new OnnxGraphBuilder(name);
  let counter = 0;
  const op = (type: string, inputs: string[], attributes?: Record<string, number | number[]>) => {
    const out = `${type.toLowerCase()}_${counter++}`;
    g.addNode(type, inputs, [out], attributes);
    return out;
  };
  const scalar = (value: number) => g.addInitializer(`c_${counter++}`, Float32Array.of(value), []);
  return { g, op, scalar };
}

/**
 * Forward: LayerNormalization. Backward (mean and 1/σ recomputed from x): x̂ = (x − μ)/σ,
 * d_beta = Σ_rows d_y, d_gamma = Σ_rows d_y·x̂, g = d_y·gamma, d_x = (g − mean(g) − x̂·mean(g·x̂))/σ.
 */
export function layerNormGraph(backward: boolean): Uint8Array {
  const { g, op, scalar } = builder(backward ? "autosing_layer_norm_backward" : "autosing_layer_norm_forward");
  g.addInput("x", "float32", ["n", "w"]);
  g.addInput("gamma", "float32", ["w"]);
  if (!backward) {
    g.addInput("beta", "float32", ["w"]);
    g.addNode("LayerNormalization", ["x", "gamma", "beta"], ["y"], { axis: -1, epsilon: LAYER_NORM_EPSILON });
    g.addOutput("y", "float32", ["n", "w"]);
    return g.toBytes();
  }
  g.addInput("d_y", "float32", ["n", "w"]);
  const rowMean = (t: string) => op("ReduceMean", [t], { axes: [-1], keepdims: 1 });
  const centred = op("Sub", ["x", rowMean("x")]);
  const inverseStd = op("Reciprocal", [op("Sqrt", [op("Add", [rowMean(op("Mul", [centred, centred])), scalar(LAYER_NORM_EPSILON)])])]);
  const normed = op("Mul", [centred, inverseStd]);
  const rowsAxis = g.addInt64Initializer("rows_axis", [0]);
  g.addNode("ReduceSum", ["d_y", rowsAxis], ["d_beta"], { keepdims: 0 });
  g.addNode("ReduceSum", [op("Mul", ["d_y", normed]), rowsAxis], ["d_gamma"], { keepdims: 0 });
  const scaled = op("Mul", ["d_y", "gamma"]);
  const inner = op("Sub", [op("Sub", [scaled, rowMean(scaled)]), op("Mul", [normed, rowMean(op("Mul", [scaled, normed]))])]);
  g.addNode("Mul", [inner, inverseStd], ["d_x"]);
  g.addOutput("d_x", "float32", ["n", "w"]);
  g.addOutput("d_gamma", "float32", ["w"]);
  g.addOutput("d_beta", "float32", ["w"]);
  return g.toBytes();
}

/** Forward: ½·x·(1 + erf(x/√2)). Backward: d_y·(½·(1 + erf(x/√2)) + x·e^(−x²/2)/√(2π)). */
export function geluGraph(backward: boolean): Uint8Array {
  const { g, op, scalar } = builder(backward ? "autosing_gelu_backward" : "autosing_gelu_forward");
  g.addInput("x", "float32", ["n"]);
  const cdfTimesTwo = op("Add", [op("Erf", [op("Mul", ["x", scalar(Math.SQRT1_2)])]), scalar(1)]);
  if (!backward) {
    g.addNode("Mul", [op("Mul", ["x", scalar(0.5)]), cdfTimesTwo], ["y"]);
    g.addOutput("y", "float32", ["n"]);
    return g.toBytes();
  }
  g.addInput("d_y", "float32", ["n"]);
  const density = op("Mul", [op("Exp", [op("Mul", [op("Mul", ["x", "x"]), scalar(-0.5)])]), scalar(1 / Math.sqrt(2 * Math.PI))]);
  const derivative = op("Add", [op("Mul", [cdfTimesTwo, scalar(0.5)]), op("Mul", ["x", density])]);
  g.addNode("Mul", ["d_y", derivative], ["d_x"]);
  g.addOutput("d_x", "float32", ["n"]);
  return g.toBytes();
}
