import { CliError } from "../errors.js";

/** A library's error class check (every @autosing package exports `XError.isInstance`). */
export interface ErrorFamily {
  isInstance(value: unknown): boolean;
}

const FILE_ERROR_CODES = new Set(["ENOENT", "EISDIR", "EACCES", "ENOTDIR"]);

/**
 * Library failures and unreadable files are the user's to fix: they become one line on stderr
 * prefixed with the command (`autosing sing: …`), without a stack. Anything else is a bug and
 * is passed through unchanged.
 */
export function asUserError(commandName: string, error: unknown, families: readonly ErrorFamily[]): unknown {
  if (families.some((family) => family.isInstance(error))) return new CliError(`autosing ${commandName}: ${(error as Error).message}`);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && FILE_ERROR_CODES.has(code)) return new CliError(`autosing ${commandName}: ${(error as Error).message}`);
  return error;
}
