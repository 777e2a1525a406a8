import * as ort from "onnxruntime-node";

export type { InferenceSession, Tensor } from "onnxruntime-node";

export interface SessionOptions {
  /** Intra-op threads; defaults to onnxruntime's choice (all cores). */
  threads?: number;
  /** Writes onnxruntime's per-node profile (JSON) to a file starting with this prefix; end it with `session.endProfiling()`. */
  profileFilePrefix?: string;
}

/**
 * Opens an onnxruntime-node session on the bundled CPU execution provider from a file path
 * or model bytes. Graph optimisation is on ("all"), which is where fused attention and
 * GEMM kernels come from.
 */
export async function openOnnxSession(
  model: string | Uint8Array,
  options: SessionOptions = {},
): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    ...(options.profileFilePrefix === undefined ? {} : { enableProfiling: true, profileFilePrefix: options.profileFilePrefix }),
  };
  return typeof model === "string"
    ? ort.InferenceSession.create(model, sessionOptions)
    : ort.InferenceSession.create(model, sessionOptions);
}

/** Makes a float32 tensor; re-exported so callers need no direct onnxruntime dependency. */
export function float32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}

/** Makes an int64 tensor from plain numbers. */
export function int64Tensor(data: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int64", BigInt64Array.from(Array.from(data, (v) => BigInt(v))), dims);
}
