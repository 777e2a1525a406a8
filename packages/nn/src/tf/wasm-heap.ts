import type * as tf from "@tensorflow/tfjs-core";
import type { KernelBackend, TensorInfo } from "@tensorflow/tfjs-core";

import { WasmHeapExhaustedError } from "../errors.js";

/** What our kernels use of tfjs-backend-wasm's `BackendWasm` (4.22): tensors live on one heap. */
export interface WasmHeapBackend extends KernelBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  /** A view of the tensor's bytes on the heap; stale once the heap grows (take views after allocating). */
  typedArrayFromHeap(info: TensorInfo): tf.backend_util.TypedArray;
}

/** tfjs-backend-wasm 4.22's heap limit (`getHeapMax()`): 4 GiB less one 64 KiB page. */
const WASM_HEAP_MAX_BYTES = 4294901760;

/**
 * `makeOutput` that fails with `WasmHeapExhaustedError` instead of returning a bad tensor:
 * tfjs-backend-wasm passes byte counts to a 32-bit `_malloc` (so 4.5 GB wraps to a small, wrong
 * allocation) and ignores a failed one (the tensor lands at address 0).
 */
export function makeHeapOutput(wasm: WasmHeapBackend, shape: number[], dtype: "float32" | "int32" = "float32"): TensorInfo {
  const bytes = 4 * shape.reduce((p, d) => p * d, 1);
  if (bytes > WASM_HEAP_MAX_BYTES) throw new WasmHeapExhaustedError(shape, bytes);
  const out = wasm.makeOutput(shape, dtype);
  if (bytes > 0 && !wasm.dataIdMap.get(out.dataId)?.memoryOffset) {
    wasm.disposeData(out.dataId);
    throw new WasmHeapExhaustedError(shape, bytes);
  }
  return out;
}
