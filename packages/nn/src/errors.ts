import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/nn` throws. `NnError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class NnError extends AutosingError {
  static override readonly scope: string = "nn";
}

/** A safetensors file is malformed or uses a dtype we cannot read. */
export class SafetensorsFormatError extends NnError {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}

/** A state dict does not match a model's parameters: lists every missing, extra and mis-shaped key. */
export class StateDictMismatchError extends NnError {
  constructor(
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly wrongShape: readonly { name: string; expected: readonly number[]; actual: readonly number[] }[],
  ) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing keys: ${missing.join(", ")}`);
    if (unexpected.length > 0) parts.push(`unexpected keys: ${unexpected.join(", ")}`);
    if (wrongShape.length > 0) {
      parts.push(
        `wrong shapes: ${wrongShape.map((w) => `${w.name} is [${w.actual.join(", ")}], expected [${w.expected.join(", ")}]`).join("; ")}`,
      );
    }
    super(`state dict does not match the model: ${parts.join("; ")}`);
  }
}

/** A model configuration value is invalid (names the field and the bad value). */
export class ModelConfigError extends NnError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`config field ${field} = ${JSON.stringify(value)}: ${detail}`);
  }
}

/** Tensor inputs given to a model or block have the wrong shape or values. */
export class TensorShapeError extends NnError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`${input}: ${detail}`);
  }
}

/**
 * A checkpoint holds a NaN or infinite weight (a diverged run): exporting it would write graphs
 * that generate garbage. Names the first bad tensor and flat index.
 */
export class NonFiniteWeightError extends NnError {
  constructor(
    readonly tensor: string,
    readonly index: number,
    readonly value: number,
  ) {
    super(`weight ${tensor}[${index}] is ${value}: the checkpoint holds NaN or infinite weights (a diverged run?); export an earlier checkpoint`);
  }
}

/**
 * An export destination that cannot be a folder or cannot be written (a file, a read-only
 * folder). `code` is the errno it stands for, so it reads like the failed system call it prevents.
 */
export class ExportFolderError extends NnError {
  constructor(
    readonly path: string,
    readonly code: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${detail} (${code})`, options);
  }
}

/**
 * The wasm backend's heap (32-bit, 4 GiB at most) could not hold a tensor. tfjs-backend-wasm
 * ignores a failed allocation and faults later; kernels of ours that allocate check and throw
 * this instead, naming the tensor.
 */
export class WasmHeapExhaustedError extends NnError {
  constructor(
    readonly shape: readonly number[],
    readonly bytes: number,
  ) {
    super(`the wasm heap (4 GiB at most) could not hold a float32 [${shape.join(", ")}] tensor (${(bytes / 2 ** 20).toFixed(0)} MiB)`);
  }
}
