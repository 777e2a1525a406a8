/**
 * The exit codes of `autosing` by name, for code that ends a run on purpose
 * (`new CliError(message, ExitCode.badInput)`). What each means and which errors end a run with
 * it is the table in exit-codes.ts; this module imports nothing, so a command that only needs a
 * code does not load every package the table names.
 */
export const ExitCode = {
  success: 0,
  internalError: 1,
  usage: 2,
  notImplemented: 3,
  badInput: 4,
  modelProblem: 5,
  fileSystem: 6,
  outOfMemory: 7,
  serviceUnavailable: 8,
  interrupted: 130,
} as const;
