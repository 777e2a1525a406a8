import { WasmHeapExhaustedError } from "@autosing/nn";
import * as tf from "@tensorflow/tfjs-core";

import { BackendOutOfMemoryError } from "./errors.js";

/** The trap class of the WebAssembly engine (Node has it; our tsconfig's lib does not declare it). */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new (message?: string) => Error } }).WebAssembly.RuntimeError;

/** True for a WebAssembly trap ("memory access out of bounds", "table index is out of bounds", …). */
export function isWasmTrap(error: unknown): error is Error {
  return error instanceof WasmRuntimeError;
}

/**
 * Runs one model step and turns a WebAssembly trap on the wasm backend into a
 * `BackendOutOfMemoryError`: tfjs-backend-wasm 4.22 ignores a failed `_malloc`, so its exhausted
 * 4 GiB heap shows up as a trap in a later kernel (or, in kernels of @autosing/nn that check, as its
 * `WasmHeapExhaustedError`). Other errors pass unchanged.
 */
export function withMemoryDiagnosis<T>(phase: "training" | "validation", step: () => T): T {
  try {
    return step();
  } catch (error) {
    const backend = tf.getBackend();
    if (backend === "wasm" && (isWasmTrap(error) || WasmHeapExhaustedError.isInstance(error))) throw new BackendOutOfMemoryError(backend, phase, error);
    throw error;
  }
}
