const marker = Symbol.for("autosing.nn.error");

/** Base class of every error thrown by @autosing/nn; `NnError.isInstance` works across package copies. */
export class NnError extends Error {
  private readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NnError";
  }

  static isInstance(value: unknown): value is NnError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A safetensors file is malformed or uses a dtype we cannot read. */
export class SafetensorsFormatError extends NnError {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = "SafetensorsFormatError";
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
    this.name = "StateDictMismatchError";
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
    this.name = "ModelConfigError";
  }
}

/** Tensor inputs given to a model or block have the wrong shape or values. */
export class TensorShapeError extends NnError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`${input}: ${detail}`);
    this.name = "TensorShapeError";
  }
}
