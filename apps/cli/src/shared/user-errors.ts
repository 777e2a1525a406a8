import { CommanderError } from "commander";

import { CliError } from "../errors.js";
import { ExitCode, exitCodeRowOf } from "../exit-codes.js";
import type { CliIo } from "../io.js";

/**
 * Library failures and failed file-system calls are the user's to fix: they become a CliError
 * whose message is one line prefixed with the command (`autosing sing: …`) and whose code is
 * the exit-code table's row for the error. A CliError and anything the table does not know (a
 * bug) pass through unchanged.
 */
export function asUserError(commandName: string | undefined, error: unknown): unknown {
  if (CliError.isInstance(error)) return error;
  const row = exitCodeRowOf(error);
  if (row === undefined) return error;
  const prefix = commandName === undefined ? "autosing" : `autosing ${commandName}`;
  return new CliError(`${prefix}: ${(error as Error).message}`, row.code, { cause: error });
}

/**
 * The one place where a failed run becomes its exit code and stderr. Commander has already
 * printed its usage errors (help and --version end as success); user errors print one line
 * without a stack; anything else is a bug and prints its stack.
 */
export function reportFailure(error: unknown, io: CliIo, commandName?: string): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
  const failure = asUserError(commandName, error);
  if (CliError.isInstance(failure)) {
    io.stderr(`${failure.message}\n`);
    return failure.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`autosing: unexpected error: ${message}\n`);
  return ExitCode.internalError;
}
