import * as tf from "@tensorflow/tfjs-core";

import { registerWasmRowGather } from "./wasm-row-gather.js";

/**
 * UnsortedSegmentSum (the gradient of gather, i.e. of every embedding lookup) as one pass over
 * the data. The cpu backend's own kernel runs several ops per segment, which takes seconds for a
 * 4096-code table, and the wasm backend has none at all. Both keep their tensors in JS/wasm
 * memory, so reading them synchronously is cheap.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const numSegments = Number(attrs?.numSegments);
  const io = backend as {
    readSync(dataId: object): tf.TypedArray;
    makeTensorInfo?: (shape: number[], dtype: tf.DataType, values: tf.TypedArray) => tf.TensorInfo;
    makeOutput?: (shape: number[], dtype: tf.DataType) => tf.TensorInfo;
    typedArrayFromHeap?: (info: tf.TensorInfo) => tf.TypedArray;
  };
  const values = io.readSync(x.dataId);
  const ids = io.readSync(segmentIds.dataId);
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = rows === 0 ? 0 : values.length / rows;
  const out = x.dtype === "int32" ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let r = 0; r < rows; r++) {
    const segment = ids[r] ?? -1;
    if (segment < 0 || segment >= numSegments) continue;
    const from = r * inner;
    const to = segment * inner;
    for (let i = 0; i < inner; i++) out[to + i] = (out[to + i] ?? 0) + ((values[from + i] as number | undefined) ?? 0);
  }
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  if (io.makeTensorInfo) return io.makeTensorInfo(shape, x.dtype, out);
  // The wasm backend allocates outputs on its heap and exposes them as a typed-array view.
  if (!io.makeOutput || !io.typedArrayFromHeap) throw new Error("UnsortedSegmentSum: backend can neither make nor expose output tensors");
  const info = io.makeOutput(shape, x.dtype);
  io.typedArrayFromHeap(info).set(out);
  return info;
}

/**
 * Identity that shares the input's data, as the cpu backend's does. The wasm backend's copies it,
 * and tfjs's engine saves every tensor a gradient needs by `clone` (an Identity): on wasm, every
 * taped op therefore duplicated its saved inputs and outputs, each use of a weight matrix
 * included, until the backward pass ended — measured on the sm2a tiny model at 352 steps, 485 MiB
 * of copies against 299 MiB of parameters. No wasm kernel writes into its inputs (Reshape already
 * shares data the same way), so sharing is safe.
 */
function sharedIdentity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  (backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Replaces the wasm backend's copying Identity with `sharedIdentity` once that backend is loaded (idempotent). */
function registerSharedWasmIdentity(): void {
  const existing = tf.getKernel("Identity", "wasm");
  if (!existing || existing.kernelFunc === (sharedIdentity as unknown)) return;
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({ kernelName: "Identity", backendName: "wasm", kernelFunc: sharedIdentity as unknown as tf.KernelFunc });
}

/**
 * Installs the kernels above: UnsortedSegmentSum for the cpu and wasm backends, the shared-data
 * Identity and the row-copy GatherV2 (`wasm-row-gather.ts`) for wasm when its package is loaded
 * (idempotent). Run after the backend
 * packages are loaded (useTfBackend and TfParameters do): loading tfjs-backend-cpu later would
 * put its own kernel back.
 */
export function registerFastKernels(): void {
  for (const backendName of ["cpu", "wasm"]) {
    const existing = tf.getKernel("UnsortedSegmentSum", backendName);
    if (existing?.kernelFunc === (unsortedSegmentSum as unknown)) continue;
    if (existing) tf.unregisterKernel("UnsortedSegmentSum", backendName);
    tf.registerKernel({ kernelName: "UnsortedSegmentSum", backendName, kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
  registerSharedWasmIdentity();
  registerWasmRowGather();
}

