const marker = Symbol.for("autosing.sm2a-model.error");

/** Base class of every error thrown by @autosing/sm2a-model. */
export class SM2AModelError extends Error {
  private readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SM2AModelError";
  }

  static isInstance(value: unknown): value is SM2AModelError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A config or tunables value is missing or invalid. */
export class SM2AConfigError extends SM2AModelError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`sm2a config ${field} = ${JSON.stringify(value)}: ${detail}`);
    this.name = "SM2AConfigError";
  }
}

/** Inputs to forward/generate have the wrong shape or values. */
export class SM2AInputError extends SM2AModelError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`sm2a input ${input}: ${detail}`);
    this.name = "SM2AInputError";
  }
}
