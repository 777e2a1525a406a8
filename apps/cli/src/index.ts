export { createProgram, runCli } from "./program.js";
export type { CliIo } from "./io.js";
export { CliError, NotImplementedError, NOT_IMPLEMENTED_EXIT_CODE } from "./errors.js";
