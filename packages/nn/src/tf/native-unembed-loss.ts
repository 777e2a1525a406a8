import { OnnxGraphBuilder, type Tensor, float32Tensor, int32Tensor } from "@autosing/onnx";
import * as tf from "@tensorflow/tfjs-core";

import type { NativeMatMul } from "./native-matmul.js";
import { type WasmHeapBackend, makeHeapOutput } from "./wasm-heap.js";

/** Rows a chunk holds: about 64 MiB per [rows, V] intermediate in onnxruntime's own memory (not the wasm heap). */
const NATIVE_CHUNK_BYTES = 64 * 2 ** 20;

export interface NativeUnembedInputs {
  x: tf.Tensor2D;
  main: tf.Tensor2D;
  special?: tf.Tensor2D | undefined;
  xSpecial?: tf.Tensor2D | undefined;
  /** int32 [N]. */
  targets: tf.Tensor1D;
  /** float32 [N]: 1 where the target counts. */
  validMask: tf.Tensor1D;
}

export interface NativeUnembedResult {
  lossSum: number;
  correct: number;
  gradX?: tf.Tensor;
  gradMain?: tf.Tensor;
  gradSpecial?: tf.Tensor;
  gradXSpecial?: tf.Tensor;
}

/**
 * The cross entropy of `unembedCrossEntropy` as one onnxruntime graph per chunk of rows: logits,
 * log-sum-exp, the target's logit, argmax hits and, with `gradientScale`, the gradients
 * (softmax − onehot)·valid·gradientScale through the three products — every [rows, V] pass runs
 * on onnxruntime's threads instead of ~15 single-threaded wasm kernels, and only the inputs and
 * the gradients touch the wasm heap (read and written in place). Same values as the tfjs path
 * within float rounding (tests). `chunkRowsOverride` is the caller's `chunkRows`, when it set one.
 */
