import * as tf from "@tensorflow/tfjs-core";
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

import { type WasmHeapBackend, makeHeapOutput } from "./wasm-heap.js";

let original: KernelFunc | undefined;

/**
 * Embedding lookups (GatherV2 of float32 rows along axis 0 by int32 ids) on wasm as one
 * `TypedArray.copyWithin` per id on the heap. tfjs-backend-wasm's own GatherV2 walks every output
 * element through strided index arithmetic: measured 6 ms for 640 ids of a [4096, 384] table in
 * t2s tiny's step, where the rows are contiguous and the copy takes microseconds. Anything else
 * (another axis, batch dimensions, an id out of range: its error is the original kernel's) goes
 * to the original kernel. Same values.
 */
const rowGather: KernelFunc = (args) => {
  const { inputs, attrs, backend } = args;
  const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = (attrs ?? {}) as { axis?: number; batchDims?: number };
  const wasm = backend as WasmHeapBackend;
  const rows = x.shape[0] ?? 0;
  if ((axis ?? 0) !== 0 || (batchDims ?? 0) !== 0 || x.dtype !== "float32" || indices.dtype !== "int32" || x.shape.length < 1 || !original) {
    return (original as KernelFunc)(args);
  }
  const checked = wasm.typedArrayFromHeap(indices) as Int32Array;
  for (const id of checked) if (id < 0 || id >= rows) return original(args);
  const rowSize = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const out = makeHeapOutput(wasm, [...indices.shape, ...x.shape.slice(1)]);
  // Views are taken after the allocation, which may have grown (moved) the heap.
  const outStart = (wasm.typedArrayFromHeap(out) as Float32Array).byteOffset / 4;
  const tableStart = (wasm.typedArrayFromHeap(x) as Float32Array).byteOffset / 4;
  const ids = wasm.typedArrayFromHeap(indices) as Int32Array;
  const heap = new Float32Array((wasm.typedArrayFromHeap(out) as Float32Array).buffer);
  ids.forEach((id, i) => heap.copyWithin(outStart + i * rowSize, tableStart + id * rowSize, tableStart + (id + 1) * rowSize));
  return out;
};

/** Wraps wasm's GatherV2 with the row copy above once the wasm backend is loaded (idempotent). */
export function registerWasmRowGather(): void {
  const existing = tf.getKernel("GatherV2", "wasm");
  if (!existing || existing.kernelFunc === rowGather) return;
  original = existing.kernelFunc;
  tf.unregisterKernel("GatherV2", "wasm");
  // The original's setupFunc binds its wasm function when the backend initialises: keep it.
  tf.registerKernel({ kernelName: "GatherV2", backendName: "wasm", kernelFunc: rowGather, ...(existing.setupFunc ? { setupFunc: existing.setupFunc } : {}) });
}
