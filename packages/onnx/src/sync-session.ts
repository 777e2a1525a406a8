import { createRequire } from "node:module";

import type * as ort from "onnxruntime-node";

import { OnnxError, OnnxModelError } from "./errors.js";

/** What onnxruntime-node's native addon exports (dist/binding.d.ts of onnxruntime-node 1.30). */
interface NativeBinding {
  binding: { InferenceSession: new () => NativeBindingSession };
  initOrt(): void;
}

interface NativeBindingSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: ort.InferenceSession.SessionOptions): void;
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, ort.Tensor | null>, options: ort.InferenceSession.RunOptions): Record<string, ort.Tensor>;
  dispose(): void;
}

export interface SyncSessionOptions {
  /** Intra-op threads (default: onnxruntime's choice, all cores). */
  threads?: number;
  /**
   * Whether idle pool threads spin waiting for the next run (onnxruntime's default). Off here by
   * default: the caller runs many short graphs between its own work on the same cores, and a
   * spinning pool thread would take a core from it.
   */
  spinning?: boolean;
}

/** A session whose `run` returns when the outputs are written, for callers that cannot await (tfjs kernels). */
export interface SyncOnnxSession {
  /**
   * Runs the graph. A fetch given as a tensor is written in place (its data may be a view into
   * any ArrayBuffer, a wasm heap included), so a caller that preallocates its outputs copies
   * nothing; a fetch given as `null` comes back as a new tensor.
   */
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, ort.Tensor | null>): Record<string, ort.Tensor>;
  release(): void;
}

let nativeBinding: NativeBinding | undefined;

/**
 * onnxruntime-node's public `InferenceSession.run` is a Promise around a synchronous native call
 * (dist/backend.js defers it with setImmediate); a tfjs kernel must return its output before it
 * returns, so this reaches the native session directly through the package's own binding module.
 * It is not a public entry point of onnxruntime-node, hence the shape check: a version that moved
 * it throws `OnnxError` and callers keep their own path.
 */
function loadNativeBinding(): NativeBinding {
  if (nativeBinding) return nativeBinding;
  const require = createRequire(import.meta.url);
  let loaded: Partial<NativeBinding>;
  try {
    loaded = require("onnxruntime-node/dist/binding.js") as Partial<NativeBinding>;
  } catch (error) {
    throw new OnnxError(`onnxruntime-node's synchronous binding could not be loaded (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`, { cause: error });
  }
  if (typeof loaded.initOrt !== "function" || typeof loaded.binding?.InferenceSession !== "function") {
    throw new OnnxError("onnxruntime-node's binding module has an unexpected shape (no InferenceSession / initOrt); this onnxruntime-node version is not supported for synchronous runs");
  }
  loaded.initOrt();
  nativeBinding = loaded as NativeBinding;
  return nativeBinding;
}

/**
 * Opens a synchronous session on the bundled CPU execution provider from model bytes, with graph
 * optimisation "all" like `openOnnxSession`. Throws `OnnxError` when the installed onnxruntime-node
 * offers no synchronous binding, `OnnxModelError` when onnxruntime cannot load the model.
 */
export function openSyncOnnxSession(model: Uint8Array, options: SyncSessionOptions = {}): SyncOnnxSession {
  const { binding } = loadNativeBinding();
  const session = new binding.InferenceSession();
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [{ name: "cpu" }],
    graphOptimizationLevel: "all",
    // Warnings (an initializer the optimiser folded away, …) would land on the caller's stderr.
    logSeverityLevel: 3,
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    ...(options.spinning ?? false ? {} : { extra: { session: { intra_op: { allow_spinning: "0" } } } }),
  };
  try {
    session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, sessionOptions);
  } catch (error) {
    throw new OnnxModelError(`ONNX model bytes (${model.byteLength} bytes)`, error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error), { cause: error });
  }
  return {
    run: (feeds, fetches) => session.run(feeds, fetches, {}),
    release: () => session.dispose(),
  };
}
