import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/sing` throws. `SingError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class SingError extends AutosingError {
  static override readonly scope: string = "sing";
}

/** An option (CLI flag) with a value `sing` cannot use; the message says what is expected. */
export class SingOptionError extends SingError {
  constructor(
    readonly flag: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${flag} ${shownValue(value)}: ${expected}`);
  }
}

/** Longest value quoted whole in a message; 30 KB of lyrics would bury the reason. */
const SHOWN_CHARACTERS = 60;

/** The value as the message quotes it: JSON (one line, newlines escaped), long strings cut with their length. */
function shownValue(value: unknown): string {
  if (typeof value !== "string" || value.length <= SHOWN_CHARACTERS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, SHOWN_CHARACTERS))}… (${value.length} characters)`;
}

/** An output location that cannot take the outputs: a file where a directory belongs, or not writable. */
export class SingOutputError extends SingError {
  constructor(
    readonly flag: string,
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${flag} ${path}: ${problem}`, options);
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

/**
 * A model flag's path that does not exist, is not a directory or cannot be read: the path is the
 * problem, not the model in it (the CLI's file-system exit code, where a model that does not load
 * is a model problem).
 */
export class SingModelPathError extends SingModelError {}

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
