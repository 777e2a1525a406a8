import { AutosingError } from "@autosing/base";

import { ExitCode } from "./exit-code.js";

/**
 * A failure the CLI reports as one line on stderr, without a stack trace, ending the run with
 * `exitCode` (a code of `EXIT_CODES`; usage unless the thrower says otherwise, since most are
 * rejected flags and arguments).
 */
export class CliError extends AutosingError {
  static override readonly scope: string = "cli";

  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Exit code of a command that exists in the tree but whose implementation has not landed. */
export const NOT_IMPLEMENTED_EXIT_CODE = ExitCode.notImplemented;

/** Thrown by commands that are planned but not built yet: never a fake success. */
export class NotImplementedError extends CliError {
  constructor(command: string, issue?: number) {
    super(`autosing ${command}: not implemented yet${issue === undefined ? "" : ` (tracked in issue #${issue})`}.`, NOT_IMPLEMENTED_EXIT_CODE);
  }
}