export function nativeUnembedLoss(engine: NativeMatMul, inputs: NativeUnembedInputs, scale: number, gradientScale: number | undefined, chunkRowsOverride?: number): NativeUnembedResult {
  const wasm = tf.backend() as WasmHeapBackend;
  const { x, main, special } = inputs;
  const xSpecial = special ? inputs.xSpecial : undefined;
  const withGradients = gradientScale !== undefined;
  const [rows, width] = x.shape;
  const vocabMain = main.shape[0];
  const vocab = vocabMain + (special?.shape[0] ?? 0);
  const widthSpecial = xSpecial?.shape[1] ?? width;
  const session = engine.graph(`unembed-loss:${special ? (xSpecial ? "separate" : "shared") : "none"}:${withGradients ? "grad" : "value"}`, () =>
    unembedLossGraph(special !== undefined, xSpecial !== undefined, withGradients),
  );
  // Allocate every heap output before taking any view: an allocation may grow (move) the heap.
  const gradX = withGradients ? makeHeapOutput(wasm, [rows, width]) : undefined;
  const gradXSpecial = withGradients && xSpecial ? makeHeapOutput(wasm, [rows, widthSpecial]) : undefined;
  const chunkRows = Math.max(1, chunkRowsOverride ?? Math.floor(NATIVE_CHUNK_BYTES / (4 * vocab)));
  let lossSum = 0;
  let correct = 0;
  const gradMainParts: tf.Tensor[] = [];
  const gradSpecialParts: tf.Tensor[] = [];
  for (let start = 0; start < rows; start += chunkRows) {
    const size = Math.min(chunkRows, rows - start);
    const gradMainInfo = withGradients ? makeHeapOutput(wasm, [vocabMain, width]) : undefined;
    const gradSpecialInfo = withGradients && special ? makeHeapOutput(wasm, special.shape) : undefined;
    const view = (info: tf.TensorInfo) => wasm.typedArrayFromHeap(info);
    const rowsOf = (info: tf.TensorInfo, columns: number) => view(info).subarray(start * columns, (start + size) * columns);
    const feeds: Record<string, Tensor> = {
      x: float32Tensor(rowsOf(x, width) as Float32Array, [size, width]),
      main: float32Tensor(view(main) as Float32Array, main.shape),
      targets: int32Tensor(rowsOf(inputs.targets, 1) as Int32Array, [size]),
      valid: float32Tensor(rowsOf(inputs.validMask, 1) as Float32Array, [size]),
      scale: float32Tensor(Float32Array.of(scale), []),
    };
    if (special) feeds.special = float32Tensor(view(special) as Float32Array, special.shape);
    if (xSpecial) feeds.x_special = float32Tensor(rowsOf(xSpecial, widthSpecial) as Float32Array, [size, widthSpecial]);
    const fetches: Record<string, Tensor | null> = { loss_sum: null, correct: null };
    if (withGradients) {
      feeds.gradient_scale = float32Tensor(Float32Array.of(gradientScale), []);
      fetches.grad_x = float32Tensor(rowsOf(gradX as tf.TensorInfo, width) as Float32Array, [size, width]);
      fetches.grad_main = float32Tensor(view(gradMainInfo as tf.TensorInfo) as Float32Array, [vocabMain, width]);
      if (special) fetches.grad_special = float32Tensor(view(gradSpecialInfo as tf.TensorInfo) as Float32Array, special.shape);
      if (xSpecial) fetches.grad_x_special = float32Tensor(rowsOf(gradXSpecial as tf.TensorInfo, widthSpecial) as Float32Array, [size, widthSpecial]);
    }
    const out = session.run(feeds, fetches);
    lossSum += (out.loss_sum?.data as Float32Array)[0] as number;
    correct += (out.correct?.data as Float32Array)[0] as number;
    if (gradMainInfo) gradMainParts.push(tf.engine().makeTensorFromTensorInfo(gradMainInfo, wasm));
    if (gradSpecialInfo) gradSpecialParts.push(tf.engine().makeTensorFromTensorInfo(gradSpecialInfo, wasm));
  }
  const sumParts = (parts: tf.Tensor[]) => (parts.length === 1 ? (parts[0] as tf.Tensor) : tf.tidy(() => tf.addN(parts)));
  const result: NativeUnembedResult = { lossSum, correct };
  if (gradX) result.gradX = tf.engine().makeTensorFromTensorInfo(gradX, wasm);
  if (gradXSpecial) result.gradXSpecial = tf.engine().makeTensorFromTensorInfo(gradXSpecial, wasm);
  if (gradMainParts.length) result.gradMain = sumParts(gradMainParts);
  if (gradSpecialParts.length) result.gradSpecial = sumParts(gradSpecialParts);
  if (gradMainParts.length > 1) tf.dispose([...gradMainParts, ...gradSpecialParts]);
  return result;
}

/**
 * The chunk graph, all dimensions symbolic. Inputs x [n, W], main [Vm, W], special [Vs, Ws],
 * x_special [n, Ws], targets int32 [n], valid [n], scale and gradient_scale scalars; outputs
 * loss_sum and correct scalars and grad_x [n, W], grad_main [Vm, W], grad_special [Vs, Ws],
 * grad_x_special [n, Ws] as the variant has them. Shaped after onnxruntime's profile of the
 * first version (sm2a tiny's 1280 × 4098 logits): the scale multiplies the weights, not the
 * logits; the loss comes from LogSoftmax and the gradient from Softmax (its ReduceLogSumExp and
 * OneHot were each as slow as a product); the target's −1 is scattered into the softmax rows
 * instead of subtracting a one-hot matrix; a shared special table is concatenated to main's rows
 * so that each product runs once over all V codes.
 */
