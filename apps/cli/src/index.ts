export { createProgram, runCli } from "./program.js";
export type { CliIo } from "./io.js";
export { CliError, NotImplementedError, NOT_IMPLEMENTED_EXIT_CODE } from "./errors.js";
export { EXIT_CODES, ExitCode, type ExitCodeRow, type RecognisedErrorClass, exitCodeRowOf } from "./exit-codes.js";
export { reportFailure } from "./shared/user-errors.js";
export { installInterruptHandler } from "./interrupt.js";
