import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/onnx. */
export class OnnxError extends AutosingError {
  static override readonly scope: string = "onnx";
}

/**
 * onnxruntime refused to load a model (not ONNX, truncated, an operator or opset it lacks).
 * onnxruntime-node throws plain `Error`s; this names the file so a CLI can print one line.
 */
export class OnnxModelError extends OnnxError {
  constructor(
    readonly source: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${source}: not a loadable ONNX model (${detail})`, options);
  }
}

/**
 * A model path that cannot be read as a file: missing, a directory, not allowed. `code` keeps
 * the errno (`ENOENT`, `EISDIR`, `EACCES`, …) so callers can tell a typo from a bad model.
 */
export class OnnxModelFileError extends OnnxError {
  constructor(
    readonly path: string,
    readonly code: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${detail} (${code}); give the path of an .onnx file`, options);
  }
}
