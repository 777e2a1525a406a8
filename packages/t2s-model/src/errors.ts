const marker = Symbol.for("autosing.t2s-model.error");

/** Base class of every error thrown by @autosing/t2s-model. */
export class T2SModelError extends Error {
  private readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "T2SModelError";
  }

  static isInstance(value: unknown): value is T2SModelError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A config or tunables value is missing or invalid. */
export class T2SConfigError extends T2SModelError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`t2s config ${field} = ${JSON.stringify(value)}: ${detail}`);
    this.name = "T2SConfigError";
  }
}

/** Inputs to forward/generate have the wrong shape or values. */
export class T2SInputError extends T2SModelError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`t2s input ${input}: ${detail}`);
    this.name = "T2SInputError";
  }
}
