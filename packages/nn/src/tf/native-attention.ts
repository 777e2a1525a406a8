import { OnnxGraphBuilder, type Tensor, float32Tensor } from "@autosing/onnx";
import * as tf from "@tensorflow/tfjs-core";

import type { NativeMatMul } from "./native-matmul.js";
import { type WasmHeapBackend, makeHeapOutput } from "./wasm-heap.js";

/** (batch, head) pairs per native run: about 64 MiB per [pairs, Tq, Tk] intermediate, in onnxruntime's memory. */
const NATIVE_GROUP_BYTES = 64 * 2 ** 20;

/**
 * `attentionCore`'s forward on onnxruntime: softmax(q·kᵀ·scale + mask)·v for q [P, Tq, D], k and v
 * [P, Tk, D] (P = batch × heads), mask [Tq, Tk] or null, as one graph per group of pairs written
 * straight into the output on the wasm heap. Nothing score-sized is kept for the backward pass:
 * `nativeAttentionBackward` recomputes the probabilities (one more q·kᵀ product per group), so the
 * forward holds only q, k, v, and every [Tq, Tk] pass runs on onnxruntime's threads.
 */
export function nativeAttentionForward(engine: NativeMatMul, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D | null, scale: number, groupBytes = NATIVE_GROUP_BYTES): tf.Tensor3D {
  const session = engine.graph(`attention:forward:${mask ? "mask" : "plain"}`, () => attentionGraph(mask !== null, false));
  const [pairs, tq, d] = q.shape;
  const wasm = tf.backend() as WasmHeapBackend;
  const out = makeHeapOutput(wasm, [pairs, tq, d]);
  forEachGroup(q, k, groupBytes, (start, size) => {
    const feeds = groupFeeds(wasm, { q, k, v }, mask, scale, start, size);
    session.run(feeds, { out: float32Tensor(pairRows(wasm, out, start, size), [size, tq, d]) });
  });
  return tf.engine().makeTensorFromTensorInfo(out, wasm) as tf.Tensor3D;
}

/** The gradients of `nativeAttentionForward` with respect to q, k and v for the incoming dOut [P, Tq, D]. */
export function nativeAttentionBackward(
  engine: NativeMatMul,
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor2D | null,
  scale: number,
  dOut: tf.Tensor3D,
  groupBytes = NATIVE_GROUP_BYTES,
): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const session = engine.graph(`attention:backward:${mask ? "mask" : "plain"}`, () => attentionGraph(mask !== null, true));
  const wasm = tf.backend() as WasmHeapBackend;
  const gradients = [makeHeapOutput(wasm, q.shape), makeHeapOutput(wasm, k.shape), makeHeapOutput(wasm, v.shape)] as const;
  forEachGroup(q, k, groupBytes, (start, size) => {
    const feeds = groupFeeds(wasm, { q, k, v, d_out: dOut }, mask, scale, start, size);
    const fetches: Record<string, Tensor> = {};
    (["d_q", "d_k", "d_v"] as const).forEach((name, i) => {
      const info = gradients[i] as tf.TensorInfo;
      fetches[name] = float32Tensor(pairRows(wasm, info, start, size), [size, ...info.shape.slice(1)]);
    });
    session.run(feeds, fetches);
  });
  return gradients.map((info) => tf.engine().makeTensorFromTensorInfo(info, wasm)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

function forEachGroup(q: tf.Tensor3D, k: tf.Tensor3D, groupBytes: number, run: (start: number, size: number) => void): void {
  const [pairs, tq] = q.shape;
  const group = Math.max(1, Math.floor(groupBytes / (4 * tq * k.shape[1])));
  for (let start = 0; start < pairs; start += group) run(start, Math.min(group, pairs - start));
}

/** Pairs start … start + size of a [P, T, D] tensor on the heap: contiguous, so a view, not a copy. Take views after every allocation. */
function pairRows(wasm: WasmHeapBackend, info: tf.TensorInfo, start: number, size: number): Float32Array {
  const perPair = (info.shape[1] as number) * (info.shape[2] as number);
  return (wasm.typedArrayFromHeap(info) as Float32Array).subarray(start * perPair, (start + size) * perPair);
}

function groupFeeds(wasm: WasmHeapBackend, tensors: Record<string, tf.Tensor3D>, mask: tf.Tensor2D | null, scale: number, start: number, size: number): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = { scale: float32Tensor(Float32Array.of(scale), []) };
  for (const [name, tensor] of Object.entries(tensors)) feeds[name] = float32Tensor(pairRows(wasm, tensor, start, size), [size, tensor.shape[1], tensor.shape[2]]);
  if (mask) feeds.mask = float32Tensor(wasm.typedArrayFromHeap(mask) as Float32Array, mask.shape);
  return feeds;
}

/**
 * Forward: out = softmax(q·kᵀ·scale + mask)·v. Backward (the probabilities p recomputed): d_v =
 * pᵀ·d_out, dp = d_out·vᵀ, ds = (dp − Σ(dp∘p))∘p·scale (tfjs's softmax gradient), d_q = ds·k,
 * d_k = dsᵀ·q. All dimensions symbolic; transposes fold into onnxruntime's FusedMatMul.
 */
export function attentionGraph(hasMask: boolean, backward: boolean): Uint8Array {
  const g = new OnnxGraphBuilder(backward ? "autosing_attention_backward" : "autosing_attention_forward");
  let counter = 0;
  const op = (type: string, inputs: string[], attributes?: Record<string, number | number[]>) => {
    const name = `${type.toLowerCase()}_${counter++}`;
    g.addNode(type, inputs, [name], attributes);
    return name;
  };
  const swap = (x: string) => op("Transpose", [x], { perm: [0, 2, 1] });
  g.addInput("q", "float32", ["p", "tq", "d"]);
  g.addInput("k", "float32", ["p", "tk", "d"]);
  g.addInput("v", "float32", ["p", "tk", "d"]);
  if (hasMask) g.addInput("mask", "float32", ["tq", "tk"]);
  g.addInput("scale", "float32", []);
  if (backward) g.addInput("d_out", "float32", ["p", "tq", "d"]);
  const scaled = op("Mul", [op("MatMul", ["q", swap("k")]), "scale"]);
  const probabilities = op("Softmax", [hasMask ? op("Add", [scaled, "mask"]) : scaled], { axis: -1 });
  if (!backward) {
    g.addNode("MatMul", [probabilities, "v"], ["out"]);
    g.addOutput("out", "float32", ["p", "tq", "d"]);
    return g.toBytes();
  }
  g.addNode("MatMul", [swap(probabilities), "d_out"], ["d_v"]);
  const dProbabilities = op("MatMul", ["d_out", swap("v")]);
  const weighted = op("Mul", [dProbabilities, probabilities]);
  const rowSums = op("ReduceSum", [weighted, g.addInt64Initializer("last_axis", [-1])], { keepdims: 1 });
  const dScores = op("Mul", [op("Sub", [weighted, op("Mul", [rowSums, probabilities])]), "scale"]);
  g.addNode("MatMul", [dScores, "k"], ["d_q"]);
  g.addNode("MatMul", [swap(dScores), "q"], ["d_k"]);
  for (const [name, dims] of [
    ["d_q", ["p", "tq", "d"]],
    ["d_k", ["p", "tk", "d"]],
    ["d_v", ["p", "tk", "d"]],
  ] as const) g.addOutput(name, "float32", [...dims]);
  return g.toBytes();
}
