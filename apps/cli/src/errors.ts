/** Marker so errors survive duplicated module instances (STYLE.md: one base class, a stable marker). */
const cliErrorMarker = Symbol.for("autosing.cli.error");

/** A failure the CLI reports as one line on stderr with a chosen exit code, without a stack trace. */
export class CliError extends Error {
  readonly [cliErrorMarker] = true;
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "CliError";
  }

  static isInstance(value: unknown): value is CliError {
    return typeof value === "object" && value !== null && cliErrorMarker in value;
  }
}

/** Exit code of a command that exists in the tree but whose implementation has not landed. */
export const NOT_IMPLEMENTED_EXIT_CODE = 3;

/** Thrown by commands that are planned but not built yet: never a fake success. */
export class NotImplementedError extends CliError {
  constructor(command: string, issue?: number) {
    super(`autosing ${command}: not implemented yet${issue === undefined ? "" : ` (tracked in issue #${issue})`}.`, NOT_IMPLEMENTED_EXIT_CODE);
    this.name = "NotImplementedError";
  }
}
