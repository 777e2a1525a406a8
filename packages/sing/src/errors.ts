const marker = Symbol.for("autosing.sing.error");

/** Base class of every error this package throws; `SingError.isInstance` works across copies of the package. */
export class SingError extends Error {
  private readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  static isInstance(value: unknown): value is SingError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** An option (CLI flag) with a value `sing` cannot use; the message says what is expected. */
export class SingOptionError extends SingError {
  constructor(
    readonly flag: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${flag} ${JSON.stringify(value)}: ${expected}`);
  }
}

/** A model (directory or spec) that is missing, unreadable or does not fit the other models. */
export class SingModelError extends SingError {
  constructor(
    readonly flag: string,
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${flag} ${path}: ${problem}`, options);
  }
}

/** An input audio file that is missing, unreadable or too short for what the models need. */
export class SingInputError extends SingError {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
  }
}