export function unembedLossGraph(hasSpecial: boolean, separateSpecial: boolean, withGradients: boolean): Uint8Array {
  const g = new OnnxGraphBuilder("autosing_unembed_loss");
  let counter = 0;
  const op = (type: string, inputs: string[], attributes?: Record<string, number | number[] | string>) => {
    const name = `${type.toLowerCase()}_${counter++}`;
    g.addNode(type, inputs, [name], attributes);
    return name;
  };
  const output = (type: string, inputs: string[], name: string, dims: string[], attributes?: Record<string, number | number[]>) => {
    g.addNode(type, inputs, [name], attributes);
    g.addOutput(name, "float32", dims);
  };
  g.addInput("x", "float32", ["n", "w"]);
  g.addInput("main", "float32", ["vm", "w"]);
  if (hasSpecial) g.addInput("special", "float32", ["vs", "ws"]);
  if (separateSpecial) g.addInput("x_special", "float32", ["n", "ws"]);
  g.addInput("targets", "int32", ["n"]);
  g.addInput("valid", "float32", ["n"]);
  g.addInput("scale", "float32", []);
  if (withGradients) g.addInput("gradient_scale", "float32", []);
  const axis1 = g.addInt64Initializer("axis_1", [1]);

  const sharedTable = hasSpecial && !separateSpecial ? op("Concat", ["main", "special"], { axis: 0 }) : "main";
  const logits = separateSpecial
    ? op("Concat", [op("Gemm", ["x", op("Mul", ["main", "scale"])], { transB: 1 }), op("Gemm", ["x_special", op("Mul", ["special", "scale"])], { transB: 1 })], { axis: 1 })
    : op("Gemm", ["x", op("Mul", [sharedTable, "scale"])], { transB: 1 });
  const targets = op("Cast", ["targets"], { to: 7 /* int64 */ });
  const validColumn = op("Unsqueeze", ["valid", axis1]);
  // Ignored rows (valid 0; ignore_index may lie beyond V) gather and scatter at column 0, weighted 0.
  const targetColumn = op("Mul", [op("Unsqueeze", [targets, axis1]), op("Cast", [validColumn], { to: 7 })]);
  const pickedLogProbability = op("GatherElements", [op("LogSoftmax", [logits], { axis: 1 }), targetColumn], { axis: 1 });
  output("Neg", [op("ReduceSum", [op("Mul", [pickedLogProbability, validColumn])], { keepdims: 0 })], "loss_sum", []);
  const hits = op("Cast", [op("Equal", [op("ArgMax", [logits], { axis: 1, keepdims: 0 }), targets])], { to: 1 /* float */ });
  output("ReduceSum", [op("Mul", [hits, "valid"])], "correct", [], { keepdims: 0 });
  if (!withGradients) return g.toBytes();

  // d(loss)/d(logits) = (softmax − onehot) · valid · gradient_scale (gradient_scale carries `scale`).
  const rowScale = op("Mul", [validColumn, "gradient_scale"]);
  const gradLogits = op("ScatterElements", [op("Mul", [op("Softmax", [logits], { axis: 1 }), rowScale]), targetColumn, op("Neg", [rowScale])], { axis: 1, reduction: "add" });
  if (!separateSpecial) {
    if (hasSpecial) {
      const axis0 = g.addInt64Initializer("axis_0", [0]);
      const gradTable = op("Gemm", [gradLogits, "x"], { transA: 1 });
      const vocabMain = op("Shape", ["main"], { start: 0, end: 1 });
      output("Slice", [gradTable, g.addInt64Initializer("zero", [0]), vocabMain, axis0], "grad_main", ["vm", "w"]);
      output("Slice", [gradTable, vocabMain, op("Shape", [gradTable], { start: 0, end: 1 }), axis0], "grad_special", ["vs", "ws"]);
    } else {
      output("Gemm", [gradLogits, "x"], "grad_main", ["vm", "w"], { transA: 1 });
    }
    output("MatMul", [gradLogits, sharedTable], "grad_x", ["n", "w"]);
    return g.toBytes();
  }
  const vocabMain = op("Shape", ["main"], { start: 0, end: 1 });
  const gradMainLogits = op("Slice", [gradLogits, g.addInt64Initializer("zero", [0]), vocabMain, axis1]);
  const gradSpecialLogits = op("Slice", [gradLogits, vocabMain, op("Shape", [logits], { start: 1, end: 2 }), axis1]);
  output("Gemm", [gradMainLogits, "x"], "grad_main", ["vm", "w"], { transA: 1 });
  output("MatMul", [gradMainLogits, "main"], "grad_x", ["n", "w"]);
  output("Gemm", [gradSpecialLogits, "x_special"], "grad_special", ["vs", "ws"], { transA: 1 });
  output("MatMul", [gradSpecialLogits, "special"], "grad_x_special", ["n", "ws"]);
  return g.toBytes();
}
