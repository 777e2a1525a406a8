import { CliError } from "../errors.js";

/**
 * A usage error: a flag, argument or JSON flag key whose value the command cannot use. Its one
 * line names the flag, the bad value and what is expected
 * (`autosing train: --batch-size must be an integer ≥ 1, got "0"`); it exits with the usage code
 * of the exit-code table (`CliError`'s default).
 */
export class FlagError extends CliError {}
