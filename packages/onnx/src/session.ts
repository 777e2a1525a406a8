import { open } from "node:fs/promises";

import * as ort from "onnxruntime-node";

import { OnnxModelError, OnnxModelFileError } from "./errors.js";

export type { InferenceSession, Tensor } from "onnxruntime-node";

export interface SessionOptions {
  /** Intra-op threads; defaults to onnxruntime's choice (all cores). */
  threads?: number;
  /** Writes onnxruntime's per-node profile (JSON) to a file starting with this prefix; end it with `session.endProfiling()`. */
  profileFilePrefix?: string;
}

/** Words for the errno of a model path that cannot be opened; the code itself ends the message. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  ENOTDIR: "a folder on the path is a file",
  EACCES: "not allowed to read it",
  EPERM: "not allowed to read it",
  EISDIR: "is a directory, not a model file",
};

/**
 * Checks that a model path is a readable file before onnxruntime sees it: onnxruntime reports
 * a missing file or a directory as a plain `Error` without an errno, so a typo in a path would
 * look like a broken model.
 */
async function checkModelFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    const handle = await open(path, "r");
    try {
      isFile = (await handle.stat()).isFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    throw new OnnxModelFileError(path, code, FILE_PROBLEMS[code] ?? "cannot read it", { cause: error });
  }
  if (!isFile) throw new OnnxModelFileError(path, "EISDIR", FILE_PROBLEMS.EISDIR ?? "is a directory");
}

/**
 * onnxruntime's own reason, first line only, without its "Load model from <path> failed:"
 * prefix (our message names the file already).
 */
function onnxruntimeReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n", 1)[0] ?? "";
  return firstLine.replace(/^Load model from .* failed:\s*/u, "").trim() || "onnxruntime gave no reason";
}

/**
 * Opens an onnxruntime-node session on the bundled CPU execution provider from a file path
 * or model bytes. Graph optimisation is on ("all"), which is where fused attention and
 * GEMM kernels come from. A path that is not a readable file throws `OnnxModelFileError`
 * (with its errno); a model onnxruntime cannot load throws `OnnxModelError`.
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
  if (typeof model === "string") await checkModelFile(model);
  try {
    return typeof model === "string"
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    const source = typeof model === "string" ? model : `ONNX model bytes (${model.byteLength} bytes)`;
    throw new OnnxModelError(source, onnxruntimeReason(error), { cause: error });
  }
}

/** Makes a float32 tensor; re-exported so callers need no direct onnxruntime dependency. */
export function float32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}

/** Makes an int32 tensor over `data` (not copied). */
export function int32Tensor(data: Int32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int32", data, dims);
}

/** Makes an int64 tensor from plain numbers. */
export function int64Tensor(data: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int64", BigInt64Array.from(Array.from(data, (v) => BigInt(v))), dims);
}
