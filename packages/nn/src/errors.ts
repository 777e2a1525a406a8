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
